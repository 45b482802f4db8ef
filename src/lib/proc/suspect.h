/*
 * suspect - what makes a process worth a responder's look (ps's FLAGS).
 *
 *   exe_deleted    its executable's link count is 0: the file is gone
 *   name_mismatch  a name it shows (comm, or a bare argv[0]) is not its
 *                  executable's, a script's, or a symlink to the running
 *                  inode: a renamed copy, a process posing as another
 *   listening      it holds a listening TCP or bound UDP socket
 *   preload        LD_PRELOAD, /etc/ld.so.preload or a library no ELF
 *                  dependency explains (lib/hidden/preload)
 *   hidden         found by probing, missing from the /proc listing, or
 *                  under a mount over /proc/PID (set by the caller)
 *   frozen         held by `stranger freeze` or stopped (set by the caller;
 *                  said, not suspicious)
 *   unreadable     its executable could not be read (another user's, and
 *                  we are not root): its flags are unknown, not clear
 *
 * Every check reads the process through its /proc/PID fd, so all of them
 * are about one process even if the PID is reused meanwhile.  A check
 * that cannot read what it needs because the process exited does not
 * flag; one refused by permission sets unreadable, since unknown is not
 * clean.
 *
 * Errors: none to report; missing pieces leave their flag clear.
 */
#ifndef STRANGER_LIB_PROC_SUSPECT_H
#define STRANGER_LIB_PROC_SUSPECT_H

#include <stddef.h>
#include <sys/types.h>

#include "util/buf.h"

struct proc_stat;
struct sock_table;

enum {
	SUSPECT_EXE_DELETED = 1,
	SUSPECT_NAME_MISMATCH = 2,
	SUSPECT_LISTENING = 4,
	SUSPECT_PRELOAD = 8,
	SUSPECT_HIDDEN = 16,
	SUSPECT_FROZEN = 32,	 /* set by the caller; said, not suspicious */
	SUSPECT_UNREADABLE = 64, /* the checks could not be made: unknown */
	SUSPECT_NFLAGS = 7,
	/* the flags that make a process suspicious */
	SUSPECT_SUSPICIOUS = SUSPECT_EXE_DELETED | SUSPECT_NAME_MISMATCH | SUSPECT_LISTENING |
			     SUSPECT_PRELOAD | SUSPECT_HIDDEN,
	SUSPECT_MAX_LISTEN = 64, /* listening sockets kept per process */
};

/* suspect_flag_names - the word for flag 1 << i, i < SUSPECT_NFLAGS */
extern const char *const suspect_flag_names[SUSPECT_NFLAGS];

struct suspect {
	unsigned flags;
	int exe_deleted;
	struct buf exe;			     /* where exe points, " (deleted)" cut off */
	char *listening[SUSPECT_MAX_LISTEN]; /* "tcp:ADDR:PORT", "udp:..." */
	size_t nlisten;
	struct buf preload_why; /* raw text: why preload was flagged */
};

/*
 * suspect_check - fill s for the process pid open as procfd, whose stat
 * and raw cmdline the caller has read; socks is the system's socket
 * table.  Kernel threads get nothing checked.  Release s after.
 */
void suspect_check(struct suspect *s, pid_t pid, int procfd, const struct proc_stat *st,
		   const struct buf *cmdline, const struct sock_table *socks);
void suspect_release(struct suspect *s);

/* suspect_name_mismatch - the name_mismatch rule alone; exe is the
 * executable's path (empty: nothing to compare, not a mismatch) */
int suspect_name_mismatch(int procfd, const struct proc_stat *st, const struct buf *exe,
			  const struct buf *cmdline);

#endif
