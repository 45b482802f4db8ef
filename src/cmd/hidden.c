/*
 * hidden - the machine lies: ask each question several ways and report
 * where the answers disagree.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmds.h"
#include "lib/hidden/bpfprogs.h"
#include "lib/hidden/hidden.h"
#include "lib/hidden/hidden_mod.h"
#include "lib/hidden/hidden_port.h"
#include "lib/hidden/hidden_tool.h"
#include "lib/hidden/portprobe.h"
#include "lib/hidden/preload.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/escape.h"
#include "util/opt.h"
#include "util/table.h"
#include "util/xalloc.h"

static const char *const hidden_usage[] = {
	"stranger hidden [--tools] [--json] [--only VIEWS] [--sweep=bpf|syscalls]",
	"                [--probe=HOW]",
	"",
	"Ask the system the same questions several ways and report where the",
	"answers disagree: processes (the raw /proc listing against the kernel's",
	"PID table and probing every PID and thread, and mounts over /proc/PID),",
	"listening ports (binding every TCP/UDP port against the socket tables",
	"and the sockets processes hold), kernel modules (/proc/modules,",
	"/sys/module, /proc/kallsyms), preload libraries, the kernel (every",
	"loaded BPF program, its hooks, holders and the helpers it calls that",
	"change what others see or do).  With --tools, also what the host's own",
	"ps, ls and ss/netstat leave out.  VIEWS: a comma list of processes,",
	"ports, modules, preload, kernel (default: all).  Exit 1 if anything is",
	"found.  With --only naming kernel, every BPF program is listed too.",
	"",
	"The PID space is swept in the kernel by a BPF program where the kernel",
	"and privileges allow (the pidtable view), and the system calls kill,",
	"getpgid and stat of /proc/PID then ask only about PIDs that some view",
	"shows; otherwise those calls probe every PID.  --sweep=bpf fails when",
	"BPF cannot be used; --sweep=syscalls always probes every PID.",
	"",
	"HOW the ports are bound: bpf-uring, bpf (a BPF post-bind hook refuses",
	"each bind once the kernel has found the port free, so one socket probes",
	"every port), uring (socket, bind and close as io_uring batches),",
	"syscalls (one system call at a time), or auto (default: the first of",
	"these that works here).  A method named that cannot run is an error.",
	NULL,
};

static void print_json(const struct hidden_report *r)
{
	struct buf out = BUF_INIT;

	for (size_t i = 0; i < r->n; i++) {
		const struct hidden_finding *f = &r->v[i];
		struct json j;
		json_begin(&j, &out);
		json_cstr(&j, "kind", hidden_kind_name(f->kind));
		if (f->pid > 0)
			json_int(&j, "pid", f->pid);
		else
			json_null(&j, "pid");
		json_str(&j, "object", f->object, strlen(f->object));
		for (int k = 0; k < 2; k++) {
			const char *list = k ? f->missing : f->seen_by;
			const char *v[16];
			char *copy = xstrdup(list), *save = NULL, *t;
			size_t n = 0;
			if (!copy)
				die("out of memory");
			for (t = strtok_r(copy, ",", &save); t && n < 16;
			     t = strtok_r(NULL, ",", &save))
				v[n++] = t;
			json_strv(&j, k ? "missing_from" : "seen_by", v, n);
			free(copy);
		}
		json_str(&j, "detail", f->detail, strlen(f->detail));
		json_end(&j);
	}
	fwrite(out.data, 1, out.len, stdout);
	buf_release(&out);
}

static void print_table(const struct hidden_report *r)
{
	static const struct table_col cols[] = {
		{ "KIND", TABLE_LEFT },	   { "PID", TABLE_RIGHT },	   { "OBJECT", TABLE_LEFT },
		{ "SEEN_BY", TABLE_LEFT }, { "MISSING_FROM", TABLE_LEFT }, { "DETAIL", TABLE_LEFT },
	};
	struct table t;
	struct buf obj = BUF_INIT, det = BUF_INIT;

	table_init(&t, cols, sizeof(cols) / sizeof(cols[0]));
	for (size_t i = 0; i < r->n; i++) {
		const struct hidden_finding *f = &r->v[i];
		char pid[24];
		buf_reset(&obj);
		buf_reset(&det);
		escape_bytes_nospace(&obj, f->object, strlen(f->object));
		escape_bytes(&det, f->detail, strlen(f->detail));
		if (f->pid > 0)
			snprintf(pid, sizeof(pid), "%d", (int)f->pid);
		else
			snprintf(pid, sizeof(pid), "-");
		const char *cells[] = {
			hidden_kind_name(f->kind), pid, obj.data, f->seen_by, f->missing, det.data
		};
		table_add(&t, cells);
	}
	if (r->n)
		table_print(&t, stdout);
	table_release(&t);
	buf_release(&obj);
	buf_release(&det);
}

/* the kernel view's inventory: every BPF program, finding or not */
static void print_progs(const struct bpfprogs *p, int json, size_t findings)
{
	static const struct table_col cols[] = {
		{ "ID", TABLE_RIGHT },	{ "TYPE", TABLE_LEFT },	   { "NAME", TABLE_LEFT },
		{ "HOOK", TABLE_LEFT }, { "HOLDERS", TABLE_LEFT }, { "HELPERS", TABLE_LEFT },
	};
	struct table t;
	struct buf out = BUF_INIT, name = BUF_INIT, hook = BUF_INIT, hold = BUF_INIT;

	table_init(&t, cols, sizeof(cols) / sizeof(cols[0]));
	for (size_t i = 0; i < p->n; i++) {
		const struct bpfprog *g = &p->v[i];
		const char *tn = bpfprogs_type_name(g->type);
		char id[16], hel[160];

		snprintf(id, sizeof(id), "%u", g->id);
		if (g->helpers_unknown && !g->helpers)
			snprintf(hel, sizeof(hel), "unknown");
		else
			bpfprogs_helpers_text(g->helpers, hel, sizeof(hel));
		buf_reset(&name);
		buf_reset(&hook);
		buf_reset(&hold);
		for (size_t k = 0; k < g->nholders; k++)
			buf_addf(&hold, "%s%d", k ? "," : "", (int)g->holders[k]);
		if (json) {
			struct json j;
			json_begin(&j, &out);
			json_cstr(&j, "kind", "bpf-program");
			json_int(&j, "id", g->id);
			json_cstr(&j, "type", tn ? tn : "?");
			json_str(&j, "name", g->name, strlen(g->name));
			json_str(&j, "hook", g->hooks, strlen(g->hooks));
			json_cstr(&j, "holders", hold.data);
			json_cstr(&j, "helpers", hel);
			json_bool(&j, "finding", bpfprogs_is_finding(g));
			json_end(&j);
			continue;
		}
		escape_bytes_nospace(&name, g->name, strlen(g->name));
		escape_bytes(&hook, g->hooks, strlen(g->hooks));
		const char *cells[] = { id,
					tn ? tn : "?",
					name.len ? name.data : "-",
					hook.len ? hook.data : "-",
					hold.len ? hold.data : "none(pinned/attached)",
					hel[0] ? hel : "-" };
		table_add(&t, cells);
	}
	if (json) {
		fwrite(out.data, 1, out.len, stdout);
	} else {
		if (findings)
			fputc('\n', stdout);
		printf("BPF programs: %zu (this process's own left out: %zu)\n", p->n, p->self);
		if (p->n)
			table_print(&t, stdout);
	}
	table_release(&t);
	buf_release(&out);
	buf_release(&name);
	buf_release(&hook);
	buf_release(&hold);
}

static void scan_step(const char *what, int rc)
{
	if (rc)
		warning("%s: %s", what, strerror(-rc));
}

int cmd_hidden(int argc, char **argv)
{
	int tools = 0, json = 0, failed = 0, rc;
	long max_pid = 0, settle = 0;
	const char *only = NULL, *sweep = NULL, *probe = NULL;
	unsigned views = 0;
	struct hidden_opts o = { 0 };
	struct hidden_report r;
	struct bpfprogs progs = { 0 };
	const struct opt opts[] = {
		OPT_BOOL(0, "tools", &tools,
			 "also run the host's ps, ls and ss/netstat and report omissions"),
		OPT_BOOL(0, "json", &json, "JSON Lines output"),
		OPT_STRING(0, "only", &only, "VIEWS",
			   "only these views: processes,ports,modules,preload,kernel"),
		OPT_LONG(0, "max-pid", &max_pid, "N",
			 "probe pids below N (default: kernel.pid_max)", 2, 1L << 30),
		OPT_STRING(0, "sweep", &sweep, "HOW",
			   "sweep the PID space by bpf or syscalls (default: bpf where possible)"),
		OPT_LONG(0, "settle", &settle, "MS",
			 "pause before re-probing a disagreement (default 200)", 1, 60000),
		OPT_STRING(0, "probe", &probe, "HOW",
			   "how to bind-probe ports: auto, bpf-uring, bpf, uring, syscalls"),
		OPT_END(),
	};

	argc = opt_parse(argc, argv, opts, hidden_usage, 0);
	if (argc)
		opt_usage_error(hidden_usage, "no arguments expected");
	if (probe) {
		o.port_probe = portprobe_method_parse(probe);
		if (o.port_probe < 0)
			opt_usage_error(hidden_usage, "unknown probe method '%.32s'", probe);
	}
	if (only) {
		static const char *const names[] = { "processes", "ports", "modules", "preload",
						     "kernel" };
		char *copy = xstrdup(only), *save = NULL;
		if (!copy)
			die("out of memory");
		for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			size_t i;
			for (i = 0; i < 5 && strcmp(t, names[i]); i++)
				;
			if (i == 5)
				opt_usage_error(hidden_usage, "unknown view '%.32s'", t);
			views |= 1u << i;
		}
		free(copy);
	} else {
		views = 31;
	}
	if (!sweep)
		o.sweep = HIDDEN_SWEEP_AUTO;
	else if (!strcmp(sweep, "bpf"))
		o.sweep = HIDDEN_SWEEP_BPF;
	else if (!strcmp(sweep, "syscalls"))
		o.sweep = HIDDEN_SWEEP_SYSCALLS;
	else
		opt_usage_error(hidden_usage, "unknown sweep '%.32s' (bpf or syscalls)", sweep);
	if (getenv("LD_PRELOAD"))
		warning("this process runs with LD_PRELOAD set; a preloaded library "
			"can filter what the socket tables and /proc say: prefer a "
			"static build");
	o.max_pid = max_pid;
	o.settle_ms = (unsigned)settle;
	hidden_report_init(&r);

	/* first, before this run loads its own BPF programs (the PID sweep,
	 * the bind probes), which then cannot linger unheld in the list */
	if (views & 16) {
		rc = bpfprogs_scan(&progs, only != NULL);
		if (rc && only) { /* the view asked for cannot be read */
			error("kernel views: BPF programs: %s: %s", progs.why, strerror(-rc));
			failed = 1;
		} else if (rc)
			warning("kernel views: BPF programs: %s: %s", progs.why, strerror(-rc));
		else if (progs.partial)
			warning("kernel views: %u BPF program(s) or link(s) could not be "
				"read: partial list",
				progs.partial);
		if (rc || progs.partial)
			r.notes++;
		size_t unknown = 0;
		for (size_t i = 0; i < progs.n; i++)
			unknown += progs.v[i].helpers_unknown;
		if (unknown)
			warning("kernel views: the helpers of %zu BPF program(s) could "
				"not be read (the kernel hides call addresses?): they "
				"are not judged",
				unknown);
		bpfprogs_findings(&progs, &r);
	}
	if (views & 1) {
		rc = hidden_scan_processes(&o, &r);
		if (rc) {
			if (r.why)
				error("process views: BPF PID sweep: %s", r.why);
			else
				error("process views: %s", strerror(-rc));
			failed = 1;
		}
	}
	if (views & 2) {
		rc = hidden_scan_ports(&o, &r);
		if (rc && o.port_probe != PORTPROBE_AUTO)
			failed = 1; /* the method named could not run; said why */
		else
			scan_step("port views", rc);
	}
	if (views & 4)
		scan_step("module views", hidden_scan_modules(&r, o.settle_ms ? o.settle_ms : 200));
	if (views & 8)
		scan_step("preload views", preload_scan(&r));
	if (tools)
		scan_step("tool views", hidden_tool_scan(&o, &r));

	if (json)
		print_json(&r);
	else
		print_table(&r);
	if (only && (views & 16))
		print_progs(&progs, json, r.n);
	rc = failed ? 2 : r.n ? 1 : 0;
	bpfprogs_release(&progs);
	hidden_report_release(&r);
	return rc;
}
