/*
 * session - one `trace` run: attach to processes or launch a command,
 * take the events of an engine (ptrace, or bpf where it is allowed), and
 * write the trace as strace lays it out (pid prefixes, -t, -T,
 * unfinished/resumed lines, hex dumps) or as JSON Lines.
 *
 * The ptrace engine (lib/trace/ptrace) stops each call; the bpf engine
 * (lib/trace/bpftrace) copies each call's memory from the kernel and its
 * events are turned into the ptrace engine's, so one path decodes both
 * (lib/trace/syscall).
 *
 * The trace itself is written to the descriptor given (or, for -ff, to
 * OUTNAME.PID files); what goes wrong is reported through util/diag.
 * Functions return 0 or -1 after one error() line, and
 * trace_session_run() the exit status the command should return: the
 * launched command's, 128+SIG when interrupted, 2 when the trace failed.
 *
 * Signals: the command routes SIGINT/SIGTERM/SIGHUP/SIGQUIT to
 * trace_interrupt() and SIGALRM (the output flush timer) to
 * trace_alarm(); trace_catch_signals() installs exactly that.
 */
#ifndef STRANGER_LIB_TRACE_SESSION_H
#define STRANGER_LIB_TRACE_SESSION_H

#include <stddef.h>
#include <sys/types.h>

#include "lib/trace/filter.h"
#include "lib/trace/syscall/syscall.h"

enum trace_backend { TRACE_AUTO, TRACE_PTRACE, TRACE_BPF };

struct trace_opts {
	struct trace_filter filter;
	struct sc_opts sco;
	int json, tflag, timing, follow; /* -f counts (-ff) */
	const char *outname;		 /* -o FILE (the fd is given) */
	const char *const *paths;	 /* -P */
	size_t npaths;
	enum trace_backend backend;
	size_t bufsize; /* bpf ring, 0: default */
	int seccomp, no_seccomp;
	int pid_prefix; /* -p with a command: always */
	mode_t umask;	/* the launched command's */
};

struct trace_session;

/* trace_session_new - the engine for o (TRACE_AUTO: bpf if allowed) */
struct trace_session *trace_session_new(const struct trace_opts *o);
int trace_session_is_bpf(const struct trace_session *s);
/* trace_refuse - -1 after error() if pid must not or cannot be traced */
int trace_refuse(const struct trace_session *s, pid_t pid, int force);
/* trace_session_output - the trace goes to fd (not closed here) */
void trace_session_output(struct trace_session *s, int fd);
/* trace_session_attach - every thread of pid */
int trace_session_attach(struct trace_session *s, pid_t pid);
/* trace_session_launch - run argv[0] (searched in PATH), traced */
int trace_session_launch(struct trace_session *s, char *const argv[]);
/* trace_session_run - report until no tracee is left or a signal */
int trace_session_run(struct trace_session *s);
/* trace_session_free - let every tracee go as it was, free */
void trace_session_free(struct trace_session *s);

void trace_interrupt(int sig);
void trace_alarm(int sig);
void trace_catch_signals(void);

#endif
