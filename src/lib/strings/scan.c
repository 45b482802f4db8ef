#include "lib/strings/scan.h"
#include "lib/strings/scan_int.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/xalloc.h"

void scan_fmtx_init(struct fmtx *x, const struct scan_fmt *f, struct buf *prefix)
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

void scan_sink_flush(struct sink *s)
{
	write_all(s, s->b.data, s->b.len);
	s->b.len = 0;
}

void scan_sink_add(struct sink *s, const void *p, size_t n)
{
	if (s->b.len + n > SINK_FLUSH) {
		scan_sink_flush(s);
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

size_t scan_read_full(int fd, uint8_t *p, size_t n, int *err)
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
		scan_sink_add(&e->sink, p, n);
		return;
	}
	if (e->pending.len + n >= e->min) {
		struct buf h = BUF_INIT;
		put_header(&h, &e->fx, e->carry_start);
		scan_sink_add(&e->sink, h.data, h.len);
		buf_release(&h);
		scan_sink_add(&e->sink, e->pending.data, e->pending.len);
		scan_sink_add(&e->sink, p, n);
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
			scan_sink_add(&e->sink, e->fx.sep, e->fx.seplen);
		e->carry = 0;
	}
	scan_sink_add(&e->sink, w->body.data, w->body.len);
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
		w->n = scan_read_full(e->fd, w->in, e->chunk, &err);
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

int scan_single(int fd, const struct scan_opts *o, const struct scan_fmt *fmt,
		const struct scan_tune *tune, int out_fd, struct scan_result *res)
{
	struct engine *e = xcalloc(1, sizeof(*e));
	pthread_t th[SCAN_MAX_THREADS];
	struct buf prefix = BUF_INIT;
	unsigned nt, started = 1;
	int rc;

	e->fd = fd;
	scan_cls_init(&e->cls, o, 1);
	e->classify = scan_classifier();
	e->min = o->min;
	e->k = o->min < 64 ? (unsigned)o->min : 64;
	e->chunk = tune && tune->chunk ? tune->chunk : SCAN_CHUNK_DEFAULT;
	scan_fmtx_init(&e->fx, fmt, &prefix);
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
		scan_sink_add(&e->sink, e->fx.sep, e->fx.seplen);
	scan_sink_flush(&e->sink);

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
	if (scan_enc_bytes(o->encoding) == 1)
		return scan_single(fd, o, fmt, tune, out_fd, res);
	return scan_multi(fd, o, fmt, tune, out_fd, res);
}
