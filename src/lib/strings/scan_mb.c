#include "lib/strings/scan.h"
#include "lib/strings/scan_int.h"

#include <stdlib.h>

#include "util/xalloc.h"

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
	scan_sink_add(k->s, h.data, h.len);
	buf_release(&h);
	scan_sink_add(k->s, s, len);
	k->strings++;
}

static void mbs_more(void *ctx, const char *s, size_t len)
{
	struct mb_sink *k = ctx;
	scan_sink_add(k->s, s, len);
}

static void mbs_end(void *ctx)
{
	struct mb_sink *k = ctx;
	scan_sink_add(k->s, k->fx->sep, k->fx->seplen);
}

int scan_multi(int fd, const struct scan_opts *o, const struct scan_fmt *fmt,
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

	scan_cls_init(&cls, o, 0);
	memset(&m, 0, sizeof(m));
	m.enc = o->encoding;
	m.nbytes = scan_enc_bytes(o->encoding);
	m.cls = &cls;
	m.min = o->min;
	buf_init(&m.coll, 0);
	scan_fmtx_init(&fx, fmt, &prefix);
	buf_init(&sink.b, SINK_FLUSH + 1);
	if (chunk < 8)
		chunk = 8;
	in = xmalloc(chunk + 8);

	for (;;) {
		size_t n = scan_read_full(fd, in + have, chunk, &err), used;
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
	scan_sink_flush(&sink);
	res->write_err = sink.err;
	res->strings = ms.strings;
	free(in);
	buf_release(&m.coll);
	buf_release(&sink.b);
	buf_release(&prefix);
	return err ? -err : 0;
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

	if (scan_enc_bytes(o->encoding) != 1) {
		struct mb_state m;
		struct mem_mb k = { cb, ctx, BUF_INIT, 0, 0, NULL };
		struct mb_out out = { memmb_head, memmb_more, memmb_end, &k, 0 };

		k.out = &out;
		scan_cls_init(&cls, o, 0);
		memset(&m, 0, sizeof(m));
		m.enc = o->encoding;
		m.nbytes = scan_enc_bytes(o->encoding);
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

	classify_fn classify = scan_classifier();
	unsigned k = o->min < 64 ? (unsigned)o->min : 64;
	uint64_t *g = xmallocarray(MEM_BLOCK / 64 + 2, sizeof(uint64_t));
	size_t a = 0;
	int rc = 0;

	scan_cls_init(&cls, o, 1);
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
