/*
 * report - turn a case folder into one page a person reads first, and the
 * same findings as text.
 *
 * The case is read through its manifest (lib/collect/manifest): every
 * listed file is hashed again, and one that does not match is marked
 * "changed since sealing" wherever it is shown; a file the manifest does
 * not list is read but shown as unsealed.  Every byte read from the case
 * is hostile: JSON Lines go through util/json_read, binary login
 * records through report_utmp_each, and every string reaches the page
 * through util/escape and then HTML escaping, so no byte of the case can
 * open a tag, an attribute or a script.  Links to evidence files are
 * relative and percent-encoded.  The page has no script, no external
 * resource: inline CSS and SVG only.
 *
 * Order of the page: the seal, the findings (most suspicious first, each
 * with why and its evidence files and their SHA-256), what is missing
 * (steps that failed, timed out or were skipped), the process tree, the
 * network, the users, the timeline around the findings, the steps, the
 * evidence files.  Works for a `collect` case and for the folder of any
 * evidence-writing command (recover, dump): what is absent is left out.
 *
 * Errors: report_build returns 0, or -ENOTDIR/-ENOENT when dirfd is not
 * a case folder (neither manifest.sha256 nor case.log).
 */
#ifndef STRANGER_LIB_COLLECT_REPORT_H
#define STRANGER_LIB_COLLECT_REPORT_H

#include <stddef.h>

#include "util/buf.h"

struct report_result {
	unsigned findings;
	unsigned changed; /* files whose hash no longer matches */
	unsigned missing; /* listed files that are gone or unreadable */
	unsigned steps_not_ok;
	int sealed; /* a manifest was there */
};

int report_build(int dirfd, const char *case_name, struct buf *html, struct buf *text,
		 struct report_result *res);

/* one login record of utmp/wtmp */
struct report_login {
	int type; /* ut_type */
	int pid;
	char user[33], line[33], host[257];
	long long when; /* seconds since the epoch */
};
/* report_utmp_each - every whole record of a utmp/wtmp file; returns count */
size_t report_utmp_each(const void *p, size_t n,
			void (*cb)(const struct report_login *l, void *ctx), void *ctx);

#endif
