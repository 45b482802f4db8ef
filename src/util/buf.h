/*
 * buf - growable, binary-safe byte buffers.
 *
 * Invariants: `data` is never NULL once initialised (BUF_INIT points it at a
 * shared empty string), `len <= cap`, and data[len] is always '\0' so the
 * contents can be used as a C string when they hold no NUL bytes.  The
 * contents may hold NUL bytes (cmdline, environ, memory); `len` is the
 * truth.  Growth goes through xalloc: a buf never fails to grow.
 *
 * Reading: buf_read_fd() reads until EOF, which is what /proc files need
 * (they report size 0).  It returns 0 or -errno and keeps whatever it read
 * before an error, because partial evidence is still evidence.
 */
#ifndef STRANGER_UTIL_BUF_H
#define STRANGER_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t cap; /* 0 while data points at the shared empty string */
};

extern char buf_empty[];
#define BUF_INIT                                                                                   \
	{                                                                                          \
		buf_empty, 0, 0                                                                    \
	}

void buf_init(struct buf *b, size_t hint);
void buf_release(struct buf *b);
/* buf_detach - hand the memory to the caller (always malloc'd), reset b */
char *buf_detach(struct buf *b, size_t *len);
void buf_grow(struct buf *b, size_t extra);
void buf_setlen(struct buf *b, size_t len);
void buf_reset(struct buf *b);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_addc(struct buf *b, int c);
void buf_addstr(struct buf *b, const char *s);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap);
/* buf_addu - append an unsigned decimal number (fast path, no printf) */
void buf_addu(struct buf *b, unsigned long long v);
/* buf_rtrim - drop trailing whitespace */
void buf_rtrim(struct buf *b);

/* buf_read_fd - append everything up to EOF; 0 or -errno */
int buf_read_fd(struct buf *b, int fd);
/*
 * buf_read_at - append the whole file dirfd/path (O_NOATIME where allowed,
 * never following a final symlink: a link there fails with -ELOOP); 0 or
 * -errno.  At most `limit` bytes are read when limit is not 0.
 */
int buf_read_at(struct buf *b, int dirfd, const char *path, size_t limit);
/*
 * buf_read_file - the same for a path a user or the system names, which
 * may be a symlink to follow (a database given on the command line,
 * /etc/passwd, /etc/ld.so.preload).
 */
int buf_read_file(struct buf *b, const char *path, size_t limit);
/* buf_write_fd - write all of b to fd; 0 or -errno */
int buf_write_fd(const struct buf *b, int fd);

#endif
