/*
 * evidence - the sealed output folder every evidence-writing command uses.
 *
 * evidence_open() creates DIR (an existing DIR must be empty: evidence is
 * never overwritten or mixed), starts DIR/case.log (UTC ISO 8601 times,
 * host, kernel, stranger version, command line, uid) and hooks util/diag so
 * every warning and error also lands in case.log.  Files are created with
 * evidence_file_open(), streamed in with evidence_file_write() or the
 * zero-copy pair evidence_file_buffer()/evidence_file_commit(), and hashed
 * (SHA-256) as they are written; the hashing runs on a second thread so it
 * overlaps reading and writing.  Runs of zeros given to
 * evidence_file_skip() become holes (sparse files).  evidence_file_close()
 * fsyncs the file and makes it read-only.  evidence_close() ends case.log
 * and writes DIR/manifest.sha256 (checkable with `cd DIR && sha256sum -c
 * manifest.sha256`), listing every file including case.log.
 *
 * Invariants: the manifest only ever states what is on disk.  A write that
 * fails (ENOSPC, EIO) leaves the file "partial": what was written stays,
 * its hash covers exactly those bytes, and case.log names it as partial
 * with the reason.  The manifest is written to a temporary name and
 * renamed only when complete and fsync'd; when it cannot be written there
 * is no manifest at all, never a wrong one.
 *
 * Errors: 0 or -errno; evidence_open() returns -ENOTEMPTY for a non-empty
 * DIR.  Relative names may hold '/' (subfolders are made) but no "..",
 * no leading '/' and no empty component (-EINVAL).
 *
 * Limits: one writer thread at a time per evidence folder; the buffer pool
 * of a file is EVIDENCE_NBUF buffers of EVIDENCE_BUFSZ bytes.
 */
#ifndef STRANGER_LIB_EVIDENCE_H
#define STRANGER_LIB_EVIDENCE_H

#include <stddef.h>

#include "lib/baseline/hash.h"

#define EVIDENCE_BUFSZ (8u << 20)
#define EVIDENCE_NBUF 4

struct evidence;
struct evidence_file;

int evidence_open(const char *dir, int argc, char **argv, struct evidence **out);
/* evidence_path - the folder's path as given */
const char *evidence_path(const struct evidence *ev);
/* evidence_log - a timestamped line in case.log (text is escaped) */
void evidence_log(struct evidence *ev, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * evidence_close - log the exit status, write the manifest, fsync the
 * folder, free ev.  0, or -errno when the manifest could not be written.
 */
int evidence_close(struct evidence *ev, int status);

int evidence_file_open(struct evidence *ev, const char *name, struct evidence_file **out);
/* evidence_file_write - append n bytes; 0 or the file's (sticky) -errno */
int evidence_file_write(struct evidence_file *f, const void *p, size_t n);
/* evidence_file_skip - append n zero bytes, as a hole where possible */
int evidence_file_skip(struct evidence_file *f, unsigned long long n);
/*
 * evidence_file_buffer - a free pool buffer of EVIDENCE_BUFSZ bytes to fill
 * (waits for the hasher); evidence_file_commit appends its first n bytes,
 * writing 4 KiB pages that are all zero as holes when sparse is set.
 */
void *evidence_file_buffer(struct evidence_file *f);
int evidence_file_commit(struct evidence_file *f, size_t n, int sparse);
/* evidence_file_error - 0, or the -errno that made the file partial */
int evidence_file_error(const struct evidence_file *f);
unsigned long long evidence_file_size(const struct evidence_file *f);
/*
 * evidence_file_close - finish, fsync, chmod 0400, record in the manifest
 * (partial files too, with the hash of what is on disk, and a "partial"
 * line in case.log).  digest may be NULL.  0 or -errno (file partial).
 */
int evidence_file_close(struct evidence_file *f, unsigned char digest[HASH_LEN],
			unsigned long long *size);
/*
 * evidence_copy_fd - stream everything from fd (from its current offset)
 * into the new file name; read errors make the file partial.
 */
int evidence_copy_fd(struct evidence *ev, const char *name, int fd, unsigned char digest[HASH_LEN],
		     unsigned long long *size);
/* evidence_add_buf - a whole small file from memory */
int evidence_add_buf(struct evidence *ev, const char *name, const void *p, size_t n);

/*
 * evidence_adopt - a file that another process wrote under DIR (a
 * command run as a step of `collect` into a subfolder) joins the
 * manifest: it is made read-only, hashed as it is on disk and logged.
 * The name follows the rules of evidence_file_open; a symlink or
 * anything but a regular file is refused (-EINVAL).  0 or -errno.
 */
int evidence_adopt(struct evidence *ev, const char *name, unsigned char digest[HASH_LEN],
		   unsigned long long *size);
/* evidence_dirfd - the folder's open fd (owned by ev; for reading back) */
int evidence_dirfd(const struct evidence *ev);

/* evidence_iso8601 - the current UTC time, e.g. 2026-11-30T00:40:01.123Z */
void evidence_iso8601(char out[32]);

#endif
