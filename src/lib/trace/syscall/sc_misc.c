/* sc_misc - decoders for the rest that programs call all the time: time
 * and sleeping, futex, uname, getrandom, ioctl, resource limits,
 * arch_prctl, statfs. */
#include <linux/futex.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/utsname.h>

#include "lib/trace/syscall/sc.h"

#define print_timespec sc_timespec

static void dec_nanosleep(struct sc_call *c, struct buf *o, int exiting)
{
	if (exiting) {
		sc_arg(c, o);
		if (c->ret < 0 && c->args[1])
			print_timespec(c, o, c->args[1]);
		else
			sc_ptr(o, c->args[1]);
		return;
	}
	sc_arg(c, o);
	print_timespec(c, o, c->args[0]);
}

static void dec_clock_nanosleep(struct sc_call *c, struct buf *o, int exiting)
{
	if (exiting) {
		sc_arg(c, o);
		if (c->ret != 0 && c->args[3])
			print_timespec(c, o, c->args[3]);
		else
			sc_ptr(o, c->args[3]);
		return;
	}
	sc_arg(c, o);
	sc_clockid(o, c->args[0]);
	sc_arg(c, o);
	if (c->args[1] == 1)
		buf_addstr(o, "TIMER_ABSTIME");
	else
		sc_hex(o, c->args[1]);
	sc_arg(c, o);
	print_timespec(c, o, c->args[2]);
}

static void dec_clock_gettime(struct sc_call *c, struct buf *o, int exiting)
{
	if (!exiting) {
		sc_arg(c, o);
		sc_clockid(o, c->args[0]);
		return;
	}
	if (sc_out_arg1(c, o))
		print_timespec(c, o, c->args[1]);
}

static void dec_futex(struct sc_call *c, struct buf *o, int exiting)
{
	static const struct sc_named ops[] = {
		{ FUTEX_WAIT, "FUTEX_WAIT" },
		{ FUTEX_WAKE, "FUTEX_WAKE" },
		{ FUTEX_FD, "FUTEX_FD" },
		{ FUTEX_REQUEUE, "FUTEX_REQUEUE" },
		{ FUTEX_CMP_REQUEUE, "FUTEX_CMP_REQUEUE" },
		{ FUTEX_WAKE_OP, "FUTEX_WAKE_OP" },
		{ FUTEX_LOCK_PI, "FUTEX_LOCK_PI" },
		{ FUTEX_UNLOCK_PI, "FUTEX_UNLOCK_PI" },
		{ FUTEX_TRYLOCK_PI, "FUTEX_TRYLOCK_PI" },
		{ FUTEX_WAIT_BITSET, "FUTEX_WAIT_BITSET" },
		{ FUTEX_WAKE_BITSET, "FUTEX_WAKE_BITSET" },
		{ 0, NULL },
	};
	unsigned op = (unsigned)c->args[1], cmd = op & 127;
	const char *n;
	sc_arg(c, o);
	sc_ptr(o, c->args[0]);
	sc_arg(c, o);
	n = sc_xlat_name(cmd, ops);
	if (!n) {
		sc_hex(o, op);
		for (int i = 2; i < 6; i++) {
			sc_arg(c, o);
			sc_hex(o, c->args[i]);
		}
		return;
	}
	buf_addstr(o, n);
	if (op & FUTEX_PRIVATE_FLAG)
		buf_addstr(o, "_PRIVATE");
	if (op & FUTEX_CLOCK_REALTIME)
		buf_addstr(o, "|FUTEX_CLOCK_REALTIME");
	sc_arg(c, o);
	sc_int(o, c->args[2]);
	if (cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET) {
		sc_arg(c, o);
		print_timespec(c, o, c->args[3]);
	}
	if (cmd == FUTEX_WAIT_BITSET || cmd == FUTEX_WAKE_BITSET) {
		sc_arg(c, o);
		if ((unsigned)c->args[5] == 0xffffffffu)
			buf_addstr(o, "FUTEX_BITSET_MATCH_ANY");
		else
			sc_hex(o, (unsigned)c->args[5]);
	}
}

static void field(struct sc_call *c, struct buf *o, const char *name, const char *v, size_t n,
		  int last)
{
	const char *z = memchr(v, 0, n);
	buf_addf(o, "%s=", name);
	sc_quote(o, (const unsigned char *)v, z ? (size_t)(z - v) : n,
		 c->opts ? c->opts->xflag : 0);
	if (!last)
		buf_add(o, ", ", 2);
}

static void dec_uname(struct sc_call *c, struct buf *o, int exiting)
{
	struct utsname u;
	if (!exiting)
		return;
	sc_arg(c, o);
	if (c->ret < 0 || sc_mem_read(c, c->args[0], &u, sizeof(u))) {
		sc_ptr(o, c->args[0]);
		return;
	}
	buf_addc(o, '{');
	field(c, o, "sysname", u.sysname, sizeof(u.sysname), 0);
	field(c, o, "nodename", u.nodename, sizeof(u.nodename), 1);
	if (c->opts && c->opts->verbose) {
		buf_add(o, ", ", 2);
		field(c, o, "release", u.release, sizeof(u.release), 0);
		field(c, o, "version", u.version, sizeof(u.version), 0);
		field(c, o, "machine", u.machine, sizeof(u.machine), 0);
		field(c, o, "domainname", u.domainname, sizeof(u.domainname), 1);
		buf_addc(o, '}');
	} else {
		buf_addstr(o, ", ...}");
	}
}

static void dec_getrandom(struct sc_call *c, struct buf *o, int exiting)
{
	static const struct sc_named fl[] = {
		{ 1, "GRND_NONBLOCK" },
		{ 2, "GRND_RANDOM" },
		{ 4, "GRND_INSECURE" },
		{ 0, NULL },
	};
	if (!exiting)
		return;
	sc_arg(c, o);
	if (c->ret < 0) {
		sc_ptr(o, c->args[0]);
	} else {
		/* random bytes: strace always shows them in hex */
		struct sc_opts hex = c->opts ? *c->opts : (struct sc_opts){ .strsize = 32 };
		const struct sc_opts *saved = c->opts;
		hex.xflag = 2;
		c->opts = &hex;
		sc_bufn(c, o, c->args[0], (unsigned long long)c->ret);
		c->opts = saved;
	}
	sc_arg(c, o);
	sc_udec(o, c->args[1]);
	sc_arg(c, o);
	sc_flags(o, (unsigned)c->args[2], fl, "0");
}

static void dec_ioctl(struct sc_call *c, struct buf *o, int exiting)
{
	static const struct sc_named reqs[] = {
		{ 0x5401, "TCGETS" },
		{ 0x5402, "TCSETS" },
		{ 0x5403, "TCSETSW" },
		{ 0x5404, "TCSETSF" },
		{ 0x540b, "TCFLSH" },
		{ 0x540e, "TIOCSCTTY" },
		{ 0x540f, "TIOCGPGRP" },
		{ 0x5410, "TIOCSPGRP" },
		{ 0x5413, "TIOCGWINSZ" },
		{ 0x5414, "TIOCSWINSZ" },
		{ 0x541b, "FIONREAD" },
		{ 0x5421, "FIONBIO" },
		{ 0x5422, "TIOCNOTTY" },
		{ 0x5450, "FIONCLEX" },
		{ 0x5451, "FIOCLEX" },
		{ 0x5452, "FIOASYNC" },
		{ 0x80045430, "TIOCGPTN" },
		{ 0x40045431, "TIOCSPTLCK" },
		{ 0, NULL },
	};
	sc_arg_fd0(c, o);
	sc_arg(c, o);
	sc_xlat(o, (unsigned)c->args[1], reqs, 1);
	sc_arg(c, o);
	sc_hex(o, c->args[2]);
}

static const struct sc_named rlimits[] = {
	{ 0, "RLIMIT_CPU" },
	{ 1, "RLIMIT_FSIZE" },
	{ 2, "RLIMIT_DATA" },
	{ 3, "RLIMIT_STACK" },
	{ 4, "RLIMIT_CORE" },
	{ 5, "RLIMIT_RSS" },
	{ 6, "RLIMIT_NPROC" },
	{ 7, "RLIMIT_NOFILE" },
	{ 8, "RLIMIT_MEMLOCK" },
	{ 9, "RLIMIT_AS" },
	{ 10, "RLIMIT_LOCKS" },
	{ 11, "RLIMIT_SIGPENDING" },
	{ 12, "RLIMIT_MSGQUEUE" },
	{ 13, "RLIMIT_NICE" },
	{ 14, "RLIMIT_RTPRIO" },
	{ 15, "RLIMIT_RTTIME" },
	{ 0, NULL },
};

static void rlim_val(struct buf *o, unsigned long long v)
{
	if (v == ~0ULL)
		buf_addstr(o, "RLIM64_INFINITY");
	else if (v > 1024 && v % 1024 == 0)
		buf_addf(o, "%llu*1024", v / 1024);
	else
		sc_udec(o, v);
}

/* an unknown resource as strace: "0x10 /+ RLIMIT_??? +/" */
static void print_resource(struct buf *o, unsigned long long v)
{
	const char *n = sc_xlat_name((unsigned)v, rlimits);
	if (n)
		buf_addstr(o, n);
	else
		buf_addf(o, "%#x /* RLIMIT_??? */", (unsigned)v);
}

static void print_rlimit(struct sc_call *c, struct buf *o, unsigned long long addr)
{
	unsigned long long r[2];
	if (!addr)
		buf_addstr(o, "NULL");
	else if (sc_mem_read(c, addr, r, sizeof(r)))
		sc_ptr(o, addr);
	else {
		buf_addstr(o, "{rlim_cur=");
		rlim_val(o, r[0]);
		buf_addstr(o, ", rlim_max=");
		rlim_val(o, r[1]);
		buf_addc(o, '}');
	}
}

static void dec_prlimit64(struct sc_call *c, struct buf *o, int exiting)
{
	if (!exiting) {
		sc_arg(c, o);
		sc_int(o, c->args[0]);
		sc_arg(c, o);
		print_resource(o, c->args[1]);
		sc_arg(c, o);
		print_rlimit(c, o, c->args[2]);
		return;
	}
	sc_arg(c, o);
	if (c->ret < 0 && c->args[3])
		sc_ptr(o, c->args[3]);
	else
		print_rlimit(c, o, c->args[3]);
}

static void dec_rlimit(struct sc_call *c, struct buf *o, int exiting)
{
	int get = c->ent->name[0] == 'g';
	if (!exiting) {
		sc_arg(c, o);
		print_resource(o, c->args[0]);
		if (!get) {
			sc_arg(c, o);
			print_rlimit(c, o, c->args[1]);
		}
		return;
	}
	if (get) {
		sc_arg(c, o);
		if (c->ret < 0)
			sc_ptr(o, c->args[1]);
		else
			print_rlimit(c, o, c->args[1]);
	}
}

static void dec_arch_prctl(struct sc_call *c, struct buf *o, int exiting)
{
	static const struct sc_named codes[] = {
		{ 0x1001, "ARCH_SET_GS" },
		{ 0x1002, "ARCH_SET_FS" },
		{ 0x1003, "ARCH_GET_FS" },
		{ 0x1004, "ARCH_GET_GS" },
		{ 0x1011, "ARCH_GET_CPUID" },
		{ 0x1012, "ARCH_SET_CPUID" },
		{ 0, NULL },
	};
	sc_arg(c, o);
	sc_xlat(o, (unsigned)c->args[0], codes, 1);
	sc_arg(c, o);
	sc_hex(o, c->args[1]);
}

static void dec_robust(struct sc_call *c, struct buf *o, int exiting)
{
	sc_arg(c, o);
	sc_ptr(o, c->args[0]);
	sc_arg(c, o);
	sc_udec(o, c->args[1]);
}

/* file system magic numbers (linux/magic.h) by strace's names */
static const struct sc_named fs_magics[] = {
	{ 0xef53, "EXT2_SUPER_MAGIC" },
	{ 0x9fa0, "PROC_SUPER_MAGIC" },
	{ 0x01021994, "TMPFS_MAGIC" },
	{ 0x62656572, "SYSFS_MAGIC" },
	{ 0x63677270, "CGROUP2_SUPER_MAGIC" },
	{ 0x27e0eb, "CGROUP_SUPER_MAGIC" },
	{ 0x794c7630, "OVERLAYFS_SUPER_MAGIC" },
	{ 0x9123683e, "BTRFS_SUPER_MAGIC" },
	{ 0x58465342, "XFS_SUPER_MAGIC" },
	{ 0x1cd1, "DEVPTS_SUPER_MAGIC" },
	{ 0x6969, "NFS_SUPER_MAGIC" },
	{ 0x73717368, "SQUASHFS_MAGIC" },
	{ 0x64626720, "DEBUGFS_MAGIC" },
	{ 0x73636673, "SECURITYFS_MAGIC" },
	{ 0xcafe4a11, "BPF_FS_MAGIC" },
	{ 0x65735546, "FUSE_SUPER_MAGIC" },
	{ 0x4d44, "MSDOS_SUPER_MAGIC" },
	{ 0x9660, "ISOFS_SUPER_MAGIC" },
	{ 0x858458f6, "RAMFS_MAGIC" },
	{ 0x534f434b, "SOCKFS_MAGIC" },
	{ 0x50495045, "PIPEFS_MAGIC" },
	{ 0x958458f6, "HUGETLBFS_MAGIC" },
	{ 0x19800202, "MQUEUE_MAGIC" },
	{ 0x74726163, "TRACEFS_MAGIC" },
	{ 0x09041934, "ANON_INODE_FS_MAGIC" },
	{ 0x6e736673, "NSFS_MAGIC" },
	{ 0x6165676c, "PSTOREFS_MAGIC" },
	{ 0xde5e81e4, "EFIVARFS_MAGIC" },
	{ 0x62656570, "CONFIGFS_MAGIC" },
	{ 0x0187, "AUTOFS_SUPER_MAGIC" },
	{ 0xf2f52010, "F2FS_SUPER_MAGIC" },
	{ 0x01021997, "V9FS_MAGIC" },
	{ 0x42465331, "BEFS_SUPER_MAGIC" },
	{ 0x2011bab0, "EXFAT_SUPER_MAGIC" },
	{ 0x5346544e, "NTFS_SB_MAGIC" },
	{ 0xff534d42, "CIFS_SUPER_MAGIC" },
	{ 0x73757245, "CODA_SUPER_MAGIC" },
	{ 0x28cd3d45, "CRAMFS_MAGIC" },
	{ 0x3153464a, "JFS_SUPER_MAGIC" },
	{ 0x52654973, "REISERFS_SUPER_MAGIC" },
	{ 0x15013346, "UDF_SUPER_MAGIC" },
	{ 0x57ac6e9d, "STACK_END_MAGIC" },
	{ 0x2fc12fc1, "ZFS_SUPER_MAGIC" },
	{ 0x6e667364, "NFSD_MAGIC" },
	{ 0xabba1974, "XENFS_SUPER_MAGIC" },
	{ 0x42494e4d, "BINFMTFS_MAGIC" },
	{ 0x13661366, "BALLOON_KVM_MAGIC" },
	{ 0x5a3c69f0, "AAFS_MAGIC" },
	{ 0x6c6f6f70, "BINDERFS_SUPER_MAGIC" },
	{ 0x454d444d, "DEVMEM_MAGIC" },
	{ 0, NULL },
};

static const struct sc_named st_flags[] = {
	{ 1, "ST_RDONLY" },	 { 2, "ST_NOSUID" },	     { 4, "ST_NODEV" },
	{ 8, "ST_NOEXEC" },	 { 16, "ST_SYNCHRONOUS" },   { 32, "ST_VALID" },
	{ 64, "ST_MANDLOCK" },	 { 128, "ST_WRITE" },	     { 256, "ST_APPEND" },
	{ 512, "ST_IMMUTABLE" }, { 1024, "ST_NOATIME" },     { 2048, "ST_NODIRATIME" },
	{ 4096, "ST_RELATIME" }, { 8192, "ST_NOSYMFOLLOW" }, { 0, NULL },
};

static void dec_statfs(struct sc_call *c, struct buf *o, int exiting)
{
	if (!exiting) {
		sc_arg(c, o);
		if (!strcmp(c->ent->name, "fstatfs"))
			sc_fd(c, o, c->args[0]);
		else
			sc_path(c, o, c->args[0]);
		return;
	}
	struct statfs f;
	sc_arg(c, o);
	if (c->ret < 0 || sc_mem_read(c, c->args[1], &f, sizeof(f))) {
		sc_ptr(o, c->args[1]);
		return;
	}
	buf_addstr(o, "{f_type=");
	sc_xlat(o, (unsigned long long)f.f_type, fs_magics, 1);
	buf_addf(o,
		 ", f_bsize=%lld, f_blocks=%llu, f_bfree=%llu, f_bavail=%llu, "
		 "f_files=%llu, f_ffree=%llu, f_fsid={val=[%#x, %#x]}, f_namelen=%lld, "
		 "f_frsize=%lld, f_flags=",
		 (long long)f.f_bsize, (unsigned long long)f.f_blocks,
		 (unsigned long long)f.f_bfree, (unsigned long long)f.f_bavail,
		 (unsigned long long)f.f_files, (unsigned long long)f.f_ffree,
		 (unsigned)f.f_fsid.__val[0], (unsigned)f.f_fsid.__val[1], (long long)f.f_namelen,
		 (long long)f.f_frsize);
	sc_flags(o, (unsigned long long)f.f_flags, st_flags, "0");
	buf_addc(o, '}');
}

/* a CPU set: "[0 1]"; n bytes at addr */
static void print_cpuset(struct sc_call *c, struct buf *o, unsigned long long addr,
			 unsigned long long n)
{
	unsigned char set[128];
	int any = 0;

	if (n > sizeof(set))
		n = sizeof(set);
	if (!addr || sc_mem_read(c, addr, set, (size_t)n)) {
		sc_ptr(o, addr);
		return;
	}
	buf_addc(o, '[');
	for (unsigned long long i = 0; i < n * 8; i++)
		if (set[i / 8] & (1u << (i % 8))) {
			if (any)
				buf_addc(o, ' ');
			sc_udec(o, i);
			any = 1;
		}
	buf_addc(o, ']');
}

/* sched_getaffinity(pid, len, mask): the mask the kernel wrote, at exit */
static void dec_sched_getaffinity(struct sc_call *c, struct buf *o, int exiting)
{
	if (!exiting) {
		sc_args(c, o, 0, 2);
		return;
	}
	sc_arg(c, o);
	if (c->ret < 0)
		sc_ptr(o, c->args[2]);
	else
		print_cpuset(c, o, c->args[2], (unsigned long long)c->ret);
}

static void dec_sched_setaffinity(struct sc_call *c, struct buf *o, int exiting)
{
	sc_args(c, o, 0, 2);
	sc_arg(c, o);
	print_cpuset(c, o, c->args[2], c->args[1]);
}

const struct sc_decoder sc_misc_decoders[] = {
	{ "sched_getaffinity", dec_sched_getaffinity },
	{ "sched_setaffinity", dec_sched_setaffinity },
	{ "nanosleep", dec_nanosleep },
	{ "clock_nanosleep", dec_clock_nanosleep },
	{ "clock_gettime", dec_clock_gettime },
	{ "clock_getres", dec_clock_gettime },
	{ "futex", dec_futex },
	{ "uname", dec_uname },
	{ "getrandom", dec_getrandom },
	{ "ioctl", dec_ioctl },
	{ "prlimit64", dec_prlimit64 },
	{ "getrlimit", dec_rlimit },
	{ "setrlimit", dec_rlimit },
	{ "arch_prctl", dec_arch_prctl },
	{ "set_robust_list", dec_robust },
	{ "statfs", dec_statfs },
	{ "fstatfs", dec_statfs },
	{ NULL, NULL },
};
