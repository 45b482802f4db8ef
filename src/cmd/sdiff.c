/*
 * sdiff - compare the strings of a known-good REFERENCE with those of a
 * SUSPECT (a file, a core, a dump): a unified diff of the two sequences of
 * strings, or with --summary each string found on one side only, once,
 * with its count.  Exit 0 same, 1 different, 2 trouble.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmds.h"
#include "lib/strings/diff.h"
#include "lib/strings/scan.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/escape.h"
#include "util/opt.h"
#include "util/table.h"
#include "util/xalloc.h"
#include "util/noatime.h"

static const char *const usage[] = {
	"stranger sdiff [-n MIN] [-e ENC] [-w] [--summary] [--json] "
	"REFERENCE SUSPECT",
	NULL,
};

struct seq {
	uint32_t *ids;
	uint64_t *offs;
	size_t n, alloc;
};

/*
 * Strings are interned DIFF_BATCH at a time (the pool overlaps the misses
 * of a batch).  Single-byte encodings hand out pointers into the input,
 * which stays mapped until the batch is flushed; the others reuse one
 * buffer for every string, so their batch keeps copies.
 */
struct collect {
	struct diff_pool *pool;
	struct seq *seq;
	int side, copy;
	size_t nb;
	uint64_t off[DIFF_BATCH];
	uint32_t len[DIFF_BATCH];
	const char *s[DIFF_BATCH];
	size_t at[DIFF_BATCH];
	struct buf text;
};

static void collect_flush(struct collect *c)
{
	struct seq *q = c->seq;

	if (!c->nb)
		return;
	if (c->copy)
		for (size_t k = 0; k < c->nb; k++)
			c->s[k] = c->text.data + c->at[k];
	diff_pool_add_many(c->pool, c->side, c->nb, c->off, c->s, c->len, q->ids + q->n - c->nb);
	c->nb = 0;
	buf_reset(&c->text);
}

static int collect_one(void *ctx, uint64_t off, const char *s, size_t len)
{
	struct collect *c = ctx;
	struct seq *q = c->seq;

	if (q->n == q->alloc) {
		size_t was = q->alloc;
		q->alloc = q->alloc ? q->alloc * 2 : 4096;
		q->ids = xreallocarray(q->ids, q->alloc, sizeof(*q->ids));
		q->offs = xreallocarray(q->offs, q->alloc, sizeof(*q->offs));
		diff_populate(q->ids + was, (q->alloc - was) * sizeof(*q->ids));
		diff_populate(q->offs + was, (q->alloc - was) * sizeof(*q->offs));
	}
	if (len > UINT32_MAX) {
		collect_flush(c);
		q->ids[q->n] = diff_pool_add(c->pool, c->side, off, s, len);
		q->offs[q->n++] = off;
		return q->n >= UINT32_MAX - 1;
	}
	q->offs[q->n++] = off;
	c->off[c->nb] = off;
	c->len[c->nb] = (uint32_t)len;
	if (c->copy) {
		c->at[c->nb] = c->text.len;
		buf_add(&c->text, s, len);
	} else {
		c->s[c->nb] = s;
	}
	if (++c->nb == DIFF_BATCH)
		collect_flush(c);
	return q->n >= UINT32_MAX - 1; /* more than the diff can number */
}

/* collect_scan - scan_mem into c, every batch flushed; its return value */
static int collect_scan(struct collect *c, const void *p, size_t n, const struct scan_opts *o)
{
	int rc = scan_mem(p, n, o, collect_one, c);
	collect_flush(c);
	return rc;
}

/*
 * One input: opened (and its errors reported) before either is scanned,
 * so that a missing suspect is said before a long scan of the reference.
 */
struct input {
	const char *name;
	int side, fd, err, too_many;
	struct stat st;
	const struct scan_opts *o;
	struct diff_pool *pool;
	struct seq seq;
};

/* input_open - 0, or -1 (reported) */
static int input_open(struct input *in)
{
	struct buf esc = BUF_INIT;
	int rc = 0;

	if (!strcmp(in->name, "-")) {
		in->fd = STDIN_FILENO;
		return 0;
	}
	escape_str(&esc, in->name);
	in->fd = noatime_open(AT_FDCWD, in->name, O_RDONLY | O_CLOEXEC);
	if (in->fd < 0 || fstat(in->fd, &in->st) < 0)
		rc = error_errno("%s", esc.data);
	else if (S_ISDIR(in->st.st_mode))
		rc = error("%s: is a directory", esc.data);
	buf_release(&esc);
	return rc;
}

/* input_scan - the strings of one input, in order; errors kept in *in */
static void *input_scan(void *arg)
{
	struct input *in = arg;
	struct collect c = { .pool = in->pool,
			     .seq = &in->seq,
			     .side = in->side,
			     .copy = in->o->encoding != 's' && in->o->encoding != 'S',
			     .text = BUF_INIT };
	struct buf data = BUF_INIT;

	if (in->fd != STDIN_FILENO && S_ISREG(in->st.st_mode) && in->st.st_size > 0) {
		/* the page cache is the buffer: memory stays with the strings */
		size_t n = (size_t)in->st.st_size;
		/* mapped in at once (a fault per 64 KiB costs more than the
		   scan of it), unless so large that it could not stay */
		int populate = n <= (1UL << 30) ? MAP_POPULATE : 0;
		void *p = mmap(NULL, n, PROT_READ, MAP_PRIVATE | populate, in->fd, 0);
		if (p != MAP_FAILED) {
			madvise(p, n, MADV_SEQUENTIAL);
			in->too_many = !!collect_scan(&c, p, n, in->o);
			munmap(p, n);
			buf_release(&c.text);
			return NULL;
		}
	}
	if (buf_read_fd(&data, in->fd) < 0)
		in->err = errno ? errno : EIO;
	else
		in->too_many = !!collect_scan(&c, data.data, data.len, in->o);
	buf_release(&data);
	buf_release(&c.text);
	return NULL;
}

/* input_report - 0, or -1 after saying what went wrong in the scan */
static int input_report(const struct input *in)
{
	struct buf esc = BUF_INIT;
	int stdin_ = in->fd == STDIN_FILENO, rc = 0;

	escape_str(&esc, in->name);
	if (in->err) {
		errno = in->err;
		rc = stdin_ ? error_errno("standard input") : error_errno("%s: read", esc.data);
	} else if (in->too_many) {
		rc = error("%s: too many strings", esc.data);
	}
	buf_release(&esc);
	return rc;
}

static void input_release(struct input *in)
{
	if (in->fd > STDIN_FILENO)
		close(in->fd);
	free(in->seq.ids);
	free(in->seq.offs);
}

static void put_escaped(struct buf *out, const struct diff_pool *pool, uint32_t id)
{
	escape_bytes(out, diff_pool_text(pool, id), pool->strs[id].len);
}

static void flush_out(struct buf *out, int force)
{
	if (out->len < (1 << 16) && !force)
		return;
	fwrite(out->data, 1, out->len, stdout);
	buf_reset(out);
}

static void range(struct buf *out, size_t start, size_t count)
{
	/* unified diff: "l,s"; "l" alone when s is 1; "l-1,0" when empty */
	buf_addu(out, count ? start + 1 : start);
	if (count != 1) {
		buf_addc(out, ',');
		buf_addu(out, count);
	}
}

static void json_line(struct buf *out, const char *op, size_t index, uint64_t off,
		      const struct diff_pool *pool, uint32_t id)
{
	struct json j;
	json_begin(&j, out);
	json_cstr(&j, "op", op);
	json_uint(&j, "index", index);
	json_uint(&j, "offset", off);
	json_str(&j, "string", diff_pool_text(pool, id), pool->strs[id].len);
	json_end(&j);
}

static int print_diff(const char *ref, const char *sus, const struct seq *a, const struct seq *b,
		      const struct diff_pool *pool, int json)
{
	unsigned char *ac = xcalloc(a->n + 1, 1), *bc = xcalloc(b->n + 1, 1);
	size_t nh, changed;
	struct diff_hunk *h;
	struct buf out = BUF_INIT;

	changed = diff_ids(a->ids, a->n, b->ids, b->n, ac, bc, 0);
	h = diff_hunks(ac, a->n, bc, b->n, 3, &nh);
	if (changed && !json) {
		buf_addstr(&out, "--- ");
		escape_str(&out, ref);
		buf_addstr(&out, "\n+++ ");
		escape_str(&out, sus);
		buf_addc(&out, '\n');
	}
	for (size_t k = 0; k < nh; k++) {
		size_t i = h[k].a0, j = h[k].b0;
		if (!json) {
			buf_addstr(&out, "@@ -");
			range(&out, h[k].a0, h[k].a1 - h[k].a0);
			buf_addstr(&out, " +");
			range(&out, h[k].b0, h[k].b1 - h[k].b0);
			buf_addstr(&out, " @@\n");
		}
		while (i < h[k].a1 || j < h[k].b1) {
			if (i < h[k].a1 && j < h[k].b1 && !ac[i] && !bc[j]) {
				if (!json) {
					buf_addc(&out, ' ');
					put_escaped(&out, pool, a->ids[i]);
					buf_addc(&out, '\n');
				}
				i++;
				j++;
				continue;
			}
			for (; i < h[k].a1 && ac[i]; i++) {
				if (json) {
					json_line(&out, "-", i, a->offs[i], pool, a->ids[i]);
				} else {
					buf_addc(&out, '-');
					put_escaped(&out, pool, a->ids[i]);
					buf_addc(&out, '\n');
				}
			}
			for (; j < h[k].b1 && bc[j]; j++) {
				if (json) {
					json_line(&out, "+", j, b->offs[j], pool, b->ids[j]);
				} else {
					buf_addc(&out, '+');
					put_escaped(&out, pool, b->ids[j]);
					buf_addc(&out, '\n');
				}
			}
			flush_out(&out, 0);
		}
	}
	flush_out(&out, 1);
	buf_release(&out);
	free(h);
	free(ac);
	free(bc);
	return changed ? 1 : 0;
}

/* --summary: each string on one side only, in order of first appearance */
static int print_summary(const struct seq *a, const struct seq *b, const struct diff_pool *pool,
			 int json)
{
	unsigned char *done = xcalloc(pool->nstrs + 1, 1);
	const struct seq *sides[2] = { a, b };
	struct buf out = BUF_INIT;
	int found = 0;

	for (int side = 0; side < 2; side++) {
		const struct seq *q = sides[side];
		for (size_t i = 0; i < q->n; i++) {
			uint32_t id = q->ids[i];
			const struct diff_str *d = &pool->strs[id];
			if (done[id] || d->count[!side])
				continue;
			done[id] = 1;
			found = 1;
			if (json) {
				struct json j;
				json_begin(&j, &out);
				json_cstr(&j, "op", side ? "+" : "-");
				json_uint(&j, "count", d->count[side]);
				json_uint(&j, "offset", d->first[side]);
				json_str(&j, "string", diff_pool_text(pool, id), d->len);
				json_end(&j);
			} else {
				buf_addc(&out, side ? '+' : '-');
				put_escaped(&out, pool, id);
				buf_addc(&out, '\t');
				buf_addu(&out, d->count[side]);
				buf_addc(&out, '\n');
			}
			flush_out(&out, 0);
		}
	}
	flush_out(&out, 1);
	buf_release(&out);
	free(done);
	return found;
}

int cmd_sdiff(int argc, char **argv)
{
	int summary = 0, json = 0, whitespace = 0, rc;
	long min = 4;
	const char *enc_s = NULL;
	struct opt opts[] = {
		OPT_LONG('n', "bytes", &min, "MIN", "minimum string length (default 4)", 1,
			 UINT_MAX),
		OPT_STRING('e', "encoding", &enc_s, "s|S|b|l|B|L",
			   "character size and byte order, as strings -e"),
		OPT_BOOL('w', "include-all-whitespace", &whitespace,
			 "newline, CR, VT and FF may be part of a string"),
		OPT_BOOL(0, "summary", &summary,
			 "each string found on one side only, once, with its count"),
		OPT_BOOL(0, "json", &json, "JSON Lines"),
		OPT_END(),
	};
	struct scan_opts o = { 's', 0, 4 };
	struct diff_pool pool;
	struct input in[2];
	int nargs;

	nargs = opt_parse(argc, argv, opts, usage, 0);
	if (nargs != 2)
		opt_usage_error(usage, "needs REFERENCE and SUSPECT");
	if (!strcmp(argv[0], "-") && !strcmp(argv[1], "-"))
		opt_usage_error(usage, "only one input can be standard input");
	if (enc_s) {
		if (!enc_s[0] || enc_s[1] || !scan_encoding_ok(enc_s[0]))
			opt_usage_error(usage, "invalid encoding '%s'", enc_s);
		o.encoding = enc_s[0];
	}
	o.min = (unsigned long)min;
	o.all_whitespace = whitespace;

	diff_pool_init(&pool);
	for (int i = 0; i < 2; i++) {
		memset(&in[i], 0, sizeof(in[i]));
		in[i].name = argv[i];
		in[i].side = i;
		in[i].fd = -1;
		in[i].o = &o;
		in[i].pool = &pool;
	}
	if (input_open(&in[0]) || input_open(&in[1])) {
		rc = 2;
		goto out;
	}
	{
		/*
		 * Growing the table rehashes every string so far, a random
		 * write each: size it up front for about one string per 128
		 * bytes of regular input (mixed binaries have one per 90-100),
		 * at most 2 M strings (a 32 MiB table) - past that it grows.
		 */
		size_t guess = 0;
		for (int i = 0; i < 2; i++)
			if (in[i].fd != STDIN_FILENO && S_ISREG(in[i].st.st_mode))
				guess += (size_t)in[i].st.st_size / 128;
		diff_pool_reserve(&pool, guess < ((size_t)1 << 21) ? guess : (size_t)1 << 21);
	}
	input_scan(&in[0]);
	input_scan(&in[1]);
	if (input_report(&in[0]) || input_report(&in[1])) {
		rc = 2;
		goto out;
	}
	if (summary)
		rc = print_summary(&in[0].seq, &in[1].seq, &pool, json);
	else
		rc = print_diff(argv[0], argv[1], &in[0].seq, &in[1].seq, &pool, json);
out:
	input_release(&in[0]);
	input_release(&in[1]);
	diff_pool_release(&pool);
	return rc;
}
