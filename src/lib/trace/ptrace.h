/*
 * ptrace - stop, look at and let go of another process's threads, and the
 * event source of `trace`.
 *
 * ptrace_tracer_spawn() or ptrace_tracer_attach() add tracees (attach
 * seizes every thread with PTRACE_SEIZE, re-reading the task list until no
 * new thread appears), ptrace_tracer_next() waits for the next event and
 * returns it as plain data (struct ptrace_event: the raw syscall registers
 * from PTRACE_GET_SYSCALL_INFO, a signal's siginfo, an exit status).  The
 * tracee that produced the event stays stopped until the next call, so the
 * caller can read its memory (ptrace_mem_read) meanwhile; decoding is
 * lib/trace/syscall's business, not this module's.  A thread that was in a
 * group-stop stays stopped after detach; nothing is resumed that was not
 * running before.
 *
 * Holding a whole process still (dump) is lib/hold/seize's business, the
 * one process-hold engine; this module only traces.
 *
 * Errors: functions return 0 or -errno; ptrace_tracer_next() returns 1
 * with an event, 0 when no tracee is left, -EINTR when a signal (Ctrl-C)
 * interrupted the wait, so that the caller can ptrace_tracer_detach_all().
 *
 * Limits: one tracer per thread of the caller (ptrace's own rule); 64-bit
 * tracees only (x86_64, aarch64).
 */
#ifndef STRANGER_LIB_PTRACE_H
#define STRANGER_LIB_PTRACE_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

/* ptrace_mem_read - up to n bytes of pid's memory; bytes read or -errno */
long ptrace_mem_read(pid_t pid, unsigned long long addr, void *dst, size_t n);

enum ptrace_event_kind {
	PTE_SYSCALL_ENTRY,
	PTE_SYSCALL_EXIT,
	PTE_SIGNAL,	/* a signal is about to be delivered: si */
	PTE_GROUP_STOP, /* stopped by sig (SIGSTOP...), stays stopped */
	PTE_EXITED,	/* status = exit code */
	PTE_KILLED,	/* sig, core */
	PTE_ATTACHED,	/* a new tracee (a child under -f, a thread) */
};

struct ptrace_event {
	enum ptrace_event_kind kind;
	pid_t pid;
	struct timespec when; /* CLOCK_REALTIME when the stop was seen */
	/* syscalls */
	int arch; /* enum sc_arch */
	long nr;
	unsigned long long args[6];
	long long ret;
	/* signals and exits */
	int sig;
	int status;
	int core;
	siginfo_t si;
};

enum {
	PTRACER_FOLLOW = 1,  /* -f: fork, vfork, clone */
	PTRACER_SECCOMP = 2, /* launch: stop only at the calls in the filter */
};

struct ptrace_tracer;

struct ptrace_tracer *ptrace_tracer_new(unsigned flags);
void ptrace_tracer_free(struct ptrace_tracer *t);
/*
 * ptrace_tracer_spawn - run the program at path with argv, traced.
 * With PTRACER_SECCOMP, nrs[0..n) are the native syscall numbers to stop
 * at (a seccomp filter does the rest).  Events before the program's own
 * execve are not reported.
 */
int ptrace_tracer_spawn(struct ptrace_tracer *t, const char *path, char *const argv[],
			const int *nrs, size_t n, mode_t umask, pid_t *pid);
/* ptrace_tracer_attach - seize every thread of pid; its stop state is kept */
int ptrace_tracer_attach(struct ptrace_tracer *t, pid_t pid, size_t *nthreads);
/* ptrace_tracer_next - the next event; see above */
int ptrace_tracer_next(struct ptrace_tracer *t, struct ptrace_event *ev);
/*
 * ptrace_tracer_set_idle - a hook for buffered output: before blocking,
 * the tracer asks fn(ctx, 0) whether there is work; if so, and no event
 * is already waiting, it calls fn(ctx, 1) (flush) and then blocks.
 */
void ptrace_tracer_set_idle(struct ptrace_tracer *t, int (*fn)(void *ctx, int run), void *ctx);
/* ptrace_tracer_detach_all - let every tracee go as it was */
void ptrace_tracer_detach_all(struct ptrace_tracer *t);
/* ptrace_tracer_count - tracees alive */
size_t ptrace_tracer_count(const struct ptrace_tracer *t);

#endif
