/*
 * scan_int - what the pieces of the strings scanner share: the byte
 * classes and their classifiers (scan_class.c), the run search, the
 * output format and sink, the threaded single-byte engine (scan.c) and
 * the multi-byte and in-memory scanners (scan_mb.c).
 */
#ifndef STRANGER_LIB_SCAN_INT_H
#define STRANGER_LIB_SCAN_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/strings/scan.h"
#include "util/buf.h"

#define SCAN_CHUNK_DEFAULT (1024 * 1024)
#define SCAN_MAX_THREADS 8

/* The byte classes: which bytes a single-byte string may hold. */
struct cls {
	uint8_t t[256]; /* 1 if the byte is part of a string */
	uint8_t ws_hi;	/* tab alone (0x09) or all of 0x09..0x0d (-w) */
	uint8_t high;	/* 0x80..0xff too ('S') */
};

typedef void (*classify_fn)(const uint8_t *, size_t, const struct cls *, uint64_t *);

void scan_cls_init(struct cls *c, const struct scan_opts *o, int single);
/* bytes per character of an encoding: 1, 2 or 4 */
int scan_enc_bytes(int enc);
/* the fastest classifier this CPU runs (the plain one if forced) */
classify_fn scan_classifier(void);

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

void scan_fmtx_init(struct fmtx *x, const struct scan_fmt *f, struct buf *prefix);

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

void scan_sink_flush(struct sink *s);
void scan_sink_add(struct sink *s, const void *p, size_t n);

/* read n bytes unless EOF or an error (*err) comes first; returns bytes read */
size_t scan_read_full(int fd, uint8_t *p, size_t n, int *err);

/* the engines behind scan_fd: single-byte (threaded) and multi-byte */
int scan_single(int fd, const struct scan_opts *o, const struct scan_fmt *fmt,
		const struct scan_tune *tune, int out_fd, struct scan_result *res);
int scan_multi(int fd, const struct scan_opts *o, const struct scan_fmt *fmt,
	       const struct scan_tune *tune, int out_fd, struct scan_result *res);

#endif
