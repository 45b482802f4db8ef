/*
 * sblimits - the sandbox's cgroups: limits on memory, tasks and CPU, the
 * freezer, the peaks, and the BPF hooks' v2 folder.
 *
 * sblimits_create() makes one folder per controller (v1 where memory,
 * pids and freezer hierarchies are mounted, else v2, whose root then gets
 * the controllers enabled for its children), named
 * stranger.sandbox.PID.N, and first removes those of a stranger that is
 * gone (killed outright).  A v2 folder is made in any case when a v2
 * hierarchy is mounted: cgroup BPF programs attach to v2 folders only.
 * sblimits_freeze() freezes (or thaws) everything in them and waits until
 * the kernel says so (2 s at most); sblimits_remove() removes the folders
 * once empty (1 s at most).
 *
 * Errors: 0 or -errno, with the file that failed in `why`.
 */
#ifndef STRANGER_LIB_SANDBOX_SBLIMITS_H
#define STRANGER_LIB_SANDBOX_SBLIMITS_H

#include <stddef.h>
#include <sys/types.h>

#include "lib/sandbox/sandbox.h"
#include "util/buf.h"

enum { SBL_MEMORY, SBL_PIDS, SBL_CPU, SBL_FREEZER, SBL_N };

struct sblimits {
	int v1;		      /* limits and freezer in v1 hierarchies */
	char dir[SBL_N][400]; /* v1: one folder per controller */
	char v2[400];	      /* the v2 folder ("" when there is none) */
	int v2_made, made[SBL_N];
};

int sblimits_create(struct sblimits *cg, const struct sandbox_opts *o, struct buf *why);
/* sblimits_join - put pid (and its future children) in every folder */
int sblimits_join(struct sblimits *cg, pid_t pid, struct buf *why);
/* sblimits_sample - note the task count (v1 keeps no peak of its own) */
void sblimits_sample(struct sblimits *cg, struct sandbox_result *r);
/* sblimits_stats - peaks, limit hits and OOM kills into r */
void sblimits_stats(struct sblimits *cg, struct sandbox_result *r);
int sblimits_freeze(struct sblimits *cg, int on);
/* sblimits_procs - every process in the folders (malloc'd) */
size_t sblimits_procs(struct sblimits *cg, pid_t **out);
void sblimits_remove(struct sblimits *cg);
/* small files of /proc and /sys: write all of s; read at most n-1 bytes */
int sblimits_write(const char *path, const char *s);
int sblimits_read(const char *path, char *out, size_t n);

#endif
