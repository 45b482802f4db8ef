/*
 * recover - copy out what a process holds even when it is deleted from
 * disk (lib/evidence/recover does the copying), sealed in an evidence
 * folder, with a table of what was copied.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmds.h"
#include "lib/evidence/evidence.h"
#include "lib/evidence/recover.h"
#include "lib/baseline/hash.h"
#include "util/diag.h"
#include "util/escape.h"
#include "util/interrupt.h"
#include "util/opt.h"
#include "util/table.h"
#include "util/xalloc.h"

static const char *const recover_usage[] = {
	"stranger recover PID -o DIR [--all]",
	"",
	"Copy out DIR/exe (the executable, also when deleted), DIR/fd/N for every",
	"deleted regular file PID holds open (every regular file with --all),",
	"DIR/map/START-END for every deleted file mapped into its memory, and",
	"copies of its maps, status, cmdline and environ, sealed in",
	"DIR/manifest.sha256 and DIR/case.log.  The process is not stopped.",
	"Exit 0: complete; 1: partial (see the warnings); 2: failure.",
	NULL,
};

struct recover_out {
	struct table t;
};

static const struct table_col cols[] = {
	{ "FILE", TABLE_LEFT },
	{ "SIZE", TABLE_RIGHT },
	{ "SHA256", TABLE_LEFT },
	{ "FROM", TABLE_LEFT },
};

static void copied(const struct recover_item *it, void *ctx)
{
	struct recover_out *out = ctx;
	char sz[32], hex[HASH_HEX_LEN + 1];
	struct buf f = BUF_INIT;
	const char *cells[4];

	snprintf(sz, sizeof(sz), "%llu", it->size);
	hash_hex(it->digest, hex);
	escape_bytes_nospace(&f, it->from, it->from_len);
	cells[0] = it->name;
	cells[1] = sz;
	cells[2] = hex;
	cells[3] = f.data;
	table_add(&out->t, cells);
	buf_release(&f);
}

static void problem(const char *what, void *ctx)
{
	(void)ctx;
	warning("%s", what);
}

int cmd_recover(int argc, char **argv)
{
	const char *dir = NULL;
	int all = 0;
	const struct opt opts[] = {
		OPT_STRING('o', "output", &dir, "DIR",
			   "the evidence folder to create (must not exist or be empty)"),
		OPT_BOOL(0, "all", &all, "copy every open regular file, not only deleted ones"),
		OPT_END(),
	};
	int all_argc = argc;
	char **all_argv = xmemdup(argv, (size_t)argc * sizeof(*argv));
	struct evidence *ev;
	struct recover_out out;
	const struct recover_ops ops = { copied, problem, &out };
	int procfd, failed, status;
	pid_t pid;

	argc = opt_parse(argc, argv, opts, recover_usage, 0);
	pid = cmd_pid_arg(recover_usage, argc, argv, &dir);
	procfd = cmd_proc_open(pid);
	interrupt_catch();
	ev = cmd_evidence_open(dir, all_argc, all_argv);
	evidence_log(ev, "target: PID %d", (int)pid);
	table_init(&out.t, cols, 4);
	failed = recover_process(ev, procfd, all, &ops);

	status = failed || diag_warnings() ? 1 : 0;
	if (!out.t.nrows) {
		error("%d: nothing could be recovered (is the process gone?)", (int)pid);
		status = 2;
	}
	if (interrupt_signal())
		status = 128 + interrupt_signal();
	if (evidence_close(ev, status)) {
		error("%s/manifest.sha256: could not be written", dir);
		status = 2;
	}
	if (interrupt_signal())
		error("interrupted by %s: what was copied is sealed, the partial "
		      "file named in partial.txt",
		      interrupt_name(interrupt_signal()));
	else
		table_print(&out.t, stdout);
	table_release(&out.t);
	close(procfd);
	free(all_argv);
	return status;
}
