/*
 * step - run one step of a case as a stranger command in a child.
 *
 * Why a child and not a function call: a step reads hostile state (a
 * process that exits mid-read, a /proc that lies, a file system that
 * hangs), and a crash, a hang or a die() in one step must never cost the
 * others or the seal of the case.  step_run() forks, the child execs the
 * running binary itself (/proc/self/exe, opened once by step_init, so the
 * host's PATH and programs are never used: RFC 3227's "don't trust the
 * programs on the system") with the given arguments, in its own process
 * group, stdin /dev/null.  Its stdout streams into an evidence file (hashed
 * as it is written), its stderr is kept (up to STEP_ERR_MAX bytes) for
 * collect.json and case.log.  When the time limit passes or *stop is set
 * (Ctrl-C), the group gets SIGTERM and, a second later, SIGKILL.
 *
 * Errors: step_run returns 0 when the child was started and waited for
 * (whatever its exit status), -errno when it could not be started.
 * Limits: one step at a time; a step's own children (if any) are ended
 * with its group.
 */
#ifndef STRANGER_LIB_COLLECT_STEP_H
#define STRANGER_LIB_COLLECT_STEP_H

#include <signal.h>

#include "lib/evidence/evidence.h"
#include "util/buf.h"

#define STEP_ERR_MAX (64u << 10)

struct step_result {
	char started[32]; /* UTC ISO 8601 */
	double seconds;	  /* wall time */
	int exit_code;	  /* exit status, or -1 when killed by a signal */
	int signo;	  /* the signal that ended it, or 0 */
	int timed_out;	  /* ended by the time limit */
	int interrupted;  /* ended because *stop was set */
	int out_err;	  /* -errno of the stdout evidence file, or 0 */
	unsigned long long out_size;
	char out_sha256[65]; /* "" when no stdout file */
	struct buf err;	     /* stderr (escaped when logged) */
	unsigned long long err_dropped;
};

/* step_init - open the running binary for later execs; 0 or -errno */
int step_init(void);
/*
 * step_run - run `stranger ARGV...` (argv NULL-terminated, argv[0] the
 * command name), stdout into the evidence file out_name (NULL: discarded),
 * for at most limit seconds (<= 0: no limit).
 */
int step_run(struct evidence *ev, char *const argv[], const char *out_name, double limit,
	     volatile sig_atomic_t *stop, struct step_result *r);
void step_result_release(struct step_result *r);
/* step_now - a monotonic clock in seconds */
double step_now(void);

#endif
