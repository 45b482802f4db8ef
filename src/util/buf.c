#include "util/buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/diag.h"
#include "util/xalloc.h"
#include "util/noatime.h"

char buf_empty[1];

void buf_init(struct buf *b, size_t hint)
{
	b->data = buf_empty;
	b->len = 0;
	b->cap = 0;
	if (hint)
		buf_grow(b, hint);
}

void buf_release(struct buf *b)
{
	if (b->cap)
		free(b->data);
	buf_init(b, 0);
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *p;
	if (len)
		*len = b->len;
	if (!b->cap)
		p = xstrdup("");
	else
		p = b->data;
	buf_init(b, 0);
	return p;
}

void buf_grow(struct buf *b, size_t extra)
{
	size_t want;
	if (extra > (size_t)-1 - b->len - 1)
		bug("buf_grow: size overflow");
	want = b->len + extra + 1;
	if (want <= b->cap)
		return;
	if (!b->cap) {
		size_t cap = want < 64 ? 64 : want;
		b->data = xmalloc(cap);
		b->data[0] = '\0';
		b->cap = cap;
		return;
	}
	size_t cap = b->cap;
	while (cap < want)
		cap = cap > ((size_t)-1) / 2 ? want : cap * 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

void buf_setlen(struct buf *b, size_t len)
{
	if (len > (b->cap ? b->cap - 1 : 0))
		bug("buf_setlen: %zu beyond allocation", len);
	b->len = len;
	if (b->cap)
		b->data[len] = '\0';
}

void buf_reset(struct buf *b)
{
	if (b->cap)
		buf_setlen(b, 0);
}

void buf_add(struct buf *b, const void *p, size_t n)
{
	if (!n)
		return;
	buf_grow(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void buf_addc(struct buf *b, int c)
{
	buf_grow(b, 1);
	b->data[b->len++] = (char)c;
	b->data[b->len] = '\0';
}

void buf_addstr(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	buf_grow(b, 64);
	va_copy(cp, ap);
	n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		bug("buf_vaddf: bad format");
	if ((size_t)n >= b->cap - b->len) {
		buf_grow(b, (size_t)n);
		n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	}
	b->len += (size_t)n;
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void buf_addu(struct buf *b, unsigned long long v)
{
	char tmp[24];
	int i = (int)sizeof(tmp);
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	buf_add(b, tmp + i, sizeof(tmp) - (size_t)i);
}

void buf_rtrim(struct buf *b)
{
	while (b->len && strchr(" \t\r\n", b->data[b->len - 1]))
		b->len--;
	if (b->cap)
		b->data[b->len] = '\0';
}

int buf_read_fd(struct buf *b, int fd)
{
	for (;;) {
		ssize_t n;
		buf_grow(b, b->len < 4096 ? 4096 : b->len);
		n = read(fd, b->data + b->len, b->cap - b->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return 0;
		b->len += (size_t)n;
		b->data[b->len] = '\0';
	}
}

/* read_open - read up to limit bytes (all when 0) of fd, then close it */
static int read_open(struct buf *b, int fd, size_t limit)
{
	int rc;

	if (fd < 0)
		return -errno;
	if (!limit) {
		rc = buf_read_fd(b, fd);
	} else {
		size_t got = 0;
		rc = 0;
		buf_grow(b, limit);
		while (got < limit) {
			ssize_t n = read(fd, b->data + b->len, limit - got);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				rc = -errno;
				break;
			}
			if (n == 0)
				break;
			got += (size_t)n;
			b->len += (size_t)n;
		}
		b->data[b->len] = '\0';
	}
	close(fd);
	return rc;
}

int buf_read_at(struct buf *b, int dirfd, const char *path, size_t limit)
{
	return read_open(b, noatime_open(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW),
			 limit);
}

int buf_read_file(struct buf *b, const char *path, size_t limit)
{
	return read_open(b, noatime_open(AT_FDCWD, path, O_RDONLY | O_CLOEXEC | O_NOCTTY), limit);
}

int buf_write_fd(const struct buf *b, int fd)
{
	size_t off = 0;
	while (off < b->len) {
		ssize_t n = write(fd, b->data + off, b->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		off += (size_t)n;
	}
	return 0;
}
