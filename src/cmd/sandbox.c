/*
 * sandbox - run an unknown program in a throw-away copy of this machine,
 * watched, and report everything it tried.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmds.h"
#include "lib/evidence/evidence.h"
#include "lib/sandbox/sandbox.h"
#include "lib/sandbox/sbreport.h"
#include "lib/sandbox/sbtrace.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/escape.h"
#include "util/opt.h"
#include "util/xalloc.h"

static const char *const usage[] = {
	"stranger sandbox [-o DIR] [--timeout SECS] [--net=sinkhole|none] [--runs N]",
	"                 [--memory SIZE] [--pids N] [--backend=bpf|ptrace] -- CMD [ARG...]",
	"",
	"Run CMD in a throw-away copy of this machine: its own user, mount, PID,",
	"network, UTS, IPC and cgroup namespaces; the host's / read-only under a",
	"fresh writable layer; a seccomp filter against module loading, kexec,",
	"reboot, bpf, perf, keyrings, ptrace and mounts; limits on time, memory,",
	"tasks and CPU.  The sinkhole (default) accepts and records every",
	"connection and DNS query; --net=none leaves only a loopback.  Traced",
	"throughout (bpf where allowed, so TracerPid stays 0).  DIR is a sealed",
	"evidence folder with report.txt, report.json, the trace, the program's",
	"output and the files it wrote.  Exit status: the program's (128+N when",
	"killed by signal N, 124 at the timeout), 2 if the sandbox failed, 130",
	"when interrupted.",
	NULL,
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

struct tick {
	int on;
	long long last;
	const char *trace;
};

static void show_tick(void *ctx, double elapsed)
{
	struct tick *t = ctx;
	struct stat st;
	long long now = (long long)(elapsed * 4);
	if (!t->on || now == t->last)
		return;
	t->last = now;
	diag_progress("%.1f s, %lld KiB of trace", elapsed,
		      stat(t->trace, &st) ? 0LL : (long long)st.st_size >> 10);
}

static int parse_size(const char *s, unsigned long long *out)
{
	char *e;
	unsigned long long v;
	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoull(s, &e, 10);
	if (errno || e == s)
		return -1;
	switch (*e) {
	case 'k':
	case 'K':
		v <<= 10;
		e++;
		break;
	case 'm':
	case 'M':
		v <<= 20;
		e++;
		break;
	case 'g':
	case 'G':
		v <<= 30;
		e++;
		break;
	default:
		break;
	}
	if ((*e == 'b' || *e == 'B') && e[1] == '\0')
		e++;
	if (*e || v < (1u << 20) || v > (1ULL << 44))
		return -1;
	*out = v;
	return 0;
}

/* the program must be there before a sandbox is built for it */
static int find_program(const char *p)
{
	const char *path = getenv("PATH");
	struct buf b = BUF_INIT;
	int found = 0;
	if (strchr(p, '/'))
		return access(p, F_OK) ? -errno : 0;
	for (const char *s = path ? path : "/usr/bin:/bin"; !found && s;) {
		const char *c = strchr(s, ':');
		buf_reset(&b);
		buf_add(&b, s, c ? (size_t)(c - s) : strlen(s));
		buf_addf(&b, "/%s", p);
		found = !access(b.data, X_OK);
		s = c ? c + 1 : NULL;
	}
	buf_release(&b);
	return found ? 0 : -ENOENT;
}

static int load_file(const char *path, struct buf *b)
{
	return buf_read_at(b, AT_FDCWD, path, 0);
}

static int run_status(const struct sandbox_result *r)
{
	if (r->end == SANDBOX_END_TIMEOUT)
		return 124;
	if (r->end == SANDBOX_END_INTERRUPTED)
		return 130;
	if (!r->have_status)
		return 2;
	if (WIFEXITED(r->status))
		return WEXITSTATUS(r->status);
	if (WIFSIGNALED(r->status))
		return 128 + WTERMSIG(r->status);
	return 2;
}

int cmd_sandbox(int argc, char **argv)
{
	const char *dir = NULL, *net = NULL, *memory = NULL, *backend = NULL;
	long timeout = 60, runs = 1, pids = 256, cpu = 100, uid = 65534, slen = 256;
	const struct opt opts[] = {
		OPT_STRING('o', "output", &dir, "DIR",
			   "the evidence folder (default sandbox.TIME)"),
		OPT_LONG(0, "timeout", &timeout, "SECS",
			 "freeze and kill after SECS (60; 0: never)", 0, 86400),
		OPT_STRING(0, "net", &net, "MODE", "sinkhole (default) or none"),
		OPT_LONG(0, "runs", &runs, "N",
			 "run N times from the same start; report differences", 1, 100),
		OPT_STRING(0, "memory", &memory, "SIZE", "memory limit (512M; K, M, G)"),
		OPT_LONG(0, "pids", &pids, "N", "task limit (256)", 1, 1 << 22),
		OPT_LONG(0, "cpu", &cpu, "PERCENT", "CPU limit, of one CPU (100)", 1, 100000),
		OPT_LONG(0, "uid", &uid, "UID", "who root inside is outside (65534)", 1,
			 0x7ffffffe),
		OPT_STRING(0, "backend", &backend, "NAME", "trace with bpf or ptrace"),
		OPT_LONG('s', "string-limit", &slen, "SIZE",
			 "bytes of each string in the trace (256)", 32, 1 << 16),
		OPT_END(),
	};
	int all_argc = argc, rc, status = 0;
	char **all_argv = xmemdup(argv, (size_t)argc * sizeof(*argv));
	struct sandbox_opts so;
	struct sbrun *rv;
	struct evidence *ev;
	struct buf why = BUF_INIT, tmp = BUF_INIT, txt = BUF_INIT, json = BUF_INIT, dflt = BUF_INIT,
		   tpath = BUF_INIT;
	struct tick tk = { isatty(2), -1, NULL };
	struct sigaction sa;
	long done = 0;
	size_t nrep = 0;

	argc = opt_parse(argc, argv, opts, usage, OPT_STOP_AT_ARG);
	if (argc < 1)
		opt_usage_error(usage, "no program given");
	memset(&so, 0, sizeof(so));
	so.argv = argv;
	so.timeout = (double)timeout;
	so.pids = pids;
	so.cpu_percent = cpu;
	so.uid = (uid_t)uid;
	so.string_limit = slen;
	so.memory = 512ULL << 20;
	if (memory && parse_size(memory, &so.memory))
		opt_usage_error(usage, "--memory: '%.32s' is not a size of 1M or more", memory);
	if (!net || !strcmp(net, "sinkhole"))
		so.net = SANDBOX_NET_SINKHOLE;
	else if (!strcmp(net, "none"))
		so.net = SANDBOX_NET_NONE;
	else
		opt_usage_error(usage, "--net: '%.32s' is not sinkhole or none", net);
	if (backend && strcmp(backend, "bpf") && strcmp(backend, "ptrace"))
		opt_usage_error(usage, "--backend: '%.32s' is not bpf or ptrace", backend);
	so.backend = backend;
	if (geteuid() != 0)
		die("building a sandbox needs root (namespaces, cgroups, the overlay)");
	if ((rc = find_program(argv[0]))) {
		buf_reset(&tmp);
		escape_str(&tmp, argv[0]);
		die("%s: %s", tmp.data, strerror(-rc));
	}
	if (!dir) {
		char iso[32];
		evidence_iso8601(iso);
		buf_addf(&dflt, "sandbox.%s", iso);
		dir = dflt.data;
	}
	rc = evidence_open(dir, all_argc, all_argv, &ev);
	if (rc == -ENOTEMPTY)
		die("%s: exists and is not empty; evidence is never mixed", dir);
	if (rc)
		die("%s: %s", dir, strerror(-rc));

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	so.interrupted = &interrupted;
	so.tick = show_tick;
	so.tick_ctx = &tk;

	rv = xcalloc((size_t)runs, sizeof(*rv));
	for (long i = 0; i < runs && !interrupted; i++) {
		struct sbrun *run = &rv[i];
		char prefix[32];
		run->index = (int)i + 1;
		prefix[0] = '\0';
		if (runs > 1)
			snprintf(prefix, sizeof(prefix), "run%ld/", i + 1);
		run->prefix = xstrdup(prefix);
		run->res = xcalloc(1, sizeof(*run->res));
		buf_reset(&tpath);
		buf_addf(&tpath, "%s/.trace-%ld.tmp", dir, i + 1);
		so.trace_path = tpath.data;
		tk.trace = tpath.data;
		evidence_log(ev, "run %ld: starting", i + 1);
		buf_reset(&why);
		rc = sandbox_run(&so, run->res, &why);
		if (tk.on)
			diag_progress_clear();
		if (rc == -EINTR && interrupted) {
			unlink(tpath.data);
			evidence_log(ev, "run %ld: interrupted before the program started", i + 1);
			status = 130;
			done = i;
			break;
		}
		if (rc) {
			unlink(tpath.data);
			error("%s: %s", why.len ? why.data : "sandbox", strerror(-rc));
			evidence_log(ev, "run %ld: the sandbox failed: %s: %s", i + 1, why.data,
				     strerror(-rc));
			status = 2;
			done = i + 1;
			break;
		}
		done = i + 1;
		buf_reset(&tmp);
		if (load_file(tpath.data, &tmp))
			warning("run %ld: the trace could not be read", i + 1);
		unlink(tpath.data);
		sbtrace_parse(tmp.data, tmp.len, &run->trace);
		buf_reset(&txt);
		buf_addf(&txt, "%strace.txt", prefix);
		evidence_add_buf(ev, txt.data, tmp.data, tmp.len);
		buf_reset(&txt);
		buf_addf(&txt, "%sstdout.txt", prefix);
		evidence_add_buf(ev, txt.data, run->res->out.data, run->res->out.len);
		buf_reset(&txt);
		buf_addf(&txt, "%sstderr.txt", prefix);
		evidence_add_buf(ev, txt.data, run->res->err.data, run->res->err.len);
		buf_reset(&txt);
		buf_addf(&txt, "%stracer.log", prefix);
		evidence_add_buf(ev, txt.data, run->res->trace_err.data, run->res->trace_err.len);
		sbreport_files(ev, prefix, run->res->upper_fd, &run->files);
		buf_reset(&txt);
		sbreport_end(run->res, &txt);
		evidence_log(ev, "run %ld: %s after %.3f s", i + 1, txt.data, run->res->elapsed);
		status = run_status(run->res);
		if (run->res->end == SANDBOX_END_INTERRUPTED)
			break;
	}

	/* the report: each run that started, then what differed between them
	 * (runs stop at the first that fails, so those are the first nrep) */
	buf_reset(&txt);
	buf_reset(&json);
	buf_addstr(&json, "{\"runs\":[");
	for (long i = 0; i < done && rv[i].res->start_iso[0]; i++, nrep++) {
		sbreport_text(&txt, &so, &rv[i]);
		buf_addstr(&txt, "\n");
		if (nrep)
			buf_addc(&json, ',');
		sbreport_json(&json, &so, &rv[i]);
		buf_rtrim(&json);
	}
	buf_addstr(&json, "],\"differences\":[");
	if (nrep > 1)
		sbreport_differences(rv, nrep, &txt, &json);
	buf_addstr(&json, "]}\n");
	evidence_add_buf(ev, "report.txt", txt.data, txt.len);
	evidence_add_buf(ev, "report.json", json.data, json.len);

	/* the terminal: one summary line per run */
	for (long i = 0; i < done; i++) {
		struct sbrun *run = &rv[i];
		size_t nf = run->files.n;
		if (!run->res || !run->res->start_iso[0])
			continue;
		buf_reset(&tmp);
		sbreport_end(run->res, &tmp);
		printf("run %d: %s after %.2f s; %zu process%s, %zu file change%s, "
		       "%zu network call%s, %zu DNS/sinkhole record%s, %zu listening, "
		       "%zu refused call%s\n",
		       run->index, tmp.data, run->res->elapsed, run->trace.nprocs,
		       run->trace.nprocs == 1 ? "" : "es", nf, nf == 1 ? "" : "s", run->trace.nnets,
		       run->trace.nnets == 1 ? "" : "s", run->res->sink.n,
		       run->res->sink.n == 1 ? "" : "s", run->trace.nlistens, run->res->nrefused,
		       run->res->nrefused == 1 ? "" : "s");
	}
	if (done)
		printf("report: %s/report.txt\n", dir);
	rc = evidence_close(ev, status);
	if (rc && status != 2) {
		error("%s: the manifest could not be written: %s", dir, strerror(-rc));
		status = 2;
	}
	for (long i = 0; i < runs; i++) {
		if (rv[i].res) {
			sbtrace_release(&rv[i].trace);
			sbreport_files_release(&rv[i].files);
			sandbox_result_release(rv[i].res);
			free(rv[i].res);
		}
		free((char *)rv[i].prefix);
	}
	free(rv);
	if (interrupted && status != 2) {
		fflush(stdout);
		error("interrupted; the sandbox was killed and removed, the evidence sealed in %s",
		      dir);
		status = 130;
	}
	buf_release(&why);
	buf_release(&tmp);
	buf_release(&txt);
	buf_release(&json);
	buf_release(&dflt);
	buf_release(&tpath);
	free(all_argv);
	return status;
}
