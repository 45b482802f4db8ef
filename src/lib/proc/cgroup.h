/*
 * cgroup - which control group a process is in, from /proc/PID/cgroup.
 *
 * Each line is "HIERARCHY-ID:CONTROLLERS:PATH".  The unified (v2)
 * hierarchy is the line "0::PATH"; a v1 hierarchy names its controllers,
 * comma-separated ("4:freezer:/PATH", "7:cpu,cpuacct:/PATH").  PATH is
 * relative to the hierarchy's mount point (lib/proc/mounts finds it).
 *
 * The parser is total and fuzzed (tests/fuzz/fuzz_mountinfo.c).
 *
 * Errors: 0 or -errno; -ENOENT: no such hierarchy in the file; -ESRCH:
 * the process is gone.
 */
#ifndef STRANGER_LIB_PROC_CGROUP_H
#define STRANGER_LIB_PROC_CGROUP_H

#include <stddef.h>
#include <sys/types.h>

#include "util/buf.h"

/* cgroup_parse - append the PATH of the first line of s[0..n) in the v2
 * hierarchy (controller NULL) or in the v1 hierarchy that has controller */
int cgroup_parse(const char *s, size_t n, const char *controller, struct buf *path);
/* cgroup_of - the same, read from /proc/PID/cgroup (pid 0: stranger's own) */
int cgroup_of(pid_t pid, const char *controller, struct buf *path);

#endif
