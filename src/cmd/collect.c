/*
 * collect - the whole case in one command, in order of volatility, into
 * one sealed folder; `stranger report DIR` reads it.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmds.h"
#include "lib/collect/collect.h"
#include "lib/proc/proc.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/escape.h"
#include "util/opt.h"
#include "util/xalloc.h"

static const char *const collect_usage[] = {
	"stranger collect -o DIR [--profile quick|full] [--budget SECS]",
	"                 [--dump-suspects] [--freeze-suspects] [--from DEBS]",
	"                 [--suspect PID]... [--force-same-fs]",
	"",
	"Collect a whole case in order of volatility (RFC 3227): the clock",
	"against the hardware clock, kernel, mounts, modules; processes, open",
	"files, sockets and what `hidden` finds; for every suspicious process",
	"its executable and deleted files (recover), its strings and, with",
	"--dump-suspects, its memory (--suspect PID names the suspects instead);",
	"users, logins, shell histories, authorized_keys, cron, systemd units,",
	"preloads, setuid files, /tmp;",
	"with --profile full also `verify --packages`, `timeline` and bigger",
	"copies of the logs.  Every step runs on its own with a time limit; its",
	"start, duration, result and errors go to DIR/collect.json and",
	"DIR/case.log, and DIR is sealed in DIR/manifest.sha256, also after",
	"Ctrl-C.  DIR must not be on a file system the collection reads",
	"(unless --force-same-fs).  Exit 0: nothing found and every step",
	"complete; 1: something found, or steps partial or skipped; 2: failure;",
	"130: interrupted (the partial case is sealed).",
	NULL,
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct progress {
	int on;
	double t0;
};

static void show_progress(const char *step, unsigned i, unsigned n, void *arg)
{
	struct progress *p = arg;
	if (!p->on)
		return;
	diag_progress("[%u/%u] %s", i, n, step);
}

/* absolute form of dir, without following anything it does not have to */
static char *absolute(const char *dir)
{
	struct buf b = BUF_INIT;
	char cwd[PATH_MAX];

	if (dir[0] == '/')
		return xstrdup(dir);
	if (!getcwd(cwd, sizeof(cwd)))
		die_errno("the current folder");
	buf_addf(&b, "%s/%s", strcmp(cwd, "/") ? cwd : "", dir);
	return buf_detach(&b, NULL);
}

/* the device DIR will be on: its own, or its nearest existing parent's */
static int device_of(const char *dir, dev_t *dev)
{
	char *p = xstrdup(dir);
	struct stat st;

	for (;;) {
		char *slash;
		if (!stat(p, &st)) {
			*dev = st.st_dev;
			free(p);
			return 0;
		}
		slash = strrchr(p, '/');
		if (!slash || slash == p) {
			free(p);
			if (stat("/", &st))
				return -1;
			*dev = st.st_dev;
			return 0;
		}
		*slash = '\0';
	}
}

static void check_same_fs(const char *dir)
{
	static const char *const read[] = {
		"/",	"/usr",	    "/etc",  "/var",  "/var/log", "/var/tmp",
		"/tmp", "/dev/shm", "/home", "/root", "/run",	  NULL,
	};
	dev_t dev;
	struct buf e = BUF_INIT;

	if (device_of(dir, &dev))
		die_errno("%s", dir);
	for (size_t i = 0; read[i]; i++) {
		struct stat st;
		if (!stat(read[i], &st) && st.st_dev == dev) {
			escape_str(&e, dir);
			die("%s: on the file system of %s, which the collection "
			    "reads; put the case on other media, or give "
			    "--force-same-fs",
			    e.data, read[i]);
		}
	}
}

int cmd_collect(int argc, char **argv)
{
	const char *dir = NULL, *profile = "quick", *from = NULL;
	long budget = 0;
	struct strlist named = { 0 };
	int *only = NULL;
	int dump = 0, freeze = 0, force = 0, rc;
	const struct opt opts[] = {
		OPT_STRING('o', "output", &dir, "DIR",
			   "the case folder to create (must not exist or be empty)"),
		OPT_STRING(0, "profile", &profile, "quick|full",
			   "how much to collect (default quick)"),
		OPT_LONG(0, "budget", &budget, "SECS",
			 "start no step after SECS seconds; steps get what is left", 1, 86400),
		OPT_BOOL(0, "dump-suspects", &dump,
			 "also write a core file of every suspicious process"),
		OPT_BOOL(0, "freeze-suspects", &freeze,
			 "freeze every suspicious process and leave it frozen"),
		OPT_STRING(0, "from", &from, "DEBS",
			   "verify packages against the trusted .debs in DEBS"),
		OPT_LIST(0, "suspect", &named, "PID",
			 "take PID as a suspect instead of what ps flags (repeatable)"),
		OPT_BOOL(0, "force-same-fs", &force,
			 "write DIR even on a file system the collection reads"),
		OPT_END(),
	};
	int all_argc = argc;
	char **all_argv = xmemdup(argv, (size_t)argc * sizeof(*argv));
	struct collect_opts o = { 0 };
	struct collect_summary s;
	struct progress prog = { isatty(2), 0 };
	struct sigaction sa;
	struct buf e = BUF_INIT;
	char *abs;
	int status;

	argc = opt_parse(argc, argv, opts, collect_usage, 0);
	if (argc)
		opt_usage_error(collect_usage, "no arguments besides the options");
	if (!dir)
		opt_usage_error(collect_usage, "-o DIR is required");
	if (!strcmp(profile, "quick"))
		o.profile = COLLECT_QUICK;
	else if (!strcmp(profile, "full"))
		o.profile = COLLECT_FULL;
	else
		opt_usage_error(collect_usage, "unknown profile '%.32s'", profile);
	if (from && o.profile != COLLECT_FULL)
		opt_usage_error(collect_usage, "--from needs --profile full");
	if (named.n) {
		only = xcalloc(named.n, sizeof(*only));
		for (size_t i = 0; i < named.n; i++) {
			pid_t p;
			if (proc_parse_pid(named.v[i], &p))
				opt_usage_error(collect_usage, "'%.32s': not a process ID",
						named.v[i]);
			only[i] = (int)p;
		}
	}
	abs = absolute(dir);
	if (!force)
		check_same_fs(abs);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: waits must wake up */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	o.dir = abs;
	o.budget = (double)budget;
	o.dump_suspects = dump;
	o.freeze_suspects = freeze;
	o.from = from;
	o.only = only;
	o.nonly = named.n;
	o.argc = all_argc;
	o.argv = all_argv;
	o.stop = &stop;
	o.progress = show_progress;
	o.ctx = &prog;
	rc = collect_run(&o, &s);
	if (prog.on)
		diag_progress_clear();
	escape_str(&e, abs);
	if (rc == -ENOTEMPTY)
		die("%s: exists and is not empty; evidence is never mixed", e.data);
	if (rc)
		die("%s: %s", e.data, strerror(-rc));
	printf("case: %s\n", e.data);
	printf("steps: %u (%u ok, %u partial, %u failed, %u skipped)\n", s.steps, s.ok, s.partial,
	       s.failed, s.skipped);
	printf("suspicious processes: %u\n", s.suspects);
	printf("details: %s/collect.json and %s/case.log\n", e.data, e.data);
	printf("next: stranger report %s\n", e.data);
	if (s.seal_err) {
		error("%s/manifest.sha256: not written: %s", e.data, strerror(-s.seal_err));
		status = 2;
	} else if (s.interrupted) {
		error("interrupted; the partial case is sealed");
		status = 130;
	} else {
		status = (s.failed || s.partial || s.skipped || s.suspects) ? 1 : 0;
	}
	buf_release(&e);
	free(abs);
	free(only);
	strlist_release(&named);
	free(all_argv);
	return status;
}
