/*
 * freeze - stop a process so it runs no instruction until thawed.
 *
 * Methods:
 *   cgroup v2  the process moves into a cgroup of stranger's own
 *              (<unified mount>/stranger.freeze.PID) whose cgroup.freeze is
 *              set; confirmed by "frozen 1" in cgroup.events.  No signal is
 *              sent, so neither the process nor its parent is told
 *              (no SIGCHLD, no "T" state a parent's waitpid sees).
 *   cgroup v1  the same with the v1 freezer (freezer.state FROZEN).
 *   signal     SIGSTOP, confirmed by every thread in state T; SIGCONT thaws.
 *
 * The cgroup mounts are found in /proc/self/mountinfo (lib/proc/mounts), so
 * hybrid hosts (v1 and v2 side by side) and pure v2 hosts both work.
 *
 * What thaw needs (the method, the cgroups each process came from) is kept
 * in a small state file under FREEZE_STATE_DIR, a tmpfs that a reboot
 * clears; it is stranger's only write outside a named output folder, and
 * the price of putting processes back exactly where they were.  The file
 * is a journal written before each step, so a freeze interrupted at any
 * point (SIGINT, SIGKILL) is undone by thaw or finished by a second freeze.
 *
 * Errors: 0 or -errno; freeze_strerror-style detail goes into `why`.
 */
#ifndef STRANGER_LIB_FREEZE_H
#define STRANGER_LIB_FREEZE_H

#include <stddef.h>
#include <sys/types.h>

#include "util/buf.h"

#define FREEZE_STATE_DIR "/run/stranger/freeze"

enum freeze_method {
	FREEZE_NONE = 0,
	FREEZE_CGROUP_V2,
	FREEZE_CGROUP_V1,
	FREEZE_SIGNAL,
	FREEZE_AUTO, /* request only: cgroup v2, else v1, else signal */
};

struct freeze_result {
	enum freeze_method method;
	char cgroup[512]; /* the freezer cgroup used, if any */
	pid_t *pids;	  /* processes frozen (root first) */
	size_t npids;
	size_t nthreads;
	int resumed; /* freeze: went on with an interrupted freeze;
		      * thaw: undid one */
};

const char *freeze_method_name(enum freeze_method m);
/* freeze_available - which methods this host offers (bit 1<<method) */
unsigned freeze_available(void);
/*
 * freeze_pid - freeze pid (and with tree, its descendants).  Refuses
 * (-EPERM, reason in why) PID 1, stranger itself and its ancestors, and
 * kernel threads, -EINVAL a zombie; -EALREADY if stranger already froze
 * it.  An interrupted freeze of pid is resumed (res->resumed).
 */
int freeze_pid(pid_t pid, enum freeze_method m, int tree, struct freeze_result *res,
	       struct buf *why);
/*
 * freeze_thaw - undo freeze_pid by the method that froze it.  Processes
 * that exited while frozen are counted in *gone.  -ENOENT: not frozen by
 * stranger.  Also undoes an interrupted freeze (res->resumed).
 */
int freeze_thaw(pid_t pid, struct freeze_result *res, size_t *gone, struct buf *why);
/* freeze_query - how pid is frozen: by stranger's state, else T state */
int freeze_query(pid_t pid, enum freeze_method *m);
void freeze_result_release(struct freeze_result *res);

#endif
