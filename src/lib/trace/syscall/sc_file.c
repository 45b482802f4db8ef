/* sc_file - decoders for files, names and descriptors: the open and stat
 * families, close/dup/fcntl/lseek, getdents64, the name-changing calls. */
#include <fcntl.h>
#include <linux/stat.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/trace/syscall/sc.h"
#include "util/xalloc.h"

#ifndef O_TMPFILE
#define O_TMPFILE (020000000 | O_DIRECTORY)
#endif

/* in strace's order: O_SYNC and O_TMPFILE whole before their parts */
static const struct sc_named open_flags[] = {
	{ O_CREAT, "O_CREAT" },	      { O_EXCL, "O_EXCL" },
	{ O_NOCTTY, "O_NOCTTY" },     { O_TRUNC, "O_TRUNC" },
	{ O_APPEND, "O_APPEND" },     { O_NONBLOCK, "O_NONBLOCK" },
	{ O_SYNC, "O_SYNC" },	      { O_DSYNC, "O_DSYNC" },
	{ 04000000, "__O_SYNC" },     { O_DIRECT, "O_DIRECT" },
	{ 0100000, "O_LARGEFILE" },   { O_NOFOLLOW, "O_NOFOLLOW" },
	{ O_NOATIME, "O_NOATIME" },   { O_CLOEXEC, "O_CLOEXEC" },
	{ O_PATH, "O_PATH" },	      { O_TMPFILE, "O_TMPFILE" },
	{ 020000000, "__O_TMPFILE" }, { O_DIRECTORY, "O_DIRECTORY" },
	{ O_ASYNC, "FASYNC" },	      { 0, NULL },
};

void sc_open_flags(struct buf *o, unsigned long long v)
{
	sc_flags(o, v, open_flags, "0");
}

static const struct sc_named at_flags[] = {
	{ AT_SYMLINK_NOFOLLOW, "AT_SYMLINK_NOFOLLOW" },
	{ AT_REMOVEDIR, "AT_REMOVEDIR" },
	{ AT_SYMLINK_FOLLOW, "AT_SYMLINK_FOLLOW" },
	{ AT_NO_AUTOMOUNT, "AT_NO_AUTOMOUNT" },
	{ AT_EMPTY_PATH, "AT_EMPTY_PATH" },
	{ AT_STATX_FORCE_SYNC, "AT_STATX_FORCE_SYNC" },
	{ AT_STATX_DONT_SYNC, "AT_STATX_DONT_SYNC" },
	{ AT_EACCESS, "AT_EACCESS" },
	{ 0, NULL },
};

/* open flags: the access mode first, as strace prints them */
static void print_open_flags(struct buf *o, unsigned long long f)
{
	static const char *const acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };
	unsigned long long rest;

	buf_addstr(o, acc[f & 3]);
	rest = f & ~3ULL;
	if (rest) {
		buf_addc(o, '|');
		sc_flags(o, rest, open_flags, NULL);
	}
}

static void print_mode(struct buf *o, unsigned long long m)
{
	buf_addf(o, "%#03llo", m & 07777777);
}

static void print_open_rest(struct sc_call *c, struct buf *o, int fi)
{
	unsigned long long f = c->args[fi];
	sc_arg(c, o);
	print_open_flags(o, f);
	if ((f & O_CREAT) || (f & 020000000)) { /* O_CREAT or __O_TMPFILE */
		sc_arg(c, o);
		print_mode(o, c->args[fi + 1]);
	}
	c->rval = SC_RVAL_FD;
}

static void dec_open(struct sc_call *c, struct buf *o, int exiting)
{
	sc_arg(c, o);
	sc_path(c, o, c->args[0]);
	print_open_rest(c, o, 1);
}

static void dec_openat(struct sc_call *c, struct buf *o, int exiting)
{
	sc_arg(c, o);
	sc_dirfd(c, o, c->args[0]);
	sc_arg(c, o);
	sc_path(c, o, c->args[1]);
	print_open_rest(c, o, 2);
}

static void dec_creat(struct sc_call *c, struct buf *o, int exiting)
{
	sc_arg(c, o);
	sc_path(c, o, c->args[0]);
	sc_arg(c, o);
	print_mode(o, c->args[1]);
	c->rval = SC_RVAL_FD;
}

static void dec_dup(struct sc_call *c, struct buf *o, int exiting)
{
	sc_arg_fd0(c, o);
	if (c->ent->nargs >= 2) {
		sc_arg(c, o);
		sc_fd(c, o, c->args[1]);
	}
	if (c->ent->nargs == 3) {
		sc_arg(c, o);
		sc_flags(o, c->args[2], open_flags, "0");
	}
	c->rval = SC_RVAL_FD;
}

/* set-id and sticky bits by name, then the permissions: S_ISVTX|0777 */
static void print_mode_bits(struct buf *o, unsigned mode)
{
	if (mode & S_ISUID)
		buf_addstr(o, "S_ISUID|");
	if (mode & S_ISGID)
		buf_addstr(o, "S_ISGID|");
	if (mode & S_ISVTX)
		buf_addstr(o, "S_ISVTX|");
	buf_addf(o, "%#03o", mode & 0777);
}

void sc_at_flags(struct buf *o, unsigned long long v)
{
	sc_flags(o, v, at_flags, "0");
}

/* mknod's mode: the file type by name, then the permissions */
void sc_file_mode(struct buf *o, unsigned mode)
{
	static const struct sc_named types[] = {
		{ S_IFREG, "S_IFREG" },	  { S_IFDIR, "S_IFDIR" },
		{ S_IFCHR, "S_IFCHR" },	  { S_IFBLK, "S_IFBLK" },
		{ S_IFIFO, "S_IFIFO" },	  { S_IFLNK, "S_IFLNK" },
		{ S_IFSOCK, "S_IFSOCK" }, { 0, NULL },
	};
	const char *t = sc_xlat_name(mode & S_IFMT, types);
	if (t) {
		buf_addstr(o, t);
		buf_addc(o, '|');
		mode &= ~(unsigned)S_IFMT;
	}
	if (mode & ~07777U)
		buf_addf(o, "%#03o", mode);
	else
		print_mode_bits(o, mode);
}

static void print_file_mode(struct buf *o, unsigned mode)
{
	static const struct sc_named types[] = {
		{ S_IFREG, "S_IFREG" },	  { S_IFDIR, "S_IFDIR" },
		{ S_IFCHR, "S_IFCHR" },	  { S_IFBLK, "S_IFBLK" },
		{ S_IFIFO, "S_IFIFO" },	  { S_IFLNK, "S_IFLNK" },
		{ S_IFSOCK, "S_IFSOCK" }, { 0, NULL },
	};
	sc_xlat(o, mode & S_IFMT, types, 1);
	buf_addc(o, '|');
	print_mode_bits(o, mode);
}

/* stat: strace's abbreviated form unless -v */
static void print_stat(struct sc_call *c, struct buf *o, unsigned long long addr)
{
	struct stat st;

	if (c->ret < 0 || sc_mem_read(c, addr, &st, sizeof(st))) {
		sc_ptr(o, addr);
		return;
	}
	buf_addstr(o, "{st_mode=");
	print_file_mode(o, st.st_mode);
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		buf_addf(o, ", st_rdev=makedev(%#x, %#x)", major(st.st_rdev), minor(st.st_rdev));
	else
		buf_addf(o, ", st_size=%lld", (long long)st.st_size);
	buf_addstr(o, ", ...}");
}

static void dec_stat(struct sc_call *c, struct buf *o, int exiting)
{
	if (!exiting) {
		sc_arg(c, o);
		if (!strcmp(c->ent->name, "fstat"))
			sc_fd(c, o, c->args[0]);
		else
			sc_path(c, o, c->args[0]);
		return;
	}
	sc_arg(c, o);
	print_stat(c, o, c->args[1]);
}

static void dec_newfstatat(struct sc_call *c, struct buf *o, int exiting)
{
	if (!exiting) {
		sc_arg(c, o);
		sc_dirfd(c, o, c->args[0]);
		sc_arg(c, o);
		sc_path(c, o, c->args[1]);
		return;
	}
	sc_arg(c, o);
	print_stat(c, o, c->args[2]);
	sc_arg(c, o);
	sc_flags(o, c->args[3], at_flags, "0");
}

static const struct sc_named statx_mask[] = {
	{ 0xfff, "STATX_ALL" },
	{ 0x7ff, "STATX_BASIC_STATS" },
	{ 0x1, "STATX_TYPE" },
	{ 0x2, "STATX_MODE" },
	{ 0x4, "STATX_NLINK" },
	{ 0x8, "STATX_UID" },
	{ 0x10, "STATX_GID" },
	{ 0x20, "STATX_ATIME" },
	{ 0x40, "STATX_MTIME" },
	{ 0x80, "STATX_CTIME" },
	{ 0x100, "STATX_INO" },
	{ 0x200, "STATX_SIZE" },
	{ 0x400, "STATX_BLOCKS" },
	{ 0x800, "STATX_BTIME" },
	{ 0x1000, "STATX_MNT_ID" },
	{ 0x2000, "STATX_DIOALIGN" },
	{ 0, NULL },
};

static void print_statx_flags(struct buf *o, unsigned long long f)
{
	static const char *const sync[] = { "AT_STATX_SYNC_AS_STAT", "AT_STATX_FORCE_SYNC",
					    "AT_STATX_DONT_SYNC", "0x6000" };
	buf_addstr(o, sync[(f >> 13) & 3]);
	f &= ~0x6000ULL;
	if (f) {
		buf_addc(o, '|');
		sc_flags(o, f, at_flags, NULL);
	}
}

static void dec_statx(struct sc_call *c, struct buf *o, int exiting)
{
	if (!exiting) {
		sc_arg(c, o);
		sc_dirfd(c, o, c->args[0]);
		sc_arg(c, o);
		sc_path(c, o, c->args[1]);
		sc_arg(c, o);
		print_statx_flags(o, c->args[2]);
		sc_arg(c, o);
		sc_flags(o, (unsigned)c->args[3], statx_mask, "0");
		return;
	}
	sc_arg(c, o);
	struct statx sx;
	if (c->ret < 0 || sc_mem_read(c, c->args[4], &sx, sizeof(sx))) {
		sc_ptr(o, c->args[4]);
		return;
	}
	buf_addstr(o, "{stx_mask=");
	sc_flags(o, sx.stx_mask, statx_mask, "0");
	buf_addstr(o, ", stx_attributes=");
	sc_hex(o, sx.stx_attributes);
	buf_addstr(o, ", stx_mode=");
	print_file_mode(o, sx.stx_mode);
	buf_addf(o, ", stx_size=%llu, ...}", (unsigned long long)sx.stx_size);
}

static const struct sc_named access_modes[] = {
	{ R_OK, "R_OK" },
	{ W_OK, "W_OK" },
	{ X_OK, "X_OK" },
	{ 0, NULL },
};

static void dec_access(struct sc_call *c, struct buf *o, int exiting)
{
	int i = 0;
	if (strcmp(c->ent->name, "access")) {
		sc_arg(c, o);
		sc_dirfd(c, o, c->args[i++]);
	}
	sc_arg(c, o);
	sc_path(c, o, c->args[i++]);
	sc_arg(c, o);
	sc_flags(o, c->args[i++], access_modes, "F_OK");
	if (!strcmp(c->ent->name, "faccessat2")) {
		sc_arg(c, o);
		sc_flags(o, c->args[i], at_flags, "0");
	}
}

static void dec_unlinkat(struct sc_call *c, struct buf *o, int exiting)
{
	sc_arg(c, o);
	sc_dirfd(c, o, c->args[0]);
	sc_arg(c, o);
	sc_path(c, o, c->args[1]);
	sc_arg(c, o);
	sc_flags(o, c->args[2], at_flags, "0");
}

static void dec_renameat(struct sc_call *c, struct buf *o, int exiting)
{
	static const struct sc_named rn[] = {
		{ 1, "RENAME_NOREPLACE" },
		{ 2, "RENAME_EXCHANGE" },
		{ 4, "RENAME_WHITEOUT" },
		{ 0, NULL },
	};
	sc_arg(c, o);
	sc_dirfd(c, o, c->args[0]);
	sc_arg(c, o);
	sc_path(c, o, c->args[1]);
	sc_arg(c, o);
	sc_dirfd(c, o, c->args[2]);
	sc_arg(c, o);
	sc_path(c, o, c->args[3]);
	if (!strcmp(c->ent->name, "renameat2")) {
		sc_arg(c, o);
		sc_flags(o, c->args[4], rn, "0");
	}
}

static void dec_linkat(struct sc_call *c, struct buf *o, int exiting)
{
	dec_renameat(c, o, exiting);
	if (!exiting) {
		sc_arg(c, o);
		sc_flags(o, c->args[4], at_flags, "0");
	}
}

/* readlink(path, buf, size) / readlinkat(dirfd, path, buf, size) */
static void dec_readlink(struct sc_call *c, struct buf *o, int exiting)
{
	int at = c->ent->name[8] == 'a';
	if (!exiting) {
		if (at) {
			sc_arg(c, o);
			sc_dirfd(c, o, c->args[0]);
		}
		sc_arg(c, o);
		sc_path(c, o, c->args[at]);
		return;
	}
	sc_arg(c, o);
	if (c->ret < 0)
		sc_ptr(o, c->args[at + 1]);
	else
		sc_bufn(c, o, c->args[at + 1], (unsigned long long)c->ret);
	sc_arg(c, o);
	sc_udec(o, c->args[at + 2]);
}

static void dec_getcwd(struct sc_call *c, struct buf *o, int exiting)
{
	if (!exiting)
		return;
	sc_arg(c, o);
	if (c->ret < 0)
		sc_ptr(o, c->args[0]);
	else
		sc_path(c, o, c->args[0]);
	sc_arg(c, o);
	sc_udec(o, c->args[1]);
}

static void dec_truncate(struct sc_call *c, struct buf *o, int exiting)
{
	sc_arg(c, o);
	if (!strcmp(c->ent->name, "ftruncate"))
		sc_fd(c, o, c->args[0]);
	else
		sc_path(c, o, c->args[0]);
	sc_arg(c, o);
	sc_dec(o, (long long)c->args[1]);
}

static void dec_lseek(struct sc_call *c, struct buf *o, int exiting)
{
	static const struct sc_named whence[] = {
		{ SEEK_SET, "SEEK_SET" },   { SEEK_CUR, "SEEK_CUR" },	{ SEEK_END, "SEEK_END" },
		{ SEEK_DATA, "SEEK_DATA" }, { SEEK_HOLE, "SEEK_HOLE" }, { 0, NULL },
	};
	sc_arg_fd0(c, o);
	sc_arg(c, o);
	sc_dec(o, (long long)c->args[1]);
	sc_arg(c, o);
	sc_xlat(o, (unsigned)c->args[2], whence, 0);
}

static void dec_getdents(struct sc_call *c, struct buf *o, int exiting)
{
	if (!exiting) {
		sc_arg_fd0(c, o);
		return;
	}
	sc_arg(c, o);
	sc_ptr(o, c->args[1]);
	if (c->ret >= 0 && c->ret <= (1 << 20) && !strcmp(c->ent->name, "getdents64")) {
		/* count the entries; the record lengths are the tracee's word */
		size_t n = (size_t)c->ret, off = 0, count = 0;
		unsigned char *p = xmalloc(n ? n : 1);
		if (!sc_mem_read(c, c->args[1], p, n)) {
			while (off + 19 <= n) {
				unsigned short reclen;
				memcpy(&reclen, p + off + 16, 2);
				if (reclen < 19)
					break;
				count++;
				off += reclen;
			}
			buf_addf(o, " /* %zu entries */", count);
		}
		free(p);
	}
	sc_arg(c, o);
	sc_udec(o, c->args[2]);
}

static const struct sc_named fcntl_cmds[] = {
	{ F_DUPFD, "F_DUPFD" },
	{ F_GETFD, "F_GETFD" },
	{ F_SETFD, "F_SETFD" },
	{ F_GETFL, "F_GETFL" },
	{ F_SETFL, "F_SETFL" },
	{ F_GETLK, "F_GETLK" },
	{ F_SETLK, "F_SETLK" },
	{ F_SETLKW, "F_SETLKW" },
	{ F_SETOWN, "F_SETOWN" },
	{ F_GETOWN, "F_GETOWN" },
	{ F_SETSIG, "F_SETSIG" },
	{ F_GETSIG, "F_GETSIG" },
	{ F_OFD_GETLK, "F_OFD_GETLK" },
	{ F_OFD_SETLK, "F_OFD_SETLK" },
	{ F_OFD_SETLKW, "F_OFD_SETLKW" },
	{ F_SETLEASE, "F_SETLEASE" },
	{ F_GETLEASE, "F_GETLEASE" },
	{ F_NOTIFY, "F_NOTIFY" },
	{ F_DUPFD_CLOEXEC, "F_DUPFD_CLOEXEC" },
	{ F_SETPIPE_SZ, "F_SETPIPE_SZ" },
	{ F_GETPIPE_SZ, "F_GETPIPE_SZ" },
	{ F_ADD_SEALS, "F_ADD_SEALS" },
	{ F_GET_SEALS, "F_GET_SEALS" },
	{ 0, NULL },
};

static const struct sc_named fd_flags[] = { { FD_CLOEXEC, "FD_CLOEXEC" }, { 0, NULL } };

static void rdecor_getfl(struct sc_call *c, struct buf *o)
{
	buf_addstr(o, " (flags ");
	print_open_flags(o, (unsigned long long)c->ret);
	buf_addc(o, ')');
}

static void rdecor_getfd(struct sc_call *c, struct buf *o)
{
	if (c->ret) {
		buf_addstr(o, " (flags ");
		sc_flags(o, (unsigned long long)c->ret, fd_flags, NULL);
		buf_addc(o, ')');
	}
}

/* struct flock; l_pid only for what F_GETLK returns */
static void print_flock(struct sc_call *c, struct buf *o, unsigned long long addr, int pid)
{
	static const struct sc_named types[] = {
		{ F_RDLCK, "F_RDLCK" },
		{ F_WRLCK, "F_WRLCK" },
		{ F_UNLCK, "F_UNLCK" },
		{ 0, NULL },
	};
	static const struct sc_named whence[] = {
		{ SEEK_SET, "SEEK_SET" },
		{ SEEK_CUR, "SEEK_CUR" },
		{ SEEK_END, "SEEK_END" },
		{ 0, NULL },
	};
	struct flock fl;
	if (sc_mem_read(c, addr, &fl, sizeof(fl))) {
		sc_ptr(o, addr);
		return;
	}
	buf_addstr(o, "{l_type=");
	sc_xlat(o, (unsigned short)fl.l_type, types, 1);
	buf_addstr(o, ", l_whence=");
	sc_xlat(o, (unsigned short)fl.l_whence, whence, 1);
	buf_addf(o, ", l_start=%lld, l_len=%lld", (long long)fl.l_start, (long long)fl.l_len);
	if (pid)
		buf_addf(o, ", l_pid=%d", (int)fl.l_pid);
	buf_addc(o, '}');
}

static void dec_fcntl(struct sc_call *c, struct buf *o, int exiting)
{
	unsigned cmd = (unsigned)c->args[1];
	int getlk = cmd == F_GETLK || cmd == F_OFD_GETLK;

	/* the struct F_GETLK fills is shown at exit, all else at entry */
	if (exiting) {
		if (getlk) {
			sc_arg(c, o);
			if (c->ret < 0)
				sc_ptr(o, c->args[2]);
			else
				print_flock(c, o, c->args[2], 1);
		}
		return;
	}
	c->at_exit = getlk;
	/* the result's note, printed after it at exit */
	if (cmd == F_GETFL) {
		c->rval = SC_RVAL_HEX;
		c->rdecor = rdecor_getfl;
	} else if (cmd == F_GETFD) {
		c->rval = SC_RVAL_HEX;
		c->rdecor = rdecor_getfd;
	}
	sc_arg_fd0(c, o);
	sc_arg(c, o);
	sc_xlat(o, cmd, fcntl_cmds, 1);
	switch (cmd) {
	case F_GETFD:
	case F_GETFL:
	case F_GETOWN:
	case F_GETSIG:
	case F_GETLEASE:
	case F_GETPIPE_SZ:
	case F_GET_SEALS:
		break;
	case F_SETFD:
		sc_arg(c, o);
		sc_flags(o, c->args[2], fd_flags, "0");
		break;
	case F_SETFL:
		sc_arg(c, o);
		print_open_flags(o, c->args[2]);
		break;
	case F_GETLK:
	case F_OFD_GETLK:
		break;
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		sc_arg(c, o);
		print_flock(c, o, c->args[2], 0);
		break;
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		sc_arg(c, o);
		sc_int(o, c->args[2]);
		c->rval = SC_RVAL_FD;
		break;
	default:
		sc_arg(c, o);
		sc_hex(o, c->args[2]);
	}
}

static void dec_umask(struct sc_call *c, struct buf *o, int exiting)
{
	sc_arg(c, o);
	buf_addf(o, "%#03llo", c->args[0]);
	c->rval = SC_RVAL_OCT;
}

static void dec_flock(struct sc_call *c, struct buf *o, int exiting)
{
	static const struct sc_named ops[] = {
		{ 1, "LOCK_SH" },      { 2, "LOCK_EX" },       { 4, "LOCK_NB" },
		{ 8, "LOCK_UN" },      { 0x20, "LOCK_MAND" },  { 0xc0, "LOCK_RW" },
		{ 0x40, "LOCK_READ" }, { 0x80, "LOCK_WRITE" }, { 0, NULL },
	};
	sc_arg_fd0(c, o);
	sc_arg(c, o);
	sc_flags(o, c->args[1], ops, "0");
}

static void dec_fallocate(struct sc_call *c, struct buf *o, int exiting)
{
	static const struct sc_named modes[] = {
		{ 0x01, "FALLOC_FL_KEEP_SIZE" },     { 0x02, "FALLOC_FL_PUNCH_HOLE" },
		{ 0x04, "FALLOC_FL_NO_HIDE_STALE" }, { 0x08, "FALLOC_FL_COLLAPSE_RANGE" },
		{ 0x10, "FALLOC_FL_ZERO_RANGE" },    { 0x20, "FALLOC_FL_INSERT_RANGE" },
		{ 0x40, "FALLOC_FL_UNSHARE_RANGE" }, { 0, NULL },
	};
	sc_arg_fd0(c, o);
	sc_arg(c, o);
	sc_flags(o, c->args[1], modes, "0");
	sc_args(c, o, 2, 4);
}

/* mknod(path, mode, dev) / mknodat(dirfd, path, mode, dev): the device
 * only for character and block devices */
static void dec_mknod(struct sc_call *c, struct buf *o, int exiting)
{
	int m = c->ent->nargs - 2;
	unsigned mode = (unsigned)c->args[m], dev = (unsigned)c->args[m + 1];
	sc_args(c, o, 0, m);
	sc_arg(c, o);
	sc_file_mode(o, mode);
	if (S_ISCHR(mode) || S_ISBLK(mode)) {
		sc_arg(c, o);
		buf_addf(o, "makedev(%#x, %#x)", major(dev), minor(dev));
	}
}

static void dec_fchownat(struct sc_call *c, struct buf *o, int exiting)
{
	sc_args(c, o, 0, 4);
	sc_arg(c, o);
	sc_at_flags(o, c->args[4]);
}

static const struct sc_named splice_flags[] = {
	{ 1, "SPLICE_F_MOVE" },
	{ 2, "SPLICE_F_NONBLOCK" },
	{ 4, "SPLICE_F_MORE" },
	{ 8, "SPLICE_F_GIFT" },
	{ 0, NULL },
};

static void print_loff(struct sc_call *c, struct buf *o, unsigned long long addr)
{
	long long off;
	if (!addr)
		buf_addstr(o, "NULL");
	else if (sc_mem_read(c, addr, &off, sizeof(off)))
		sc_ptr(o, addr);
	else
		buf_addf(o, "[%lld]", off);
}

/* splice(fd_in, off_in, fd_out, off_out, len, flags) */
static void dec_splice(struct sc_call *c, struct buf *o, int exiting)
{
	for (int i = 0; i < 4; i += 2) {
		sc_args(c, o, i, i + 1);
		sc_arg(c, o);
		print_loff(c, o, c->args[i + 1]);
	}
	sc_args(c, o, 4, 5);
	sc_arg(c, o);
	sc_flags(o, c->args[5], splice_flags, "0");
}

static void dec_tee(struct sc_call *c, struct buf *o, int exiting)
{
	sc_args(c, o, 0, 3);
	sc_arg(c, o);
	sc_flags(o, c->args[3], splice_flags, "0");
}

static void dec_umount2(struct sc_call *c, struct buf *o, int exiting)
{
	static const struct sc_named fl[] = {
		{ 1, "MNT_FORCE" },	  { 2, "MNT_DETACH" }, { 4, "MNT_EXPIRE" },
		{ 8, "UMOUNT_NOFOLLOW" }, { 0, NULL },
	};
	sc_args(c, o, 0, 1);
	sc_arg(c, o);
	sc_flags(o, c->args[1], fl, "0");
}

const struct sc_decoder sc_file_decoders[] = {
	{ "umount2", dec_umount2 },
	{ "umask", dec_umask },
	{ "flock", dec_flock },
	{ "fallocate", dec_fallocate },
	{ "mknod", dec_mknod },
	{ "mknodat", dec_mknod },
	{ "fchownat", dec_fchownat },
	{ "splice", dec_splice },
	{ "tee", dec_tee },
	{ "open", dec_open },
	{ "openat", dec_openat },
	{ "creat", dec_creat },
	{ "dup", dec_dup },
	{ "dup2", dec_dup },
	{ "dup3", dec_dup },
	{ "stat", dec_stat },
	{ "lstat", dec_stat },
	{ "fstat", dec_stat },
	{ "newfstatat", dec_newfstatat },
	{ "statx", dec_statx },
	{ "access", dec_access },
	{ "faccessat", dec_access },
	{ "faccessat2", dec_access },
	{ "unlinkat", dec_unlinkat },
	{ "renameat", dec_renameat },
	{ "renameat2", dec_renameat },
	{ "linkat", dec_linkat },
	{ "readlink", dec_readlink },
	{ "readlinkat", dec_readlink },
	{ "getcwd", dec_getcwd },
	{ "truncate", dec_truncate },
	{ "ftruncate", dec_truncate },
	{ "lseek", dec_lseek },
	{ "getdents64", dec_getdents },
	{ "getdents", dec_getdents },
	{ "fcntl", dec_fcntl },
	{ NULL, NULL },
};
