#include "lib/strings/diff.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util/diag.h"
#include "util/xalloc.h"

/* ---- the string pool ---- */

void diff_populate(void *p, size_t n)
{
	/*
	 * The pool's arrays are written once, page after page: one call that
	 * maps the pages of a freshly grown array costs far less than a fault
	 * per page (most of all in a virtual machine).  Best effort: kernels
	 * before 5.14 say EINVAL and the pages fault in as before.
	 */
	static size_t pg;
	uintptr_t a = (uintptr_t)p, e = a + n;

	if (!pg) {
		long v = sysconf(_SC_PAGESIZE);
		pg = v > 0 ? (size_t)v : 4096;
	}
	a = (a + pg - 1) & ~(uintptr_t)(pg - 1);
	e &= ~(uintptr_t)(pg - 1);
	if (e > a && e - a >= 16 * pg)
		madvise((void *)a, e - a, MADV_POPULATE_WRITE);
}

static uint64_t hash_bytes(const char *s, size_t n)
{
	/* 64-bit FNV-1a over 8-byte words, then a final mix */
	uint64_t h = 0xcbf29ce484222325ULL ^ n;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0x100000001b3ULL;
		h ^= h >> 29;
	}
	for (; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

void diff_pool_init(struct diff_pool *p)
{
	memset(p, 0, sizeof(*p));
	buf_init(&p->text, 0);
	p->nslots = 1024;
	p->slots = xcalloc(p->nslots, sizeof(*p->slots));
}

void diff_pool_release(struct diff_pool *p)
{
	buf_release(&p->text);
	free(p->strs);
	free(p->slots);
	memset(p, 0, sizeof(*p));
}

static void pool_rehash(struct diff_pool *p)
{
	size_t ns = p->nslots * 2;
	uint64_t *slots = xcalloc(ns, sizeof(*slots));

	diff_populate(slots, ns * sizeof(*slots));
	for (size_t id = 0; id < p->nstrs; id++) {
		uint64_t h = p->strs[id].hash;
		size_t i = (size_t)h & (ns - 1);
		while (slots[i])
			i = (i + 1) & (ns - 1);
		slots[i] = (h & 0xffffffff00000000ULL) | ((uint64_t)id + 1);
	}
	free(p->slots);
	p->slots = slots;
	p->nslots = ns;
}

void diff_pool_reserve(struct diff_pool *p, size_t n)
{
	/* only while empty: growing later rehashes, which is what it saves */
	if (p->nstrs)
		return;
	while (p->nslots < 2 * n && p->nslots < ((size_t)1 << 30))
		p->nslots *= 2;
	free(p->slots);
	p->slots = xcalloc(p->nslots, sizeof(*p->slots));
	diff_populate(p->slots, p->nslots * sizeof(*p->slots));
}

/*
 * intern - the id of s (len bytes, hash h), added when new; *fresh set
 * to 1 when it was added, 0 when it was there already.
 */
static uint32_t intern(struct diff_pool *p, uint64_t h, const char *s, size_t len, int *fresh)
{
	size_t i = (size_t)h & (p->nslots - 1);
	struct diff_str *d;

	/* a slot holds the hash's top half next to id + 1: most probes
	   that miss never touch the string itself */
	for (; p->slots[i]; i = (i + 1) & (p->nslots - 1)) {
		uint32_t id;
		if ((p->slots[i] ^ h) >> 32)
			continue;
		id = (uint32_t)p->slots[i] - 1;
		d = &p->strs[id];
		if (d->hash == h && d->len == len && !memcmp(p->text.data + d->off, s, len)) {
			*fresh = 0;
			return id;
		}
	}
	if (p->nstrs >= UINT32_MAX - 1 || len > UINT32_MAX)
		bug("diff: too many or too long strings");
	if (p->nstrs == p->alloc) {
		size_t old = p->alloc;
		p->alloc = p->alloc ? p->alloc * 2 : 1024;
		p->strs = xreallocarray(p->strs, p->alloc, sizeof(*p->strs));
		diff_populate(p->strs + old, (p->alloc - old) * sizeof(*p->strs));
	}
	d = &p->strs[p->nstrs];
	memset(d, 0, sizeof(*d));
	d->hash = h;
	d->off = p->text.len;
	d->len = (uint32_t)len;
	if (p->text.len + len >= p->text.cap) {
		size_t old = p->text.cap;
		buf_grow(&p->text, len + 1);
		if (old)
			diff_populate(p->text.data + old, p->text.cap - old);
	}
	buf_add(&p->text, s, len);
	p->slots[i] = (h & 0xffffffff00000000ULL) | ((uint64_t)p->nstrs + 1);
	p->nstrs++;
	if (p->nstrs * 2 > p->nslots)
		pool_rehash(p);
	*fresh = 1;
	return (uint32_t)p->nstrs - 1;
}

uint32_t diff_pool_add(struct diff_pool *p, int side, uint64_t off, const char *s, size_t len)
{
	int fresh;
	uint32_t id = intern(p, hash_bytes(s, len), s, len, &fresh);
	struct diff_str *d = &p->strs[id];

	if (!d->count[side]++)
		d->first[side] = off;
	return id;
}

void diff_pool_add_many(struct diff_pool *p, int side, size_t n, const uint64_t *offs,
			const char *const *s, const uint32_t *lens, uint32_t *ids)
{
	uint64_t h[DIFF_BATCH];

	/*
	 * Most of the time of interning is waiting for memory: the slot, then
	 * the string it names, then that string's text, three misses in a
	 * row per string.  A batch asks for the slots of all its strings
	 * first, then for the strings those slots name, and only then looks.
	 */
	if (n > DIFF_BATCH)
		bug("diff: batch of %zu", n);
	for (size_t k = 0; k < n; k++) {
		h[k] = hash_bytes(s[k], lens[k]);
		__builtin_prefetch(&p->slots[(size_t)h[k] & (p->nslots - 1)]);
	}
	for (size_t k = 0; k < n; k++) {
		uint64_t v = p->slots[(size_t)h[k] & (p->nslots - 1)];
		if (v && !((v ^ h[k]) >> 32)) {
			const struct diff_str *d = &p->strs[(uint32_t)v - 1];
			__builtin_prefetch(d);
		}
	}
	for (size_t k = 0; k < n; k++) {
		uint64_t v = p->slots[(size_t)h[k] & (p->nslots - 1)];
		if (v && !((v ^ h[k]) >> 32))
			__builtin_prefetch(p->text.data + p->strs[(uint32_t)v - 1].off);
	}
	for (size_t k = 0; k < n; k++) {
		int fresh;
		uint32_t id = intern(p, h[k], s[k], lens[k], &fresh);
		struct diff_str *d = &p->strs[id];
		if (!d->count[side]++)
			d->first[side] = offs[k];
		ids[k] = id;
	}
}

/* ---- Myers: linear space, divide and conquer ---- */

struct myers {
	const uint32_t *a, *b; /* the (reduced) sequences */
	unsigned char *a_chg, *b_chg;
	ptrdiff_t *fwd, *bwd; /* furthest x per diagonal, indexed k + off */
	unsigned long max_cost;
};

/*
 * middle - find a point (*xm, *ym) on a shortest edit path from
 * (x0, y0) to (x1, y1), by running the search from both ends until the
 * two meet (Myers 1986, section 4b).  When the cost passes max_cost, return
 * the furthest point either search has reached instead.
 */
static void middle(struct myers *s, ptrdiff_t x0, ptrdiff_t x1, ptrdiff_t y0, ptrdiff_t y1,
		   ptrdiff_t *xm, ptrdiff_t *ym)
{
	ptrdiff_t *fwd = s->fwd, *bwd = s->bwd;
	const uint32_t *a = s->a, *b = s->b;
	const ptrdiff_t kmin = x0 - y1, kmax = x1 - y0;
	const ptrdiff_t fk = x0 - y0, bk = x1 - y1;
	const int odd = (int)((fk - bk) & 1);
	ptrdiff_t flo = fk, fhi = fk, blo = bk, bhi = bk;

	fwd[fk] = x0;
	bwd[bk] = x1;
	for (unsigned long cost = 1;; cost++) {
		/* one more step forward on every reachable diagonal */
		if (flo > kmin)
			fwd[--flo - 1] = -1;
		else
			flo++;
		if (fhi < kmax)
			fwd[++fhi + 1] = -1;
		else
			fhi--;
		for (ptrdiff_t k = fhi; k >= flo; k -= 2) {
			ptrdiff_t x = fwd[k - 1] < fwd[k + 1] ? fwd[k + 1] : fwd[k - 1] + 1;
			ptrdiff_t y = x - k;
			while (x < x1 && y < y1 && a[x] == b[y])
				x++, y++;
			fwd[k] = x;
			if (odd && blo <= k && k <= bhi && bwd[k] <= x) {
				*xm = x;
				*ym = y;
				return;
			}
		}
		/* and one more step backward */
		if (blo > kmin)
			bwd[--blo - 1] = PTRDIFF_MAX;
		else
			blo++;
		if (bhi < kmax)
			bwd[++bhi + 1] = PTRDIFF_MAX;
		else
			bhi--;
		for (ptrdiff_t k = bhi; k >= blo; k -= 2) {
			ptrdiff_t x = bwd[k - 1] < bwd[k + 1] ? bwd[k - 1] : bwd[k + 1] - 1;
			ptrdiff_t y = x - k;
			while (x > x0 && y > y0 && a[x - 1] == b[y - 1])
				x--, y--;
			bwd[k] = x;
			if (!odd && flo <= k && k <= fhi && x <= fwd[k]) {
				*xm = x;
				*ym = y;
				return;
			}
		}
		if (cost < s->max_cost)
			continue;

		/* too expensive: the diagonal point that got furthest */
		ptrdiff_t fbest = -1, fx = x0, bbest = PTRDIFF_MAX, bx = x1;
		for (ptrdiff_t k = fhi; k >= flo; k -= 2) {
			ptrdiff_t x = fwd[k] < x1 ? fwd[k] : x1, y = x - k;
			if (y > y1) {
				x = y1 + k;
				y = y1;
			}
			if (x + y > fbest) {
				fbest = x + y;
				fx = x;
			}
		}
		for (ptrdiff_t k = bhi; k >= blo; k -= 2) {
			ptrdiff_t x = bwd[k] > x0 ? bwd[k] : x0, y = x - k;
			if (y < y0) {
				x = y0 + k;
				y = y0;
			}
			if (x + y < bbest) {
				bbest = x + y;
				bx = x;
			}
		}
		if ((x1 + y1) - bbest < fbest - (x0 + y0)) {
			*xm = fx;
			*ym = fbest - fx;
		} else {
			*xm = bx;
			*ym = bbest - bx;
		}
		return;
	}
}

static void compare(struct myers *s, ptrdiff_t x0, ptrdiff_t x1, ptrdiff_t y0, ptrdiff_t y1)
{
	while (x0 < x1 && y0 < y1 && s->a[x0] == s->b[y0])
		x0++, y0++;
	while (x1 > x0 && y1 > y0 && s->a[x1 - 1] == s->b[y1 - 1])
		x1--, y1--;
	if (x0 == x1) {
		while (y0 < y1)
			s->b_chg[y0++] = 1;
	} else if (y0 == y1) {
		while (x0 < x1)
			s->a_chg[x0++] = 1;
	} else {
		ptrdiff_t xm, ym;
		middle(s, x0, x1, y0, y1, &xm, &ym);
		if ((xm == x0 && ym == y0) || (xm == x1 && ym == y1))
			bug("diff: no progress at (%td, %td)", xm, ym);
		compare(s, x0, xm, y0, ym);
		compare(s, xm, x1, ym, y1);
	}
}

size_t diff_ids(const uint32_t *a, size_t n, const uint32_t *b, size_t m, unsigned char *a_chg,
		unsigned char *b_chg, unsigned long max_cost)
{
	size_t pre = 0, suf = 0, maxid = 0, rn = 0, rm = 0, changed = 0;
	unsigned char *seen;
	uint32_t *ra, *rb;
	size_t *ia, *ib;
	unsigned char *rca, *rcb;
	struct myers s;

	memset(a_chg, 0, n);
	memset(b_chg, 0, m);
	while (pre < n && pre < m && a[pre] == b[pre])
		pre++;
	while (suf < n - pre && suf < m - pre && a[n - 1 - suf] == b[m - 1 - suf])
		suf++;

	/* elements found on one side only can never match: set them aside */
	for (size_t i = pre; i < n - suf; i++)
		if (a[i] > maxid)
			maxid = a[i];
	for (size_t j = pre; j < m - suf; j++)
		if (b[j] > maxid)
			maxid = b[j];
	seen = xcalloc(maxid + 1, 1);
	for (size_t i = pre; i < n - suf; i++)
		seen[a[i]] |= 1;
	for (size_t j = pre; j < m - suf; j++)
		seen[b[j]] |= 2;
	ra = xmallocarray(n - pre - suf + 1, sizeof(*ra));
	ia = xmallocarray(n - pre - suf + 1, sizeof(*ia));
	rb = xmallocarray(m - pre - suf + 1, sizeof(*rb));
	ib = xmallocarray(m - pre - suf + 1, sizeof(*ib));
	for (size_t i = pre; i < n - suf; i++) {
		if (seen[a[i]] == 3) {
			ra[rn] = a[i];
			ia[rn++] = i;
		} else {
			a_chg[i] = 1;
		}
	}
	for (size_t j = pre; j < m - suf; j++) {
		if (seen[b[j]] == 3) {
			rb[rm] = b[j];
			ib[rm++] = j;
		} else {
			b_chg[j] = 1;
		}
	}
	free(seen);

	rca = xcalloc(rn + 1, 1);
	rcb = xcalloc(rm + 1, 1);
	s.a = ra;
	s.b = rb;
	s.a_chg = rca;
	s.b_chg = rcb;
	s.fwd = xmallocarray(rn + rm + 3, sizeof(ptrdiff_t));
	s.bwd = xmallocarray(rn + rm + 3, sizeof(ptrdiff_t));
	s.fwd += rm + 1;
	s.bwd += rm + 1;
	if (!max_cost) {
		/* about twice the square root of the size, at least 4096 */
		max_cost = 1;
		for (size_t d = rn + rm + 3; d; d >>= 2)
			max_cost <<= 1;
		if (max_cost < 4096)
			max_cost = 4096;
	}
	s.max_cost = max_cost;
	compare(&s, 0, (ptrdiff_t)rn, 0, (ptrdiff_t)rm);
	for (size_t i = 0; i < rn; i++)
		if (rca[i])
			a_chg[ia[i]] = 1;
	for (size_t j = 0; j < rm; j++)
		if (rcb[j])
			b_chg[ib[j]] = 1;

	free(s.fwd - (rm + 1));
	free(s.bwd - (rm + 1));
	free(rca);
	free(rcb);
	free(ra);
	free(rb);
	free(ia);
	free(ib);
	for (size_t i = 0; i < n; i++)
		changed += a_chg[i];
	for (size_t j = 0; j < m; j++)
		changed += b_chg[j];
	return changed;
}

struct diff_hunk *diff_hunks(const unsigned char *a_chg, size_t n, const unsigned char *b_chg,
			     size_t m, size_t context, size_t *nh)
{
	struct diff_hunk *h = NULL;
	size_t i = 0, j = 0, alloc = 0;

	*nh = 0;
	while (i < n || j < m) {
		size_t i0, j0;

		if (!(i < n && a_chg[i]) && !(j < m && b_chg[j])) {
			i++;
			j++;
			continue;
		}
		i0 = i;
		j0 = j;
		while (i < n && a_chg[i])
			i++;
		while (j < m && b_chg[j])
			j++;
		/* the change block [i0, i) x [j0, j): join the last hunk? */
		if (*nh && i0 - h[*nh - 1].a1 <= 2 * context && i0 >= h[*nh - 1].a1) {
			h[*nh - 1].a1 = i;
			h[*nh - 1].b1 = j;
			continue;
		}
		if (*nh == alloc) {
			alloc = alloc ? alloc * 2 : 16;
			h = xreallocarray(h, alloc, sizeof(*h));
		}
		{
			size_t back = i0 < context ? i0 : context;
			if (j0 < back)
				back = j0;
			h[*nh].a0 = i0 - back;
			h[*nh].b0 = j0 - back;
			h[*nh].a1 = i;
			h[*nh].b1 = j;
			(*nh)++;
		}
	}
	/* trailing context: as many unchanged pairs as there are, up to context */
	for (size_t k = 0; k < *nh; k++) {
		size_t more = context;
		if (n - h[k].a1 < more)
			more = n - h[k].a1;
		if (m - h[k].b1 < more)
			more = m - h[k].b1;
		h[k].a1 += more;
		h[k].b1 += more;
	}
	return h;
}
