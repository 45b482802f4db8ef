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

struct collect {
	struct diff_pool *pool;
	struct seq *seq;
	int side;
};

static int collect_one(void *ctx, uint64_t off, const char *s, size_t len)
{
	struct collect *c = ctx;
	struct seq *q = c->seq;

	if (q->n == q->alloc) {
		q->alloc = q->alloc ? q->alloc * 2 : 4096;
		q->ids = xreallocarray(q->ids, q->alloc, sizeof(*q->ids));
		q->offs = xreallocarray(q->offs, q->alloc, sizeof(*q->offs));
	}
	q->ids[q->n] = diff_pool_add(c->pool, c->side, off, s, len);
	q->offs[q->n++] = off;
	return q->n >= UINT32_MAX - 1; /* more than the diff can number */
}

/* load - the strings of one input, in order; 0 or -1 (reported) */
static int load(const char *name, int side, const struct scan_opts *o,
		struct diff_pool *pool, struct seq *seq)
{
	struct collect c = { pool, seq, side };
	struct buf esc = BUF_INIT, data = BUF_INIT;
	struct stat st;
	int fd, rc = 0;

	escape_str(&esc, name);
	if (!strcmp(name, "-")) {
		if (buf_read_fd(&data, STDIN_FILENO) < 0)
			rc = error_errno("standard input");
		else if (scan_mem(data.data, data.len, o, collect_one, &c))
			rc = error("%s: too many strings", esc.data);
		buf_release(&data);
		buf_release(&esc);
		return rc;
	}
	fd = noatime_open(AT_FDCWD, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		rc = error_errno("%s", esc.data);
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = error("%s: is a directory", esc.data);
		goto out;
	}
	if (S_ISREG(st.st_mode) && st.st_size > 0) {
		/* the page cache is the buffer: memory stays with the strings */
		void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE,
			       fd, 0);
		if (p != MAP_FAILED) {
			madvise(p, (size_t)st.st_size, MADV_SEQUENTIAL);
			if (scan_mem(p, (size_t)st.st_size, o, collect_one, &c))
				rc = error("%s: too many strings", esc.data);
			munmap(p, (size_t)st.st_size);
			goto out;
		}
	}
	if (buf_read_fd(&data, fd) < 0)
		rc = error_errno("%s: read", esc.data);
	else if (scan_mem(data.data, data.len, o, collect_one, &c))
		rc = error("%s: too many strings", esc.data);
out:
	if (fd >= 0)
		close(fd);
	buf_release(&data);
	buf_release(&esc);
	return rc;
}

static void put_escaped(struct buf *out, const struct diff_pool *pool,
			uint32_t id)
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

static void json_line(struct buf *out, const char *op, size_t index,
		      uint64_t off, const struct diff_pool *pool, uint32_t id)
{
	struct json j;
	json_begin(&j, out);
	json_cstr(&j, "op", op);
	json_uint(&j, "index", index);
	json_uint(&j, "offset", off);
	json_str(&j, "string", diff_pool_text(pool, id), pool->strs[id].len);
	json_end(&j);
}

static int print_diff(const char *ref, const char *sus, const struct seq *a,
		      const struct seq *b, const struct diff_pool *pool,
		      int json)
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
static int print_summary(const struct seq *a, const struct seq *b,
			 const struct diff_pool *pool, int json)
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
		OPT_LONG('n', "bytes", &min, "MIN", "minimum string length (default 4)", 1, UINT_MAX),
		OPT_STRING('e', "encoding", &enc_s, "s|S|b|l|B|L", "character size and byte order, as strings -e"),
		OPT_BOOL('w', "include-all-whitespace", &whitespace, "newline, CR, VT and FF may be part of a string"),
		OPT_BOOL(0, "summary", &summary, "each string found on one side only, once, with its count"),
		OPT_BOOL(0, "json", &json, "JSON Lines"),
		OPT_END(),
	};
	struct scan_opts o = { 's', 0, 4 };
	struct diff_pool pool;
	struct seq a = { 0 }, b = { 0 };
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
	if (load(argv[0], 0, &o, &pool, &a) || load(argv[1], 1, &o, &pool, &b)) {
		rc = 2;
		goto out;
	}
	if (summary)
		rc = print_summary(&a, &b, &pool, json);
	else
		rc = print_diff(argv[0], argv[1], &a, &b, &pool, json);
out:
	free(a.ids);
	free(a.offs);
	free(b.ids);
	free(b.offs);
	diff_pool_release(&pool);
	return rc;
}
