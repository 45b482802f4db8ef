/*
 * proc - what the kernel says about processes, read from /proc without
 * trusting libc's view of it.
 *
 * Enumeration uses the raw getdents64 system call on /proc, never
 * readdir(3), so an LD_PRELOAD rootkit that hooks readdir hides nothing.
 * A process is read through an O_DIRECTORY fd of /proc/PID (proc_open), so
 * every file read belongs to the same process even if the PID is reused
 * while we read.
 *
 * The parsers take the raw bytes of a /proc file and are total: any input
 * gives 0 and a filled record or -EINVAL, never a crash; they are fuzzed.
 * Strings that came from the process (comm, paths) are raw bytes: escape
 * them (util/escape) before they reach output.
 *
 * Errors: functions return 0 or -errno.  -ESRCH/-ENOENT mean the process
 * (or thread) is gone: callers note it and go on.
 */
#ifndef STRANGER_LIB_PROC_H
#define STRANGER_LIB_PROC_H

#include <stddef.h>
#include <sys/types.h>

#include "util/buf.h"

#define PROC_COMM_MAX 64 /* the kernel's is 16; room for hostile growth */
#define PF_KTHREAD_FLAG 0x00200000UL

struct proc_stat {
	pid_t pid;
	char comm[PROC_COMM_MAX]; /* raw bytes, NUL-terminated copy */
	size_t comm_len;
	char state;
	pid_t ppid, pgrp, session;
	int tty_nr;
	unsigned long flags;
	unsigned long long utime, stime; /* clock ticks */
	long nice, num_threads;
	unsigned long long starttime; /* clock ticks after boot */
	unsigned long long vsize;
	long long rss; /* pages */
};

struct proc_status {
	char name[PROC_COMM_MAX]; /* as the kernel escaped it */
	pid_t tgid, pid, ppid, tracer_pid;
	uid_t uid[4]; /* real, effective, saved, fs */
	gid_t gid[4];
	long threads;
	unsigned long long sig_blk, sig_ign, sig_cgt, cap_eff;
	int have_uid, have_gid;
};

struct proc_map {
	unsigned long long start, end, offset;
	char perms[5];
	unsigned dev_major, dev_minor;
	unsigned long long inode;
	const char *path; /* points into the input; not NUL-terminated */
	size_t path_len;  /* without a " (deleted)" suffix */
	int deleted;	  /* the kernel appended " (deleted)" */
};

/* proc_list - every PID in /proc (raw getdents64), sorted ascending */
int proc_list(pid_t **pids, size_t *n);
/* proc_list_dir - every numeric entry of an open directory fd, sorted */
int proc_list_dir(int dirfd, pid_t **ids, size_t *n);
/* proc_list_fds - every fd number in an open /proc/PID/fd, sorted */
int proc_list_fds(int dirfd, int **fds, size_t *n);
/* proc_list_tasks - every thread of pid (/proc/PID/task), sorted */
int proc_list_tasks(pid_t pid, pid_t **tids, size_t *n);
/* proc_open - an O_DIRECTORY fd of /proc/PID, or -errno */
int proc_open(pid_t pid);
/* proc_read_at - append the file procfd/FILE until EOF */
int proc_read_at(int procfd, const char *file, struct buf *out);
/* proc_readlink_at - the target of procfd/FILE (raw bytes) */
int proc_readlink_at(int procfd, const char *file, struct buf *out);

int proc_parse_stat(const char *s, size_t n, struct proc_stat *st);
int proc_parse_status(const char *s, size_t n, struct proc_status *st);
/* proc_maps_next - parse the line at *pos: 1 got one, 0 end, -EINVAL bad */
int proc_maps_next(const char *s, size_t n, size_t *pos, struct proc_map *m);

/* proc_is_kthread - a kernel thread (PF_KTHREAD, or child of kthreadd) */
int proc_is_kthread(const struct proc_stat *st);
/* proc_parse_pid - a whole decimal PID > 0, or -EINVAL */
int proc_parse_pid(const char *s, pid_t *pid);
/* proc_boot_time - seconds since the epoch at boot (from /proc/stat) */
long long proc_boot_time(void);
long proc_clock_ticks(void);
/* proc_pid_max - /proc/sys/kernel/pid_max */
long proc_pid_max(void);

#endif
