#include "lib/timeline/logs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/noatime.h"
#include "util/escape.h"
#include "util/xalloc.h"

static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

static int num(const char *s, size_t n, int *v)
{
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

static long long mk(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return (long long)timegm(&tm);
}

/* "2024-06-01T12:34:56[.ffffff](Z|+HH:MM)": length used, or 0 */
static size_t rfc3339(const char *s, size_t n, struct tl_time *t)
{
	int y, mo, d, h, mi, se, oh, om;
	size_t i = 19;
	long nsec = 0, scale = 100000000;

	if (n < 20 || num(s, 4, &y) || s[4] != '-' || num(s + 5, 2, &mo) || s[7] != '-' ||
	    num(s + 8, 2, &d) || s[10] != 'T' || num(s + 11, 2, &h) || s[13] != ':' ||
	    num(s + 14, 2, &mi) || s[16] != ':' || num(s + 17, 2, &se))
		return 0;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		return 0;
	if (s[i] == '.') {
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, scale /= 10)
			nsec += (s[i] - '0') * scale;
	}
	t->sec = mk(y, mo, d, h, mi, se);
	t->nsec = nsec;
	t->set = 1;
	if (i < n && s[i] == 'Z')
		return i + 1;
	/* +HH:MM (rsyslog), +HHMM (journalctl -o short-iso-precise) */
	if (i + 5 <= n && (s[i] == '+' || s[i] == '-') && !num(s + i + 1, 2, &oh)) {
		int colon = s[i + 3] == ':';
		if (i + 5 + colon <= n && !num(s + i + 3 + colon, 2, &om) && oh < 24 && om < 60) {
			long long off = oh * 3600LL + om * 60LL;
			t->sec += s[i] == '+' ? -off : off;
			return i + 5 + colon;
		}
	}
	return 0;
}

/* "Feb 13 23:05:34": 15, or 0 */
static size_t traditional(const char *s, size_t n, int year, long long not_after, struct tl_time *t)
{
	int d, h, mi, se, mo = -1;

	if (n < 15 || s[3] != ' ' || s[6] != ' ' || s[9] != ':' || s[12] != ':')
		return 0;
	for (int i = 0; i < 12; i++)
		if (!memcmp(s, months + 3 * i, 3))
			mo = i + 1;
	if (mo < 0 || num(s + 4 + (s[4] == ' '), s[4] == ' ' ? 1 : 2, &d) || num(s + 7, 2, &h) ||
	    num(s + 10, 2, &mi) || num(s + 13, 2, &se) || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    se > 60)
		return 0;
	t->sec = mk(year, mo, d, h, mi, se);
	/* a date after the file's last change belongs to the year before */
	if (not_after && t->sec > not_after + 86400)
		t->sec = mk(year - 1, mo, d, h, mi, se);
	t->nsec = 0;
	t->set = 1;
	return 15;
}

int tl_syslog_parse(const char *s, size_t n, int year, long long not_after, struct tl_syslog *o)
{
	size_t i, j;

	memset(o, 0, sizeof(*o));
	o->pid = -1;
	if ((i = rfc3339(s, n, &o->when)))
		o->year_known = 1;
	else if (!(i = traditional(s, n, year, not_after, &o->when)))
		return -1;
	if (i >= n || s[i] != ' ')
		return -1;
	i++;
	/* HOST PROG[PID]: MSG; a first word ending in ':' is a tag (no host) */
	j = i;
	while (j < n && s[j] != ' ')
		j++;
	if (j == i || s[j - 1] != ':') {
		o->host = s + i;
		o->host_len = j - i;
		i = j < n ? j + 1 : n;
		j = i;
		while (j < n && s[j] != ' ')
			j++;
	}
	if (j > i && s[j - 1] == ':') {
		size_t end = j - 1, lb;
		o->prog = s + i;
		o->prog_len = end - i;
		if (end > i && s[end - 1] == ']') {
			for (lb = end - 1; lb > i && s[lb] != '['; lb--)
				;
			if (s[lb] == '[' && lb + 1 < end - 1) {
				int ok = 1;
				long p = 0;
				for (size_t k = lb + 1; k < end - 1 && ok; k++) {
					ok = s[k] >= '0' && s[k] <= '9';
					if (ok && p < 100000000)
						p = p * 10 + (s[k] - '0');
				}
				if (ok) {
					o->pid = p;
					o->prog_len = lb - i;
				}
			}
		}
		i = j < n ? j + 1 : n;
	}
	o->msg = s + i;
	o->msg_len = n - i;
	return 0;
}

/* find `word` in [s, s+n); pointer after it, or NULL */
static const char *after(const char *s, size_t n, const char *word)
{
	size_t w = strlen(word);

	for (size_t i = 0; i + w <= n; i++)
		if (!memcmp(s + i, word, w))
			return s + i + w;
	return NULL;
}

static size_t wordlen(const char *p, const char *end)
{
	size_t k = 0;
	while (p + k < end && p[k] != ' ' && p[k] != ',' && p[k] != ';')
		k++;
	return k;
}

static int starts(const char *s, size_t n, const char *w)
{
	size_t l = strlen(w);
	return n >= l && !memcmp(s, w, l);
}

int tl_conn_parse(const struct tl_syslog *l, struct tl_conn *c)
{
	const char *m = l->msg, *end = l->msg + l->msg_len, *p;
	size_t n = l->msg_len;

	memset(c, 0, sizeof(*c));
	c->service = l->prog;
	c->service_len = l->prog_len;
	/* TCP Wrapper: "connect from [USER@]HOST", "refused connect from HOST" */
	if (starts(m, n, "connect from ") || starts(m, n, "refused connect from ")) {
		c->kind = TL_CONN_TCPD;
		c->refused = m[0] == 'r';
		p = m + (c->refused ? 21 : 13);
		size_t k = wordlen(p, end);
		const char *at = memchr(p, '@', k);
		if (at) {
			c->ruser = p;
			c->ruser_len = (size_t)(at - p);
			c->from = at + 1;
			c->from_len = k - (size_t)(at + 1 - p);
		} else {
			c->from = p;
			c->from_len = k;
		}
		/* "refused connect from host (ip)" etc: the first word is enough */
		return c->from_len > 0;
	}
	/* xinetd: "START: finger pid=601 from=192.0.2.99", "FAIL: finger ... from=..." */
	if ((starts(m, n, "START: ") || starts(m, n, "FAIL: ")) && (p = after(m, n, "from="))) {
		c->kind = TL_CONN_INETD;
		c->refused = m[0] == 'F';
		c->service = m + (c->refused ? 6 : 7);
		c->service_len = wordlen(c->service, end);
		c->from = p;
		c->from_len = wordlen(p, end);
		/* IPv4 in IPv6 as xinetd writes it: ::ffff:192.0.2.99 */
		if (c->from_len > 7 && !memcmp(c->from, "::ffff:", 7) &&
		    memchr(c->from + 7, '.', c->from_len - 7)) {
			c->from += 7;
			c->from_len -= 7;
		}
		return c->from_len > 0;
	}
	if (!l->prog || l->prog_len != 4 || memcmp(l->prog, "sshd", 4))
		return 0;
	/* "Connection from ADDR port P on LADDR port Q" */
	if (starts(m, n, "Connection from ")) {
		c->kind = TL_CONN_SSH_FROM;
		c->service = "sshd";
		c->service_len = 4;
		p = m + 16;
		c->from = p;
		c->from_len = wordlen(p, end);
		if ((p = after(m, n, " on ")) && p < end) {
			c->laddr = p;
			c->laddr_len = wordlen(p, end);
		}
		return c->from_len > 0;
	}
	/* "Accepted METHOD for USER from ADDR port P ssh2" */
	if (starts(m, n, "Accepted ") || starts(m, n, "Failed ")) {
		int ok = m[0] == 'A';
		const char *f = after(m, n, " for "), *fr;
		if (!f)
			return 0;
		if (starts(f, (size_t)(end - f), "invalid user "))
			f += 13;
		fr = after(f, (size_t)(end - f), " from ");
		if (!fr)
			return 0;
		c->kind = ok ? TL_CONN_SSH_ACCEPT : TL_CONN_SSH_FAIL;
		c->refused = !ok;
		c->service = "sshd";
		c->service_len = 4;
		c->luser = f;
		c->luser_len = (size_t)(fr - 6 - f);
		c->from = fr;
		c->from_len = wordlen(fr, end);
		return c->from_len > 0;
	}
	return 0;
}

/* ,"key":"escaped" */
static void jfield(struct buf *j, const char *key, const char *s, size_t n)
{
	struct buf t = BUF_INIT;

	escape_bytes(&t, s, n);
	buf_addf(j, "%s\"%s\":", j->len ? "," : "", key);
	escape_json(j, t.data, t.len);
	buf_release(&t);
}

static const char *field_after(const char *m, size_t n, const char *key, size_t *len)
{
	const char *p = after(m, n, key);
	if (!p)
		return NULL;
	*len = wordlen(p, m + n);
	return p;
}

/* what a line means: a timestamp_desc and typed fields, or NULL */
static const char *classify(const struct tl_syslog *l, struct buf *json)
{
	const char *m = l->msg, *p;
	size_t n = l->msg_len, k;
	struct tl_conn c;
	const char *prog = l->prog ? l->prog : "";
	size_t pl = l->prog ? l->prog_len : 0;

	if (tl_conn_parse(l, &c)) {
		if (c.ruser)
			jfield(json, "remote_user", c.ruser, c.ruser_len);
		if (c.luser)
			jfield(json, "user", c.luser, c.luser_len);
		jfield(json, "from", c.from, c.from_len);
		switch (c.kind) {
		case TL_CONN_TCPD:
			jfield(json, "event", c.refused ? "connection_refused" : "connection",
			       c.refused ? 18 : 10);
			return c.refused ? "Connection Refused (TCP Wrapper)"
					 : "Connection (TCP Wrapper)";
		case TL_CONN_INETD:
			jfield(json, "service", c.service, c.service_len);
			jfield(json, "event", c.refused ? "connection_refused" : "connection",
			       c.refused ? 18 : 10);
			return c.refused ? "Connection Refused (inetd)" : "Connection (inetd)";
		case TL_CONN_SSH_FROM:
			jfield(json, "event", "connection", 10);
			return "Connection (sshd)";
		case TL_CONN_SSH_ACCEPT:
			jfield(json, "event", "login_accepted", 14);
			return "Login Accepted";
		default:
			jfield(json, "event", "login_refused", 13);
			return "Login Refused";
		}
	}
	if (pl == 4 && !memcmp(prog, "sshd", 4) && (p = field_after(m, n, "Invalid user ", &k))) {
		jfield(json, "user", p, k);
		if ((p = field_after(m, n, " from ", &k)))
			jfield(json, "from", p, k);
		jfield(json, "event", "login_refused", 13);
		return "Login Refused";
	}
	/* su (util-linux): "(to root) alice on pts/0", "FAILED SU (to root) alice on pts/0" */
	if (pl == 2 && !memcmp(prog, "su", 2) && (p = field_after(m, n, "(to ", &k))) {
		int failed = starts(m, n, "FAILED");
		if (k && p[k - 1] == ')')
			k--;
		jfield(json, "user", p, k);
		const char *by = p + k + 2;
		if (by < m + n)
			jfield(json, "by", by, wordlen(by, m + n));
		jfield(json, "event", failed ? "su_failed" : "su", failed ? 9 : 2);
		return failed ? "su Refused" : "su";
	}
	/* sudo: "  alice : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/id" */
	if (pl == 4 && !memcmp(prog, "sudo", 4) && (p = field_after(m, n, "COMMAND=", &k))) {
		const char *w = m;
		while (w < m + n && *w == ' ')
			w++;
		jfield(json, "by", w, wordlen(w, m + n));
		if ((p = field_after(m, n, "USER=", &k)))
			jfield(json, "user", p, k);
		p = after(m, n, "COMMAND=");
		jfield(json, "command", p, (size_t)(m + n - p));
		int failed = after(m, n, "incorrect password") || after(m, n, "NOT in sudoers");
		jfield(json, "event", failed ? "sudo_refused" : "sudo", failed ? 12 : 4);
		return failed ? "sudo Refused" : "sudo";
	}
	/* login(1) and PAM */
	if (starts(m, n, "FAILED LOGIN")) {
		if ((p = field_after(m, n, "FOR '", &k)))
			jfield(json, "user", p, k && p[k - 1] == ',' ? k - 1 : k);
		jfield(json, "event", "login_refused", 13);
		return "Login Refused";
	}
	if (pl == 5 && !memcmp(prog, "login", 5) && starts(m, n, "ROOT LOGIN")) {
		jfield(json, "user", "root", 4);
		jfield(json, "event", "login_accepted", 14);
		return "Login Accepted";
	}
	/* shadow: useradd, groupadd, userdel, groupdel */
	if ((p = field_after(m, n, "new user: name=", &k))) {
		jfield(json, "user", p, k);
		jfield(json, "event", "user_added", 10);
		return "User Added";
	}
	if ((p = field_after(m, n, "new group: name=", &k))) {
		jfield(json, "group", p, k);
		jfield(json, "event", "group_added", 11);
		return "Group Added";
	}
	if ((p = field_after(m, n, "delete user '", &k))) {
		jfield(json, "user", p, k && p[k - 1] == '\'' ? k - 1 : k);
		jfield(json, "event", "user_deleted", 12);
		return "User Deleted";
	}
	if ((p = field_after(m, n, "removed group '", &k))) {
		jfield(json, "group", p, k && p[k - 1] == '\'' ? k - 1 : k);
		jfield(json, "event", "group_deleted", 13);
		return "Group Deleted";
	}
	if (starts(m, n, "password changed for ")) {
		jfield(json, "user", m + 21, wordlen(m + 21, m + n));
		jfield(json, "event", "password_changed", 16);
		return "Password Changed";
	}
	return NULL;
}

int tl_log_text_line(struct tl_text_state *st, const char *s, size_t n, unsigned long lineno)
{
	struct tl_syslog l;
	struct tl_event e;
	const char *desc;

	if (tl_syslog_parse(s, n, st->year, st->not_after, &l))
		return 0;
	buf_reset(&st->json);
	if (!(desc = classify(&l, &st->json)))
		return 0;
	if (l.host)
		jfield(&st->json, "host", l.host, l.host_len);
	if (l.prog)
		jfield(&st->json, "program", l.prog, l.prog_len);
	if (!l.year_known)
		buf_addstr(&st->json, ",\"year_guessed\":true");
	buf_reset(&st->msg);
	/* the message is the line without its timestamp */
	const char *rest = l.host ? l.host : l.prog ? l.prog : l.msg;
	buf_add(&st->msg, rest, (size_t)(s + n - rest));
	memset(&e, 0, sizeof(e));
	e.kind = TL_LOG;
	e.t[TL_M] = l.when;
	e.name = st->msg.data;
	e.name_len = st->msg.len;
	e.desc = desc;
	e.pid = l.pid > 0 && l.pid < 1 << 30 ? (pid_t)l.pid : 0;
	e.uid = e.gid = -1;
	e.source = st->source;
	e.line = lineno;
	e.json = st->json.data;
	return st->emit(&e, st->ctx);
}

/* glibc's struct utmp on Linux (x86-64, aarch64): 384 bytes */
enum {
	UT_TYPE = 0,
	UT_PID = 4,
	UT_LINE = 8,
	UT_ID = 40,
	UT_USER = 44,
	UT_HOST = 76,
	UT_EXIT = 332,
	UT_SESSION = 336,
	UT_SEC = 340,
	UT_USEC = 344,
	UT_ADDR = 348
};

static size_t cstrlen(const unsigned char *p, size_t max)
{
	size_t k = 0;
	while (k < max && p[k])
		k++;
	return k;
}

static int32_t rd32(const unsigned char *p)
{
	uint32_t v =
	    (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	return (int32_t)v;
}

int tl_log_utmp_record(const char *source, const unsigned char *r, int btmp, unsigned long recno,
		       tl_emit_fn emit, void *ctx)
{
	int type = (int)(r[0] | r[1] << 8);
	struct buf msg = BUF_INIT, json = BUF_INIT;
	struct tl_event e;
	const char *desc, *ev;
	size_t ul = cstrlen(r + UT_USER, 32), ll = cstrlen(r + UT_LINE, 32),
	       hl = cstrlen(r + UT_HOST, 256);
	int32_t sec = rd32(r + UT_SEC), usec = rd32(r + UT_USEC);
	int rc;

	switch (type) {
	case 2:
		desc = "Boot (wtmp)";
		ev = "boot";
		break;
	case 1:
		desc = ul && r[UT_USER] == 's' ? "Shutdown (wtmp)" : "Run Level (wtmp)";
		ev = "runlevel";
		break;
	case 6:
		desc = "Login Refused";
		ev = "login_refused";
		break;
	case 7:
		desc = btmp ? "Login Refused" : "Login Accepted";
		ev = btmp ? "login_refused" : "login_accepted";
		break;
	case 8:
		desc = "Logout";
		ev = "logout";
		break;
	default:
		return 0;
	}
	if (type == 6 && !btmp)
		return 0; /* getty waiting for a login: not an event */
	if (usec < 0 || usec > 999999)
		usec = 0;
	buf_addf(&msg, "%s ", ev);
	buf_add(&msg, r + UT_USER, ul);
	buf_addstr(&msg, " on ");
	buf_add(&msg, r + UT_LINE, ll);
	if (hl) {
		buf_addstr(&msg, " from ");
		buf_add(&msg, r + UT_HOST, hl);
	}
	buf_addf(&json, "\"event\":\"%s\"", ev);
	jfield(&json, "user", (const char *)r + UT_USER, ul);
	jfield(&json, "tty", (const char *)r + UT_LINE, ll);
	if (hl)
		jfield(&json, "from", (const char *)r + UT_HOST, hl);
	memset(&e, 0, sizeof(e));
	e.kind = TL_LOG;
	e.t[TL_M].sec = sec;
	e.t[TL_M].nsec = (long)usec * 1000;
	e.t[TL_M].set = 1;
	e.name = msg.data;
	e.name_len = msg.len;
	e.desc = desc;
	int32_t pid = rd32(r + UT_PID);
	e.pid = pid > 0 ? pid : 0;
	e.uid = e.gid = -1;
	e.source = source;
	e.line = recno;
	e.json = json.data;
	rc = emit(&e, ctx);
	buf_release(&msg);
	buf_release(&json);
	return rc;
}

int tl_log_dpkg_line(const char *source, const char *s, size_t n, unsigned long lineno,
		     tl_emit_fn emit, void *ctx)
{
	int y, mo, d, h, mi, se;
	static const char *const acts[] = { "install ", "upgrade ", "remove ", "purge " };
	static const char *const descs[] = { "Package Install", "Package Upgrade", "Package Remove",
					     "Package Purge" };
	struct buf json = BUF_INIT;
	struct tl_event e;
	int rc, a = -1;

	if (n < 21 || num(s, 4, &y) || s[4] != '-' || num(s + 5, 2, &mo) || s[7] != '-' ||
	    num(s + 8, 2, &d) || s[10] != ' ' || num(s + 11, 2, &h) || s[13] != ':' ||
	    num(s + 14, 2, &mi) || s[16] != ':' || num(s + 17, 2, &se) || s[19] != ' ')
		return 0;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		return 0;
	for (int i = 0; i < 4; i++)
		if (starts(s + 20, n - 20, acts[i]))
			a = i;
	if (a < 0)
		return 0;
	const char *p = s + 20 + strlen(acts[a]), *end = s + n;
	size_t k = wordlen(p, end);
	jfield(&json, "event", acts[a], strlen(acts[a]) - 1);
	jfield(&json, "package", p, k);
	p += k;
	while (p < end && *p == ' ')
		p++;
	k = wordlen(p, end);
	jfield(&json, "old_version", p, k);
	p += k;
	while (p < end && *p == ' ')
		p++;
	jfield(&json, "version", p, wordlen(p, end));
	memset(&e, 0, sizeof(e));
	e.kind = TL_LOG;
	e.t[TL_M].sec = mk(y, mo, d, h, mi, se);
	e.t[TL_M].set = 1;
	e.name = s + 20;
	e.name_len = n - 20;
	e.desc = descs[a];
	e.uid = e.gid = -1;
	e.source = source;
	e.line = lineno;
	e.json = json.data;
	rc = emit(&e, ctx);
	buf_release(&json);
	return rc;
}

static int open_log(const char *path)
{
	int fd = noatime_open(AT_FDCWD, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0 && errno == EPERM)
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	return fd < 0 ? -errno : fd;
}

int tl_log_file(const char *path, const char *kind, tl_emit_fn emit, void *ctx)
{
	struct stat st;
	int fd = open_log(path), rc = 0;
	char *buf;
	size_t cap = 1 << 20, have = 0;
	unsigned long no = 0;
	int utmp = !strcmp(kind, "utmp") || !strcmp(kind, "btmp");
	struct tl_text_state ts;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	memset(&ts, 0, sizeof(ts));
	ts.source = path;
	ts.emit = emit;
	ts.ctx = ctx;
	{
		struct tm tm;
		time_t mt = st.st_mtime;
		gmtime_r(&mt, &tm);
		ts.year = tm.tm_year + 1900;
		ts.not_after = (long long)st.st_mtime;
	}
	buf = xmalloc(cap + 1);
	for (;;) {
		ssize_t got = read(fd, buf + have, cap - have);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			break;
		}
		have += (size_t)got;
		size_t at = 0;
		if (utmp) {
			while (!rc && have - at >= TL_UTMP_SIZE) {
				rc = tl_log_utmp_record(path, (unsigned char *)buf + at,
							!strcmp(kind, "btmp"), ++no, emit, ctx);
				at += TL_UTMP_SIZE;
			}
		} else {
			for (;;) {
				char *nl = memchr(buf + at, '\n', have - at);
				size_t len;
				if (!nl) {
					/* the last line, or one longer than the buffer */
					if ((got == 0 || have == cap) && have > at)
						len = have - at;
					else
						break;
				} else
					len = (size_t)(nl - (buf + at));
				no++;
				if (!rc && !strcmp(kind, "dpkg"))
					rc = tl_log_dpkg_line(path, buf + at, len, no, emit, ctx);
				else if (!rc)
					rc = tl_log_text_line(&ts, buf + at, len, no);
				at += len + (nl ? 1 : 0);
				if (rc || at >= have)
					break;
			}
		}
		memmove(buf, buf + at, have - at);
		have -= at;
		if (got == 0 || rc)
			break;
	}
	free(buf);
	buf_release(&ts.msg);
	buf_release(&ts.json);
	close(fd);
	return rc;
}

struct jctx {
	struct tl_text_state ts;
};

static int journal_line(const char *line, size_t len, unsigned long long seq, void *ctx)
{
	struct jctx *j = ctx;
	return tl_log_text_line(&j->ts, line, len, (unsigned long)seq);
}

static int is_journal_name(const char *n)
{
	size_t l = strlen(n);
	return (l > 8 && !strcmp(n + l - 8, ".journal")) ||
	       (l > 9 && !strcmp(n + l - 9, ".journal~"));
}

int tl_logs_journal_dir(const char *dir, tl_emit_fn emit, void *ctx, struct buf *notes,
			unsigned *partial, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct buf p = BUF_INIT;
	int rc = 0;

	if (!d) {
		if (errno != ENOENT) {
			escape_str(notes, dir);
			buf_addf(notes, ": %s\n", strerror(errno));
			(*partial)++;
		}
		return 0;
	}
	/* names first: the callbacks may take long, the directory may change */
	char **names = NULL;
	size_t nn = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		names = xreallocarray(names, nn + 1, sizeof(*names));
		names[nn++] = xstrdup(de->d_name);
	}
	closedir(d);
	for (size_t i = 0; i < nn; i++) {
		struct stat st;
		buf_reset(&p);
		buf_addstr(&p, dir);
		buf_addc(&p, '/');
		buf_addstr(&p, names[i]);
		if (rc || lstat(p.data, &st))
			goto next;
		if (S_ISDIR(st.st_mode) && depth > 0) {
			rc = tl_logs_journal_dir(p.data, emit, ctx, notes, partial, depth - 1);
		} else if (S_ISREG(st.st_mode) && is_journal_name(names[i])) {
			struct jctx j;
			unsigned long comp = 0;
			int r;
			memset(&j, 0, sizeof(j));
			j.ts.source = p.data;
			j.ts.emit = emit;
			j.ts.ctx = ctx;
			r = tl_journal_file(p.data, journal_line, &j, &comp);
			buf_release(&j.ts.msg);
			buf_release(&j.ts.json);
			if (r < 0) {
				escape_str(notes, p.data);
				buf_addf(notes, ": %s\n",
					 r == -EINVAL ? "not a journal file" : strerror(-r));
				(*partial)++;
			} else if (r)
				rc = r;
			if (comp) {
				escape_str(notes, p.data);
				buf_addf(notes, ": %lu compressed field%s not read\n", comp,
					 comp == 1 ? "" : "s");
				(*partial)++;
			}
		}
	next:
		free(names[i]);
	}
	free(names);
	buf_release(&p);
	return rc;
}

int tl_logs(const char *root, tl_emit_fn emit, void *ctx, struct buf *notes, unsigned *partial)
{
	static const struct {
		const char *name, *kind;
	} logs[] = {
		{ "auth.log", "text" }, { "auth.log.1", "text" }, { "secure", "text" },
		{ "secure.1", "text" }, { "syslog", "text" },	  { "syslog.1", "text" },
		{ "messages", "text" }, { "messages.1", "text" }, { "wtmp", "utmp" },
		{ "wtmp.1", "utmp" },	{ "btmp", "btmp" },	  { "btmp.1", "btmp" },
		{ "dpkg.log", "dpkg" }, { "dpkg.log.1", "dpkg" },
	};
	struct buf path = BUF_INIT;
	int rc = 0;
	size_t rl = strlen(root);

	while (rl > 1 && root[rl - 1] == '/')
		rl--;
	for (size_t i = 0; i < sizeof(logs) / sizeof(logs[0]) && !rc; i++) {
		buf_reset(&path);
		if (strcmp(root, "/"))
			buf_add(&path, root, rl);
		buf_addf(&path, "/var/log/%s", logs[i].name);
		rc = tl_log_file(path.data, logs[i].kind, emit, ctx);
		if (rc == -ENOENT)
			rc = 0;
		else if (rc < 0) {
			escape_str(notes, path.data);
			buf_addf(notes, ": %s\n", strerror(-rc));
			(*partial)++;
			rc = 0;
		}
	}
	/* the journal's own files: ROOT/var/log/journal/MACHINE-ID/ *.journal */
	buf_reset(&path);
	if (strcmp(root, "/"))
		buf_add(&path, root, rl);
	buf_addstr(&path, "/var/log/journal");
	if (!rc)
		rc = tl_logs_journal_dir(path.data, emit, ctx, notes, partial, 1);
	buf_release(&path);
	return rc;
}
