#include "lib/timeline/xsort.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util/xalloc.h"

/* a record in the arena: u32 klen, u32 vlen, key, value */
#define HDR 8

struct run {
	off_t start, end; /* in the temporary file */
	off_t pos;	  /* next byte to read */
	char *buf;	  /* read buffer */
	size_t blen, boff, bcap;
};

struct xsort {
	size_t budget;
	char *arena;
	size_t used, cap;
	uint32_t *idx; /* offsets of records in the arena */
	size_t n, ncap;
	char *tmpdir;
	int fd; /* the runs; -1 until the first spill */
	off_t fend;
	struct run *runs;
	size_t nruns;
};

struct xsort *xsort_new(size_t budget, const char *tmpdir)
{
	struct xsort *s = xcalloc(1, sizeof(*s));

	if (!tmpdir)
		tmpdir = getenv("TMPDIR");
	s->budget = budget ? budget : (size_t)64 << 20;
	if (s->budget < 4096)
		s->budget = 4096;
	s->tmpdir = xstrdup(tmpdir && *tmpdir ? tmpdir : "/tmp");
	s->fd = -1;
	return s;
}

void xsort_free(struct xsort *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nruns; i++)
		free(s->runs[i].buf);
	free(s->runs);
	free(s->arena);
	free(s->idx);
	free(s->tmpdir);
	if (s->fd >= 0)
		close(s->fd);
	free(s);
}

size_t xsort_runs(const struct xsort *s)
{
	return s->nruns;
}

static void rec_get(const char *p, const char **k, size_t *kl, const char **v, size_t *vl)
{
	uint32_t a, b;

	memcpy(&a, p, 4);
	memcpy(&b, p + 4, 4);
	*k = p + HDR;
	*kl = a;
	*v = p + HDR + a;
	*vl = b;
}

static int key_cmp(const char *a, size_t al, const char *b, size_t bl)
{
	int c = memcmp(a, b, al < bl ? al : bl);

	if (c)
		return c;
	return al < bl ? -1 : al > bl;
}

static const char *sort_arena;

static int idx_cmp(const void *x, const void *y)
{
	uint32_t i = *(const uint32_t *)x, j = *(const uint32_t *)y;
	const char *ka, *kb, *va, *vb;
	size_t kal, kbl, val, vbl;
	int c;

	rec_get(sort_arena + i, &ka, &kal, &va, &val);
	rec_get(sort_arena + j, &kb, &kbl, &vb, &vbl);
	c = key_cmp(ka, kal, kb, kbl);
	if (c)
		return c;
	/* stable: offsets grow in the order records went in */
	return i < j ? -1 : i > j;
}

static void sort_batch(struct xsort *s)
{
	sort_arena = s->arena;
	if (s->n)
		qsort(s->idx, s->n, sizeof(*s->idx), idx_cmp);
	sort_arena = NULL;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int open_tmp(struct xsort *s)
{
	int fd = open(s->tmpdir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	if (fd < 0) {
		/* a file system without O_TMPFILE: a named file, unlinked at once */
		size_t n = strlen(s->tmpdir) + 32;
		char *tmpl = xmalloc(n);
		snprintf(tmpl, n, "%s/stranger-sort.XXXXXX", s->tmpdir);
		fd = mkostemp(tmpl, O_CLOEXEC);
		if (fd >= 0)
			unlink(tmpl);
		free(tmpl);
		if (fd < 0)
			return -errno;
	}
	s->fd = fd;
	return 0;
}

static int spill(struct xsort *s)
{
	char *out;
	size_t olen = 0, ocap = (size_t)1 << 20;
	int rc = 0;
	struct run *r;

	if (!s->n)
		return 0;
	if (s->fd < 0 && (rc = open_tmp(s)))
		return rc;
	sort_batch(s);
	out = xmalloc(ocap);
	for (size_t i = 0; i < s->n && !rc; i++) {
		const char *p = s->arena + s->idx[i];
		uint32_t a, b;
		size_t len;
		memcpy(&a, p, 4);
		memcpy(&b, p + 4, 4);
		len = HDR + (size_t)a + b;
		if (olen + len > ocap) {
			rc = write_all(s->fd, out, olen);
			olen = 0;
		}
		if (len > ocap)
			rc = rc ? rc : write_all(s->fd, p, len);
		else {
			memcpy(out + olen, p, len);
			olen += len;
		}
	}
	if (!rc)
		rc = write_all(s->fd, out, olen);
	free(out);
	if (rc)
		return rc;
	s->runs = xreallocarray(s->runs, s->nruns + 1, sizeof(*s->runs));
	r = &s->runs[s->nruns++];
	memset(r, 0, sizeof(*r));
	r->start = r->pos = s->fend;
	s->fend = lseek(s->fd, 0, SEEK_END);
	r->end = s->fend;
	s->used = 0;
	s->n = 0;
	return 0;
}

int xsort_add(struct xsort *s, const void *key, size_t klen, const void *val, size_t vlen)
{
	size_t len = HDR + klen + vlen;
	uint32_t a = (uint32_t)klen, b = (uint32_t)vlen;
	int rc;

	if (len > s->budget / 2 || klen > UINT32_MAX || vlen > UINT32_MAX)
		return -E2BIG;
	if (s->used + len > s->budget - s->budget / 8 ||
	    (s->n + 1) * sizeof(*s->idx) > s->budget / 8) {
		if ((rc = spill(s)))
			return rc;
	}
	if (!s->arena) {
		/* the whole budget at once: large allocations are mapped lazily,
		 * so untouched pages cost nothing, and nothing is ever copied */
		s->cap = s->budget;
		s->arena = xmalloc(s->cap);
#ifdef MADV_HUGEPAGE
		madvise((void *)(((uintptr_t)s->arena + 4095) & ~(uintptr_t)4095), s->cap - 4096,
			MADV_HUGEPAGE);
#endif
	}
	if (s->n == s->ncap) {
		s->ncap = s->ncap ? s->ncap * 2 : 1024;
		s->idx = xreallocarray(s->idx, s->ncap, sizeof(*s->idx));
	}
	s->idx[s->n++] = (uint32_t)s->used;
	memcpy(s->arena + s->used, &a, 4);
	memcpy(s->arena + s->used + 4, &b, 4);
	if (klen)
		memcpy(s->arena + s->used + HDR, key, klen);
	if (vlen)
		memcpy(s->arena + s->used + HDR + klen, val, vlen);
	s->used += len;
	return 0;
}

/* run_peek - make the next whole record of r sit in its buffer: 1, 0 at end */
static int run_peek(struct xsort *s, struct run *r, const char **rec, int *err)
{
	uint32_t a, b;
	size_t need;

	for (;;) {
		size_t have = r->blen - r->boff;
		if (have >= HDR) {
			memcpy(&a, r->buf + r->boff, 4);
			memcpy(&b, r->buf + r->boff + 4, 4);
			need = HDR + (size_t)a + b;
			if (have >= need) {
				*rec = r->buf + r->boff;
				return 1;
			}
		} else
			need = HDR;
		if (r->pos >= r->end)
			return 0;
		/* keep the partial record at the front, read more behind it */
		memmove(r->buf, r->buf + r->boff, have);
		r->blen = have;
		r->boff = 0;
		if (need > r->bcap) {
			r->bcap = need;
			r->buf = xrealloc(r->buf, r->bcap);
		}
		size_t want = r->bcap - r->blen;
		if ((off_t)want > r->end - r->pos)
			want = (size_t)(r->end - r->pos);
		ssize_t got = pread(s->fd, r->buf + r->blen, want, r->pos);
		if (got <= 0) {
			*err = got < 0 ? -errno : -EIO;
			return 0;
		}
		r->blen += (size_t)got;
		r->pos += got;
	}
}

static void run_next(struct run *r, const char *rec)
{
	uint32_t a, b;

	memcpy(&a, rec, 4);
	memcpy(&b, rec + 4, 4);
	r->boff += HDR + (size_t)a + b;
}

int xsort_each(struct xsort *s, int (*fn)(const void *, size_t, const void *, size_t, void *),
	       void *ctx)
{
	const char *k, *v;
	size_t kl, vl;
	int rc = 0;

	if (!s->nruns) {
		sort_batch(s);
		for (size_t i = 0; i < s->n && !rc; i++) {
			rec_get(s->arena + s->idx[i], &k, &kl, &v, &vl);
			rc = fn(k, kl, v, vl, ctx);
		}
		return rc;
	}
	if ((rc = spill(s)))
		return rc;
	/* the memory of the arena goes to the runs' read buffers */
	free(s->arena);
	s->arena = NULL;
	s->cap = 0;
	free(s->idx);
	s->idx = NULL;
	s->ncap = 0;
	size_t each = s->budget / (s->nruns + 1);
	if (each < 65536)
		each = 65536;
	const char **head = xcalloc(s->nruns, sizeof(*head));
	size_t *heap = xcalloc(s->nruns, sizeof(*heap)), nh = 0;
	for (size_t i = 0; i < s->nruns; i++) {
		s->runs[i].bcap = each;
		s->runs[i].buf = xmalloc(each);
	}
#define LESS(x, y)                                                                                 \
	({                                                                                         \
		const char *ka_, *kb_, *va_, *vb_;                                                 \
		size_t kal_, kbl_, val_, vbl_;                                                     \
		rec_get(head[x], &ka_, &kal_, &va_, &val_);                                        \
		rec_get(head[y], &kb_, &kbl_, &vb_, &vbl_);                                        \
		int c_ = key_cmp(ka_, kal_, kb_, kbl_);                                            \
		c_ ? c_ < 0 : (x) < (y);                                                           \
	})
	for (size_t i = 0; i < s->nruns; i++) {
		if (run_peek(s, &s->runs[i], &head[i], &rc) != 1) {
			if (rc)
				goto out;
			continue;
		}
		/* sift up */
		size_t j = nh++;
		heap[j] = i;
		while (j && LESS(heap[j], heap[(j - 1) / 2])) {
			size_t t = heap[j];
			heap[j] = heap[(j - 1) / 2];
			heap[(j - 1) / 2] = t;
			j = (j - 1) / 2;
		}
	}
	while (nh && !rc) {
		size_t top = heap[0];
		rec_get(head[top], &k, &kl, &v, &vl);
		if ((rc = fn(k, kl, v, vl, ctx)))
			break;
		run_next(&s->runs[top], head[top]);
		if (run_peek(s, &s->runs[top], &head[top], &rc) != 1) {
			if (rc)
				break;
			heap[0] = heap[--nh];
		}
		/* sift down */
		size_t j = 0;
		for (;;) {
			size_t l = 2 * j + 1, m = j;
			if (l < nh && LESS(heap[l], heap[m]))
				m = l;
			if (l + 1 < nh && LESS(heap[l + 1], heap[m]))
				m = l + 1;
			if (m == j)
				break;
			size_t t = heap[j];
			heap[j] = heap[m];
			heap[m] = t;
			j = m;
		}
	}
#undef LESS
out:
	free(head);
	free(heap);
	return rc;
}
