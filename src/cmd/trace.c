/*
 * trace - system calls as strace prints them, with the article's wiretap.
 *
 * The command parses strace's options and hands them to the trace
 * session (lib/trace/session): the -e expressions to lib/trace/filter,
 * the PIDs and the command to the session, which writes the trace.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmds.h"
#include "lib/trace/session.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/escape.h"
#include "util/opt.h"
#include "util/xalloc.h"
#include "version.h"

static const char *const usage[] = {
	"stranger trace [OPTIONS] -p PID[,PID...]",
	"stranger trace [OPTIONS] -- CMD [ARG...]",
	"  -e EXPR: trace=SET (names, %file %network %process %memory %signal",
	"  %desc %ipc %creds %clock, all, none, !SET), read=FDS, write=FDS,",
	"  signal=SET, quiet=SET (attach, exit, path-resolution, personality,",
	"  thread-execve, superseded); -eNAME is trace=NAME.",
	NULL,
};

static int parse_pids(const struct strlist *l, pid_t **pids, size_t *n)
{
	*n = 0;
	*pids = NULL;
	for (size_t i = 0; i < l->n; i++) {
		char *copy = xstrdup(l->v[i]), *save = NULL, *tok;
		for (tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
			long v;
			if (opt_parse_long(tok, &v) || v <= 0 || v > INT_MAX) {
				struct buf e = BUF_INIT;
				escape_str(&e, tok);
				error("invalid process id '%s'", e.data);
				buf_release(&e);
				free(copy);
				return -1;
			}
			*pids = xrealloc(*pids, (*n + 1) * sizeof(**pids));
			(*pids)[(*n)++] = (pid_t)v;
		}
		free(copy);
	}
	return 0;
}

int cmd_trace(int argc, char **argv)
{
	struct trace_opts o;
	struct trace_session *s = NULL;
	struct strlist exprs = { 0 }, pidl = { 0 }, paths = { 0 }, traces = { 0 }, quiets = { 0 },
		       signals = { 0 };
	const char *outname = NULL, *backend = NULL;
	long strsize = 32, column = 40, bufsize = 0;
	int follow = 0, tflag = 0, timing = 0, json = 0, quiet = 0, verbose = 0, yflag = 0,
	    xflag = 0, version = 0, force = 0, seccomp = 0, no_seccomp = 0;
	const struct opt opts[] = {
		OPT_LIST('e', NULL, &exprs, "EXPR", "trace=SET, read=FDS, write=FDS, signal=SET"),
		OPT_LIST(0, "trace", &traces, "SET", "the calls to show (as -e trace=)"),
		OPT_LIST('p', "attach", &pidl, "PID", "attach to PID[,PID...] (every thread)"),
		OPT_COUNT('f', "follow-forks", &follow,
			  "follow fork/vfork/clone; -ff: a file per process"),
		OPT_STRING('o', "output", &outname, "FILE", "write the trace to FILE"),
		OPT_LONG('s', "string-limit", &strsize, "SIZE", "bytes of a string shown (32)", 0,
			 1 << 20),
		OPT_COUNT('t', NULL, &tflag, "time of day; -tt with microseconds; -ttt epoch"),
		OPT_BOOL('T', "syscall-times", &timing, "time spent in each call"),
		OPT_BOOL(0, "json", &json, "JSON Lines, one object per call"),
		OPT_LONG('a', "columns", &column, "COLUMN", "align return values at COLUMN (40)", 0,
			 1000),
		OPT_LIST('P', "trace-path", &paths, "PATH", "only calls that touch PATH"),
		OPT_COUNT('q', "quiet", &quiet, "no attach/detach messages; -qq no exit lines"),
		OPT_LIST(0, "quiet", &quiets, "SET",
			 "leave out attach, exit, path-resolution... (as -e quiet=)"),
		OPT_LIST(0, "signal", &signals, "SET", "the signals to show (as -e signal=)"),
		OPT_BOOL('v', "no-abbrev", &verbose, "print structures whole (environment)"),
		OPT_COUNT('y', "decode-fds", &yflag, "show the path of each fd; -yy: and devices"),
		OPT_COUNT('x', NULL, &xflag, "non-ASCII strings in hex; -xx all in hex"),
		OPT_BOOL('V', "version", &version, "print the version"),
		OPT_STRING(0, "backend", &backend, "NAME",
			   "bpf (the default where allowed) or ptrace"),
		OPT_LONG(0, "buffer-size", &bufsize, "BYTES",
			 "bpf: ring buffer size, a power of 2 (8 MiB)", 4096, 1L << 30),
		OPT_BOOL(0, "seccomp-bpf", &seccomp,
			 "stop only at traced calls (default with -e trace= on launch)"),
		OPT_BOOL(0, "no-seccomp", &no_seccomp, "stop at every call even when filtering"),
		OPT_BOOL(0, "force", &force, "allow tracing PID 1"),
		OPT_END(),
	};
	pid_t *pids = NULL;
	size_t npids = 0;
	int rc = 2, nargs, fd = 2;

	nargs = opt_parse(argc, argv, opts, usage, OPT_STOP_AT_ARG);
	if (version) {
		printf("stranger trace (stranger %s)\n", STRANGER_VERSION);
		return 0;
	}
	memset(&o, 0, sizeof(o));
	trace_filter_init(&o.filter);
	for (size_t i = 0; i < exprs.n; i++)
		if (trace_filter_expr(&o.filter, exprs.v[i]))
			goto out;
	for (size_t i = 0; i < traces.n; i++)
		if (trace_filter_trace(&o.filter, traces.v[i]))
			goto out;
	for (size_t i = 0; i < signals.n; i++)
		if (trace_filter_signals(&o.filter, signals.v[i]))
			goto out;
	for (size_t i = 0; i < quiets.n; i++)
		if (trace_filter_quiet(&o.filter, quiets.v[i]))
			goto out;
	if (quiet && (quiets.n || o.filter.quiet_set))
		opt_usage_error(usage, "-q and -e quiet/--quiet cannot be provided simultaneously");
	/* -q: attach,personality; -qq: and exit; -qqq: everything */
	if (quiet)
		o.filter.quiet |= TRACE_QUIET_ATTACH | TRACE_QUIET_PERSONALITY;
	if (quiet >= 2)
		o.filter.quiet |= TRACE_QUIET_EXIT;
	if (quiet >= 3)
		o.filter.quiet = TRACE_QUIET_ALL;
	if (!backend)
		backend = getenv("STRANGER_TRACE_BACKEND");
	if (backend && strcmp(backend, "ptrace") && strcmp(backend, "bpf")) {
		struct buf e = BUF_INIT;
		escape_str(&e, backend);
		opt_usage_error(usage, "unknown backend '%s'", e.data);
	}
	if (bufsize & (bufsize - 1))
		opt_usage_error(usage, "--buffer-size must be a power of 2");
	if (parse_pids(&pidl, &pids, &npids))
		goto out;
	if (!npids && !nargs)
		opt_usage_error(usage, "give -p PID or a command to run");
	if (follow >= 2 && !outname)
		opt_usage_error(usage, "-ff needs -o FILE");

	o.sco.strsize = (size_t)strsize;
	o.sco.xflag = xflag;
	o.sco.verbose = verbose;
	o.sco.column = (int)column;
	o.sco.show_paths = yflag;
	o.sco.timing = timing;
	o.sco.read_fds = o.filter.any_read ? o.filter.read_fds : NULL;
	o.sco.write_fds = o.filter.any_write ? o.filter.write_fds : NULL;
	o.json = json;
	o.tflag = tflag;
	o.timing = timing;
	o.follow = follow;
	o.outname = outname;
	o.paths = (const char *const *)paths.v;
	o.npaths = paths.n;
	o.backend = !backend ? TRACE_AUTO : !strcmp(backend, "bpf") ? TRACE_BPF : TRACE_PTRACE;
	o.bufsize = (size_t)bufsize;
	o.seccomp = seccomp;
	/* attached processes never get a seccomp filter: without a command, none */
	o.no_seccomp = no_seccomp || !nargs;
	o.umask = stranger_user_umask;

	/* loading bpf takes a moment: a Ctrl-C meanwhile must not be lost
	   (nor kill us halfway) */
	trace_catch_signals();
	s = trace_session_new(&o);
	/* refuse what cannot or must not be traced before touching anything */
	for (size_t i = 0; i < npids; i++)
		if (trace_refuse(s, pids[i], force))
			goto out;
	if (outname && follow < 2) {
		fd = open(outname, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0) {
			error_errno("%s", outname);
			goto out;
		}
	}
	trace_session_output(s, fd);
	for (size_t i = 0; i < npids; i++)
		if (trace_session_attach(s, pids[i]))
			goto out;
	if (nargs && trace_session_launch(s, argv))
		goto out;
	rc = trace_session_run(s);
out:
	trace_session_free(s);
	if (fd > 2)
		close(fd);
	free(pids);
	strlist_release(&exprs);
	strlist_release(&pidl);
	strlist_release(&paths);
	strlist_release(&traces);
	strlist_release(&quiets);
	strlist_release(&signals);
	return rc;
}
