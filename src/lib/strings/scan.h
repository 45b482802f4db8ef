/*
 * scan - the strings scanner: find runs of printable characters, exactly
 * as GNU strings (binutils 2.40) finds and prints them.
 *
 * What is a string: with encoding 's' (the default) a maximal run of at
 * least `min` bytes each of which is printable ASCII (0x20..0x7e) or a tab;
 * 'S' also takes 0x80..0xff; all_whitespace (-w) also takes \n \v \f \r.
 * Encodings 'b'/'l' (16-bit big/little endian) and 'B'/'L' (32-bit) read
 * characters of 2 or 4 bytes whose value must be below 256 and printable by
 * the 's' rule; a printable character is followed by the next one, an
 * unprintable one by the character starting one byte after its first byte,
 * as GNU strings 2.40 reads them.  A string
 * running into end of input is printed (with its separator); a shorter run
 * at end of input is not.
 *
 * Output format (scan_fd): per string, "FILE: " when fmt->filename is set,
 * then the offset of its first byte as printf "%7lo " / "%7ld " / "%7lx "
 * when fmt->radix is 8/10/16, the characters, then the separator ("\n" when
 * fmt->sep is NULL).  Offsets count from 0 at the start of each input.
 *
 * Speed: single-byte encodings classify 64 bytes at a time into a bit mask
 * (AVX-512BW, AVX2 or SSE2 where the CPU has it, a table elsewhere), find
 * candidate runs with shifts of that mask, and are split across threads in
 * chunks that go through a ring of slots; a string crossing a chunk
 * boundary is stitched together in order, so the output never depends on
 * chunk size or thread count.  Input is streamed: memory use is a few
 * chunks per thread whatever the input size (plus the text of one string
 * while it is shorter than `min`).  Multi-byte encodings run one sequential
 * state machine.
 *
 * Errors: scan_fd returns 0, or -errno of the first read error (what was
 * read before it is scanned and printed as if the input ended there), and
 * sets res->write_err on a failed write (scanning stops).  Nothing here
 * prints a diagnostic or exits.
 */
#ifndef STRANGER_LIB_SCAN_H
#define STRANGER_LIB_SCAN_H

#include <stddef.h>
#include <stdint.h>

struct scan_opts {
	char encoding;	    /* 's', 'S', 'b', 'l', 'B' or 'L' */
	int all_whitespace; /* -w */
	unsigned long min;  /* minimum string length in characters, >= 1 */
};

struct scan_fmt {
	const char *filename; /* NULL: no "FILE: " prefix */
	int radix;	      /* 0: no offset; 8, 10 or 16 */
	const char *sep;      /* NULL: "\n" */
	size_t seplen;
};

struct scan_tune {
	unsigned threads; /* 0: one per online CPU (at most 8) */
	size_t chunk;	  /* bytes per chunk; 0: the default */
};

struct scan_result {
	int write_err;		    /* 0 or errno of a failed write */
	unsigned long long bytes;   /* input bytes scanned */
	unsigned long long strings; /* strings printed */
};

/* scan_encoding_ok - 1 if c names an encoding */
int scan_encoding_ok(int c);

/* scan_fd - print every string of fd to out_fd; 0 or -errno (read error) */
int scan_fd(int fd, const struct scan_opts *o, const struct scan_fmt *fmt,
	    const struct scan_tune *tune, int out_fd, struct scan_result *res);

/*
 * scan_mem - call cb for every string of p[0..n) in order: its offset, its
 * characters (one byte per character, as GNU strings prints them) and
 * their count.  cb returns 0 to go on, anything else to stop (returned).
 */
typedef int (*scan_cb)(void *ctx, uint64_t off, const char *s, size_t len);
int scan_mem(const void *p, size_t n, const struct scan_opts *o, scan_cb cb, void *ctx);

/*
 * scan_force_plain - use the plain table path instead of SIMD (1), or the
 * best the CPU has (0).  For tests and the fuzz harness.
 */
void scan_force_plain(int on);

#endif
