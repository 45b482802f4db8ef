/*
 * seize - hold every thread of a process in a ptrace stop, read its
 * registers, and let go, leaving the process as it was.
 *
 * seize_stop() attaches to each thread with PTRACE_SEIZE (no signal is
 * sent) and asks it to stop with PTRACE_INTERRUPT, listing the threads
 * again until no new one appears.  A running process stops; after
 * seize_release() it runs on.  A process stopped with SIGSTOP stays
 * stopped.  A process in a cgroup v2 freezer enters the ptrace stop from
 * the freezer and returns to it.  A process in a cgroup v1 freezer cannot
 * reach a ptrace stop while frozen: every task of its freezer cgroup is
 * seized and interrupted first, so each has a ptrace stop pending that it
 * takes before any return to user mode; only then is the cgroup thawed,
 * each task enters the ptrace stop (running no user instruction), and the
 * cgroup is frozen again before anything else happens.  Tasks that are not
 * part of the process are let go at once, still frozen.
 *
 * Errors: seize_stop() returns 0 when at least the threads it lists are
 * held (a thread that would not stop has stopped == 0), or -errno when
 * ptrace is refused (-EPERM: another tracer, as anti-debugging code
 * does), with the reason in why.
 *
 * This is the minimal engine a memory dump needs; the system-call tracer
 * has its own, and the two could share one module.
 */
#ifndef STRANGER_LIB_SEIZE_H
#define STRANGER_LIB_SEIZE_H

#include <stddef.h>
#include <sys/types.h>

#include "util/buf.h"

struct seize_task {
	pid_t tid;
	int stopped;
	int sig;    /* signal to hand back on detach (signal-delivery stop) */
	int helper; /* a cgroup sibling held only across a thaw */
};

struct seize {
	pid_t pid;
	struct seize_task *t;
	size_t n, alloc;
	int thawed_cgroup; /* a v1 freezer cgroup was thawed and refrozen */
};

int seize_stop(struct seize *s, pid_t pid, struct buf *why);
/* seize_regset - PTRACE_GETREGSET of type into buf; *len in/out; 0/-errno */
int seize_regset(const struct seize *s, pid_t tid, int type, void *buf, size_t *len);
/* seize_stopped - 1 if tid is held in a ptrace stop */
int seize_stopped(const struct seize *s, pid_t tid);
/* seize_release - detach from every thread, leaving each as it was */
void seize_release(struct seize *s);
/*
 * seize_freezer_file - the freezer control file of pid's cgroup for
 * method (cgroup.freeze or freezer.state), from /proc/PID/cgroup and the
 * mounts; 0 or -errno.  Exposed for tests.
 */
int seize_freezer_file(pid_t pid, int v1, struct buf *out);

#endif
