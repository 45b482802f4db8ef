/*
 * event - one timeline event, and the sink that writes events in the
 * formats `stranger timeline` speaks.
 *
 * An event is a file (its four times, macb: modified, accessed, changed,
 * born) or a single-time event: a process start, the boot, a listening
 * socket, a log line.  Names and messages are raw bytes from the suspect
 * system; the sink escapes them (util/escape) on the way out.
 *
 * Formats:
 *   body     The Sleuth Kit 3.x body file, one line a record, unsorted:
 *            MD5|name|inode|mode_as_string|UID|GID|size|atime|mtime|ctime|crtime
 *            The first field is 0, or the SHA-256 with --hash (mactime
 *            does not read it).
 *            The name is the escaped text of util/escape, in which `%` is
 *            then written `%25` and `|` `%7C`: TSK's mactime decodes %XX
 *            after it splits a line, so a name holding `|` (which fls
 *            writes unescaped-in-effect and mactime drops, sleuthkit#2124)
 *            or a newline survives as one field, and mactime prints the
 *            escaped text.  Times are seconds, with nine decimals when the
 *            file system gave nanoseconds; an unknown time is -1 (mactime
 *            skips it).  A single-time event has its time in the mtime
 *            column, -1 in the others, the event kind ("process", "boot",
 *            "listen", "log") as its mode and its message as its name.
 *   mactime  the lines TSK's `mactime -d -y` prints for that body file:
 *            the header, then `Date,Size,Type,Mode,UID,GID,Meta,File Name`
 *            in mactime's order (its sort key: ten-digit seconds, inode,
 *            name, compared as bytes), records with the same key merged.
 *   jsonl    one JSON object a line, sorted by time: `datetime` (ISO 8601,
 *            UTC, nanoseconds), `timestamp_desc`, `message` (Timesketch),
 *            then typed fields.  A file gives one line per distinct time.
 *   csv      the same fields as jsonl, with a header line.
 *
 * Sorted formats go through lib/timeline/xsort, so memory stays bounded.
 * Errors: 0 or -errno (a write that failed).
 */
#ifndef STRANGER_LIB_TIMELINE_EVENT_H
#define STRANGER_LIB_TIMELINE_EVENT_H

#include <stddef.h>
#include <sys/types.h>

#include "util/buf.h"

enum tl_format { TL_BODY, TL_MACTIME, TL_JSONL, TL_CSV };
enum tl_kind { TL_FILE, TL_PROCESS, TL_BOOT, TL_LISTEN, TL_LOG };
enum { TL_M, TL_A, TL_C, TL_B }; /* index in tl_event.t */

struct tl_time {
	long long sec;
	long nsec;
	int set; /* 0: unknown */
};

struct tl_event {
	enum tl_kind kind;
	struct tl_time t[4]; /* files: m a c b; others: t[TL_M] */
	const char *name;    /* raw bytes: the path, or the message */
	size_t name_len;
	/* files (and the numbers a body file carries for others) */
	unsigned long long inode;
	unsigned long long dev; /* files from a walk: st_dev (makedev), else 0 */
	const char *inode_str;	/* as read from a body file, else NULL */
	unsigned mode;		/* st_mode; 0 for others */
	const char *mode_str;	/* as read from a body file, else NULL */
	long long uid, gid;	/* -1: unknown */
	unsigned long long size;
	const char *size_str, *uid_str, *gid_str; /* from a body file */
	int deleted;				  /* name is the path; " (deleted)" is added */
	const char *sha256;			  /* 64 hex digits, or NULL */
	int name_is_text;			  /* name came from a body file: printable text
						     is shown as is, other bytes escaped */
	/* single-time events */
	const char *desc;   /* timestamp_desc */
	pid_t pid;	    /* 0 if none */
	const char *source; /* log file (raw bytes) or NULL */
	unsigned long line; /* its line (or record) number */
	const char *json;   /* extra typed fields, already JSON, or NULL */
};

struct tl_sink;

/* tl_sink_new - write to fd; since/until filter each time (set=0: none) */
struct tl_sink *tl_sink_new(enum tl_format f, int fd, const struct tl_time *since,
			    const struct tl_time *until, size_t mem_budget, const char *tmpdir);
/* tl_sink_local_time - mactime dates in the TZ of the environment, with
 * their offset ("2026-12-07T01:00:00+01:00"), instead of UTC */
void tl_sink_local_time(struct tl_sink *s);
int tl_sink_add(struct tl_sink *s, const struct tl_event *e);
/* tl_sink_finish - sort, write what is left; 0 or -errno */
int tl_sink_finish(struct tl_sink *s);
void tl_sink_free(struct tl_sink *s);
/* tl_sink_count - events written (after filtering) */
unsigned long long tl_sink_count(const struct tl_sink *s);

/* tl_mode_string - TSK's "r/rrwxr-xr-x" for st_mode */
void tl_mode_string(char out[13], unsigned mode);
/* tl_iso - "2026-12-07T00:23:00.123456789Z" (nanoseconds when nsec >= 0) */
void tl_iso(struct buf *out, long long sec, long nsec);
/* tl_parse_date - "YYYY-MM-DD[THH:MM[:SS[.frac]]][Z]" or "@SECS" (UTC); 0/-1 */
int tl_parse_date(const char *s, struct tl_time *t);
/* tl_body_name - the body file's encoding of a raw name (rule above) */
void tl_body_name(struct buf *out, const char *s, size_t n);

/*
 * tl_body_parse - split one body file line (without its newline) the way
 * mactime does and fill e; the strings point into `scratch` and `line`.
 * Returns 1 for a record, 0 for a line mactime would skip (comment,
 * blank, too few fields, fields that are not numbers, all times zero).
 */
int tl_body_parse(const char *line, size_t n, struct buf *scratch, struct tl_event *e);

#endif
