/*
 * basedb - the baseline database: what every file under some roots looked
 * like when it was known to be good, and how to take that picture again.
 *
 * The format is text, one line per file, documented in stranger(1):
 *
 *   #stranger-baseline 1
 *   #created 2026-11-30T01:02:03Z
 *   #host NAME
 *   #options one_fs=0
 *   #exclude PATTERN           (one line per pattern, may be absent)
 *   #root PATH                 (one line per root)
 *   #db PATH                   (where the DB was written; skipped by walks)
 *   #fields path type mode uid gid size inode nlink mtime ctime sha256 target
 *   PATH TYPE MODE UID GID SIZE INODE NLINK MTIME CTIME SHA256 TARGET
 *   ...
 *   #sha256 HEX
 *
 * Fields are separated by one space.  PATH, TARGET and the header values
 * are escaped by util/escape with spaces as \x20, so a field never holds a
 * space, a newline or a control byte, and every name survives the round
 * trip.  TYPE is one of f d l c b p s; MODE four octal digits (setuid,
 * setgid and sticky included); MTIME/CTIME SECONDS.NANOSECONDS; SHA256 64
 * hex digits for a regular file, "?" if it could not be read, "-" for
 * other types; TARGET a symlink's target, "-" for other types (a target
 * that is literally "-" is written \x2d).  Lines are sorted by the raw
 * bytes of PATH, without duplicates.  The last line holds the SHA-256 of
 * every byte before it, so a truncated or edited DB is detected.
 *
 * Errors: basedb_parse() returns 0, or -1 and fills `err` with the line
 * number (1-based) and a message.  basedb_scan() returns 0 or -errno when
 * a root cannot be looked at; trouble below a root goes to the error
 * callback and the scan goes on (partial evidence is still evidence).
 * Nothing here prints or exits.
 */
#ifndef STRANGER_LIB_BASEDB_H
#define STRANGER_LIB_BASEDB_H

#include <stddef.h>
#include <sys/stat.h>

#include "lib/baseline/hash.h"
#include "util/buf.h"
#include "util/opt.h"

#define BASEDB_VERSION 1

enum basedb_field {
	BASEDB_TYPE = 1 << 0,
	BASEDB_MODE = 1 << 1,
	BASEDB_UID = 1 << 2,
	BASEDB_GID = 1 << 3,
	BASEDB_SIZE = 1 << 4,
	BASEDB_SHA256 = 1 << 5,
	BASEDB_TARGET = 1 << 6,
	BASEDB_INODE = 1 << 7,
	BASEDB_NLINK = 1 << 8,
	BASEDB_MTIME = 1 << 9,
	BASEDB_CTIME = 1 << 10,
};
#define BASEDB_NFIELDS 11

enum basedb_sha { BASEDB_SHA_NONE, BASEDB_SHA_OK, BASEDB_SHA_UNREAD };

struct basedb_entry {
	char *path; /* raw bytes, NUL-terminated */
	size_t path_len;
	char type; /* f d l c b p s */
	unsigned mode;
	unsigned long long uid, gid, size, ino, nlink;
	long long mtime_sec, ctime_sec;
	long mtime_nsec, ctime_nsec;
	enum basedb_sha sha_state;
	unsigned char sha[HASH_LEN];
	char *target; /* symlinks only, raw bytes; NULL otherwise */
	size_t target_len;
	/* scan bookkeeping, not stored */
	unsigned root;
	size_t rel_off;
	int err; /* -errno of the hashing, 0 */
};

struct basedb {
	char *created, *host, *db_path; /* raw (unescaped) values */
	int one_fs;
	struct strlist roots, excludes; /* strings owned by the basedb */
	struct basedb_entry *e;
	size_t n, alloc;
};

struct basedb_error {
	size_t line;
	char msg[160];
};

struct basedb_progress {
	size_t files_done, files_total;
	unsigned long long bytes_done, bytes_total;
};

struct basedb_scan_opts {
	unsigned threads;	 /* 0: one per CPU */
	int missing_ok;		 /* a root that is gone is no error (it has no entries) */
	const char *const *skip; /* more exact paths to leave out */
	size_t nskip;
	/* progress - called from the scanning thread now and then; may be NULL */
	void (*progress)(const struct basedb_progress *p, void *ctx);
	/* error - a path that could not be looked at or read; may be NULL */
	void (*error)(const char *path, size_t len, int err, void *ctx);
	void *ctx;
};

void basedb_init(struct basedb *db);
void basedb_release(struct basedb *db);
/* basedb_add_root / basedb_add_exclude - copy the string into the db */
void basedb_add_root(struct basedb *db, const char *root);
void basedb_add_exclude(struct basedb *db, const char *pattern);

/*
 * basedb_scan - walk db's roots (with its one_fs and excludes, skipping
 * db_path), record every entry and hash every regular file on a pool of
 * workers.  Entries are appended, then the whole list is sorted.
 */
int basedb_scan(struct basedb *db, const struct basedb_scan_opts *o);
/* basedb_entry_from_stat - fill the stat fields of e (not path/sha/target) */
void basedb_entry_from_stat(struct basedb_entry *e, const struct stat *st);

/* basedb_format - the whole DB as text, checksum line included */
void basedb_format(const struct basedb *db, struct buf *out);
/* basedb_write_fd - the same text written to fd as it is made; 0 or -errno */
int basedb_write_fd(const struct basedb *db, int fd);
/* basedb_format_entry - one entry line, newline included */
void basedb_format_entry(const struct basedb_entry *e, struct buf *out);
int basedb_parse(const char *s, size_t n, struct basedb *db, struct basedb_error *err);

/* basedb_diff - the fields (enum basedb_field bits) in which a and b differ */
unsigned basedb_diff(const struct basedb_entry *a, const struct basedb_entry *b);
const char *basedb_field_name(unsigned bit);
/* basedb_parse_fields - "mtime,ctime" into bits; 0, or -1 on an unknown name */
int basedb_parse_fields(const char *list, unsigned *bits);
/* basedb_value - the field's value as it is written in the DB */
void basedb_value(const struct basedb_entry *e, unsigned bit, struct buf *out);

#endif
