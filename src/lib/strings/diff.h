/*
 * diff - Myers' O(ND) difference algorithm over sequences of strings.
 *
 * Strings are interned first (struct diff_pool): every distinct string gets
 * a small integer id, found through a hash table and confirmed by comparing
 * the bytes, so sequences are compared as arrays of ids, exactly.  Memory
 * is proportional to the number of strings and the size of the distinct
 * ones, not to the inputs they came from.
 *
 * diff_ids() marks which elements of each sequence are not part of a
 * common subsequence.  It strips the common prefix and suffix, sets aside
 * elements that occur in only one of the sequences (they can never match,
 * and in a core dump full of heap noise they are most of the difference),
 * then runs the linear-space, divide-and-conquer form of Myers' algorithm
 * (the "middle snake") on what is left.  The result is a minimal edit
 * script, unless a sub-problem needs more than `max_cost` edit steps (0:
 * a default that grows with the size), in which case that sub-problem is
 * split at the furthest-reaching diagonal found so far: still a correct
 * edit script, perhaps not the shortest, in bounded time.
 *
 * diff_hunks() groups changes into unified-diff hunks with `context`
 * unchanged elements around them.
 *
 * Errors: none; allocation failure exits through xalloc.  Sequences hold
 * at most 2^32 - 1 elements each.
 */
#ifndef STRANGER_LIB_DIFF_H
#define STRANGER_LIB_DIFF_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

struct diff_str {
	uint64_t hash;
	size_t off; /* into pool->text */
	uint32_t len;
	uint32_t count[2]; /* occurrences in sequence 0 and sequence 1 */
	uint64_t first[2]; /* offset of the first occurrence in each input */
};

struct diff_pool {
	struct buf text;
	struct diff_str *strs;
	size_t nstrs, alloc;
	uint64_t *slots; /* hash table: top 32 hash bits | id + 1; 0 empty */
	size_t nslots;
};

/* diff_populate - map in the pages of p[0..n) now (best effort) */
void diff_populate(void *p, size_t n);

void diff_pool_init(struct diff_pool *p);
void diff_pool_release(struct diff_pool *p);
/* diff_pool_reserve - size an empty pool's table for about n strings */
void diff_pool_reserve(struct diff_pool *p, size_t n);
/* diff_pool_add - intern s (len bytes) seen in sequence `side`; its id */
uint32_t diff_pool_add(struct diff_pool *p, int side, uint64_t off, const char *s, size_t len);
/*
 * diff_pool_add_many - diff_pool_add for n <= DIFF_BATCH strings at once,
 * their ids in ids[]: the same ids, in less time (the hash table's misses
 * overlap).
 */
#define DIFF_BATCH 32
void diff_pool_add_many(struct diff_pool *p, int side, size_t n, const uint64_t *offs,
			const char *const *s, const uint32_t *lens, uint32_t *ids);
static inline const char *diff_pool_text(const struct diff_pool *p, uint32_t id)
{
	return p->text.data + p->strs[id].off;
}

/*
 * diff_ids - set a_chg[i] for every a[i] not in the common subsequence
 * found, and b_chg[j] likewise; both arrays are zeroed first.  Returns the
 * number of changed elements (deleted + inserted).
 */
size_t diff_ids(const uint32_t *a, size_t n, const uint32_t *b, size_t m, unsigned char *a_chg,
		unsigned char *b_chg, unsigned long max_cost);

struct diff_hunk {
	size_t a0, a1; /* a[a0..a1) is shown (context and deletions) */
	size_t b0, b1;
};

/* diff_hunks - the hunks of a change marking; *nh set, array malloc'd */
struct diff_hunk *diff_hunks(const unsigned char *a_chg, size_t n, const unsigned char *b_chg,
			     size_t m, size_t context, size_t *nh);

#endif
