/*
 * collect - a whole case, in order of volatility (RFC 3227 2.1), into one
 * sealed evidence folder.
 *
 * The steps, in order (each its own entry in collect.json and case.log):
 *   1 system      the clock against the hardware clock, uptime, kernel
 *                 version and command line, hostname, mounts, modules
 *   2 ps, suspicious, lsof, hidden
 *                 `stranger ps --json`, `ps --suspicious --json`,
 *                 `lsof --json`, `hidden --json`
 *   3 per suspect (ranked by its flags, at most max_suspects):
 *                 [freeze], recover, [dump], strings of the recovered
 *                 executable, sdiff against the file now at its path
 *   4 users       utmp/wtmp/btmp/lastlog, passwd, group, shell
 *                 histories, authorized_keys
 *     persistence cron, systemd units and timers, ld.so.preload and
 *                 ld.so.conf, rc.local, profiles (listed and copied)
 *     setid       setuid and setgid files (listed)
 *     tmp         /tmp, /var/tmp, /dev/shm (listed, small files copied)
 *   5 verify      `verify --packages --json` (full profile)
 *     timeline    `timeline --format=jsonl` where this binary has it
 *     logs        /var/log, size-capped
 *
 * Why the stranger commands run as children (lib/collect/step): a step
 * that crashes, hangs or dies never stops the others, each gets a time
 * limit, and its exit status and stderr are evidence of how it went.  The
 * built-in steps (copies and listings) run here, in the parent: they only
 * open regular files (O_NONBLOCK, O_NOATIME, O_NOFOLLOW) and check the
 * time and the stop flag between files.
 *
 * Nothing is written outside DIR (but --freeze-suspects moves the frozen
 * processes into a frozen cgroup, which is what it asks for), no access
 * time changes, and the folder is sealed at the end, also after Ctrl-C
 * or when the budget runs out.
 *
 * Errors: collect_run returns 0 (the case is sealed; see the summary) or
 * -errno when the folder could not be made; lib never prints.
 */
#ifndef STRANGER_LIB_COLLECT_H
#define STRANGER_LIB_COLLECT_H

#include <signal.h>

enum collect_profile { COLLECT_QUICK = 1, COLLECT_FULL = 2 };

struct collect_opts {
	const char *dir; /* absolute path of the case folder */
	enum collect_profile profile;
	double budget; /* seconds for the whole case; 0: none */
	int dump_suspects;
	int freeze_suspects;
	const char *from; /* trusted .debs for verify --from, or NULL */
	const int *only;  /* with nonly: these PIDs are the suspects */
	size_t nonly;
	int argc; /* the command line, for case.log */
	char **argv;
	volatile sig_atomic_t *stop; /* set by the caller on SIGINT/SIGTERM */
	/* progress - a step starts (i of n); may be NULL */
	void (*progress)(const char *step, unsigned i, unsigned n, void *ctx);
	void *ctx;
};

struct collect_summary {
	unsigned steps, ok, partial, failed, skipped;
	unsigned suspects; /* processes flagged by ps --suspicious */
	unsigned hidden;   /* hidden --json findings */
	int interrupted;
	int seal_err; /* -errno when the manifest was not written */
};

int collect_run(const struct collect_opts *o, struct collect_summary *s);

#endif
