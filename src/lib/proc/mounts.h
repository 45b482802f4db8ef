/*
 * mounts - the mount table, as /proc/PID/mountinfo tells it.
 *
 * A mountinfo line is "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS
 * [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS"; paths carry the kernel's
 * \NNN octal escapes for space, tab, newline and backslash, which are
 * undone here.  What freeze, seize and the bind probes need are the two
 * cgroup mounts: the unified (v2) hierarchy and the v1 freezer.
 *
 * The parser is total: any bytes give 0 and whatever it found, never a
 * crash; it is fuzzed (tests/fuzz/fuzz_mountinfo.c).
 *
 * Errors: 0 or -errno; a mount that is not there leaves its buf empty.
 */
#ifndef STRANGER_LIB_PROC_MOUNTS_H
#define STRANGER_LIB_PROC_MOUNTS_H

#include <stddef.h>

#include "util/buf.h"

/* mounts_parse_cgroup - the first cgroup2 mount point into v2 and the
 * first v1 mount with the freezer controller into v1freezer (either may
 * be NULL); each is filled only while still empty */
int mounts_parse_cgroup(const char *s, size_t n, struct buf *v2, struct buf *v1freezer);
/* mounts_cgroup - the same, read from /proc/self/mountinfo */
int mounts_cgroup(struct buf *v2, struct buf *v1freezer);

#endif
