/*
 * session_ptrace - the ptrace engine's side of a trace session: attach,
 * launch, and the event loop.
 */
#include "lib/trace/session_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/diag.h"
#include "util/xalloc.h"

int ptrace_session_attach(struct trace_session *t, pid_t pid)
{
	size_t nth = 0;
	int r = ptrace_tracer_attach(t->tr, pid, &nth);

	if (r < 0) {
		if (r == -EPERM)
			error("attach %d: %s (ptrace is not allowed here: privileges or "
			      "/proc/sys/kernel/yama/ptrace_scope)",
			      (int)pid, strerror(-r));
		else
			error("attach %d: %s", (int)pid, strerror(-r));
		return -1;
	}
	note_attached(t, pid, nth);
	return 0;
}

int ptrace_session_launch(struct trace_session *t, const char *exe, char *const argv[])
{
	int *nrs = NULL;
	size_t n = 0;
	pid_t pid;
	int r;

	if (t->use_seccomp)
		nrs = trace_filter_stops(&t->o.filter, &n);
	r = ptrace_tracer_spawn(t->tr, exe, argv, nrs, n, t->o.umask, &pid);
	free(nrs);
	if (r < 0)
		return error("cannot trace %s: %s", argv[0], strerror(-r));
	t->launched = pid;
	return 0;
}

int ptrace_session_run(struct trace_session *t)
{
	for (;;) {
		struct ptrace_event ev;
		int r = trace_interrupted ? -EINTR : ptrace_tracer_next(t->tr, &ev);

		if (r == 0)
			return 0;
		if (r < 0) {
			if (r == -EINTR && !trace_interrupted)
				continue; /* the flush timer: the idle check writes */
			if (r != -EINTR)
				warning("trace: %s", strerror(-r));
			/* Ctrl-C: let everything go exactly as it was */
			ptrace_tracer_detach_all(t->tr);
			detach_lines(t);
			if (t->launched > 0)
				return 128 + (trace_interrupted ? trace_interrupted : SIGINT);
			return 0;
		}
		switch (ev.kind) {
		case PTE_SYSCALL_ENTRY:
			on_entry(t, &ev);
			break;
		case PTE_SYSCALL_EXIT:
			on_exit_event(t, &ev);
			break;
		case PTE_SIGNAL:
			on_signal_event(t, &ev);
			break;
		case PTE_GROUP_STOP:
			on_stopped(t, ev.pid, &ev.when, ev.sig);
			break;
		case PTE_EXITED:
		case PTE_KILLED:
			on_gone(t, &ev);
			break;
		case PTE_ATTACHED:
			on_attached(t, ev.pid);
			break;
		}
	}
}
