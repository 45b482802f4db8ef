#include "lib/baseline/walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/xalloc.h"
#include "util/noatime.h"

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif
#ifndef SYSFS_MAGIC
#define SYSFS_MAGIC 0x62656572
#endif

struct linux_dirent64 {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

struct walker {
	const struct walk_opts *o;
	dev_t root_dev;
	struct buf path;
};

int walk_excluded(const char *path, size_t path_len, const char *const *pat, size_t npat)
{
	const char *base = path;

	if (!npat)
		return 0;
	for (size_t i = 0; i < path_len; i++)
		if (path[i] == '/' && i + 1 < path_len)
			base = path + i + 1;
	for (size_t i = 0; i < npat; i++) {
		const char *subject = strchr(pat[i], '/') ? path : base;
		if (!fnmatch(pat[i], subject, 0))
			return 1;
	}
	return 0;
}

int walk_skip_fs(int dirfd)
{
	struct statfs sf;

	if (fstatfs(dirfd, &sf))
		return 0;
	return sf.f_type == PROC_SUPER_MAGIC || sf.f_type == SYSFS_MAGIC;
}

static void report(struct walker *w, const char *path, size_t len, int err)
{
	if (w->o->error)
		w->o->error(path, len, err, w->o->ctx);
}

static int open_dir(int dirfd, const char *name, int follow)
{
	int flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW);
	int fd = noatime_open(dirfd, name, flags);

	return fd < 0 ? -errno : fd;
}

/* names are stored after one byte of d_type */
static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a + 1, *(char *const *)b + 1);
}

/* read_names - every name in the directory but . and .., sorted; each
 * string is the entry's d_type byte followed by its name */
static int read_names(int fd, char ***names, size_t *n)
{
	enum { BUFSZ = 32768 };
	char *blk = xmalloc(BUFSZ);
	size_t cnt = 0, alloc = 0;
	char **v = NULL;
	int rc = 0;

	for (;;) {
		long got = syscall(SYS_getdents64, fd, blk, BUFSZ);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = -errno;
			break;
		}
		if (got == 0)
			break;
		for (long off = 0; off < got;) {
			struct linux_dirent64 *d = (void *)(blk + off);
			off += d->d_reclen;
			if (d->d_reclen == 0)
				break;
			if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
				continue;
			if (cnt == alloc) {
				alloc = alloc ? 2 * alloc : 64;
				v = xreallocarray(v, alloc, sizeof(*v));
			}
			{
				size_t len = strlen(d->d_name);
				char *t = xmalloc(len + 2);
				t[0] = (char)d->d_type;
				memcpy(t + 1, d->d_name, len + 1);
				v[cnt++] = t;
			}
		}
	}
	free(blk);
	if (cnt)
		qsort(v, cnt, sizeof(*v), cmp_names);
	*names = v;
	*n = cnt;
	return rc;
}

static int walk_dir(struct walker *w, int fd, int depth);

/*
 * open_regular - open a name the directory says is a regular file, and
 * take its stat from the open file, so that the stat and the contents
 * read later are of one file.  O_NOFOLLOW and O_NONBLOCK: a name swapped
 * for a symlink or a FIFO since the listing is not followed or waited on.
 */
static int open_regular(int dirfd, const char *name, struct stat *st)
{
	int flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
	int fd = noatime_open(dirfd, name, flags);

	if (fd < 0)
		return -errno;
	if (fstat(fd, st)) {
		int err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* visit - report one entry; descend if it is a directory we may enter */
static int visit(struct walker *w, int dirfd, const char *at_name, unsigned char d_type,
		 size_t name_off, int depth)
{
	const struct walk_opts *o = w->o;
	struct walk_entry e;
	size_t plen = w->path.len;
	int rc, fd;

	if (walk_excluded(w->path.data, plen, o->exclude, o->nexclude))
		return 0;
	for (size_t i = 0; i < o->nskip; i++)
		if (!strcmp(o->skip[i], w->path.data))
			return 0;
	memset(&e, 0, sizeof(e));
	e.fd = -1;
	if (o->open_files && depth && d_type == DT_REG) {
		fd = open_regular(dirfd, at_name, &e.st);
		if (fd >= 0 && !S_ISREG(e.st.st_mode))
			close(fd);
		else if (fd >= 0)
			e.fd = fd;
		else if (fd != -EMFILE && fd != -ENFILE)
			e.open_err = fd;
		/* out of fds: not the file's fault; the caller opens it later */
	}
	/* ROOT itself is followed if it is a symlink (as find -H does) */
	if (e.fd < 0 && fstatat(dirfd, at_name, &e.st, depth ? AT_SYMLINK_NOFOLLOW : 0)) {
		report(w, w->path.data, plen, -errno);
		return 0;
	}
	if (e.fd < 0 && !S_ISREG(e.st.st_mode))
		e.open_err = 0;
	e.path = w->path.data;
	e.path_len = plen;
	e.name = w->path.data + name_off;
	e.dirfd = dirfd;
	e.at_name = at_name;
	e.depth = depth;
	if (depth == 0)
		w->root_dev = e.st.st_dev;
	if (!S_ISDIR(e.st.st_mode)) {
		rc = o->visit(&e, o->ctx);
		return rc == WALK_PRUNE ? 0 : rc;
	}
	fd = open_dir(dirfd, at_name, depth == 0);
	if (fd >= 0 && walk_skip_fs(fd)) {
		close(fd);
		return 0;
	}
	rc = o->visit(&e, o->ctx);
	/* a mount point is recorded, its contents are not (-x, as find -xdev) */
	if (!rc && o->one_fs && e.st.st_dev != w->root_dev)
		rc = WALK_PRUNE;
	if (rc) {
		if (fd >= 0)
			close(fd);
		return rc == WALK_PRUNE ? 0 : rc;
	}
	if (fd < 0) {
		report(w, w->path.data, plen, fd);
		return 0;
	}
	{
		struct stat st;
		/* the directory we opened must be the one we looked at */
		if (fstat(fd, &st) || st.st_dev != e.st.st_dev || st.st_ino != e.st.st_ino) {
			report(w, w->path.data, plen, -ESTALE);
			close(fd);
			return 0;
		}
	}
	if (depth >= WALK_MAX_DEPTH) {
		report(w, w->path.data, plen, -ELOOP);
		close(fd);
		return 0;
	}
	rc = walk_dir(w, fd, depth + 1);
	close(fd);
	return rc;
}

static int walk_dir(struct walker *w, int fd, int depth)
{
	char **names;
	size_t n, base = w->path.len;
	int rc = read_names(fd, &names, &n), stop = 0;

	if (rc)
		report(w, w->path.data, base, rc);
	for (size_t i = 0; i < n; i++) {
		if (!stop) {
			size_t off;
			buf_setlen(&w->path, base);
			if (!(base == 1 && w->path.data[0] == '/'))
				buf_addc(&w->path, '/');
			off = w->path.len;
			buf_addstr(&w->path, names[i] + 1);
			stop = visit(w, fd, names[i] + 1, (unsigned char)names[i][0], off, depth);
		}
		free(names[i]);
	}
	free(names);
	buf_setlen(&w->path, base);
	return stop;
}

int walk_tree(const char *root, const struct walk_opts *o)
{
	struct walker w = { o, 0, BUF_INIT };
	size_t len = strlen(root), off = 0;
	struct stat st;
	int rc;

	/* "dir/" and "dir" are the same root; "/" stays "/" */
	while (len > 1 && root[len - 1] == '/')
		len--;
	buf_add(&w.path, root, len);
	if (fstatat(AT_FDCWD, w.path.data, &st, 0)) {
		rc = -errno;
		buf_release(&w.path);
		return rc;
	}
	for (size_t i = 0; i + 1 < len; i++)
		if (root[i] == '/')
			off = i + 1;
	rc = visit(&w, AT_FDCWD, w.path.data, DT_UNKNOWN, off, 0);
	buf_release(&w.path);
	return rc;
}
