/*
 * sbreport - the sandbox's evidence: what one run did, as report.txt and
 * report.json, with the files it wrote.
 *
 * sbreport_files() walks the run's upper layer: a whiteout is a deleted
 * host file, a regular file is created (not on the host) or modified
 * (copied up), a folder made opaque replaced the host's.  Each new or
 * changed file is copied into the evidence folder (upper/PATH, or
 * upper-files/N when its name needs escaping) and hashed (SHA-256) as it
 * is copied; the folders the sandbox itself prepares (/tmp, /var/tmp,
 * /run) are not reported.  Names come from the program: escaped.
 *
 * sbreport_text()/sbreport_json() format one run; sbreport_facts() lists
 * a run's facts (an exec, a file change, a destination, a refusal, how it
 * ended) as lines, so that runs can be compared (--runs): a fact missing
 * from some run is a difference.
 *
 * lib/: nothing is printed; 0 or -errno.
 */
#ifndef STRANGER_LIB_SANDBOX_SBREPORT_H
#define STRANGER_LIB_SANDBOX_SBREPORT_H

#include "lib/baseline/hash.h"
#include "lib/sandbox/sandbox.h"
#include "lib/sandbox/sbtrace.h"
#include "util/buf.h"

struct evidence;

enum sbfile_kind { SBF_CREATED, SBF_MODIFIED, SBF_DELETED, SBF_REPLACED, SBF_DIR, SBF_LINK };

struct sbfile {
	enum sbfile_kind kind;
	char *path; /* escaped, absolute inside the sandbox */
	char *copy; /* its name in the evidence folder, or NULL */
	unsigned long long size;
	char sha256[HASH_HEX_LEN + 1];
};

struct sbfiles {
	struct sbfile *v;
	size_t n;
};

struct sbrun {
	int index;	    /* 1.. */
	const char *prefix; /* "" or "run2/" in the evidence folder */
	struct sandbox_result *res;
	struct sb_trace trace;
	struct sbfiles files;
};

int sbreport_files(struct evidence *ev, const char *prefix, int upper_fd, struct sbfiles *out);
void sbreport_files_release(struct sbfiles *f);
void sbreport_text(struct buf *o, const struct sandbox_opts *opts, const struct sbrun *run);
void sbreport_json(struct buf *o, const struct sandbox_opts *opts, const struct sbrun *run);
void sbreport_facts(const struct sbrun *run, struct buf *facts);
/*
 * sbreport_differences - every fact that not all n runs share, once, with
 * how many runs have it: "differences between runs:" lines into txt, and
 * {"fact", "runs"} objects (comma-separated, no brackets) into json.
 */
void sbreport_differences(const struct sbrun *runs, size_t n, struct buf *txt, struct buf *json);
/* sbreport_end - "exited with 0", "killed by SIGKILL", "timeout", ... */
void sbreport_end(const struct sandbox_result *r, struct buf *o);

#endif
