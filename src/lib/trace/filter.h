/*
 * filter - strace's -e expressions: which calls, signals and descriptors
 * `trace` shows and wiretaps.
 *
 *   trace=SET    names, %classes (%file %network %process %memory %signal
 *                %desc %ipc %creds %clock), all, none, !SET, ?NAME
 *   read=FDS     hex-dump the data read from these descriptors
 *   write=FDS    ... and written to them
 *   signal=SET   the signals shown (names, numbers, all, none, !SET)
 *   quiet=SET    messages left out: attach (attach/detach lines), exit
 *                (+++ exited lines), path-resolution (-P's "resolved
 *                into"), personality, thread-execve, superseded (stranger
 *                prints none of the last three); all, none, !SET
 *   abbrev=, verbose=, raw=   accepted for strace's sake
 *   NAME[,NAME]  the same as trace=NAME
 *
 * Errors: the parsers return 0 or -1 after one error() line naming the
 * bad item ("invalid system call 'foo'"), the item escaped.
 */
#ifndef STRANGER_LIB_TRACE_FILTER_H
#define STRANGER_LIB_TRACE_FILTER_H

#include "lib/trace/syscall/syscall.h"

#define TRACE_NR_MAX 1024

struct trace_filter {
	unsigned char nr[SC_NARCH][TRACE_NR_MAX]; /* traced calls */
	int unknown;				  /* calls the table does not know */
	unsigned char sig[65];			  /* signals shown */
	unsigned char read_fds[SC_MAX_FD_SET], write_fds[SC_MAX_FD_SET];
	int any_read, any_write; /* some fd in read_fds / write_fds */
	int filtered;		 /* trace= narrowed the set */
	unsigned quiet;		 /* TRACE_QUIET_* */
	int quiet_set;		 /* quiet= was given */
};

enum {
	TRACE_QUIET_ATTACH = 1 << 0,
	TRACE_QUIET_EXIT = 1 << 1,
	TRACE_QUIET_PATH = 1 << 2,
	TRACE_QUIET_PERSONALITY = 1 << 3,
	TRACE_QUIET_THREAD_EXECVE = 1 << 4,
	TRACE_QUIET_SUPERSEDED = 1 << 5,
	TRACE_QUIET_ALL = (1 << 6) - 1,
};

/* trace_filter_init - everything traced, every signal shown, no wiretap */
void trace_filter_init(struct trace_filter *f);
/* trace_filter_expr - one -e EXPR */
int trace_filter_expr(struct trace_filter *f, const char *expr);
/* trace_filter_trace - trace=SET's value (also --trace=SET) */
int trace_filter_trace(struct trace_filter *f, const char *set);
/* trace_filter_signals - signal=SET's value (also --signal=SET) */
int trace_filter_signals(struct trace_filter *f, const char *set);
/* trace_filter_quiet - quiet=SET's value (also --quiet=SET): sets f->quiet */
int trace_filter_quiet(struct trace_filter *f, const char *set);
/* trace_filter_selected - whether a call (arch -1: unknown) is shown */
int trace_filter_selected(const struct trace_filter *f, int arch, long nr);
/*
 * trace_filter_stops - the native call numbers the tracer must stop at
 * (for a seccomp filter): the traced ones and execve; *n of them, free()
 * the array.
 */
int *trace_filter_stops(const struct trace_filter *f, size_t *n);

#endif
