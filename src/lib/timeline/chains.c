#include "lib/timeline/chains.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/timeline/logs.h"
#include "util/noatime.h"
#include "util/buf.h"
#include "util/xalloc.h"

void ch_init(struct ch_set *s, long window)
{
	memset(s, 0, sizeof(*s));
	s->window = window;
}

void ch_release(struct ch_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct ch_conn *c = &s->conn[i];
		free(c->to);
		free(c->from);
		free(c->ruser);
		free(c->luser);
		free(c->laddr);
		free(c->service);
		free(c->file);
	}
	free(s->conn);
	for (size_t i = 0; i < s->naddr; i++) {
		free(s->addr[i]);
		free(s->addr_host[i]);
	}
	free(s->addr);
	free(s->addr_host);
	for (size_t i = 0; i < s->nhosts; i++)
		free(s->hosts[i]);
	free(s->hosts);
	for (size_t i = 0; i < s->nchains; i++)
		free(s->chain[i].hop);
	free(s->chain);
	memset(s, 0, sizeof(*s));
}

static char *dup_n(const char *p, size_t n)
{
	return p ? xstrndup(p, n) : NULL;
}

static void add_host(struct ch_set *s, const char *h)
{
	for (size_t i = 0; i < s->nhosts; i++)
		if (!strcmp(s->hosts[i], h))
			return;
	s->hosts = xreallocarray(s->hosts, s->nhosts + 1, sizeof(*s->hosts));
	s->hosts[s->nhosts++] = xstrdup(h);
}

void ch_addr(struct ch_set *s, const char *host, const char *addr)
{
	for (size_t i = 0; i < s->naddr; i++)
		if (!strcmp(s->addr[i], addr))
			return;
	s->addr = xreallocarray(s->addr, s->naddr + 1, sizeof(*s->addr));
	s->addr_host = xreallocarray(s->addr_host, s->naddr + 1, sizeof(*s->addr_host));
	s->addr[s->naddr] = xstrdup(addr);
	s->addr_host[s->naddr++] = xstrdup(host);
}

static struct ch_conn *new_conn(struct ch_set *s)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->conn = xreallocarray(s->conn, s->cap, sizeof(*s->conn));
	}
	memset(&s->conn[s->n], 0, sizeof(s->conn[0]));
	return &s->conn[s->n++];
}

/* sshd's "Server listening on ADDR port P." tells one of its host's addresses */
static void listening(struct ch_set *s, const struct tl_syslog *l, const char *name)
{
	static const char w[] = "Server listening on ";
	const char *a;
	size_t k = 0;

	if (!l->prog || l->prog_len != 4 || memcmp(l->prog, "sshd", 4) ||
	    l->msg_len < sizeof(w) - 1 || memcmp(l->msg, w, sizeof(w) - 1))
		return;
	a = l->msg + sizeof(w) - 1;
	while (a + k < l->msg + l->msg_len && a[k] != ' ')
		k++;
	char *addr = xstrndup(a, k),
	     *host = l->host ? xstrndup(l->host, l->host_len) : xstrdup(name ? name : "?");
	if (strcmp(addr, "0.0.0.0") && strcmp(addr, "::") && k) {
		ch_addr(s, host, addr);
		add_host(s, host);
	}
	free(addr);
	free(host);
}

void ch_add_line(struct ch_set *s, const char *line, size_t n, int year, long long not_after,
		 const char *name, const char *file, unsigned long lineno)
{
	struct tl_syslog l;
	struct tl_conn c;
	struct ch_conn *k = NULL;
	char *host;

	s->lines++;
	if (tl_syslog_parse(line, n, year, not_after, &l)) {
		s->unparsed++;
		return;
	}
	if (!tl_conn_parse(&l, &c)) {
		listening(s, &l, name);
		return;
	}
	host = l.host ? dup_n(l.host, l.host_len) : xstrdup(name ? name : "?");
	add_host(s, host);
	if (c.kind == TL_CONN_SSH_ACCEPT || c.kind == TL_CONN_SSH_FAIL) {
		/* the same sshd process said "Connection from" before */
		for (size_t i = s->n; i-- > 0 && l.pid > 0;) {
			struct ch_conn *p = &s->conn[i];
			if (p->pid == l.pid && !strcmp(p->to, host) && !p->accepted &&
			    !strncmp(p->service, "sshd", 5) && strlen(p->from) == c.from_len &&
			    !memcmp(p->from, c.from, c.from_len)) {
				k = p;
				break;
			}
		}
	}
	if (!k) {
		k = new_conn(s);
		k->when = l.when;
		k->year_known = l.year_known;
		k->to = host;
		host = NULL;
		k->from = dup_n(c.from, c.from_len);
		k->ruser = dup_n(c.ruser, c.ruser_len);
		k->laddr = dup_n(c.laddr, c.laddr_len);
		k->service = dup_n(c.service ? c.service : "?", c.service ? c.service_len : 1);
		k->pid = l.pid;
		k->file = xstrdup(file ? file : "-");
		k->line = lineno;
		k->refused = c.refused;
	}
	free(host);
	if (c.kind == TL_CONN_SSH_ACCEPT) {
		k->accepted = 1;
		k->refused = 0;
		free(k->luser);
		k->luser = dup_n(c.luser, c.luser_len);
	} else if (c.kind == TL_CONN_SSH_FAIL) {
		k->refused = !k->accepted;
		if (!k->luser)
			k->luser = dup_n(c.luser, c.luser_len);
	}
	if (k->laddr)
		ch_addr(s, k->to, k->laddr);
}

/* one entry of `journalctl -o export`, as the syslog line it stands for */
struct jentry {
	struct buf msg, host, ident, pid;
	long long usec;
	int have_time;
};

static void jentry_field(struct jentry *j, const char *k, size_t kl, const char *v, size_t vl)
{
	struct buf *dst = NULL;

	if (kl == 7 && !memcmp(k, "MESSAGE", 7))
		dst = &j->msg;
	else if (kl == 9 && !memcmp(k, "_HOSTNAME", 9))
		dst = &j->host;
	else if (kl == 17 && !memcmp(k, "SYSLOG_IDENTIFIER", 17))
		dst = &j->ident;
	else if ((kl == 4 && !memcmp(k, "_PID", 4)) || (kl == 10 && !memcmp(k, "SYSLOG_PID", 10)))
		dst = &j->pid;
	else if (kl == 20 && !memcmp(k, "__REALTIME_TIMESTAMP", 20)) {
		long long u = 0;
		size_t i;
		for (i = 0; i < vl && v[i] >= '0' && v[i] <= '9' && u < 100000000000000000LL; i++)
			u = u * 10 + (v[i] - '0');
		j->usec = u;
		j->have_time = i == vl && vl > 0;
		return;
	}
	if (dst) {
		buf_reset(dst);
		buf_add(dst, v, vl);
	}
}

static void jentry_flush(struct ch_set *s, struct jentry *j, const char *name, const char *path,
			 unsigned long lineno)
{
	struct buf line = BUF_INIT;

	if (j->have_time && j->msg.len) {
		tl_iso(&line, j->usec / 1000000, (long)(j->usec % 1000000) * 1000);
		/* "...Z" as RFC 3339 with an offset, which the line parser reads */
		buf_setlen(&line, line.len - 1);
		buf_addstr(&line, "+00:00 ");
		if (j->host.len)
			buf_add(&line, j->host.data, j->host.len);
		else
			buf_addstr(&line, name ? name : "?");
		buf_addc(&line, ' ');
		buf_add(&line, j->ident.len ? j->ident.data : "?", j->ident.len ? j->ident.len : 1);
		if (j->pid.len) {
			buf_addc(&line, '[');
			buf_add(&line, j->pid.data, j->pid.len);
			buf_addc(&line, ']');
		}
		buf_addstr(&line, ": ");
		buf_add(&line, j->msg.data, j->msg.len);
		ch_add_line(s, line.data, line.len, 1970, 0, name, path, lineno);
	}
	buf_release(&line);
	buf_reset(&j->msg);
	buf_reset(&j->host);
	buf_reset(&j->ident);
	buf_reset(&j->pid);
	j->have_time = 0;
}

/* journalctl -o export: KEY=VALUE lines, or KEY, a 64-bit little-endian size
 * and binary data; an empty line ends an entry */
void ch_add_export(struct ch_set *s, FILE *f, const char *name, const char *path)
{
	struct jentry j;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long no = 0, entry_line = 1;

	memset(&j, 0, sizeof(j));
	while ((n = getline(&line, &cap, f)) > 0) {
		no++;
		if (line[n - 1] == '\n')
			n--;
		if (n == 0) {
			jentry_flush(s, &j, name, path, entry_line);
			entry_line = no + 1;
			continue;
		}
		char *eq = memchr(line, '=', (size_t)n);
		if (eq) {
			jentry_field(&j, line, (size_t)(eq - line), eq + 1,
				     (size_t)(n - (eq + 1 - line)));
			continue;
		}
		unsigned char sz[8];
		if (fread(sz, 1, 8, f) != 8)
			break;
		unsigned long long len = 0;
		for (int i = 7; i >= 0; i--)
			len = len << 8 | sz[i];
		if (len > (1u << 24))
			break; /* not an export file we can trust further */
		char *v = xmalloc(len + 1);
		if (fread(v, 1, len, f) != len || fgetc(f) != '\n') {
			free(v);
			break;
		}
		jentry_field(&j, line, (size_t)n, v, len);
		free(v);
	}
	jentry_flush(s, &j, name, path, entry_line);
	free(line);
	buf_release(&j.msg);
	buf_release(&j.host);
	buf_release(&j.ident);
	buf_release(&j.pid);
}

struct jline {
	struct ch_set *s;
	const char *name, *path;
};

static int journal_line(const char *line, size_t len, unsigned long long seq, void *ctx)
{
	struct jline *j = ctx;
	ch_add_line(j->s, line, len, 1970, 0, j->name, j->path, (unsigned long)seq);
	return 0;
}

static int add_journal(struct ch_set *s, const char *path, const char *name, int depth)
{
	struct stat st;
	struct jline j = { s, name, path };
	unsigned long comp = 0;

	if (lstat(path, &st))
		return -errno;
	if (S_ISREG(st.st_mode))
		return tl_journal_file(path, journal_line, &j, &comp) < 0 ? -EINVAL : 0;
	if (!S_ISDIR(st.st_mode) || depth < 0)
		return 0;
	DIR *d = opendir(path);
	struct dirent *de;
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (de->d_name[0] == '.')
			continue;
		char *sub = xmalloc(strlen(path) + l + 2);
		memcpy(sub, path, strlen(path));
		sub[strlen(path)] = '/';
		memcpy(sub + strlen(path) + 1, de->d_name, l + 1);
		if (!lstat(sub, &st) &&
		    (S_ISDIR(st.st_mode) || (l > 8 && !strcmp(de->d_name + l - 8, ".journal")) ||
		     (l > 9 && !strcmp(de->d_name + l - 9, ".journal~"))))
			add_journal(s, sub, name, depth - 1);
		free(sub);
	}
	closedir(d);
	return 0;
}

int ch_add_log(struct ch_set *s, const char *path, const char *name)
{
	int fd = noatime_open(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	struct tm tm;
	char *line = NULL, *nm = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long no = 0;
	FILE *f;

	if (fd < 0 && errno == EPERM)
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		int e = -errno;
		close(fd);
		return e;
	}
	if (S_ISDIR(st.st_mode)) {
		/* a host's journal folder: every *.journal in it and below */
		close(fd);
		return add_journal(s, path, name, 2);
	}
	unsigned char magic[8];
	if (pread(fd, magic, 8, 0) == 8 && !memcmp(magic, "LPKSHHRH", 8)) {
		close(fd);
		return add_journal(s, path, name, 0);
	}
	f = fdopen(fd, "r");
	if (!f) {
		int e = -errno;
		close(fd);
		return e;
	}
	if (!name) {
		const char *b = strrchr(path, '/');
		b = b ? b + 1 : path;
		nm = xstrndup(b, strcspn(b, "."));
		name = nm;
	}
	time_t mt = st.st_mtime;
	gmtime_r(&mt, &tm);
	int c = fgetc(f);
	if (c != EOF)
		ungetc(c, f);
	if (c == '_') {
		/* "__CURSOR=" or "__REALTIME_TIMESTAMP=": a journal export */
		ch_add_export(s, f, name, path);
		goto out;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			n--;
		ch_add_line(s, line, (size_t)n, tm.tm_year + 1900, (long long)mt, name, path, ++no);
	}
out:
	free(line);
	free(nm);
	fclose(f);
	return 0;
}

static int is_loopback(const char *a)
{
	return !strcmp(a, "localhost") || !strncmp(a, "127.", 4) || !strcmp(a, "::1") ||
	       !strncmp(a, "localhost.", 10) || !strncmp(a, "::ffff:127.", 11);
}

static const char *resolve(struct ch_set *s, const struct ch_conn *c)
{
	if (is_loopback(c->from))
		return c->to;
	for (size_t i = 0; i < s->naddr; i++)
		if (!strcmp(s->addr[i], c->from))
			return s->addr_host[i];
	for (size_t i = 0; i < s->nhosts; i++) {
		size_t hl = strcspn(s->hosts[i], "."), fl = strcspn(c->from, ".");
		if (!strcmp(s->hosts[i], c->from) ||
		    (hl == fl && !strncmp(s->hosts[i], c->from, hl)))
			return s->hosts[i];
	}
	return c->from;
}

static int tcmp(const struct tl_time *a, const struct tl_time *b)
{
	if (a->sec != b->sec)
		return a->sec < b->sec ? -1 : 1;
	return a->nsec < b->nsec ? -1 : a->nsec > b->nsec;
}

static struct ch_conn *sort_base;
static int by_time(const void *x, const void *y)
{
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	int c = tcmp(&sort_base[i].when, &sort_base[j].when);
	return c ? c : (i < j ? -1 : i > j);
}

static int follows(const struct ch_set *s, const struct ch_conn *a, const struct ch_conn *b)
{
	long long d;

	if (strcmp(b->from_host, a->to))
		return 0;
	d = b->when.sec - a->when.sec;
	if (tcmp(&b->when, &a->when) < 0 || d > s->window)
		return 0;
	if (a->luser && b->ruser && strcmp(a->luser, b->ruser))
		return 0;
	return 1;
}

static int chain_cmp(const void *x, const void *y)
{
	const struct ch_chain *a = x, *b = y;
	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return by_time(&a->hop[0], &b->hop[0]);
}

void ch_link(struct ch_set *s)
{
	size_t n = s->n, *ord = xmallocarray(n ? n : 1, sizeof(size_t));
	size_t *best = xcalloc(n ? n : 1, sizeof(size_t)); /* length from here */
	size_t *next = xcalloc(n ? n : 1, sizeof(size_t));
	char *has_pred = xcalloc(n ? n : 1, 1);

	for (size_t i = 0; i < n; i++) {
		/* from_host points into the set's own strings */
		s->conn[i].from_host = (char *)resolve(s, &s->conn[i]);
		ord[i] = i;
	}
	sort_base = s->conn;
	qsort(ord, n, sizeof(*ord), by_time);
	/* longest path from each connection, latest first: later ones are done */
	for (size_t r = n; r-- > 0;) {
		size_t i = ord[r];
		best[i] = 1;
		next[i] = (size_t)-1;
		for (size_t q = r + 1; q < n; q++) {
			size_t j = ord[q];
			if (s->conn[j].when.sec - s->conn[i].when.sec > s->window)
				break;
			if (!follows(s, &s->conn[i], &s->conn[j]))
				continue;
			has_pred[j] = 1;
			if (best[j] + 1 > best[i]) {
				best[i] = best[j] + 1;
				next[i] = j;
			}
		}
	}
	for (size_t r = 0; r < n; r++) {
		size_t i = ord[r];
		if (has_pred[i] || best[i] < 2)
			continue;
		struct ch_chain c;
		c.n = best[i];
		c.hop = xmallocarray(c.n, sizeof(size_t));
		for (size_t k = 0, j = i; k < c.n; k++, j = next[j])
			c.hop[k] = j;
		s->chain = xreallocarray(s->chain, s->nchains + 1, sizeof(*s->chain));
		s->chain[s->nchains++] = c;
	}
	if (s->nchains)
		qsort(s->chain, s->nchains, sizeof(*s->chain), chain_cmp);
	sort_base = NULL;
	free(ord);
	free(best);
	free(next);
	free(has_pred);
}
