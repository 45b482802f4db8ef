/*
 * sandbox - run an unknown program in a throw-away copy of this machine.
 *
 * One run, in order:
 *   1. cgroups: a v1 (or v2) group per controller, with the memory, task
 *      and CPU limits and a freezer; a v2 group for the sinkhole's BPF
 *      hooks (cgroup BPF programs attach to v2 groups only).
 *   2. a detached tmpfs (fsopen/fsmount: it is in no mount table of the
 *      host) holding the overlay's upper and work folders; /tmp, /var/tmp
 *      and /run are opaque folders there, so they start empty.
 *   3. clone() into new mount, PID, network, UTS and IPC namespaces.  The
 *      child (PID 1 inside) joins the cgroups, unshares a cgroup namespace,
 *      mounts the overlay (lower: the host's /, read-only by construction;
 *      upper: the tmpfs), a new /proc and read-only /sys, a minimal /dev
 *      (null zero full random urandom tty, its own devpts and shm), and
 *      pivots into it.  Then it drops its supplementary groups, unshares
 *      a user namespace in which root is mapped to `uid` outside (65534 by
 *      default), empties its capability bounding set (so no capability
 *      survives the program's execve, inside or out), sets no_new_privs,
 *      installs the seccomp filter (sbfilter.h) and stays as a reaper.
 *   4. the reaper forks the program (PID 2 inside), which starts a new
 *      session, gets /dev/null as stdin and pipes to the supervisor as
 *      stdout and stderr (never the responder's terminal), and waits.
 *   5. the supervisor starts `stranger trace -f -p PID -o FILE` (the bpf
 *      backend where allowed, so TracerPid stays 0) in its own process
 *      group outside the sandbox, waits until it has attached, and lets
 *      the program exec.
 *   6. the supervisor serves seccomp refusals, the sinkhole, the program's
 *      output, and samples the cgroups, until the reaper exits (no process
 *      left), the timeout passes or the caller's interrupt flag is set;
 *      then it freezes the cgroup, lists what was frozen, kills it all,
 *      thaws, reaps, waits for the tracer and removes the cgroups.
 *
 * What a sandbox sharing the kernel cannot contain: a kernel exploit (the
 * kernel is the host's), side channels, and anything the kernel lets an
 * unprivileged user do to the machine as a whole (filling the page cache,
 * heating the CPU within its quota).
 *
 * Errors: sandbox_run() returns 0 when the program ran (whatever it did),
 * or -errno with the failed step in `why` when the sandbox could not be
 * built; lib/ prints nothing.
 */
#ifndef STRANGER_LIB_SANDBOX_SANDBOX_H
#define STRANGER_LIB_SANDBOX_SANDBOX_H

#include <signal.h>
#include <sys/types.h>

#include "lib/sandbox/sbfilter.h"
#include "lib/sandbox/sinkhole.h"
#include "util/buf.h"

enum sandbox_net { SANDBOX_NET_SINKHOLE = 0, SANDBOX_NET_NONE };

enum sandbox_end {
	SANDBOX_END_EXIT = 0, /* every process exited */
	SANDBOX_END_TIMEOUT,  /* frozen and killed at the timeout */
	SANDBOX_END_INTERRUPTED,
};

struct sandbox_opts {
	char **argv; /* the program and its arguments */
	enum sandbox_net net;
	double timeout;		   /* seconds; 0: none */
	unsigned long long memory; /* bytes; 0: no limit */
	long pids;		   /* tasks; 0: no limit */
	long cpu_percent;	   /* of one CPU; 0: no limit */
	uid_t uid;		   /* who root inside is outside */
	const char *backend;	   /* trace --backend, or NULL (its default) */
	const char *trace_path;	   /* where the tracer writes */
	long string_limit;	   /* trace -s */
	volatile sig_atomic_t *interrupted;
	/* called about every 100 ms with the elapsed time */
	void (*tick)(void *ctx, double elapsed);
	void *tick_ctx;
};

struct sandbox_result {
	enum sandbox_end end;
	int have_status;      /* the program (PID 2 inside) was reaped */
	int status;	      /* its wait status */
	double elapsed;	      /* seconds from exec to the end */
	char start_iso[32];   /* UTC start */
	pid_t pid;	      /* the program's PID on the host */
	char backend[16];     /* what the tracer said it used */
	int trace_status;     /* the tracer's wait status */
	struct buf trace_err; /* the tracer's stderr */
	struct buf out, err;  /* the program's stdout/stderr (first MiB) */
	unsigned long long out_total, err_total;
	/* refused system calls */
	struct sbfilter_refusal *refused;
	size_t nrefused;
	/* what the timeout froze */
	pid_t *frozen;
	size_t nfrozen;
	/* cgroups */
	char cgroup_kind[8];	     /* "v1" or "v2" */
	unsigned long long mem_peak; /* bytes, 0 unknown */
	unsigned long long mem_limit_hits;
	unsigned long long oom_kills;
	long pids_peak; /* sampled */
	unsigned long long pids_limit_hits;
	/* the upper layer: a detached tmpfs; walk it with upper_fd */
	int upper_fd; /* "upper" folder in it, or -1 */
	/* the sinkhole's records */
	struct sinkhole_log sink;
};

int sandbox_run(const struct sandbox_opts *o, struct sandbox_result *r, struct buf *why);
void sandbox_result_release(struct sandbox_result *r);

#endif
