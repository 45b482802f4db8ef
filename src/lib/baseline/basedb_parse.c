#include "lib/baseline/basedb.h"
#include "lib/baseline/basedb_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/hex.h"
#include "util/escape.h"

struct field {
	const char *s;
	size_t n;
};

static int fail(struct basedb_error *err, size_t line, const char *msg)
{
	err->line = line;
	snprintf(err->msg, sizeof(err->msg), "%s", msg);
	return -1;
}

static int parse_ull(struct field f, unsigned long long *out, int base)
{
	unsigned long long v = 0;

	if (!f.n || f.n > 22)
		return -1;
	for (size_t i = 0; i < f.n; i++) {
		unsigned d;
		if (f.s[i] < '0' || f.s[i] >= '0' + base)
			return -1;
		d = (unsigned)(f.s[i] - '0');
		if (v > (~0ULL - d) / (unsigned)base)
			return -1;
		v = v * (unsigned)base + d;
	}
	*out = v;
	return 0;
}

static int parse_time(struct field f, long long *sec, long *nsec)
{
	const char *dot = memchr(f.s, '.', f.n);
	unsigned long long s, ns;
	int neg = f.n && f.s[0] == '-';
	struct field a, b;

	if (!dot)
		return -1;
	a.s = f.s + neg;
	a.n = (size_t)(dot - a.s);
	b.s = dot + 1;
	b.n = f.n - (size_t)(b.s - f.s);
	if (b.n != 9 || parse_ull(a, &s, 10) || parse_ull(b, &ns, 10) ||
	    s > (unsigned long long)1 << 62)
		return -1;
	*sec = neg ? -(long long)s : (long long)s;
	*nsec = (long)ns;
	return 0;
}

static int unescape_field(struct field f, char **out, size_t *len)
{
	struct buf b = BUF_INIT;

	if (!f.n || escape_unescape(&b, f.s, f.n)) {
		buf_release(&b);
		return -1;
	}
	if (!b.cap) /* keep every string malloc'd */
		buf_grow(&b, 1);
	*out = buf_detach(&b, len);
	return 0;
}

static int parse_hex(struct field f, unsigned char out[HASH_LEN])
{
	if (f.n != HASH_HEX_LEN)
		return -1;
	for (size_t i = 0; i < HASH_LEN; i++) {
		int hi = hex_value_lower(f.s[2 * i]), lo = hex_value_lower(f.s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

static size_t split(const char *s, size_t n, struct field *f, size_t max)
{
	size_t k = 0, start = 0;

	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != ' ')
			continue;
		if (k == max)
			return max + 1;
		f[k].s = s + start;
		f[k].n = i - start;
		k++;
		start = i + 1;
	}
	return k;
}

static int parse_entry(const char *s, size_t n, struct basedb_entry *e, const char **why)
{
	struct field f[12];
	unsigned long long mode;

	if (split(s, n, f, 12) != 12) {
		*why = "expected 12 fields";
		return -1;
	}
	*why = "bad path";
	if (unescape_field(f[0], &e->path, &e->path_len))
		return -1;
	*why = "bad type";
	if (f[1].n != 1 || !strchr("fdlcbps", f[1].s[0]))
		return -1;
	e->type = f[1].s[0];
	*why = "bad mode";
	if (f[2].n != 4 || parse_ull(f[2], &mode, 8) || mode > 07777)
		return -1;
	e->mode = (unsigned)mode;
	*why = "bad number";
	if (parse_ull(f[3], &e->uid, 10) || parse_ull(f[4], &e->gid, 10) ||
	    parse_ull(f[5], &e->size, 10) || parse_ull(f[6], &e->ino, 10) ||
	    parse_ull(f[7], &e->nlink, 10))
		return -1;
	*why = "bad time";
	if (parse_time(f[8], &e->mtime_sec, &e->mtime_nsec) ||
	    parse_time(f[9], &e->ctime_sec, &e->ctime_nsec))
		return -1;
	*why = "bad sha256";
	if (f[10].n == 1 && f[10].s[0] == '-' && e->type != 'f')
		e->sha_state = BASEDB_SHA_NONE;
	else if (f[10].n == 1 && f[10].s[0] == '?' && e->type == 'f')
		e->sha_state = BASEDB_SHA_UNREAD;
	else if (e->type == 'f' && !parse_hex(f[10], e->sha))
		e->sha_state = BASEDB_SHA_OK;
	else
		return -1;
	*why = "bad target";
	if (e->type == 'l') {
		if (unescape_field(f[11], &e->target, &e->target_len))
			return -1;
	} else if (f[11].n != 1 || f[11].s[0] != '-') {
		return -1;
	}
	return 0;
}

static int parse_header(struct basedb *db, const char *s, size_t n, const char **why)
{
	const char *sp = memchr(s, ' ', n);
	struct field key, val;
	char *v;
	size_t vlen;

	*why = "bad header line";
	if (!sp)
		return -1;
	key.s = s + 1;
	key.n = (size_t)(sp - key.s);
	val.s = sp + 1;
	val.n = n - (size_t)(val.s - s);
	if (key.n == 6 && !memcmp(key.s, "fields", 6))
		return 0;
	if (key.n == 7 && !memcmp(key.s, "options", 7)) {
		if (val.n == 8 && !memcmp(val.s, "one_fs=0", 8))
			db->one_fs = 0;
		else if (val.n == 8 && !memcmp(val.s, "one_fs=1", 8))
			db->one_fs = 1;
		else
			return -1;
		return 0;
	}
	if (memchr(val.s, ' ', val.n) || unescape_field(val, &v, &vlen))
		return -1;
	if (strlen(v) != vlen) {
		free(v);
		*why = "NUL byte in a header value";
		return -1;
	}
#define SET(name, field)                                                                           \
	if (key.n == sizeof(name) - 1 && !memcmp(key.s, name, key.n)) {                            \
		free(db->field);                                                                   \
		db->field = v;                                                                     \
		return 0;                                                                          \
	}
	SET("created", created)
	SET("host", host)
	SET("db", db_path)
#undef SET
	if (key.n == 4 && !memcmp(key.s, "root", 4)) {
		strlist_add(&db->roots, v);
		return 0;
	}
	if (key.n == 7 && !memcmp(key.s, "exclude", 7)) {
		strlist_add(&db->excludes, v);
		return 0;
	}
	free(v); /* a header key of a later minor revision: ignored */
	return 0;
}

/* a path of PATH_MAX bytes, escaped at 4 bytes each, twice, and the rest */
#define BASEDB_MAX_LINE (40u << 10)

int basedb_parse(const char *s, size_t n, struct basedb *db, struct basedb_error *err)
{
	static const char magic[] = "#stranger-baseline ";
	size_t nlines = 0, last_start = 0, pos = 0, line = 0;
	unsigned char want[HASH_LEN], got[HASH_LEN];
	int in_entries = 0;

	memset(err, 0, sizeof(*err));
	if (!n)
		return fail(err, 1, "empty file");
	/* the magic before anything else: garbage is "not a baseline" */
	if (n < sizeof(magic) - 1 || memcmp(s, magic, sizeof(magic) - 1))
		return fail(err, 1, "not a stranger baseline");
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n') {
			nlines++;
			if (i + 1 < n)
				last_start = i + 1;
		}
	if (s[n - 1] != '\n')
		return fail(err, nlines + 1, "incomplete last line (truncated?)");
	if (n - last_start < 8 || memcmp(s + last_start, "#sha256 ", 8))
		return fail(err, nlines, "no checksum line at the end (truncated?)");
	{
		struct field f = { s + last_start + 8, n - last_start - 9 };
		if (parse_hex(f, want))
			return fail(err, nlines, "bad checksum line");
	}
	if (n < sizeof(magic) - 1 || memcmp(s, magic, sizeof(magic) - 1))
		return fail(err, 1, "not a stranger baseline");
	while (pos < last_start) {
		const char *l = s + pos, *nl = memchr(l, '\n', last_start - pos);
		size_t len = (size_t)(nl - l);
		const char *why = NULL;

		line++;
		pos += len + 1;
		if (len > BASEDB_MAX_LINE)
			return fail(err, line, "line too long");
		if (line == 1) {
			if (len != sizeof(magic) || l[len - 1] != '0' + BASEDB_VERSION)
				return fail(err, line, "unsupported format version");
			continue;
		}
		if (len && l[0] == '#') {
			if (in_entries)
				return fail(err, line, "header line after the entries");
			if (parse_header(db, l, len, &why))
				return fail(err, line, why);
			continue;
		}
		in_entries = 1;
		struct basedb_entry *e = basedb_add_entry(db);
		if (parse_entry(l, len, e, &why)) {
			basedb_entry_release(e);
			db->n--;
			return fail(err, line, why);
		}
		if (db->n > 1 && basedb_entry_cmp(&db->e[db->n - 2], e) >= 0)
			return fail(err, line, "out of order or duplicate path");
	}
	if (!db->roots.n)
		return fail(err, line ? line : 1, "no root in the header");
	hash_buf(s, last_start, got);
	if (memcmp(want, got, HASH_LEN))
		return fail(err, nlines,
			    "checksum does not match the lines before it (edited or damaged)");
	return 0;
}
