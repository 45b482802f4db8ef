/*
 * libFuzzer harness: the strings scanner.  The first bytes pick the options,
 * the chunk size and the thread count; the rest is the input.  The engine's
 * output (SIMD path, and again with the plain path) and scan_mem's strings
 * must equal a plain reference written here after GNU strings' own loop.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/strings/scan.h"
#include "util/buf.h"

static const char encs[] = "sSblBL";

static int graphic(long c, int enc, int ws)
{
	return c >= 0 && c <= 255 &&
	       (c == '\t' || (c >= 0x20 && c <= 0x7e) || (enc == 'S' && c > 127) ||
		(ws && (c == ' ' || (c >= '\t' && c <= '\r'))));
}

static long get(const uint8_t *p, int enc)
{
	switch (enc) {
	case 'b': return (long)p[0] << 8 | p[1];
	case 'l': return (long)p[1] << 8 | p[0];
	case 'B': return (long)p[0] << 24 | (long)p[1] << 16 | (long)p[2] << 8 | p[3];
	case 'L': return (long)p[3] << 24 | (long)p[2] << 16 | (long)p[1] << 8 | p[0];
	default: return p[0];
	}
}

/* reference: GNU strings' print_strings, one character at a time */
static void reference(const uint8_t *p, size_t n, int enc, int ws,
		      unsigned long min, struct buf *out)
{
	size_t E = enc == 'b' || enc == 'l' ? 2 : enc == 'B' || enc == 'L' ? 4 : 1;
	size_t pos = 0;
	struct buf run = BUF_INIT;

	for (;;) {
		size_t start;
		unsigned long i;
	retry:
		start = pos;
		buf_reset(&run);
		for (i = 0; i < min; i++) {
			long c;
			if (pos + E > n)
				goto done;
			c = get(p + pos, enc);
			pos += E;
			if (!graphic(c, enc, ws)) {
				pos -= E - 1;
				goto retry;
			}
			buf_addc(&run, (int)c);
		}
		buf_addf(out, "%7lx ", (unsigned long)start);
		buf_add(out, run.data, run.len);
		while (pos + E <= n) {
			long c = get(p + pos, enc);
			pos += E;
			if (!graphic(c, enc, ws)) {
				pos -= E - 1;
				break;
			}
			buf_addc(out, (int)c);
		}
		buf_addc(out, '\n');
	}
done:
	buf_release(&run);
}

static int mem_cb(void *ctx, uint64_t off, const char *s, size_t len)
{
	struct buf *out = ctx;
	buf_addf(out, "%7lx ", (unsigned long)off);
	buf_add(out, s, len);
	buf_addc(out, '\n');
	return 0;
}

static void engine(int in, int outfd, const uint8_t *p, size_t n,
		   const struct scan_opts *o, const struct scan_tune *t,
		   struct buf *got)
{
	struct scan_fmt fmt = { NULL, 16, NULL, 0 };
	struct scan_result res;
	off_t len;

	if (ftruncate(in, 0) || ftruncate(outfd, 0) ||
	    pwrite(in, p, n, 0) != (ssize_t)n)
		abort();
	lseek(in, 0, SEEK_SET);
	lseek(outfd, 0, SEEK_SET);
	if (scan_fd(in, o, &fmt, t, outfd, &res) || res.write_err)
		abort();
	len = lseek(outfd, 0, SEEK_CUR);
	buf_reset(got);
	buf_grow(got, (size_t)len);
	if (pread(outfd, got->data, (size_t)len, 0) != len)
		abort();
	buf_setlen(got, (size_t)len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int in = -1, outfd = -1;
	static const size_t chunks[] = { 1, 2, 3, 5, 17, 63, 64, 65, 128, 1000 };
	struct buf want = BUF_INIT, got = BUF_INIT;
	struct scan_opts o;
	struct scan_tune t;

	if (size < 4)
		return 0;
	if (in < 0) {
		in = memfd_create("fuzz-in", 0);
		outfd = memfd_create("fuzz-out", 0);
		if (in < 0 || outfd < 0)
			abort();
	}
	o.encoding = encs[data[0] % 6];
	o.all_whitespace = data[0] >> 7;
	o.min = data[1] % 80 + 1;
	t.chunk = chunks[data[2] % 10];
	t.threads = data[3] % 3 + 1;
	data += 4;
	size -= 4;

	reference(data, size, o.encoding, o.all_whitespace, o.min, &want);

	scan_force_plain(0);
	engine(in, outfd, data, size, &o, &t, &got);
	if (got.len != want.len || memcmp(got.data, want.data, got.len))
		__builtin_trap();
	scan_force_plain(1);
	engine(in, outfd, data, size, &o, &t, &got);
	if (got.len != want.len || memcmp(got.data, want.data, got.len))
		__builtin_trap();
	scan_force_plain(0);

	buf_reset(&got);
	scan_mem(data, size, &o, mem_cb, &got);
	if (got.len != want.len || memcmp(got.data, want.data, got.len))
		__builtin_trap();

	buf_release(&want);
	buf_release(&got);
	return 0;
}
