/*
 * walk - a file tree walk that cannot be led astray.
 *
 * walk_tree() visits ROOT and everything below it.  Every step is relative
 * to an open directory fd (openat/fstatat with AT_SYMLINK_NOFOLLOW), so a
 * symlink is reported as a symlink and never followed, and a directory
 * swapped for a symlink between the stat and the open is noticed (the
 * opened fd must have the device and inode the stat saw).  Directories are
 * opened with O_NOATIME where the kernel allows it, so listing them does
 * not change their access times.
 *
 * ROOT itself is followed if it is a symlink (as find -H does), so that
 * /bin on a merged-/usr system means the directory.
 *
 * Order: a directory is reported before its entries; entries of one
 * directory are reported in byte order of their names.  Callers that need
 * the whole tree sorted by path bytes sort afterwards.
 *
 * Skipped, never descended: directories on proc and sysfs file systems
 * (wherever they are mounted), with `one_fs` every directory on another
 * device than ROOT, paths matching an exclude pattern (fnmatch(3); a
 * pattern with a '/' is matched against the whole path, one without
 * against the last component), and the paths in `skip` (exact match).
 *
 * Errors: a directory that cannot be opened or read, an entry that
 * vanishes, a tree deeper than WALK_MAX_DEPTH: reported to the `error`
 * callback (with -errno) and the walk goes on.  walk_tree() returns 0, a
 * negative -errno if ROOT itself cannot be looked at, or the first
 * non-zero value a callback returned (the walk stops then).
 *
 * Limits: one fd per directory level is kept open while descending.
 */
#ifndef STRANGER_LIB_WALK_H
#define STRANGER_LIB_WALK_H

#include <stddef.h>
#include <sys/stat.h>

#define WALK_MAX_DEPTH 512

/* returned by the visit callback: do not descend into this directory */
#define WALK_PRUNE 1

struct walk_entry {
	const char *path; /* full path: ROOT, "/", names; NUL-terminated */
	size_t path_len;
	const char *name;    /* last component (points into path) */
	int dirfd;	     /* the parent directory; AT_FDCWD for ROOT */
	const char *at_name; /* name to use with dirfd (ROOT itself for ROOT) */
	struct stat st;	     /* lstat of the entry */
	int depth;	     /* 0 for ROOT */
	/*
	 * With open_files: a regular file below ROOT is opened (read-only,
	 * O_NOATIME where allowed) and st is the fstat of that fd, which the
	 * visit callback then owns and must close; -1 when not opened, and
	 * then open_err is -errno of a failed open of a regular file, or 0
	 * (also when the process was out of file descriptors).
	 */
	int fd;
	int open_err;
};

struct walk_opts {
	int one_fs;		    /* stay on ROOT's file system */
	int open_files;		    /* open regular files (walk_entry.fd) */
	const char *const *exclude; /* fnmatch patterns */
	size_t nexclude;
	const char *const *skip; /* exact paths */
	size_t nskip;
	/* visit - every entry; 0 go on, WALK_PRUNE skip the subtree, other: stop */
	int (*visit)(const struct walk_entry *e, void *ctx);
	/* error - path could not be looked at (err is -errno); may be NULL */
	void (*error)(const char *path, size_t path_len, int err, void *ctx);
	void *ctx;
};

int walk_tree(const char *root, const struct walk_opts *o);
/* walk_excluded - 1 if path matches one of the patterns (rule above) */
int walk_excluded(const char *path, size_t path_len, const char *const *pat, size_t npat);
/* walk_skip_fs - 1 if the directory fd is on proc or sysfs */
int walk_skip_fs(int dirfd);

#endif
