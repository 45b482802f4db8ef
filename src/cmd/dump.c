/*
 * dump - an ELF core file of a live process, sealed in an evidence folder.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmds.h"
#include "lib/evidence/elfcore.h"
#include "lib/evidence/evidence.h"
#include "lib/hold/freeze.h"
#include "lib/proc/proc.h"
#include "util/diag.h"
#include "util/escape.h"
#include "util/interrupt.h"
#include "util/opt.h"
#include "util/table.h"
#include "util/xalloc.h"

static const char *const dump_usage[] = {
	"stranger dump PID -o DIR",
	"",
	"Write DIR/core, an ELF core file of PID with every readable mapping",
	"(code included) and every thread's registers, so that `gdb EXE DIR/core`",
	"shows its threads, stacks and memory; also DIR/maps, DIR/case.log and",
	"DIR/manifest.sha256.  A frozen process stays frozen; a running one is",
	"stopped for the dump and resumed.  Exit 0: complete; 1: written, but",
	"partial (see the warnings in DIR/case.log); 2: failure.  Interrupted",
	"(SIGINT, SIGTERM, SIGHUP), it stops, resumes the process, marks the core",
	"partial in DIR/partial.txt, seals the folder and exits 128+signal.",
	NULL,
};

struct progress {
	int on;
	long long last;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void show_progress(unsigned long long done, unsigned long long total, void *ctx)
{
	struct progress *p = ctx;
	long long t = (long long)(now_s() * 10);

	if (!p->on || t == p->last)
		return;
	p->last = t;
	diag_progress("stranger: dump: %llu of %llu MiB", done >> 20, total >> 20);
}

int cmd_dump(int argc, char **argv)
{
	const char *dir = NULL;
	const struct opt opts[] = {
		OPT_STRING('o', "output", &dir, "DIR",
			   "the evidence folder to create (must not exist or be empty)"),
		OPT_END(),
	};
	int all_argc = argc;
	char **all_argv = xmemdup(argv, (size_t)argc * sizeof(*argv));
	struct evidence *ev;
	struct evidence_file *f;
	struct elfcore_stats st;
	struct buf maps = BUF_INIT, why = BUF_INIT, cell = BUF_INIT;
	struct progress prog = { isatty(2), -1 };
	enum freeze_method fm = FREEZE_NONE;
	unsigned long long size = 0;
	int procfd, rc, status = 0;
	double t0 = now_s(), secs;
	pid_t pid;

	argc = opt_parse(argc, argv, opts, dump_usage, 0);
	pid = cmd_pid_arg(dump_usage, argc, argv, &dir);
	if (pid == getpid())
		die("%d: that is stranger itself", (int)pid);
	procfd = cmd_proc_open(pid);
	if ((rc = proc_read_at(procfd, "maps", &maps)))
		die("%d: cannot read its maps: %s", (int)pid,
		    rc == -ENOENT || rc == -ESRCH ? "no such process" : strerror(-rc));

	interrupt_catch();
	ev = cmd_evidence_open(dir, all_argc, all_argv);
	freeze_query(pid, &fm);
	evidence_log(ev, "target: PID %d, frozen: %s", (int)pid, freeze_method_name(fm));
	if (evidence_add_buf(ev, "maps", maps.data, maps.len))
		status = 2;

	rc = evidence_file_open(ev, "core", &f);
	if (rc) {
		error("%s/core: %s", dir, strerror(-rc));
		evidence_close(ev, 2);
		free(all_argv);
		buf_release(&maps);
		close(procfd);
		return 2;
	}
	rc = elfcore_dump(pid, procfd, &maps, f, &st, show_progress, &prog, &why);
	if (prog.on)
		diag_progress_clear();
	if (rc == -ESRCH)
		error("%d: no such process", (int)pid);
	else if (rc && !interrupt_signal())
		error("%s/core: %s", dir, why.len ? why.data : strerror(-rc));
	{
		int frc = evidence_file_close(f, NULL, &size);
		if (frc && !rc && !interrupt_signal()) {
			error("%s/core: %s", dir, strerror(-frc));
			rc = frc;
		}
	}
	secs = now_s() - t0;
	evidence_log(ev,
		     "dump: %zu regions (%zu with data), %llu bytes, %llu "
		     "unreadable, %zu threads (%zu with full registers), "
		     "%.2f s",
		     st.regions, st.regions_data, st.bytes, st.missing, st.threads, st.threads_regs,
		     secs);
	if (rc)
		status = 2;
	else if (diag_warnings())
		status = 1;
	if (interrupt_signal())
		status = 128 + interrupt_signal();
	if (evidence_close(ev, status)) {
		error("%s/manifest.sha256: could not be written", dir);
		status = 2;
	}
	if (interrupt_signal()) {
		struct buf d = BUF_INIT;
		escape_str(&d, dir);
		error("interrupted by %s: %s/core is partial (%llu bytes); the "
		      "folder is sealed, the process resumed",
		      interrupt_name(interrupt_signal()), d.data, size);
		buf_release(&d);
	} else if (!rc) {
		static const struct table_col cols[] = {
			{ "REGIONS", TABLE_RIGHT }, { "BYTES", TABLE_RIGHT },
			{ "THREADS", TABLE_RIGHT }, { "SECONDS", TABLE_RIGHT },
			{ "MB/S", TABLE_RIGHT },    { "CORE", TABLE_LEFT },
		};
		struct table t;
		char c[5][32];
		const char *row[6];
		snprintf(c[0], sizeof(c[0]), "%zu", st.regions);
		snprintf(c[1], sizeof(c[1]), "%llu", st.bytes);
		snprintf(c[2], sizeof(c[2]), "%zu", st.threads);
		snprintf(c[3], sizeof(c[3]), "%.2f", secs);
		snprintf(c[4], sizeof(c[4]), "%.1f",
			 secs > 0 ? (double)st.bytes / 1e6 / secs : 0.0);
		escape_str(&cell, dir);
		buf_addstr(&cell, "/core");
		for (int i = 0; i < 5; i++)
			row[i] = c[i];
		row[5] = cell.data;
		table_init(&t, cols, 6);
		table_add(&t, row);
		table_print(&t, stdout);
		table_release(&t);
	}
	close(procfd);
	free(all_argv);
	buf_release(&maps);
	buf_release(&why);
	buf_release(&cell);
	return status;
}
