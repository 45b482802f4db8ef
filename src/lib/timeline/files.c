#include "lib/timeline/files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/baseline/hash.h"
#include "lib/baseline/walk.h"
#include "util/noatime.h"
#include "util/buf.h"
#include "util/xalloc.h"

struct linux_dirent64 {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

struct walker {
	const struct tl_walk_opts *o;
	unsigned root_maj, root_min;
	struct buf path;
	char *dents;	   /* one getdents buffer per depth would cost too much: */
	size_t dents_size; /* each level copies its names out first */
	int hash_dirfd;	   /* where the entry being visited is */
	const char *hash_name;
	char hex[65];
};

#define STX_WANT (STATX_BASIC_STATS | STATX_BTIME)
#define STX_FLAGS (AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_STATX_DONT_SYNC)

void tl_event_from_statx(struct tl_event *e, const struct statx *sx)
{
	const struct statx_timestamp *ts[4] = { &sx->stx_mtime, &sx->stx_atime, &sx->stx_ctime,
						&sx->stx_btime };
	const unsigned masks[4] = { STATX_MTIME, STATX_ATIME, STATX_CTIME, STATX_BTIME };

	e->kind = TL_FILE;
	e->inode = sx->stx_ino;
	e->dev = makedev(sx->stx_dev_major, sx->stx_dev_minor);
	e->mode = sx->stx_mode;
	e->uid = (sx->stx_mask & STATX_UID) ? (long long)sx->stx_uid : -1;
	e->gid = (sx->stx_mask & STATX_GID) ? (long long)sx->stx_gid : -1;
	e->size = sx->stx_size;
	for (int i = 0; i < 4; i++) {
		e->t[i].set = !!(sx->stx_mask & masks[i]);
		e->t[i].sec = e->t[i].set ? ts[i]->tv_sec : 0;
		e->t[i].nsec = e->t[i].set ? ts[i]->tv_nsec : 0;
		/* a file system without birth times may say so with zero */
		if (i == TL_B && e->t[i].set && !ts[i]->tv_sec && !ts[i]->tv_nsec)
			e->t[i].set = 0;
	}
}

static void report(struct walker *w, int err)
{
	if (w->o->error)
		w->o->error(w->path.data, w->path.len, err, w->o->ctx);
}

static int open_dir(int dirfd, const char *name, int follow)
{
	int flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW);
	int fd = noatime_open(dirfd, name, flags);

	return fd < 0 ? -errno : fd;
}

/* the SHA-256 of a regular file: opened without following, blocking or
 * touching its access time, and only if it is still the file we looked at */
static int hash_at(int dirfd, const char *name, const struct statx *sx, char hex[65])
{
	unsigned char d[HASH_LEN];
	struct stat st;
	int fd = noatime_open_strict(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	int rc;

	if (fd < 0)
		return -errno; /* EPERM: not ours to open without changing atime */
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_ino != sx->stx_ino) {
		close(fd);
		return -ESTALE;
	}
	rc = hash_fd(fd, d, NULL);
	close(fd);
	if (!rc)
		hash_hex(d, hex);
	return rc;
}

static int visit(struct walker *w, const struct statx *sx)
{
	struct tl_event e;

	memset(&e, 0, sizeof(e));
	tl_event_from_statx(&e, sx);
	if (w->o->hash && S_ISREG(sx->stx_mode)) {
		int rc = hash_at(w->hash_dirfd, w->hash_name, sx, w->hex);
		if (rc)
			report(w, rc);
		else
			e.sha256 = w->hex;
	}
	e.name = w->path.data;
	e.name_len = w->path.len;
	return w->o->visit(&e, w->o->ctx);
}

static int walk_dir(struct walker *w, int fd, const struct statx *dsx, int depth);

/* the entry at w->path, named `name` in dirfd */
static int walk_entry(struct walker *w, int dirfd, const char *name, int depth)
{
	struct statx sx;
	int rc;

	if (statx(dirfd, name, STX_FLAGS, STX_WANT, &sx)) {
		report(w, -errno);
		return 0;
	}
	w->hash_dirfd = dirfd;
	w->hash_name = name;
	if ((rc = visit(w, &sx)))
		return rc;
	if (!S_ISDIR(sx.stx_mode))
		return 0;
	if (w->o->one_fs && (sx.stx_dev_major != w->root_maj || sx.stx_dev_minor != w->root_min))
		return 0;
	if (depth >= TL_WALK_MAX_DEPTH) {
		report(w, -ELOOP);
		return 0;
	}
	int fd = open_dir(dirfd, name, 0);
	if (fd < 0) {
		report(w, fd);
		return 0;
	}
	rc = walk_dir(w, fd, &sx, depth + 1);
	close(fd);
	return rc;
}

static int walk_dir(struct walker *w, int fd, const struct statx *dsx, int depth)
{
	struct statx fsx;
	char *names = NULL;
	size_t nlen = 0, ncap = 0;
	int rc = 0;

	/* the directory we opened must be the one we looked at */
	if (statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC, STATX_INO, &fsx) ||
	    fsx.stx_ino != dsx->stx_ino || fsx.stx_dev_major != dsx->stx_dev_major ||
	    fsx.stx_dev_minor != dsx->stx_dev_minor) {
		report(w, -ESTALE);
		return 0;
	}
	if (walk_skip_fs(fd))
		return 0;
	/* read all names first, so only one fd per level stays open */
	for (;;) {
		long n = syscall(SYS_getdents64, fd, w->dents, w->dents_size);
		if (n < 0) {
			report(w, -errno);
			break;
		}
		if (n == 0)
			break;
		for (long off = 0; off < n;) {
			struct linux_dirent64 *d = (void *)(w->dents + off);
			off += d->d_reclen;
			const char *nm = d->d_name;
			if (nm[0] == '.' && (!nm[1] || (nm[1] == '.' && !nm[2])))
				continue;
			size_t l = strlen(nm) + 1;
			if (nlen + l > ncap) {
				ncap = ncap ? ncap * 2 : 4096;
				while (ncap < nlen + l)
					ncap *= 2;
				names = xrealloc(names, ncap);
			}
			memcpy(names + nlen, nm, l);
			nlen += l;
		}
	}
	size_t base = w->path.len;
	for (size_t at = 0; at < nlen && !rc;) {
		const char *nm = names + at;
		size_t l = strlen(nm);
		at += l + 1;
		buf_setlen(&w->path, base);
		if (!base || w->path.data[base - 1] != '/')
			buf_addc(&w->path, '/');
		buf_add(&w->path, nm, l);
		rc = walk_entry(w, fd, nm, depth);
	}
	buf_setlen(&w->path, base);
	free(names);
	return rc;
}

int tl_files_walk(const char *root, const struct tl_walk_opts *o)
{
	struct walker w;
	struct statx sx;
	int rc, fd;

	memset(&w, 0, sizeof(w));
	w.o = o;
	/* ROOT is followed (find -H): /bin on a merged /usr is the directory */
	if (statx(AT_FDCWD, root, AT_NO_AUTOMOUNT | AT_STATX_DONT_SYNC, STX_WANT, &sx))
		return -errno;
	w.root_maj = sx.stx_dev_major;
	w.root_min = sx.stx_dev_minor;
	buf_init(&w.path, 4096);
	buf_addstr(&w.path, root);
	w.hash_dirfd = AT_FDCWD;
	w.hash_name = root;
	if ((rc = visit(&w, &sx)) || !S_ISDIR(sx.stx_mode)) {
		buf_release(&w.path);
		return rc;
	}
	w.dents_size = 256 * 1024;
	w.dents = xmalloc(w.dents_size);
	fd = open_dir(AT_FDCWD, root, 1);
	if (fd < 0)
		report(&w, fd);
	else {
		rc = walk_dir(&w, fd, &sx, 1);
		close(fd);
	}
	free(w.dents);
	buf_release(&w.path);
	return rc;
}
