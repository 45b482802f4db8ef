/*
 * fleet - every host's hunt, read back from a cases folder.
 *
 * CASES_DIR holds one folder per host, as contrib/ansible/hunt.yml leaves
 * them: status.json (one JSON object: host, status - ok, unreachable,
 * timeout, failed, feature_missing -, detail, hunt, rc_STEP for each
 * step), and for the default hunt ps.jsonl, hidden.jsonl, verify.jsonl
 * (stranger's own --json output) with STEP.err and STEP.rc beside them.
 *
 * fleet_read() turns them into findings - one per flagged process, hidden
 * object or changed package file - each with a score (the most
 * suspicious highest), and one record per host saying whether it could be
 * checked and what is missing or unreadable in its folder.  A missing or
 * corrupt file is a problem of that host, never a reason to stop: the
 * rest is still read.
 *
 * Strings keep the bytes the tool saw on the host: stranger's escaping
 * (util/escape) is undone after JSON's, so the caller escapes them again
 * for output, by the same rule, and nothing is escaped twice.
 *
 * Returns 0 or -errno when CASES_DIR itself cannot be read.  lib/ never
 * prints: the caller reports each host's problems.
 */
#ifndef STRANGER_LIB_FLEET_FLEET_H
#define STRANGER_LIB_FLEET_FLEET_H

#include <stddef.h>

#include "util/buf.h"

enum fleet_source { FLEET_PS, FLEET_HIDDEN, FLEET_VERIFY };

struct fleet_finding {
	size_t host; /* index into the report's hosts */
	enum fleet_source source;
	long long pid; /* -1: none */
	int score;
	struct buf flags;     /* comma list: ps flags, hidden:KIND, verify:STATUS */
	struct buf command;   /* raw bytes: command line, object, or path */
	struct buf listening; /* comma list of PROTO:ADDR:PORT */
	struct buf detail;    /* raw bytes: hidden's detail, verify's package */
};

struct fleet_host {
	char *name;	   /* the folder's name (raw bytes) */
	char *status;	   /* from status.json; "unknown" when absent */
	struct buf detail; /* status.json's detail (raw bytes) */
	int checked;	   /* 1: every step ran and its output was read */
	size_t findings;
	char **problems; /* raw text, one per problem */
	size_t nproblems;
};

struct fleet_report {
	struct fleet_host *hosts;
	size_t nhosts;
	struct fleet_finding *v;
	size_t n, alloc;
};

/* include_listening: also a process whose only flag is `listening` */
int fleet_read(const char *dir, int include_listening, struct fleet_report *r);
/* fleet_read_jsonl - the findings of one step's output (for tests, fuzzing) */
void fleet_read_jsonl(struct fleet_report *r, size_t host, enum fleet_source src, const char *data,
		      size_t len, int include_listening);
/* fleet_sort - the most suspicious first, then by host and PID */
void fleet_sort(struct fleet_report *r);
void fleet_release(struct fleet_report *r);
const char *fleet_source_name(enum fleet_source s);

#endif
