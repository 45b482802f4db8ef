#include "lib/strings/scan.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/xalloc.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SCAN_X86 1
#endif

#define SCAN_CHUNK_DEFAULT (1024 * 1024)
#define SCAN_MAX_THREADS 8

/* The byte classes: which bytes a single-byte string may hold. */
struct cls {
	uint8_t t[256]; /* 1 if the byte is part of a string */
	uint8_t ws_hi;	/* tab alone (0x09) or all of 0x09..0x0d (-w) */
	uint8_t high;	/* 0x80..0xff too ('S') */
};

static void cls_init(struct cls *c, const struct scan_opts *o, int single)
{
	memset(c, 0, sizeof(*c));
	for (int b = 0x20; b < 0x7f; b++)
		c->t[b] = 1;
	c->t['\t'] = 1;
	c->ws_hi = '\t';
	if (o->all_whitespace) {
		for (int b = '\t'; b <= '\r'; b++)
			c->t[b] = 1;
		c->ws_hi = '\r';
	}
	if (single && o->encoding == 'S') {
		for (int b = 0x80; b < 0x100; b++)
			c->t[b] = 1;
		c->high = 1;
	}
}

int scan_encoding_ok(int c)
{
	return c == 's' || c == 'S' || c == 'b' || c == 'l' || c == 'B' || c == 'L';
}

static int enc_bytes(int enc)
{
	return enc == 'b' || enc == 'l' ? 2 : enc == 'B' || enc == 'L' ? 4 : 1;
}

/*
 * Classification: g[w] bit i is set when p[64w + i] belongs to the class.
 * g has (n + 63) / 64 + 1 words; every bit at or past n is 0, so the last
 * word is always 0 and searches for a 0 bit always end.
 */
static int force_plain;

void scan_force_plain(int on)
{
	force_plain = on;
}

static uint64_t word_plain(const uint8_t *p, size_t len, const struct cls *c)
{
	uint64_t w = 0;
	for (size_t i = 0; i < len; i++)
		w |= (uint64_t)c->t[p[i]] << i;
	return w;
}

static void classify_plain(const uint8_t *p, size_t n, const struct cls *c, uint64_t *g)
{
	size_t nw = n / 64, w;
	for (w = 0; w < nw; w++)
		g[w] = word_plain(p + 64 * w, 64, c);
	if (n % 64)
		g[w++] = word_plain(p + 64 * nw, n % 64, c);
	g[w] = 0;
}

#ifdef SCAN_X86
static void classify_sse2(const uint8_t *p, size_t n, const struct cls *c, uint64_t *g)
{
	const __m128i lo1 = _mm_set1_epi8(8), hi1 = _mm_set1_epi8((char)(c->ws_hi + 1));
	const __m128i lo2 = _mm_set1_epi8(0x1f), hi2 = _mm_set1_epi8(0x7f);
	const __m128i hm = c->high ? _mm_set1_epi8(-1) : _mm_setzero_si128();
	const __m128i zero = _mm_setzero_si128();
	size_t nw = n / 64, w;

	for (w = 0; w < nw; w++) {
		uint64_t m = 0;
		for (int k = 0; k < 4; k++) {
			__m128i a = _mm_loadu_si128((const __m128i *)(p + 64 * w + 16 * k));
			__m128i r1 = _mm_and_si128(_mm_cmpgt_epi8(a, lo1), _mm_cmpgt_epi8(hi1, a));
			__m128i r2 = _mm_and_si128(_mm_cmpgt_epi8(a, lo2), _mm_cmpgt_epi8(hi2, a));
			__m128i r3 = _mm_and_si128(_mm_cmpgt_epi8(zero, a), hm);
			__m128i r = _mm_or_si128(_mm_or_si128(r1, r2), r3);
			m |= (uint64_t)(uint16_t)_mm_movemask_epi8(r) << (16 * k);
		}
		g[w] = m;
	}
	if (n % 64)
		g[w++] = word_plain(p + 64 * nw, n % 64, c);
	g[w] = 0;
}

__attribute__((target("avx2"))) static void classify_avx2(const uint8_t *p, size_t n,
							  const struct cls *c, uint64_t *g)
{
	const __m256i lo1 = _mm256_set1_epi8(8), hi1 = _mm256_set1_epi8((char)(c->ws_hi + 1));
	const __m256i lo2 = _mm256_set1_epi8(0x1f), hi2 = _mm256_set1_epi8(0x7f);
	const __m256i hm = c->high ? _mm256_set1_epi8(-1) : _mm256_setzero_si256();
	const __m256i zero = _mm256_setzero_si256();
	size_t nw = n / 64, w;

	for (w = 0; w < nw; w++) {
		__m256i a = _mm256_loadu_si256((const __m256i *)(p + 64 * w));
		__m256i b = _mm256_loadu_si256((const __m256i *)(p + 64 * w + 32));
		__m256i ra = _mm256_or_si256(
		    _mm256_or_si256(
			_mm256_and_si256(_mm256_cmpgt_epi8(a, lo1), _mm256_cmpgt_epi8(hi1, a)),
			_mm256_and_si256(_mm256_cmpgt_epi8(a, lo2), _mm256_cmpgt_epi8(hi2, a))),
		    _mm256_and_si256(_mm256_cmpgt_epi8(zero, a), hm));
		__m256i rb = _mm256_or_si256(
		    _mm256_or_si256(
			_mm256_and_si256(_mm256_cmpgt_epi8(b, lo1), _mm256_cmpgt_epi8(hi1, b)),
			_mm256_and_si256(_mm256_cmpgt_epi8(b, lo2), _mm256_cmpgt_epi8(hi2, b))),
		    _mm256_and_si256(_mm256_cmpgt_epi8(zero, b), hm));
		g[w] = (uint64_t)(uint32_t)_mm256_movemask_epi8(ra) |
		       (uint64_t)(uint32_t)_mm256_movemask_epi8(rb) << 32;
	}
	if (n % 64)
		g[w++] = word_plain(p + 64 * nw, n % 64, c);
	g[w] = 0;
}

__attribute__((target("avx512f,avx512bw"))) static void
classify_avx512(const uint8_t *p, size_t n, const struct cls *c, uint64_t *g)
{
	const __m512i b20 = _mm512_set1_epi8(0x20), n5f = _mm512_set1_epi8(0x5f);
	const __m512i b09 = _mm512_set1_epi8(9);
	const __m512i nws = _mm512_set1_epi8((char)(c->ws_hi - 9 + 1));
	const uint64_t high = c->high ? ~0ULL : 0;
	size_t nw = n / 64, w;

	for (w = 0; w < nw; w++) {
		__m512i a = _mm512_loadu_si512((const void *)(p + 64 * w));
		/* unsigned a - lo < count: one compare per range */
		__mmask64 m = _mm512_cmplt_epu8_mask(_mm512_sub_epi8(a, b20), n5f) |
			      _mm512_cmplt_epu8_mask(_mm512_sub_epi8(a, b09), nws) |
			      (_mm512_movepi8_mask(a) & high);
		g[w] = (uint64_t)m;
	}
	if (n % 64)
		g[w++] = word_plain(p + 64 * nw, n % 64, c);
	g[w] = 0;
}
#endif

typedef void (*classify_fn)(const uint8_t *, size_t, const struct cls *, uint64_t *);

static classify_fn classifier(void)
{
	if (force_plain)
		return classify_plain;
#ifdef SCAN_X86
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx512bw"))
		return classify_avx512;
	if (__builtin_cpu_supports("avx2"))
		return classify_avx2;
	if (__builtin_cpu_supports("sse2"))
		return classify_sse2;
#endif
	return classify_plain;
}

/*
 * long_mask - bit i set when bits i..i+k-1 of the 128-bit (a, b) are all
 * set, for k <= 64: the candidate starts of runs at least k long.
 */
static inline uint64_t long_mask(uint64_t a, uint64_t b, unsigned k)
{
	unsigned __int128 x = a | ((unsigned __int128)b << 64);
	unsigned have = 1;

	if (k == 4) /* the default: constant shifts */
		return (uint64_t)(x & x >> 1 & x >> 2 & x >> 3);
	while (have < k) {
		unsigned s = have < k - have ? have : k - have;
		x &= x >> s;
		have += s;
	}
	return (uint64_t)x;
}

/*
 * The runs of one classified block p[0..n), n > 0:
 *   *lead   length of the run at its very start (n: the block is one run);
 *   emit(s, e) for every run [s, e) at least min long that starts after
 *           the lead and ends before the block's end;
 *   *tail   start of the run that reaches the block's end, n if none
 *           (never inside the lead).
 */
struct runs {
	size_t lead, tail;
};

#define RUNS_SCAN(g, n, min, k, r, EMIT)                                                           \
	do {                                                                                       \
		size_t nw_ = ((n) + 63) / 64, w_ = 0, cur_;                                        \
		while ((g)[w_] == ~0ULL)                                                           \
			w_++;                                                                      \
		(r)->lead = w_ * 64 + (size_t)__builtin_ctzll(~(g)[w_]);                           \
		if ((r)->lead > (n))                                                               \
			(r)->lead = (n);                                                           \
		(r)->tail = (n);                                                                   \
		if ((r)->lead == (n))                                                              \
			break;                                                                     \
		cur_ = (r)->lead + 1;                                                              \
		while (cur_ < (n)) {                                                               \
			size_t s_, e_, q_;                                                         \
			uint64_t m_, z_;                                                           \
			w_ = cur_ >> 6;                                                            \
			m_ = long_mask((g)[w_], (g)[w_ + 1], (k)) & (~0ULL << (cur_ & 63));        \
			while (!m_) {                                                              \
				if (++w_ >= nw_)                                                   \
					goto tail_;                                                \
				m_ = long_mask((g)[w_], (g)[w_ + 1], (k));                         \
			}                                                                          \
			s_ = w_ * 64 + (size_t)__builtin_ctzll(m_);                                \
			q_ = s_ + (k);                                                             \
			w_ = q_ >> 6;                                                              \
			z_ = ~(g)[w_] & (~0ULL << (q_ & 63));                                      \
			while (!z_)                                                                \
				z_ = ~(g)[++w_];                                                   \
			e_ = w_ * 64 + (size_t)__builtin_ctzll(z_);                                \
			if (e_ >= (n)) {                                                           \
				(r)->tail = s_;                                                    \
				break;                                                             \
			}                                                                          \
			if (e_ - s_ >= (min)) {                                                    \
				EMIT(s_, e_);                                                      \
			}                                                                          \
			cur_ = e_ + 1;                                                             \
		}                                                                                  \
		break;                                                                             \
	tail_:                                                                                     \
		if ((g)[nw_ - 1] >> (((n)-1) & 63) & 1) {                                          \
			size_t t_ = (n)-1;                                                         \
			while (t_ > cur_ && ((g)[(t_ - 1) >> 6] >> ((t_ - 1) & 63) & 1))           \
				t_--;                                                              \
			if (t_ >= cur_)                                                            \
				(r)->tail = t_;                                                    \
		}                                                                                  \
	} while (0)

/* ---- output formatting ---- */

struct fmtx {
	const char *prefix; /* "FILE: " */
	size_t prefixlen;
	int radix;
	const char *sep;
	size_t seplen;
	size_t hdrmax; /* bytes a header can take at most */
};

static void fmtx_init(struct fmtx *x, const struct scan_fmt *f, struct buf *prefix)
{
	buf_reset(prefix);
	if (f->filename) {
		buf_addstr(prefix, f->filename);
		buf_addstr(prefix, ": ");
	}
	x->prefix = prefix->data;
	x->prefixlen = prefix->len;
	x->radix = f->radix;
	x->sep = f->sep ? f->sep : "\n";
	x->seplen = f->sep ? f->seplen : 1;
	x->hdrmax = x->prefixlen + 24;
}

/* put_addr - printf("%7lo " / "%7ld " / "%7lx ") into d; returns length */
static inline size_t put_addr(char *d, uint64_t v, int radix)
{
	char tmp[24];
	size_t i = sizeof(tmp), len, pad;

	switch (radix) {
	case 8:
		do {
			tmp[--i] = (char)('0' + (v & 7));
			v >>= 3;
		} while (v);
		break;
	case 10:
		do {
			tmp[--i] = (char)('0' + v % 10);
			v /= 10;
		} while (v);
		break;
	default:
		do {
			tmp[--i] = "0123456789abcdef"[v & 15];
			v >>= 4;
		} while (v);
		break;
	}
	len = sizeof(tmp) - i;
	pad = len < 7 ? 7 - len : 0;
	memset(d, ' ', pad);
	memcpy(d + pad, tmp + i, len);
	d[pad + len] = ' ';
	return pad + len + 1;
}

static inline void put_header(struct buf *b, const struct fmtx *x, uint64_t off)
{
	if (b->cap - b->len < x->hdrmax + 1)
		buf_grow(b, x->hdrmax);
	if (x->prefixlen) {
		memcpy(b->data + b->len, x->prefix, x->prefixlen);
		b->len += x->prefixlen;
	}
	if (x->radix)
		b->len += put_addr(b->data + b->len, off, x->radix);
}

/* ---- the output sink: writes in order, remembers the first error ---- */

struct sink {
	int fd;
	int err;
	struct buf b;
};

#define SINK_FLUSH (256 * 1024)

static void write_all(struct sink *s, const char *p, size_t n)
{
	while (n && !s->err) {
		ssize_t w = write(s->fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			s->err = errno;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

static void sink_flush(struct sink *s)
{
	write_all(s, s->b.data, s->b.len);
	s->b.len = 0;
}

static void sink_add(struct sink *s, const void *p, size_t n)
{
	if (s->b.len + n > SINK_FLUSH) {
		sink_flush(s);
		if (n > SINK_FLUSH / 2) {
			write_all(s, p, n);
			return;
		}
	}
	buf_add(&s->b, p, n);
}

/* ---- single-byte engine: chunks, threads, stitching ---- */

/*
 * Chunks go through a ring of slots: a thread claims the next chunk index
 * and its slot, reads and scans it into the slot's own output buffer, and
 * marks it done.  Whichever thread finds the chunk whose turn it is done
 * stitches and writes it; nobody waits for a turn while there is a free
 * slot to scan into, so one thread losing its CPU does not stall the other.
 */
enum slot_state { SLOT_FREE, SLOT_BUSY, SLOT_DONE };

struct slot {
	enum slot_state state;
	uint64_t idx, base;
	size_t n;
	struct runs r;
	uint8_t *in;
	uint64_t *g;
	struct buf body;
	unsigned long long nstr;
};

#define SCAN_MAX_SLOTS (2 * SCAN_MAX_THREADS + 2)

struct engine {
	int fd;
	struct cls cls;
	classify_fn classify;
	unsigned long min;
	unsigned k;
	size_t chunk;
	struct fmtx fx;

	pthread_mutex_t mx;
	pthread_cond_t cv;
	int eof, read_err, seekable, writing;
	uint64_t start;	   /* offset of fd when the scan began (seekable) */
	uint64_t last_idx; /* index of the first short chunk (seekable) */
	uint64_t next_idx, next_off, turn;
	struct slot slots[SCAN_MAX_SLOTS];
	unsigned nslots;

	/* touched only by the thread writing the chunk whose turn it is */
	struct sink sink;
	int carry, emitted;
	uint64_t carry_start;
	struct buf pending;
	unsigned long long strings, bytes;
};

static size_t read_full(int fd, uint8_t *p, size_t n, int *err)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, p + got, n - got);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			*err = errno;
			break;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return got;
}

static size_t pread_full(int fd, uint8_t *p, size_t n, uint64_t off, int *err)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = pread(fd, p + got, n - got, (off_t)(off + got));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			*err = errno;
			break;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return got;
}

static void carry_add(struct engine *e, const uint8_t *p, size_t n)
{
	if (e->emitted) {
		sink_add(&e->sink, p, n);
		return;
	}
	if (e->pending.len + n >= e->min) {
		struct buf h = BUF_INIT;
		put_header(&h, &e->fx, e->carry_start);
		sink_add(&e->sink, h.data, h.len);
		buf_release(&h);
		sink_add(&e->sink, e->pending.data, e->pending.len);
		sink_add(&e->sink, p, n);
		buf_reset(&e->pending);
		e->emitted = 1;
		e->strings++;
		return;
	}
	buf_add(&e->pending, p, n);
}

/* stitch - write one scanned chunk, joining strings across its edges */
static void stitch(struct engine *e, struct slot *w)
{
	const uint8_t *p = w->in;
	const size_t n = w->n;
	const struct runs *r = &w->r;

	if (r->lead) {
		if (!e->carry) {
			e->carry = 1;
			e->emitted = 0;
			e->carry_start = w->base;
			buf_reset(&e->pending);
		}
		carry_add(e, p, r->lead);
	}
	if (r->lead == n)
		return;
	if (e->carry) {
		if (e->emitted)
			sink_add(&e->sink, e->fx.sep, e->fx.seplen);
		e->carry = 0;
	}
	sink_add(&e->sink, w->body.data, w->body.len);
	e->strings += w->nstr;
	if (r->tail < n) {
		e->carry = 1;
		e->emitted = 0;
		e->carry_start = w->base + r->tail;
		buf_reset(&e->pending);
		carry_add(e, p + r->tail, n - r->tail);
	}
}

/* scan_chunk - classify and scan one chunk, formatting its inner strings */
static void scan_chunk(struct engine *e, struct slot *w)
{
	const uint8_t *p = w->in;
	const size_t n = w->n;
	const uint64_t base = w->base;
	struct buf *b = &w->body;
	const char *prefix = e->fx.prefix, *sep = e->fx.sep;
	const size_t prefixlen = e->fx.prefixlen, seplen = e->fx.seplen;
	const size_t slack = e->fx.hdrmax + seplen + 64;
	const int radix = e->fx.radix;
	const unsigned long min = e->min;
	const unsigned k = e->k;
	unsigned long long cnt = 0;
	struct runs r = { 0, 0 };
	char *d, *lim;

	e->classify(p, n, &e->cls, w->g);
	buf_reset(b);
	buf_grow(b, n + slack);
	d = b->data;
	lim = b->data + b->cap - 1;
	/*
	 * Strings of up to 32 bytes are copied as exactly 32: the input
	 * buffer has 64 bytes of slack after the chunk, and the output
	 * `slack` covers the overshoot.
	 */
#define EMIT_FMT(s_, e2)                                                                           \
	do {                                                                                       \
		size_t len_ = (e2) - (s_);                                                         \
		if ((size_t)(lim - d) < len_ + slack) {                                            \
			b->len = (size_t)(d - b->data);                                            \
			buf_grow(b, len_ + slack);                                                 \
			d = b->data + b->len;                                                      \
			lim = b->data + b->cap - 1;                                                \
		}                                                                                  \
		if (prefixlen) {                                                                   \
			memcpy(d, prefix, prefixlen);                                              \
			d += prefixlen;                                                            \
		}                                                                                  \
		if (radix)                                                                         \
			d += put_addr(d, base + (s_), radix);                                      \
		if (len_ <= 32)                                                                    \
			memcpy(d, p + (s_), 32);                                                   \
		else                                                                               \
			memcpy(d, p + (s_), len_);                                                 \
		d += len_;                                                                         \
		if (seplen == 1)                                                                   \
			*d++ = sep[0];                                                             \
		else {                                                                             \
			memcpy(d, sep, seplen);                                                    \
			d += seplen;                                                               \
		}                                                                                  \
		cnt++;                                                                             \
	} while (0)
	RUNS_SCAN(w->g, n, min, k, &r, EMIT_FMT);
#undef EMIT_FMT
	b->len = (size_t)(d - b->data);
	w->nstr = cnt;
	w->r = r;
}

/* fill - read the claimed chunk into its slot; called with e->mx held,
   returns with it released */
static void fill(struct engine *e, struct slot *w)
{
	int err = 0;

	if (!e->seekable) {
		/* a stream is read in order, under the lock */
		w->n = read_full(e->fd, w->in, e->chunk, &err);
		w->base = e->next_off;
		e->next_off += w->n;
		if (err && !e->read_err)
			e->read_err = err;
		if (w->n < e->chunk)
			e->eof = 1;
		pthread_mutex_unlock(&e->mx);
		return;
	}
	/* a file: every chunk at its own offset, in parallel */
	pthread_mutex_unlock(&e->mx);
	w->base = w->idx * e->chunk;
	w->n = pread_full(e->fd, w->in, e->chunk, e->start + w->base, &err);
	if (w->n < e->chunk) {
		/* the first short chunk ends the input, even if it grows */
		pthread_mutex_lock(&e->mx);
		e->eof = 1;
		if (w->idx < e->last_idx) {
			e->last_idx = w->idx;
			e->read_err = err;
		}
		pthread_mutex_unlock(&e->mx);
	}
}

static void *worker_run(void *arg)
{
	struct engine *e = arg;

	pthread_mutex_lock(&e->mx);
	for (;;) {
		struct slot *w = &e->slots[e->turn % e->nslots];

		if (!e->writing && w->state == SLOT_DONE && w->idx == e->turn) {
			int skip = w->idx > e->last_idx;
			e->writing = 1;
			pthread_mutex_unlock(&e->mx);
			if (w->n && !skip && !e->sink.err) {
				stitch(e, w);
				e->bytes += w->n;
			}
			pthread_mutex_lock(&e->mx);
			w->state = SLOT_FREE;
			e->turn++;
			e->writing = 0;
			if (e->sink.err)
				e->eof = 1;
			pthread_cond_broadcast(&e->cv);
			continue;
		}
		if (e->eof && e->next_idx == e->turn)
			break;
		w = &e->slots[e->next_idx % e->nslots];
		if (!e->eof && w->state == SLOT_FREE) {
			w->state = SLOT_BUSY;
			w->idx = e->next_idx++;
			fill(e, w);
			if (w->n)
				scan_chunk(e, w);
			pthread_mutex_lock(&e->mx);
			w->state = SLOT_DONE;
			pthread_cond_broadcast(&e->cv);
			continue;
		}
		pthread_cond_wait(&e->cv, &e->mx);
	}
	pthread_mutex_unlock(&e->mx);
	return NULL;
}

static void slot_init(struct slot *w, size_t chunk)
{
	memset(w, 0, sizeof(*w));
	w->in = xmalloc(chunk + 64);
	w->g = xmallocarray(chunk / 64 + 2, sizeof(uint64_t));
	buf_init(&w->body, 0);
}

static void slot_release(struct slot *w)
{
	free(w->in);
	free(w->g);
	buf_release(&w->body);
}

static unsigned pick_threads(int fd, const struct scan_tune *tune, size_t chunk)
{
	struct stat st;
	long ncpu;
	unsigned t;

	if (tune && tune->threads)
		return tune->threads > SCAN_MAX_THREADS ? SCAN_MAX_THREADS : tune->threads;
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	t = ncpu < 1 ? 1 : ncpu > SCAN_MAX_THREADS ? SCAN_MAX_THREADS : (unsigned)ncpu;
	/* small regular files are done before a thread would start */
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uint64_t)st.st_size < 2 * (uint64_t)chunk)
		t = 1;
	return t;
}

static int scan_single(int fd, const struct scan_opts *o, const struct scan_fmt *fmt,
		       const struct scan_tune *tune, int out_fd, struct scan_result *res)
{
	struct engine *e = xcalloc(1, sizeof(*e));
	pthread_t th[SCAN_MAX_THREADS];
	struct buf prefix = BUF_INIT;
	unsigned nt, started = 1;
	int rc;

	e->fd = fd;
	cls_init(&e->cls, o, 1);
	e->classify = classifier();
	e->min = o->min;
	e->k = o->min < 64 ? (unsigned)o->min : 64;
	e->chunk = tune && tune->chunk ? tune->chunk : SCAN_CHUNK_DEFAULT;
	fmtx_init(&e->fx, fmt, &prefix);
	pthread_mutex_init(&e->mx, NULL);
	pthread_cond_init(&e->cv, NULL);
	e->sink.fd = out_fd;
	buf_init(&e->sink.b, SINK_FLUSH + 1);
	buf_init(&e->pending, 0);
	{
		struct stat st;
		off_t at = lseek(fd, 0, SEEK_CUR);
		e->seekable = !fstat(fd, &st) && S_ISREG(st.st_mode) && at >= 0;
		e->start = at >= 0 ? (uint64_t)at : 0;
	}
	e->last_idx = UINT64_MAX;

	nt = pick_threads(fd, tune, e->chunk);
	e->nslots = nt == 1 ? 1 : 2 * nt + 2;
	for (unsigned i = 0; i < e->nslots; i++)
		slot_init(&e->slots[i], e->chunk);
	for (unsigned i = 1; i < nt; i++) {
		if (pthread_create(&th[i], NULL, worker_run, e))
			break;
		started++;
	}
	worker_run(e);
	for (unsigned i = 1; i < started; i++)
		pthread_join(th[i], NULL);

	if (e->carry && e->emitted)
		sink_add(&e->sink, e->fx.sep, e->fx.seplen);
	sink_flush(&e->sink);

	if (e->seekable)
		lseek(fd, (off_t)(e->start + e->bytes), SEEK_SET);
	res->write_err = e->sink.err;
	res->bytes = e->bytes;
	res->strings = e->strings;
	rc = e->read_err ? -e->read_err : 0;
	for (unsigned i = 0; i < e->nslots; i++)
		slot_release(&e->slots[i]);
	buf_release(&e->sink.b);
	buf_release(&e->pending);
	buf_release(&prefix);
	pthread_mutex_destroy(&e->mx);
	pthread_cond_destroy(&e->cv);
	free(e);
	return rc;
}

/* ---- multi-byte encodings: one sequential state machine ---- */

/*
 * mb_state follows GNU strings' loop: searching (collecting up to min
 * characters, restarting after any unprintable one) or printing (until an
 * unprintable character).  After any unprintable character the next one
 * is read from one byte past its first byte (GNU "ungets" the rest).
 */
struct mb_state {
	int enc, nbytes;
	const struct cls *cls;
	unsigned long min;
	int printing;
	uint64_t start;
	struct buf coll; /* characters collected while searching */
};

static inline long mb_char(const uint8_t *p, int enc)
{
	switch (enc) {
	case 'b':
		return (long)p[0] << 8 | p[1];
	case 'l':
		return (long)p[1] << 8 | p[0];
	case 'B':
		return (long)p[0] << 24 | (long)p[1] << 16 | (long)p[2] << 8 | p[3];
	default:
		return (long)p[3] << 24 | (long)p[2] << 16 | (long)p[1] << 8 | p[0];
	}
}

/*
 * mb_run - advance over p[0..n) (absolute offset base); returns the number
 * of bytes consumed (the rest is less than one character).  Output goes
 * through the callbacks so that scan_fd and scan_mem share it.
 */
struct mb_out {
	void (*head)(void *ctx, uint64_t off, const char *s, size_t len);
	void (*more)(void *ctx, const char *s, size_t len);
	void (*end)(void *ctx);
	void *ctx;
	int stop;
};

/*
 * mb_skip - the first position at or after pos where a printable character
 * starts (or where less than a character is left).  While searching with
 * nothing collected, an unprintable character only moves one byte on, so
 * skipping byte by byte with one test per encoding is the same walk, fast.
 */
static size_t mb_skip(const uint8_t *p, size_t pos, size_t n, int enc, const uint8_t *t)
{
	switch (enc) {
	case 'l':
		while (pos + 2 <= n && !(!p[pos + 1] && t[p[pos]]))
			pos++;
		break;
	case 'b':
		while (pos + 2 <= n && !(!p[pos] && t[p[pos + 1]]))
			pos++;
		break;
	case 'L':
		while (pos + 4 <= n && !(t[p[pos]] && !p[pos + 1] && !p[pos + 2] && !p[pos + 3]))
			pos++;
		break;
	default:
		while (pos + 4 <= n && !(!p[pos] && !p[pos + 1] && !p[pos + 2] && t[p[pos + 3]]))
			pos++;
		break;
	}
	return pos;
}

static size_t mb_run(struct mb_state *m, const uint8_t *p, size_t n, uint64_t base,
		     struct mb_out *out)
{
	size_t pos = 0, E = (size_t)m->nbytes;
	char run[256];
	size_t rl = 0;

	while (pos + E <= n && !out->stop) {
		long c;

		if (!m->printing && !m->coll.len) {
			pos = mb_skip(p, pos, n, m->enc, m->cls->t);
			if (pos + E > n)
				break;
		}
		c = mb_char(p + pos, m->enc);
		int ok = c >= 0 && c < 256 && m->cls->t[c];

		if (m->printing) {
			if (ok) {
				run[rl++] = (char)c;
				if (rl == sizeof(run)) {
					out->more(out->ctx, run, rl);
					rl = 0;
				}
				pos += E;
			} else {
				if (rl)
					out->more(out->ctx, run, rl);
				rl = 0;
				out->end(out->ctx);
				m->printing = 0;
				buf_reset(&m->coll);
				pos += 1;
			}
			continue;
		}
		if (!ok) {
			buf_reset(&m->coll);
			pos += 1;
			continue;
		}
		if (!m->coll.len)
			m->start = base + pos;
		buf_addc(&m->coll, (int)c);
		pos += E;
		if (m->coll.len >= m->min) {
			out->head(out->ctx, m->start, m->coll.data, m->coll.len);
			buf_reset(&m->coll);
			m->printing = 1;
		}
	}
	if (rl)
		out->more(out->ctx, run, rl);
	return pos > n ? n : pos;
}

struct mb_sink {
	struct sink *s;
	const struct fmtx *fx;
	unsigned long long strings;
};

static void mbs_head(void *ctx, uint64_t off, const char *s, size_t len)
{
	struct mb_sink *k = ctx;
	struct buf h = BUF_INIT;
	put_header(&h, k->fx, off);
	sink_add(k->s, h.data, h.len);
	buf_release(&h);
	sink_add(k->s, s, len);
	k->strings++;
}

static void mbs_more(void *ctx, const char *s, size_t len)
{
	struct mb_sink *k = ctx;
	sink_add(k->s, s, len);
}

static void mbs_end(void *ctx)
{
	struct mb_sink *k = ctx;
	sink_add(k->s, k->fx->sep, k->fx->seplen);
}

static int scan_multi(int fd, const struct scan_opts *o, const struct scan_fmt *fmt,
		      const struct scan_tune *tune, int out_fd, struct scan_result *res)
{
	struct cls cls;
	struct mb_state m;
	struct fmtx fx;
	struct buf prefix = BUF_INIT;
	struct sink sink = { out_fd, 0, BUF_INIT };
	struct mb_sink ms = { &sink, &fx, 0 };
	struct mb_out out = { mbs_head, mbs_more, mbs_end, &ms, 0 };
	size_t chunk = tune && tune->chunk ? tune->chunk : SCAN_CHUNK_DEFAULT;
	uint8_t *in;
	size_t have = 0;
	uint64_t base = 0;
	int err = 0;

	cls_init(&cls, o, 0);
	memset(&m, 0, sizeof(m));
	m.enc = o->encoding;
	m.nbytes = enc_bytes(o->encoding);
	m.cls = &cls;
	m.min = o->min;
	buf_init(&m.coll, 0);
	fmtx_init(&fx, fmt, &prefix);
	buf_init(&sink.b, SINK_FLUSH + 1);
	if (chunk < 8)
		chunk = 8;
	in = xmalloc(chunk + 8);

	for (;;) {
		size_t n = read_full(fd, in + have, chunk, &err), used;
		have += n;
		res->bytes += n;
		used = mb_run(&m, in, have, base, &out);
		/* keep the partial character for the next round */
		memmove(in, in + used, have - used);
		base += used;
		have -= used;
		if (n < chunk || sink.err)
			break;
	}
	if (m.printing)
		mbs_end(&ms);
	sink_flush(&sink);
	res->write_err = sink.err;
	res->strings = ms.strings;
	free(in);
	buf_release(&m.coll);
	buf_release(&sink.b);
	buf_release(&prefix);
	return err ? -err : 0;
}

int scan_fd(int fd, const struct scan_opts *o, const struct scan_fmt *fmt,
	    const struct scan_tune *tune, int out_fd, struct scan_result *res)
{
	struct scan_result dummy;

	if (!res)
		res = &dummy;
	memset(res, 0, sizeof(*res));
#ifdef POSIX_FADV_SEQUENTIAL
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
	if (enc_bytes(o->encoding) == 1)
		return scan_single(fd, o, fmt, tune, out_fd, res);
	return scan_multi(fd, o, fmt, tune, out_fd, res);
}

/* ---- scan_mem: strings of a buffer, one callback each ---- */

struct mem_mb {
	scan_cb cb;
	void *ctx;
	struct buf text;
	uint64_t off;
	int rc;
	struct mb_out *out;
};

static void memmb_head(void *ctx, uint64_t off, const char *s, size_t len)
{
	struct mem_mb *k = ctx;
	buf_reset(&k->text);
	buf_add(&k->text, s, len);
	k->off = off;
}

static void memmb_more(void *ctx, const char *s, size_t len)
{
	struct mem_mb *k = ctx;
	buf_add(&k->text, s, len);
}

static void memmb_end(void *ctx)
{
	struct mem_mb *k = ctx;
	if (!k->rc) {
		k->rc = k->cb(k->ctx, k->off, k->text.data, k->text.len);
		if (k->rc)
			k->out->stop = 1;
	}
	buf_reset(&k->text);
}

#define MEM_BLOCK (64 * 1024)

int scan_mem(const void *mem, size_t n, const struct scan_opts *o, scan_cb cb, void *ctx)
{
	const uint8_t *p = mem;
	struct cls cls;

	if (enc_bytes(o->encoding) != 1) {
		struct mb_state m;
		struct mem_mb k = { cb, ctx, BUF_INIT, 0, 0, NULL };
		struct mb_out out = { memmb_head, memmb_more, memmb_end, &k, 0 };

		k.out = &out;
		cls_init(&cls, o, 0);
		memset(&m, 0, sizeof(m));
		m.enc = o->encoding;
		m.nbytes = enc_bytes(o->encoding);
		m.cls = &cls;
		m.min = o->min;
		buf_init(&m.coll, 0);
		mb_run(&m, p, n, 0, &out);
		if (m.printing)
			memmb_end(&k);
		buf_release(&m.coll);
		buf_release(&k.text);
		return k.rc;
	}

	classify_fn classify = classifier();
	unsigned k = o->min < 64 ? (unsigned)o->min : 64;
	uint64_t *g = xmallocarray(MEM_BLOCK / 64 + 2, sizeof(uint64_t));
	size_t a = 0;
	int rc = 0;

	cls_init(&cls, o, 1);
	/* a is always 0 or just past an unprintable byte */
	while (a < n && !rc) {
		size_t len = n - a < MEM_BLOCK ? n - a : MEM_BLOCK, s, e;
		const uint8_t *q = p + a;
		struct runs r;
		int lead_done = 0;

		classify(q, len, &cls, g);
		/* the lead run, when it ends inside the block, comes first */
#define LEAD_CB()                                                                                  \
	do {                                                                                       \
		lead_done = 1;                                                                     \
		if (r.lead < len && r.lead >= o->min) {                                            \
			rc = cb(ctx, a, (const char *)q, r.lead);                                  \
			if (rc)                                                                    \
				goto out;                                                          \
		}                                                                                  \
	} while (0)
#define EMIT_CB(s_, e2)                                                                            \
	do {                                                                                       \
		if (!lead_done)                                                                    \
			LEAD_CB();                                                                 \
		rc = cb(ctx, a + (s_), (const char *)q + (s_), (e2) - (s_));                       \
		if (rc)                                                                            \
			goto out;                                                                  \
	} while (0)
		RUNS_SCAN(g, len, o->min, k, &r, EMIT_CB);
		if (!lead_done)
			LEAD_CB();
#undef EMIT_CB
#undef LEAD_CB
		if (r.lead < len && r.tail == len) {
			a += len;
			continue;
		}
		/* a run reaching the block's end: find where it really ends */
		s = r.lead == len ? 0 : r.tail;
		e = len;
		while (a + e < n && cls.t[p[a + e]])
			e++;
		if (e - s >= o->min)
			rc = cb(ctx, a + s, (const char *)q + s, e - s);
		a += e + 1;
	}
out:
	free(g);
	return rc;
}
