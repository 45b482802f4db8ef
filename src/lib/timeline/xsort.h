/*
 * xsort - sort records of any number, in bounded memory.
 *
 * A record is a key and a value (bytes); records come out in byte order of
 * their keys (memcmp, a shorter key first when one is a prefix of the
 * other), records with equal keys in the order they went in.  Records are
 * kept in memory up to `budget` bytes; past that, each full batch is
 * sorted and written as a run to an unlinked temporary file in `tmpdir`,
 * and the runs are merged at the end, each read through its own buffer.
 * So memory stays near `budget` whatever the number of records.
 *
 * Errors: xsort_add and xsort_each return 0 or -errno (a failed write of
 * a run: the disk is full); the sorter is then unusable.  Records larger
 * than the budget are refused with -E2BIG.
 */
#ifndef STRANGER_LIB_TIMELINE_XSORT_H
#define STRANGER_LIB_TIMELINE_XSORT_H

#include <stddef.h>

struct xsort;

/* xsort_new - budget in bytes (0: 64 MiB); tmpdir NULL: $TMPDIR or /tmp */
struct xsort *xsort_new(size_t budget, const char *tmpdir);
void xsort_free(struct xsort *s);
int xsort_add(struct xsort *s, const void *key, size_t klen, const void *val, size_t vlen);
/* xsort_runs - how many runs went to disk so far */
size_t xsort_runs(const struct xsort *s);
/*
 * xsort_each - call fn on every record in order; stop at fn's first
 * non-zero return and return it.  Call once, after the last xsort_add.
 */
int xsort_each(struct xsort *s,
	       int (*fn)(const void *key, size_t klen, const void *val, size_t vlen, void *ctx),
	       void *ctx);

#endif
