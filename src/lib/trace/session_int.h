/*
 * session_int - the parts of a trace session shared by session.c (lines
 * and output), session_ptrace.c and session_bpf.c (the engines).
 */
#ifndef STRANGER_LIB_TRACE_SESSION_INT_H
#define STRANGER_LIB_TRACE_SESSION_INT_H

#include <signal.h>
#include <time.h>

#include "lib/trace/bpftrace.h"
#include "lib/trace/pathtrace.h"
#include "lib/trace/ptrace.h"
#include "lib/trace/session.h"
#include "util/buf.h"

struct out {
	int fd;
	struct buf b;
	struct tstate *pending; /* whose entry part ends the last line */
};

struct tstate {
	pid_t pid;
	struct sc_call call;
	struct buf line;
	size_t printed; /* bytes of line already written */
	int in_call, shown, cut;
	struct timespec t0;
	struct out *out; /* -ff: its own file */
	/* bpf: the call's copied memory, at entry and (during exit) at exit */
	struct bpftrace_event *bpf_entry;
	const struct bpftrace_event *bpf_exit;
	int bpf_held; /* entry not decoded yet: it waits for the exit */
	struct ptrace_event bpf_held_ev;
};

struct trace_session {
	struct trace_opts o;
	int ff;
	struct out main;
	struct tstate **ts;
	size_t nts, cap;
	pid_t *attached; /* -p PIDs, for the detach lines */
	size_t nattached;
	pid_t launched;
	int launched_status;
	int write_failed;
	long long last_flush;
	int timer_armed;
	struct bpftrace *bt;	  /* the bpf engine, or NULL for ptrace */
	struct ptrace_tracer *tr; /* the ptrace engine */
	int use_seccomp;
	struct trace_paths paths; /* -P, given and resolved */
};

extern volatile sig_atomic_t trace_interrupted, trace_alarmed;

/* session.c: per-thread state and the lines */
struct tstate *tstate_get(struct trace_session *t, pid_t pid);
void flush_all(struct trace_session *t);
int session_idle(void *ctx, int run);
void on_entry(struct trace_session *t, const struct ptrace_event *ev);
void on_exit_event(struct trace_session *t, const struct ptrace_event *ev);
void on_signal_event(struct trace_session *t, const struct ptrace_event *ev);
void on_stopped(struct trace_session *t, pid_t pid, const struct timespec *when, int sig);
void on_gone(struct trace_session *t, const struct ptrace_event *ev);
void on_attached(struct trace_session *t, pid_t pid);
void detach_lines(struct trace_session *t);
void note_attached(const struct trace_session *t, pid_t pid, size_t nthreads);
char *find_in_path(const char *cmd);

/* session_bpf.c */
struct bpftrace *bpf_open(const struct trace_session *t, const char **why);
int bpf_attach(struct trace_session *t, pid_t pid);
int bpf_launch(struct trace_session *t, const char *exe, char *const argv[]);
int bpf_run(struct trace_session *t);

/* session_ptrace.c */
int ptrace_session_attach(struct trace_session *t, pid_t pid);
int ptrace_session_launch(struct trace_session *t, const char *exe, char *const argv[]);
int ptrace_session_run(struct trace_session *t);

#endif
