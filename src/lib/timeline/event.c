#include "lib/timeline/event.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/timeline/xsort.h"
#include "util/hex.h"
#include "util/escape.h"
#include "util/xalloc.h"

#define FLUSH_AT (1 << 20)

struct tl_sink {
	enum tl_format f;
	int fd;
	struct tl_time since, until;
	struct xsort *xs;
	struct buf out;	 /* pending output */
	struct buf line; /* scratch */
	struct buf name;
	unsigned long long count;
	int err;
	/* mactime: the group of records with one key */
	struct buf mkey, mval;
	unsigned mflags;
	int mhave;
	int local; /* mactime dates in local time (-z) */
};

static const char macb_chars[4] = { 'm', 'a', 'c', 'b' };
static const char *const macb_desc[4] = {
	"Content Modification Time",
	"Last Access Time",
	"Metadata Modification Time",
	"Creation Time",
};

void tl_mode_string(char out[13], unsigned mode)
{
	static const char rwx[] = "rwxrwxrwx";
	char t;

	switch (mode & S_IFMT) {
	case S_IFREG:
		t = 'r';
		break;
	case S_IFDIR:
		t = 'd';
		break;
	case S_IFLNK:
		t = 'l';
		break;
	case S_IFIFO:
		t = 'p';
		break;
	case S_IFCHR:
		t = 'c';
		break;
	case S_IFBLK:
		t = 'b';
		break;
	case S_IFSOCK:
		t = 's';
		break;
	default:
		t = '-';
		break;
	}
	out[0] = t;
	out[1] = '/';
	out[2] = t;
	for (int i = 0; i < 9; i++)
		out[3 + i] = (mode & (0400u >> i)) ? rwx[i] : '-';
	if (mode & S_ISUID)
		out[5] = (mode & S_IXUSR) ? 's' : 'S';
	if (mode & S_ISGID)
		out[8] = (mode & S_IXGRP) ? 's' : 'S';
	if (mode & S_ISVTX)
		out[11] = (mode & S_IXOTH) ? 't' : 'T';
	out[12] = 0;
}

static void add2(struct buf *b, int v)
{
	char c[2] = { (char)('0' + v / 10 % 10), (char)('0' + v % 10) };
	buf_add(b, c, 2);
}

/* date and time without the zone: "2026-12-07T00:23:00"; 0 or -1 */
static int iso_base(struct buf *out, long long sec)
{
	struct tm tm;
	time_t t = (time_t)sec;

	if (!gmtime_r(&t, &tm))
		return -1;
	buf_addf(out, "%04d-", tm.tm_year + 1900);
	add2(out, tm.tm_mon + 1);
	buf_addc(out, '-');
	add2(out, tm.tm_mday);
	buf_addc(out, 'T');
	add2(out, tm.tm_hour);
	buf_addc(out, ':');
	add2(out, tm.tm_min);
	buf_addc(out, ':');
	add2(out, tm.tm_sec);
	return 0;
}

void tl_iso(struct buf *out, long long sec, long nsec)
{
	if (iso_base(out, sec)) {
		buf_addf(out, "@%lld", sec);
		return;
	}
	if (nsec >= 0)
		buf_addf(out, ".%09ld", nsec);
	buf_addc(out, 'Z');
}

static int digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

int tl_parse_date(const char *s, struct tl_time *t)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, se = 0;
	size_t n = strlen(s);
	long nsec = 0;

	memset(t, 0, sizeof(*t));
	if (s[0] == '@') {
		char *end;
		errno = 0;
		long long v = strtoll(s + 1, &end, 10);
		if (errno || end == s + 1 || *end)
			return -1;
		t->sec = v;
		t->set = 1;
		return 0;
	}
	if (n && s[n - 1] == 'Z')
		n--;
	if (n < 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
	    digits(s + 8, 2, &d))
		return -1;
	if (n > 10) {
		if ((s[10] != 'T' && s[10] != ' ') || n < 16 || digits(s + 11, 2, &h) ||
		    s[13] != ':' || digits(s + 14, 2, &mi))
			return -1;
		if (n > 16) {
			if (n < 19 || s[16] != ':' || digits(s + 17, 2, &se))
				return -1;
			if (n > 19) {
				long scale = 100000000;
				if (s[19] != '.' || n == 20 || n > 29)
					return -1;
				for (size_t i = 20; i < n; i++, scale /= 10) {
					if (s[i] < '0' || s[i] > '9')
						return -1;
					nsec += (s[i] - '0') * scale;
				}
			}
		}
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	t->sec = (long long)timegm(&tm);
	t->nsec = nsec;
	t->set = 1;
	return 0;
}

void tl_body_name(struct buf *out, const char *s, size_t n)
{
	size_t start = out->len;

	escape_bytes(out, s, n);
	/* rare: only then rewrite the escaped text */
	if (!memchr(out->data + start, '%', out->len - start) &&
	    !memchr(out->data + start, '|', out->len - start))
		return;
	struct buf tmp = BUF_INIT;
	buf_add(&tmp, out->data + start, out->len - start);
	buf_setlen(out, start);
	for (size_t i = 0; i < tmp.len; i++) {
		if (tmp.data[i] == '%')
			buf_add(out, "%25", 3);
		else if (tmp.data[i] == '|')
			buf_add(out, "%7C", 3);
		else
			buf_addc(out, tmp.data[i]);
	}
	buf_release(&tmp);
}

/* the text a name is shown as (mactime, jsonl, csv) */
static void display_name(struct buf *out, const struct tl_event *e)
{
	if (e->name_is_text) {
		/* a body file's name, decoded: printable text stays as mactime
		 * prints it; anything else goes through the escape rule */
		int clean = 1;
		for (size_t i = 0; i < e->name_len && clean; i++) {
			unsigned char c = (unsigned char)e->name[i];
			clean = c >= 0x20 && c < 0x7f;
		}
		if (clean)
			buf_add(out, e->name, e->name_len);
		else
			escape_bytes(out, e->name, e->name_len);
	} else
		escape_bytes(out, e->name, e->name_len);
	if (e->deleted)
		buf_addstr(out, " (deleted)");
}

static int in_range(const struct tl_sink *s, const struct tl_time *t)
{
	if (!t->set)
		return 0;
	if (s->since.set &&
	    (t->sec < s->since.sec || (t->sec == s->since.sec && t->nsec < s->since.nsec)))
		return 0;
	if (s->until.set &&
	    (t->sec > s->until.sec || (t->sec == s->until.sec && t->nsec > s->until.nsec)))
		return 0;
	return 1;
}

struct tl_sink *tl_sink_new(enum tl_format f, int fd, const struct tl_time *since,
			    const struct tl_time *until, size_t mem_budget, const char *tmpdir)
{
	struct tl_sink *s = xcalloc(1, sizeof(*s));

	s->f = f;
	s->fd = fd;
	if (since)
		s->since = *since;
	if (until)
		s->until = *until;
	buf_init(&s->out, 65536);
	buf_init(&s->line, 256);
	buf_init(&s->name, 256);
	buf_init(&s->mkey, 256);
	buf_init(&s->mval, 64);
	if (f != TL_BODY)
		s->xs = xsort_new(mem_budget, tmpdir);
	if (f == TL_MACTIME)
		buf_addstr(&s->out, "Date,Size,Type,Mode,UID,GID,Meta,File Name\n");
	else if (f == TL_CSV)
		buf_addstr(&s->out, "datetime,timestamp_desc,message,source,macb,"
				    "path,inode,mode,uid,gid,size,pid,log_file,log_line\n");
	return s;
}

void tl_sink_free(struct tl_sink *s)
{
	if (!s)
		return;
	xsort_free(s->xs);
	buf_release(&s->out);
	buf_release(&s->line);
	buf_release(&s->name);
	buf_release(&s->mkey);
	buf_release(&s->mval);
	free(s);
}

void tl_sink_local_time(struct tl_sink *s)
{
	s->local = 1;
}

unsigned long long tl_sink_count(const struct tl_sink *s)
{
	return s->count;
}

static int flush(struct tl_sink *s, int force)
{
	if (s->err)
		return s->err;
	if (s->out.len && (force || s->out.len >= FLUSH_AT)) {
		int rc = buf_write_fd(&s->out, s->fd);
		buf_reset(&s->out);
		if (rc)
			s->err = rc;
	}
	return s->err;
}

static void add_time(struct buf *b, const struct tl_time *t)
{
	if (!t->set) {
		buf_add(b, "-1", 2);
		return;
	}
	if (t->sec < 0) {
		buf_addc(b, '-');
		buf_addu(b, (unsigned long long)-t->sec);
	} else
		buf_addu(b, (unsigned long long)t->sec);
	if (t->nsec) {
		char frac[11];
		snprintf(frac, sizeof(frac), ".%09ld", t->nsec);
		buf_add(b, frac, 10);
	}
}

static const char *kind_name(enum tl_kind k)
{
	switch (k) {
	case TL_FILE:
		return "file";
	case TL_PROCESS:
		return "process";
	case TL_BOOT:
		return "boot";
	case TL_LISTEN:
		return "listen";
	case TL_LOG:
		return "log";
	}
	return "?";
}

static void add_num_or(struct buf *b, const char *str, long long v)
{
	if (str)
		buf_addstr(b, str);
	else if (v < 0)
		buf_addc(b, '0');
	else
		buf_addu(b, (unsigned long long)v);
}

static void mode_text(char m[13], const struct tl_event *e, const char **out)
{
	if (e->mode_str)
		*out = e->mode_str;
	else if (e->kind == TL_FILE) {
		tl_mode_string(m, e->mode);
		*out = m;
	} else
		*out = kind_name(e->kind);
}

static void write_body(struct tl_sink *s, const struct tl_event *e)
{
	struct buf *b = &s->out;
	char m[13];
	const char *mode;
	int any = 0;

	for (int i = 0; i < 4; i++)
		any |= in_range(s, &e->t[i]);
	if (!any)
		return;
	mode_text(m, e, &mode);
	if (e->sha256) {
		buf_addstr(b, e->sha256);
		buf_addc(b, '|');
	} else
		buf_add(b, "0|", 2);
	if (e->name_is_text) {
		buf_reset(&s->name);
		display_name(&s->name, e);
		/* printable already; only % and | need the body's encoding */
		tl_body_name(b, s->name.data, s->name.len);
	} else {
		tl_body_name(b, e->name, e->name_len);
		if (e->deleted)
			buf_addstr(b, " (deleted)");
	}
	buf_addc(b, '|');
	add_num_or(b, e->inode_str, (long long)e->inode);
	buf_addc(b, '|');
	buf_addstr(b, mode);
	buf_addc(b, '|');
	add_num_or(b, e->uid_str, e->uid);
	buf_addc(b, '|');
	add_num_or(b, e->gid_str, e->gid);
	buf_addc(b, '|');
	add_num_or(b, e->size_str, (long long)e->size);
	/* atime|mtime|ctime|crtime */
	static const int order[4] = { TL_A, TL_M, TL_C, TL_B };
	for (int i = 0; i < 4; i++) {
		buf_addc(b, '|');
		add_time(b, &e->t[order[i]]);
	}
	buf_addc(b, '\n');
	s->count++;
}

/* mactime: key "%010lld,INODE,NAME", value: flags, then size, mode, uid, gid */
static int add_mactime(struct tl_sink *s, const struct tl_event *e)
{
	char m[13], num[32];
	const char *mode;
	int rc;

	mode_text(m, e, &mode);
	buf_reset(&s->name);
	display_name(&s->name, e);
	for (int i = 0; i < 4; i++) {
		const struct tl_time *t = &e->t[i];
		if (!in_range(s, t) || t->sec < 0)
			continue;
		/* times with the same seconds merge into one record, as in mactime */
		int dup = 0;
		for (int j = 0; j < i; j++)
			dup |= in_range(s, &e->t[j]) && e->t[j].sec == t->sec;
		if (dup)
			continue;
		unsigned flags = 0;
		for (int j = i; j < 4; j++)
			if (in_range(s, &e->t[j]) && e->t[j].sec == t->sec)
				flags |= 1u << j;
		buf_reset(&s->line);
		snprintf(num, sizeof(num), "%010lld,", t->sec);
		buf_addstr(&s->line, num);
		add_num_or(&s->line, e->inode_str, (long long)e->inode);
		buf_addc(&s->line, ',');
		size_t klen = s->line.len + s->name.len;
		buf_add(&s->line, s->name.data, s->name.len);
		buf_addc(&s->line, (char)flags);
		add_num_or(&s->line, e->size_str, (long long)e->size);
		buf_addc(&s->line, 0);
		buf_addstr(&s->line, mode);
		buf_addc(&s->line, 0);
		add_num_or(&s->line, e->uid_str, e->uid);
		buf_addc(&s->line, 0);
		add_num_or(&s->line, e->gid_str, e->gid);
		rc = xsort_add(s->xs, s->line.data, klen, s->line.data + klen, s->line.len - klen);
		if (rc)
			return rc;
	}
	return 0;
}

static void csv_field(struct buf *b, const char *s, size_t n)
{
	if (!memchr(s, ',', n) && !memchr(s, '"', n)) {
		buf_add(b, s, n);
		return;
	}
	buf_addc(b, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			buf_addc(b, '"');
		buf_addc(b, s[i]);
	}
	buf_addc(b, '"');
}

/* sort key of jsonl/csv: seconds (sign bit flipped) and nanoseconds, big-endian */
static size_t time_key(unsigned char k[12], const struct tl_time *t)
{
	uint64_t v = (uint64_t)t->sec ^ (UINT64_C(1) << 63);
	uint32_t ns = (uint32_t)t->nsec;

	for (int i = 0; i < 8; i++)
		k[i] = (unsigned char)(v >> (56 - 8 * i));
	for (int i = 0; i < 4; i++)
		k[8 + i] = (unsigned char)(ns >> (24 - 8 * i));
	return 12;
}

static void json_kv_str(struct buf *b, const char *key, const char *s, size_t n)
{
	buf_addf(b, ",\"%s\":", key);
	escape_json(b, s, n);
}

static int add_record(struct tl_sink *s, const struct tl_event *e)
{
	char m[13];
	const char *mode;
	unsigned char key[12];
	struct buf *b = &s->line;
	int rc;

	mode_text(m, e, &mode);
	buf_reset(&s->name);
	display_name(&s->name, e);
	for (int i = 0; i < 4; i++) {
		const struct tl_time *t = &e->t[i];
		if (!in_range(s, t))
			continue;
		int dup = 0;
		for (int j = 0; j < i; j++)
			dup |= in_range(s, &e->t[j]) && e->t[j].sec == t->sec &&
			       e->t[j].nsec == t->nsec;
		if (dup)
			continue;
		char macb[5] = "....";
		struct buf desc = BUF_INIT;
		if (e->kind == TL_FILE) {
			for (int j = i; j < 4; j++)
				if (in_range(s, &e->t[j]) && e->t[j].sec == t->sec &&
				    e->t[j].nsec == t->nsec) {
					macb[j] = macb_chars[j];
					if (desc.len)
						buf_addstr(&desc, "; ");
					buf_addstr(&desc, macb_desc[j]);
				}
		} else
			buf_addstr(&desc, e->desc ? e->desc : kind_name(e->kind));
		struct buf msg = BUF_INIT;
		if (e->kind == TL_FILE) {
			buf_addf(&msg, "[%s] ", macb);
			buf_add(&msg, s->name.data, s->name.len);
		} else
			buf_add(&msg, s->name.data, s->name.len);
		struct buf when = BUF_INIT;
		tl_iso(&when, t->sec, t->nsec);
		char num[32];
		buf_reset(b);
		if (s->f == TL_JSONL) {
			buf_addstr(b, "{\"datetime\":\"");
			buf_add(b, when.data, when.len);
			buf_addstr(b, "\",\"timestamp_desc\":");
			escape_json(b, desc.data, desc.len);
			json_kv_str(b, "message", msg.data, msg.len);
			buf_addf(b, ",\"source\":\"%s\"", kind_name(e->kind));
			if (e->kind == TL_FILE) {
				buf_addf(b, ",\"macb\":\"%s\"", macb);
				json_kv_str(b, "path", s->name.data, s->name.len);
				buf_addstr(b, ",\"inode\":");
				if (e->inode_str)
					escape_json(b, e->inode_str, strlen(e->inode_str));
				else
					buf_addu(b, e->inode);
				json_kv_str(b, "mode", mode, strlen(mode));
				if (e->uid >= 0)
					buf_addf(b, ",\"uid\":%lld", e->uid);
				if (e->gid >= 0)
					buf_addf(b, ",\"gid\":%lld", e->gid);
				if (!e->size_str)
					buf_addf(b, ",\"size\":%llu", e->size);
				if (e->deleted)
					buf_addstr(b, ",\"deleted\":true");
				if (e->sha256)
					buf_addf(b, ",\"sha256\":\"%s\"", e->sha256);
			}
			if (e->pid)
				buf_addf(b, ",\"pid\":%d", (int)e->pid);
			if (e->kind != TL_FILE && e->uid >= 0)
				buf_addf(b, ",\"uid\":%lld", e->uid);
			if (e->source) {
				buf_reset(&desc);
				escape_str(&desc, e->source);
				json_kv_str(b, "log_file", desc.data, desc.len);
				buf_addf(b, ",\"log_line\":%lu", e->line);
			}
			if (e->json) {
				buf_addc(b, ',');
				buf_addstr(b, e->json);
			}
			buf_addstr(b, "}\n");
		} else {
			buf_add(b, when.data, when.len);
			buf_addc(b, ',');
			csv_field(b, desc.data, desc.len);
			buf_addc(b, ',');
			csv_field(b, msg.data, msg.len);
			buf_addf(b, ",%s,", kind_name(e->kind));
			if (e->kind == TL_FILE) {
				buf_addf(b, "%s,", macb);
				csv_field(b, s->name.data, s->name.len);
				buf_addc(b, ',');
				add_num_or(b, e->inode_str, (long long)e->inode);
				buf_addc(b, ',');
				buf_addstr(b, mode);
			} else
				buf_addstr(b, ",,,");
			buf_addc(b, ',');
			if (e->uid >= 0)
				buf_addf(b, "%lld", e->uid);
			buf_addc(b, ',');
			if (e->gid >= 0)
				buf_addf(b, "%lld", e->gid);
			buf_addc(b, ',');
			if (e->kind == TL_FILE)
				add_num_or(b, e->size_str, (long long)e->size);
			buf_addc(b, ',');
			if (e->pid) {
				snprintf(num, sizeof(num), "%d", (int)e->pid);
				buf_addstr(b, num);
			}
			buf_addc(b, ',');
			if (e->source) {
				buf_reset(&desc);
				escape_str(&desc, e->source);
				csv_field(b, desc.data, desc.len);
				buf_addf(b, ",%lu", e->line);
			} else
				buf_addc(b, ',');
			buf_addc(b, '\n');
		}
		buf_release(&desc);
		buf_release(&msg);
		buf_release(&when);
		rc = xsort_add(s->xs, key, time_key(key, t), b->data, b->len);
		if (rc)
			return rc;
	}
	return 0;
}

int tl_sink_add(struct tl_sink *s, const struct tl_event *e)
{
	int rc;

	if (s->err)
		return s->err;
	switch (s->f) {
	case TL_BODY:
		write_body(s, e);
		return flush(s, 0);
	case TL_MACTIME:
		rc = add_mactime(s, e);
		break;
	default:
		rc = add_record(s, e);
		break;
	}
	if (rc)
		s->err = rc;
	return rc;
}

static void mactime_emit(struct tl_sink *s)
{
	const char *k = s->mkey.data, *v = s->mval.data;
	const char *c1 = memchr(k, ',', s->mkey.len);
	const char *c2 = c1 ? memchr(c1 + 1, ',', s->mkey.len - (size_t)(c1 + 1 - k)) : NULL;
	const char *f[4];
	size_t vl = s->mval.len, at = 0;
	long long sec;
	char mac[5];

	if (!c2)
		return;
	for (int i = 0; i < 4; i++) {
		f[i] = v + at;
		const char *z = memchr(v + at, 0, vl - at);
		at = z ? (size_t)(z - v) + 1 : vl;
	}
	sec = strtoll(k, NULL, 10);
	struct buf *b = &s->out;
	if (sec == 0)
		buf_addstr(b, "0000-00-00T00:00:00Z");
	else if (s->local) {
		struct tm tm;
		time_t t = (time_t)sec;
		char d[40];
		if (localtime_r(&t, &tm) && strftime(d, sizeof(d), "%Y-%m-%dT%H:%M:%S%z", &tm)) {
			size_t l = strlen(d);
			/* +0100 -> +01:00, as RFC 3339 writes it */
			buf_add(b, d, l - 2);
			buf_addc(b, ':');
			buf_add(b, d + l - 2, 2);
		} else
			buf_addf(b, "@%lld", sec);
	} else if (iso_base(b, sec) == 0)
		buf_addc(b, 'Z');
	for (int i = 0; i < 4; i++)
		mac[i] = (s->mflags & (1u << i)) ? macb_chars[i] : '.';
	mac[4] = 0;
	buf_addc(b, ',');
	buf_addstr(b, f[0]);
	buf_addc(b, ',');
	buf_addstr(b, mac);
	buf_addc(b, ',');
	buf_addstr(b, f[1]);
	buf_addc(b, ',');
	buf_addstr(b, f[2]);
	buf_addc(b, ',');
	buf_addstr(b, f[3]);
	buf_addc(b, ',');
	buf_add(b, c1 + 1, (size_t)(c2 - c1 - 1));
	buf_add(b, ",\"", 2);
	for (const char *p = c2 + 1, *end = k + s->mkey.len; p < end;) {
		const char *q = memchr(p, '"', (size_t)(end - p));
		size_t run = q ? (size_t)(q + 1 - p) : (size_t)(end - p);
		buf_add(b, p, run);
		if (q)
			buf_addc(b, '"');
		p += run;
	}
	buf_add(b, "\"\n", 2);
	s->count++;
}

static int mactime_each(const void *key, size_t klen, const void *val, size_t vlen, void *ctx)
{
	struct tl_sink *s = ctx;
	const char *v = val;

	if (s->mhave && klen == s->mkey.len && !memcmp(key, s->mkey.data, klen)) {
		s->mflags |= (unsigned char)v[0];
		buf_reset(&s->mval);
		buf_add(&s->mval, v + 1, vlen - 1);
		return 0;
	}
	if (s->mhave)
		mactime_emit(s);
	buf_reset(&s->mkey);
	buf_add(&s->mkey, key, klen);
	buf_reset(&s->mval);
	buf_add(&s->mval, v + 1, vlen - 1);
	s->mflags = (unsigned char)v[0];
	s->mhave = 1;
	return flush(s, 0);
}

static int record_each(const void *key, size_t klen, const void *val, size_t vlen, void *ctx)
{
	struct tl_sink *s = ctx;

	buf_add(&s->out, val, vlen);
	s->count++;
	return flush(s, 0);
}

int tl_sink_finish(struct tl_sink *s)
{
	int rc = s->err;

	if (!rc && s->xs) {
		rc = xsort_each(s->xs, s->f == TL_MACTIME ? mactime_each : record_each, s);
		if (!rc && s->f == TL_MACTIME && s->mhave)
			mactime_emit(s);
	}
	if (!rc)
		rc = flush(s, 1);
	s->err = rc;
	return rc;
}

/* Perl's number of a string, truncated as mactime's %.10d does */
static long long perl_int(const char *s, long *nsec)
{
	long long v = 0;
	int neg = 0;
	long ns = 0, scale = 100000000;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	while (*s >= '0' && *s <= '9') {
		if (v < 100000000000000000LL)
			v = v * 10 + (*s - '0');
		s++;
	}
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++, scale /= 10)
			ns += (*s - '0') * scale;
	*nsec = neg ? 0 : ns;
	return neg ? -v : v;
}

static int has_digit(const char *s, int dash)
{
	for (; *s; s++)
		if ((*s >= '0' && *s <= '9') || (dash && *s == '-'))
			return 1;
	return 0;
}

int tl_body_parse(const char *line, size_t n, struct buf *scratch, struct tl_event *e)
{
	size_t off[12], len[12], nf = 0, start = 0;

	memset(e, 0, sizeof(*e));
	if (!n || line[0] == '#')
		return 0;
	size_t ws = 0;
	while (ws < n && (line[ws] == ' ' || line[ws] == '\t' || line[ws] == '\r' ||
			  line[ws] == '\f' || line[ws] == '\v'))
		ws++;
	if (ws == n)
		return 0;
	for (size_t i = 0; i <= n && nf < 12; i++)
		if (i == n || line[i] == '|') {
			off[nf] = start;
			len[nf] = i - start;
			nf++;
			start = i + 1;
		}
	/* perl's split drops trailing empty fields */
	while (nf && !len[nf - 1])
		nf--;
	if (nf < 11)
		return 0;
	/* every field decoded (%XX) into scratch, NUL-terminated */
	size_t at[11];
	buf_reset(scratch);
	buf_grow(scratch, n + 11);
	char *d = scratch->data;
	size_t w = 0;
	for (size_t f = 0; f < 11; f++) {
		const char *p = line + off[f];
		at[f] = w;
		for (size_t i = 0; i < len[f]; i++) {
			int h, l;
			if (p[i] == '%' && i + 2 < len[f] && (h = hex_value(p[i + 1])) >= 0 &&
			    (l = hex_value(p[i + 2])) >= 0) {
				d[w++] = (char)(h * 16 + l);
				i += 2;
			} else
				d[w++] = p[i];
		}
		d[w++] = 0;
	}
	buf_setlen(scratch, w);
	const char *F[11];
	for (int f = 0; f < 11; f++)
		F[f] = scratch->data + at[f];
	if (!has_digit(F[2], 1) || !has_digit(F[4], 0) || !has_digit(F[5], 0) ||
	    !has_digit(F[6], 0) || !has_digit(F[7], 0) || !has_digit(F[8], 0) ||
	    !has_digit(F[9], 0) || !has_digit(F[10], 0))
		return 0;
	e->kind = TL_FILE;
	e->name = F[1];
	e->name_len = at[2] - at[1] - 1;
	e->name_is_text = 1;
	e->inode_str = F[2];
	e->mode_str = F[3];
	e->uid_str = F[4];
	e->gid_str = F[5];
	e->size_str = F[6];
	e->uid = e->gid = -1;
	static const int col[4] = { 8, 7, 9, 10 }; /* m a c b */
	int any = 0;
	for (int i = 0; i < 4; i++) {
		e->t[i].sec = perl_int(F[col[i]], &e->t[i].nsec);
		e->t[i].set = 1;
		any |= e->t[i].sec != 0;
	}
	return any;
}
