/*
 * files - the file times of a tree, for the timeline.
 *
 * tl_files_walk() visits ROOT and everything below it with statx(2)
 * (birth times and nanoseconds where the file system keeps them), relative
 * to an open directory fd and never following a symlink (ROOT itself is
 * followed, as find -H does).  It never opens anything but directories,
 * and those with O_NOATIME, so no access time changes.  Directories on
 * proc and sysfs are reported but not entered; with one_fs, neither are
 * directories on another device than ROOT (-x, as find -xdev).  Entries
 * come in the order the directory lists them.
 *
 * Errors: a directory that cannot be opened or read, an entry that
 * vanishes: passed to `error` (with -errno) and the walk goes on.  Returns
 * 0, -errno if ROOT cannot be looked at, or the first non-zero value
 * `visit` returned.
 */
#ifndef STRANGER_LIB_TIMELINE_FILES_H
#define STRANGER_LIB_TIMELINE_FILES_H

#include <stddef.h>

#include "lib/timeline/event.h"

#define TL_WALK_MAX_DEPTH 1024

struct tl_walk_opts {
	int one_fs;
	int hash; /* SHA-256 of regular files (opened without touching atime, never blocking) */
	/* visit - e is a TL_FILE event whose name is the path */
	int (*visit)(const struct tl_event *e, void *ctx);
	void (*error)(const char *path, size_t len, int err, void *ctx);
	void *ctx;
};

int tl_files_walk(const char *root, const struct tl_walk_opts *o);

/* tl_event_from_statx - fill the file fields of e from a struct statx */
struct statx;
void tl_event_from_statx(struct tl_event *e, const struct statx *sx);

#endif
