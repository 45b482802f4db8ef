/*
 * hidden - the machine lies: ask each question several ways and report
 * where the answers disagree.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmds.h"
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
	"/sys/module, /proc/kallsyms), preload libraries.  With --tools, also",
	"what the host's own ps, ls and ss/netstat leave out.  VIEWS: a comma",
	"list of processes, ports, modules, preload (default: all).  Exit 1 if",
	"anything is found.",
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
		{ "KIND", TABLE_LEFT },	   { "PID", TABLE_RIGHT },
		{ "OBJECT", TABLE_LEFT },  { "SEEN_BY", TABLE_LEFT },
		{ "MISSING_FROM", TABLE_LEFT }, { "DETAIL", TABLE_LEFT },
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
		const char *cells[] = { hidden_kind_name(f->kind), pid, obj.data,
					f->seen_by, f->missing, det.data };
		table_add(&t, cells);
	}
	if (r->n)
		table_print(&t, stdout);
	table_release(&t);
	buf_release(&obj);
	buf_release(&det);
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
	const struct opt opts[] = {
		OPT_BOOL(0, "tools", &tools, "also run the host's ps, ls and ss/netstat and report omissions"),
		OPT_BOOL(0, "json", &json, "JSON Lines output"),
		OPT_STRING(0, "only", &only, "VIEWS", "only these views: processes,ports,modules,preload"),
		OPT_LONG(0, "max-pid", &max_pid, "N", "probe pids below N (default: kernel.pid_max)", 2, 1L << 30),
		OPT_STRING(0, "sweep", &sweep, "HOW", "sweep the PID space by bpf or syscalls (default: bpf where possible)"),
		OPT_LONG(0, "settle", &settle, "MS", "pause before re-probing a disagreement (default 200)", 1, 60000),
		OPT_STRING(0, "probe", &probe, "HOW", "how to bind-probe ports: auto, bpf-uring, bpf, uring, syscalls"),
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
		static const char *const names[] = { "processes", "ports", "modules",
						     "preload" };
		char *copy = xstrdup(only), *save = NULL;
		if (!copy)
			die("out of memory");
		for (char *t = strtok_r(copy, ",", &save); t;
		     t = strtok_r(NULL, ",", &save)) {
			size_t i;
			for (i = 0; i < 4 && strcmp(t, names[i]); i++)
				;
			if (i == 4)
				opt_usage_error(hidden_usage, "unknown view '%.32s'", t);
			views |= 1u << i;
		}
		free(copy);
	} else {
		views = 15;
	}
	if (!sweep)
		o.sweep = HIDDEN_SWEEP_AUTO;
	else if (!strcmp(sweep, "bpf"))
		o.sweep = HIDDEN_SWEEP_BPF;
	else if (!strcmp(sweep, "syscalls"))
		o.sweep = HIDDEN_SWEEP_SYSCALLS;
	else
		opt_usage_error(hidden_usage, "unknown sweep '%.32s' (bpf or syscalls)",
				sweep);
	if (getenv("LD_PRELOAD"))
		warning("this process runs with LD_PRELOAD set; a preloaded library "
			"can filter what the socket tables and /proc say: prefer a "
			"static build");
	o.max_pid = max_pid;
	o.settle_ms = (unsigned)settle;
	hidden_report_init(&r);

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
		scan_step("module views",
			  hidden_scan_modules(&r, o.settle_ms ? o.settle_ms : 200));
	if (views & 8)
		scan_step("preload views", preload_scan(&r));
	if (tools)
		scan_step("tool views", hidden_tool_scan(&o, &r));

	if (json)
		print_json(&r);
	else
		print_table(&r);
	rc = failed ? 2 : r.n ? 1 : 0;
	hidden_report_release(&r);
	return rc;
}
