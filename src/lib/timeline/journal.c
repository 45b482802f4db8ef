/*
 * The systemd journal file format, read directly (see logs.h): the
 * header, then objects, each 8-byte aligned with a 16-byte header
 * (type, flags, size).  Layout after systemd's "Journal File Format"
 * documentation; every offset read from the file is checked against its
 * size before it is followed.
 */
#include "lib/timeline/logs.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/noatime.h"
#include "util/buf.h"

enum { OBJ_DATA = 1, OBJ_ENTRY = 3 };
enum { INCOMPAT_COMPACT = 16 };
enum { OBJ_COMPRESSED = 1 | 2 | 4 }; /* xz, lz4, zstd */
#define HDR_MIN 208		     /* up to tail_entry_monotonic */

static uint64_t le64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

struct fields {
	const unsigned char *msg, *host, *ident, *pid;
	size_t msg_len, host_len, ident_len, pid_len;
};

static void take(struct fields *f, const unsigned char *d, size_t n)
{
	static const struct {
		const char *k;
		size_t off_p, off_n;
	} want[] = {
		{ "MESSAGE=", offsetof(struct fields, msg), offsetof(struct fields, msg_len) },
		{ "_HOSTNAME=", offsetof(struct fields, host), offsetof(struct fields, host_len) },
		{ "SYSLOG_IDENTIFIER=", offsetof(struct fields, ident),
		  offsetof(struct fields, ident_len) },
		{ "_PID=", offsetof(struct fields, pid), offsetof(struct fields, pid_len) },
		{ "SYSLOG_PID=", offsetof(struct fields, pid), offsetof(struct fields, pid_len) },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		size_t kl = strlen(want[i].k);
		if (n >= kl && !memcmp(d, want[i].k, kl)) {
			*(const unsigned char **)((char *)f + want[i].off_p) = d + kl;
			*(size_t *)((char *)f + want[i].off_n) = n - kl;
			return;
		}
	}
}

/* the DATA object at off: its payload, or NULL */
static const unsigned char *data_at(const unsigned char *p, size_t n, uint64_t off, int compact,
				    size_t *len, unsigned long *compressed)
{
	size_t hdr = compact ? 72 : 64;
	uint64_t size;

	if (off < HDR_MIN || off % 8 || off > n || n - off < hdr)
		return NULL;
	size = le64(p + off + 8);
	if (p[off] != OBJ_DATA || size < hdr || size > n - off)
		return NULL;
	if (p[off + 1] & OBJ_COMPRESSED) {
		(*compressed)++;
		return NULL;
	}
	*len = (size_t)(size - hdr);
	return p + off + hdr;
}

int tl_journal_parse(const unsigned char *p, size_t n,
		     int (*fn)(const char *line, size_t len, unsigned long long seq, void *ctx),
		     void *ctx, unsigned long *compressed)
{
	uint64_t hsize, tail, off;
	int compact, rc = 0;
	struct buf line = BUF_INIT;

	if (n < HDR_MIN || memcmp(p, "LPKSHHRH", 8))
		return -EINVAL;
	compact = !!(le32(p + 12) & INCOMPAT_COMPACT);
	hsize = le64(p + 88);
	tail = le64(p + 136);
	if (hsize < HDR_MIN || hsize > n || hsize % 8)
		return -EINVAL;
	if (tail > n)
		tail = n; /* cut short: read what is there */
	for (off = hsize; off + 16 <= n && off <= tail && !rc;) {
		uint64_t size = le64(p + off + 8);
		if (size < 16 || size > n - off)
			break; /* a torn object: the rest cannot be trusted */
		if (p[off] == OBJ_ENTRY && size >= 64) {
			struct fields f;
			uint64_t seq = le64(p + off + 16), usec = le64(p + off + 24);
			size_t isz = compact ? 4 : 16;
			memset(&f, 0, sizeof(f));
			for (uint64_t i = off + 64; i + isz <= off + size; i += isz) {
				uint64_t d = compact ? le32(p + i) : le64(p + i);
				size_t dl;
				const unsigned char *dp =
				    data_at(p, n, d, compact, &dl, compressed);
				if (dp)
					take(&f, dp, dl);
			}
			if (f.msg) {
				buf_reset(&line);
				tl_iso(&line, (long long)(usec / 1000000),
				       (long)(usec % 1000000) * 1000);
				buf_setlen(&line, line.len - 1); /* Z -> +00:00 */
				buf_addstr(&line, "+00:00 ");
				if (f.host)
					buf_add(&line, f.host, f.host_len);
				else
					buf_addc(&line, '-');
				buf_addc(&line, ' ');
				if (f.ident)
					buf_add(&line, f.ident, f.ident_len);
				else
					buf_addc(&line, '-');
				if (f.pid) {
					buf_addc(&line, '[');
					buf_add(&line, f.pid, f.pid_len);
					buf_addc(&line, ']');
				}
				buf_add(&line, ": ", 2);
				buf_add(&line, f.msg, f.msg_len);
				rc = fn(line.data, line.len, (unsigned long long)seq, ctx);
			}
		}
		off += (size + 7) & ~(uint64_t)7;
	}
	buf_release(&line);
	return rc;
}

int tl_journal_file(const char *path,
		    int (*fn)(const char *line, size_t len, unsigned long long seq, void *ctx),
		    void *ctx, unsigned long *compressed)
{
	int fd = noatime_open(AT_FDCWD, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	void *m;
	int rc;

	if (fd < 0 && errno == EPERM)
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size < HDR_MIN) {
		close(fd);
		return -EINVAL;
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return -errno;
	rc = tl_journal_parse(m, (size_t)st.st_size, fn, ctx, compressed);
	munmap(m, (size_t)st.st_size);
	return rc;
}
