/*
 * hidden - cross-view detection: ask the kernel the same question several
 * ways and keep what the answers disagree on.
 *
 * A rootkit makes one view lie (readdir of /proc, the socket tables, the
 * module list); it rarely makes every view lie the same way.  Each scanner
 * here (processes in this module; ports in hidden_port, modules in
 * hidden_mod, preload libraries in preload, the host's own tools in
 * hidden_tool) collects its views, compares them and appends a finding
 * for every object that some views show and others do not.
 *
 * No false positives: an object seen by one view only is probed again
 * after a short pause (and the views that missed it are asked again)
 * before it becomes a finding, so processes that start or exit during the
 * scan, and ports that open and close, are not reported.
 *
 * Findings hold raw bytes from the suspect system (names, paths); the
 * command escapes them on output.  Scanners return 0 or -errno for a
 * failure that makes the whole scan meaningless; a view that cannot be
 * read is a warning and the scan goes on with the others.
 *
 * Process views, as named in findings:
 *   getdents  the raw getdents64 listing of /proc (lib/proc)
 *   task      /proc/PID/task of a listed process
 *   pidtable  the kernel's PID table, looked up by a BPF program (lib/pidsweep)
 *   kill      kill(pid, 0) succeeds or fails with EPERM
 *   getpgid   getpgid(pid)
 *   stat      a stat of /proc/PID by name (openat-style lookup)
 *   ppid      named as the parent of a listed process
 *   procfs    /proc/PID is procfs (not something mounted over it)
 *   mountinfo no mount point at or under /proc/PID
 * Every PID below max_pid is looked at once.  Where BPF allows it the
 * pidtable view sweeps the whole range in the kernel, and the system call
 * probes (kill, getpgid, stat) then ask only about the PIDs that some view
 * shows (in the table, listed, a listed process's thread or parent), so a
 * finding still names every view that agrees and every one that does not;
 * otherwise the system call probes sweep every PID themselves, and the
 * pidtable view is absent.  kill and /proc/PID find a task through the
 * same PID table, so a PID that only they would show is not expected; one
 * would be missed by the BPF sweep, not by --sweep=syscalls.
 * Limits: the pid probes see the caller's PID namespace only.
 */
#ifndef STRANGER_LIB_HIDDEN_H
#define STRANGER_LIB_HIDDEN_H

#include <stddef.h>
#include <sys/types.h>

enum hidden_kind {
	HIDDEN_PROCESS, /* a process some views deny */
	HIDDEN_THREAD,	/* a thread missing from its process's task list */
	HIDDEN_MOUNT,	/* something mounted over /proc/PID */
	HIDDEN_PORT,	/* a port some views deny */
	HIDDEN_MODULE,	/* a kernel module some views deny */
	HIDDEN_TAINT,	/* kernel taint no visible module explains */
	HIDDEN_PRELOAD, /* libraries forced into processes */
	HIDDEN_TOOL,	/* what a host tool leaves out */
	HIDDEN_BPF,	/* a BPF program that can make others' views lie */
};

struct hidden_finding {
	enum hidden_kind kind;
	pid_t pid;     /* 0 when no process is concerned */
	char *object;  /* what: "1234", "tcp6 :::5120", "module foo" (raw) */
	char *seen_by; /* comma list of views that show it */
	char *missing; /* comma list of views that do not */
	char *detail;  /* raw bytes: a name, a path, the reason */
};

struct hidden_report {
	struct hidden_finding *v;
	size_t n, alloc;
	unsigned notes;	 /* views that could not be read (warned) */
	const char *why; /* when a scanner fails: what failed, if more than
			    its -errno says (static text) */
};

/* How the PID space is swept (hidden_opts.sweep). */
enum hidden_sweep {
	HIDDEN_SWEEP_AUTO,     /* BPF where it loads, else system calls */
	HIDDEN_SWEEP_BPF,      /* BPF or fail */
	HIDDEN_SWEEP_SYSCALLS, /* probe every PID with system calls */
};

struct hidden_opts {
	long max_pid; /* probe pids 1..max_pid-1; 0: /proc/sys/kernel/pid_max */
	enum hidden_sweep sweep;
	int threads;	    /* parallel probes; 0: one per online CPU */
	unsigned settle_ms; /* pause before a re-probe; 0: 200 ms */
	int port_probe;	    /* enum portprobe_method; 0: auto */
};

const char *hidden_kind_name(enum hidden_kind k);
void hidden_report_init(struct hidden_report *r);
void hidden_report_release(struct hidden_report *r);
/* hidden_add - append a finding; strings are copied, NULL becomes "" */
void hidden_add(struct hidden_report *r, enum hidden_kind kind, pid_t pid, const char *object,
		const char *seen_by, const char *missing, const char *detail);
/* hidden_sleep_ms - the pause before a re-probe */
void hidden_sleep_ms(unsigned ms);

/*
 * hidden_scan_processes - the process cross-view: getdents and task lists
 * against the PID table and kill/getpgid/stat probes of every pid below
 * max_pid, PPIDs, mounts over /proc/PID.  0 or -errno (the /proc listing
 * failed, or HIDDEN_SWEEP_BPF and BPF could not be used: r->why says
 * why).  With
 * HIDDEN_SWEEP_AUTO, a BPF sweep that cannot be used is one warning and
 * the system call sweep.
 */
int hidden_scan_processes(const struct hidden_opts *o, struct hidden_report *r);

/*
 * hidden_mounts_parse - a HIDDEN_MOUNT finding for every mount point at or
 * under /proc/<digits> in mountinfo text (untrusted; fuzzed).
 */
void hidden_mounts_parse(const char *s, size_t n, struct hidden_report *r);

/*
 * hidden_pids - pids (thread-group ids) that the probes find and the
 * /proc listing does not, confirmed by a re-probe; sorted, malloc'd.
 * What `ps` flags `hidden`.  The same sweeps, falling back without a
 * warning.  0 or -errno.
 */
int hidden_pids(const struct hidden_opts *o, pid_t **pids, size_t *n);

#endif
