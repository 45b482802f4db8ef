/*
 * artifact - the evidence no stranger command makes: copies of files and
 * listings of trees, for `collect`.
 *
 * Every file is opened with O_NOATIME (where the kernel allows it) and
 * O_NOFOLLOW, read at most `cap` bytes (a larger file is copied
 * truncated and says so), and lands in the case under its own path below
 * "files/" (the mirror name): each component of the host's path escaped
 * by util/escape, so a hostile name becomes printable ASCII and cannot
 * climb out of the case.  Listings are JSON Lines, one object per entry:
 * path, type (file, dir, symlink, fifo, socket, char, block), mode
 * (octal text), uid, gid, size, mtime/ctime/atime (seconds since the
 * epoch), setuid, setgid, link (a symlink's target), copy and
 * copy_sha256 (when copied), truncated.
 *
 * A listing stops early when *stop is set (-EINTR) or the deadline
 * passes (-ETIME); what it listed so far stays.
 *
 * Errors: 0, or -errno; a file that is absent is -ENOENT, and callers
 * treat that as "nothing to collect" rather than as a failure.  Entries
 * a listing could not look at are counted in stats.errors and listed
 * with an "error" field.
 */
#ifndef STRANGER_LIB_COLLECT_ARTIFACT_H
#define STRANGER_LIB_COLLECT_ARTIFACT_H

#include <signal.h>

#include "lib/evidence/evidence.h"
#include "util/buf.h"

struct artifact_stats {
	unsigned long long listed, copied, truncated, errors, bytes;
};

struct artifact_list_opts {
	unsigned long long cap;	       /* per copied file */
	unsigned long long max_copies; /* per listing; 0: none */
	int only_setid;		       /* list only setuid/setgid files */
	int one_fs;
	const char *const *skip; /* exact paths never entered (the case) */
	size_t nskip;
	int max_depth; /* 0: no limit */
	/* the walk stops (-EINTR, or -ETIME past the deadline) when these say */
	volatile sig_atomic_t *stop;
	double deadline; /* step_now() seconds; 0: none */
};

/* artifact_mirror_name - "files/" + the escaped path (absolute path) */
void artifact_mirror_name(struct buf *out, const char *path);
/* artifact_copy - path into its mirror name; *truncated set when over cap */
int artifact_copy(struct evidence *ev, const char *path, unsigned long long cap,
		  struct artifact_stats *st);
/*
 * artifact_list - every entry below root as a JSON line into lf; regular
 * files copied while max_copies lasts.  0, or -errno when root itself
 * cannot be looked at.
 */
int artifact_list(struct evidence *ev, struct evidence_file *lf, const char *root,
		  const struct artifact_list_opts *o, struct artifact_stats *st);

#endif
