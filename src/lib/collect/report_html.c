#include "lib/collect/report.h"
#include "lib/collect/report_int.h"

#include <stdlib.h>
#include <string.h>
#include <utmp.h>

#include "util/escape.h"
#include "util/xalloc.h"

/* ---- escaping: everything from the case passes here ---- */

/* report_h - bytes as text in HTML: util/escape's rule first, then & < > " ' */
void report_h(struct buf *o, const char *s, size_t n)
{
	struct buf e = BUF_INIT;
	const char *p;

	if (escape_is_clean(s, n)) {
		p = s;
	} else {
		escape_bytes(&e, s, n);
		p = e.data;
		n = e.len;
	}
	for (size_t i = 0; i < n; i++) {
		switch (p[i]) {
		case '&':
			buf_addstr(o, "&amp;");
			break;
		case '<':
			buf_addstr(o, "&lt;");
			break;
		case '>':
			buf_addstr(o, "&gt;");
			break;
		case '"':
			buf_addstr(o, "&quot;");
			break;
		case '\'':
			buf_addstr(o, "&#39;");
			break;
		default:
			buf_addc(o, p[i]);
		}
	}
	buf_release(&e);
}

void report_hs(struct buf *o, const char *s)
{
	if (s)
		report_h(o, s, strlen(s));
}

/* report_t - the same for the terminal: util/escape only */
void report_t(struct buf *o, const char *s)
{
	if (!s)
		return;
	if (escape_is_clean(s, strlen(s)))
		buf_addstr(o, s);
	else
		escape_bytes(o, s, strlen(s));
}

/* a relative link to a file of the case, percent-encoded */
void report_href(struct buf *o, const char *name)
{
	static const char hex[] = "0123456789ABCDEF";
	buf_addstr(o, "<a href=\"");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '/' || *p == '.' || *p == '_' || *p == '-' ||
		    *p == '~')
			buf_addc(o, *p);
		else {
			buf_addc(o, '%');
			buf_addc(o, hex[*p >> 4]);
			buf_addc(o, hex[*p & 15]);
		}
	}
	buf_addstr(o, "\">");
	report_hs(o, name);
	buf_addstr(o, "</a>");
}

/* ---- sections ---- */

struct proc {
	long long pid, ppid;
	int flagged;
	char *line; /* HTML */
};

struct procs {
	struct proc *v;
	size_t n;
	struct rep *r;
};

static void proc_entry(const struct jv *v, void *arg)
{
	struct procs *ps = arg;
	const struct jv *flags = jv_get(v, "flags");
	struct buf l = BUF_INIT;
	const char *comm = jv_str(v, "comm", NULL), *cmd = jv_str(v, "cmdline", NULL);
	const char *user = jv_str(v, "user", NULL);
	struct proc *p;

	if (ps->n >= 5000)
		return;
	ps->v = xreallocarray(ps->v, ps->n + 1, sizeof(*ps->v));
	p = &ps->v[ps->n++];
	p->pid = jv_int(v, "pid", -1);
	p->ppid = jv_int(v, "ppid", -1);
	p->flagged = flags && flags->type == JV_ARR && flags->len;
	buf_addf(&l, "<span class=%s>%lld</span> ", p->flagged ? "bad" : "pid", p->pid);
	report_hs(&l, user);
	buf_addstr(&l, " <b>");
	report_hs(&l, comm);
	buf_addstr(&l, "</b> <small>");
	if (cmd)
		report_h(&l, cmd, strlen(cmd) > 200 ? 200 : strlen(cmd));
	buf_addstr(&l, "</small>");
	if (p->flagged) {
		buf_addstr(&l, " <b class=bad>");
		for (size_t i = 0; i < flags->len; i++)
			if (flags->items[i]->type == JV_STR) {
				report_hs(&l, flags->items[i]->str);
				buf_addc(&l, ' ');
			}
		buf_addstr(&l, "</b>");
	}
	p->line = buf_detach(&l, NULL);
}

static void tree(struct buf *o, struct procs *ps, long long parent, int depth, size_t *shown)
{
	int open = 0;
	if (depth > 64)
		return;
	for (size_t i = 0; i < ps->n && *shown < MAX_ROWS; i++) {
		if (ps->v[i].ppid != parent || ps->v[i].pid == parent || !ps->v[i].line)
			continue;
		if (!open) {
			buf_addstr(o, "<ul>\n");
			open = 1;
		}
		buf_addstr(o, "<li>");
		buf_addstr(o, ps->v[i].line);
		(*shown)++;
		free(ps->v[i].line);
		ps->v[i].line = NULL; /* shown once, whatever a loop in ppid says */
		tree(o, ps, ps->v[i].pid, depth + 1, shown);
		buf_addstr(o, "</li>\n");
	}
	if (open)
		buf_addstr(o, "</ul>\n");
}

void report_section_processes(struct rep *r, struct buf *o)
{
	struct buf b = BUF_INIT;
	struct procs ps = { NULL, 0, r };
	const char *state;
	size_t shown = 0;

	buf_addstr(o, "<h2 id=processes>Process tree</h2>\n");
	if (report_case_read(r, "live/ps.jsonl", &b, &state)) {
		buf_addstr(o, "<p class=bad>no process list in this case</p>\n");
		buf_release(&b);
		return;
	}
	buf_addstr(o, "<p>from ");
	report_evidence_row(r, o, "live/ps.jsonl");
	buf_addstr(o, "</p>\n");
	jsonl_each(b.data, b.len, proc_entry, &ps);
	/* roots: processes whose parent is not in the list */
	for (size_t i = 0; i < ps.n; i++) {
		int has_parent = 0;
		for (size_t k = 0; k < ps.n && !has_parent; k++)
			has_parent = ps.v[k].pid == ps.v[i].ppid && k != i;
		if (!has_parent && ps.v[i].line) {
			buf_addstr(o, "<ul><li>");
			buf_addstr(o, ps.v[i].line);
			free(ps.v[i].line);
			ps.v[i].line = NULL;
			shown++;
			tree(o, &ps, ps.v[i].pid, 1, &shown);
			buf_addstr(o, "</li></ul>\n");
		}
	}
	for (size_t i = 0; i < ps.n; i++)
		if (ps.v[i].line) {
			if (shown++ < MAX_ROWS) {
				buf_addstr(o, "<ul><li>");
				buf_addstr(o, ps.v[i].line);
				buf_addstr(o, "</li></ul>\n");
			}
			free(ps.v[i].line);
		}
	free(ps.v);
	buf_release(&b);
}

struct net {
	struct buf *o;
	size_t rows;
};

static void net_entry(const struct jv *v, void *arg)
{
	struct net *n = arg;
	const char *type = jv_str(v, "type", NULL), *name = jv_str(v, "name", NULL);
	if (!type || !name || (strcmp(type, "IPv4") && strcmp(type, "IPv6")) || n->rows >= MAX_ROWS)
		return;
	n->rows++;
	buf_addf(n->o, "<tr><td>%lld</td><td>", jv_int(v, "pid", -1));
	report_hs(n->o, jv_str(v, "command", NULL));
	buf_addstr(n->o, "</td><td>");
	report_hs(n->o, jv_str(v, "fd", NULL));
	buf_addstr(n->o, "</td><td>");
	report_hs(n->o, type);
	buf_addstr(n->o, "</td><td><code>");
	report_hs(n->o, name);
	buf_addstr(n->o, "</code></td></tr>\n");
}

void report_section_network(struct rep *r, struct buf *o)
{
	struct buf b = BUF_INIT;
	struct net n = { o, 0 };

	buf_addstr(o, "<h2 id=network>Network</h2>\n");
	if (report_case_read(r, "live/lsof.jsonl", &b, NULL)) {
		buf_addstr(o, "<p class=bad>no list of open sockets in this case</p>\n");
		buf_release(&b);
		return;
	}
	buf_addstr(o, "<p>internet sockets, from ");
	report_evidence_row(r, o, "live/lsof.jsonl");
	buf_addstr(o, "</p>\n<table><tr><th>PID</th><th>COMMAND</th><th>FD</th>"
		      "<th>TYPE</th><th>NAME</th></tr>\n");
	jsonl_each(b.data, b.len, net_entry, &n);
	buf_addstr(o, "</table>\n");
	buf_release(&b);
}

size_t report_utmp_each(const void *p, size_t n,
			void (*cb)(const struct report_login *l, void *ctx), void *ctx)
{
	size_t count = 0;
	for (size_t off = 0; off + sizeof(struct utmp) <= n; off += sizeof(struct utmp)) {
		struct utmp u;
		struct report_login l;
		memcpy(&u, (const char *)p + off, sizeof(u));
		memset(&l, 0, sizeof(l));
		l.type = u.ut_type;
		l.pid = u.ut_pid;
		memcpy(l.user, u.ut_user, strnlen(u.ut_user, sizeof(u.ut_user)));
		memcpy(l.line, u.ut_line, strnlen(u.ut_line, sizeof(u.ut_line)));
		memcpy(l.host, u.ut_host, strnlen(u.ut_host, sizeof(u.ut_host)));
		l.when = (long long)u.ut_tv.tv_sec;
		cb(&l, ctx);
		count++;
	}
	return count;
}

struct logins {
	struct rep *r;
	struct buf *o;
	size_t rows;
	int events;
};

static void login_row(const struct report_login *l, void *arg)
{
	struct logins *g = arg;
	if (l->type != USER_PROCESS && l->type != DEAD_PROCESS && l->type != BOOT_TIME)
		return;
	if (g->rows++ >= 500)
		return;
	buf_addstr(g->o, "<tr><td>");
	report_fmt_time(g->o, l->when);
	buf_addstr(g->o, "</td><td>");
	buf_addstr(g->o, l->type == USER_PROCESS ? "login"
			 : l->type == BOOT_TIME	 ? "boot"
						 : "logout");
	buf_addstr(g->o, "</td><td>");
	report_hs(g->o, l->user);
	buf_addstr(g->o, "</td><td>");
	report_hs(g->o, l->line);
	buf_addstr(g->o, "</td><td>");
	report_hs(g->o, l->host);
	buf_addstr(g->o, "</td></tr>\n");
	if (g->events && l->type == USER_PROCESS) {
		struct buf w = BUF_INIT;
		buf_addstr(&w, "login: ");
		report_hs(&w, l->user);
		buf_addstr(&w, " on ");
		report_hs(&w, l->line);
		buf_addstr(&w, " from ");
		report_hs(&w, l->host);
		report_event_add(g->r, l->when, &w);
	}
}

void report_section_users(struct rep *r, struct buf *o)
{
	static const char *const logs[] = { "files/run/utmp", "files/var/log/wtmp",
					    "files/var/log/btmp", NULL };
	static const char *const what[] = { "logged in now (utmp)", "logins (wtmp)",
					    "failed logins (btmp)" };
	int any = 0;

	buf_addstr(o, "<h2 id=users>Users</h2>\n");
	for (size_t i = 0; logs[i]; i++) {
		struct buf b = BUF_INIT;
		struct logins g = { r, o, 0, i == 1 };
		if (report_case_read(r, logs[i], &b, NULL)) {
			buf_release(&b);
			continue;
		}
		any = 1;
		buf_addstr(o, "<h3>");
		buf_addstr(o, what[i]);
		buf_addstr(o, "</h3>\n<p>");
		report_evidence_row(r, o, logs[i]);
		buf_addstr(o, "</p>\n<table><tr><th>TIME</th><th>WHAT</th><th>USER</th>"
			      "<th>LINE</th><th>FROM</th></tr>\n");
		report_utmp_each(b.data, b.len, login_row, &g);
		buf_addstr(o, "</table>\n");
		if (!g.rows)
			buf_addstr(o, "<p>no records</p>\n");
		buf_release(&b);
	}
	/* histories, keys and profiles copied from the homes */
	{
		struct buf rows = BUF_INIT;
		for (size_t i = 0; i < r->man.n; i++) {
			const char *n = r->man.v[i].name;
			if (strncmp(n, "files/", 6) || strncmp(n, "files/etc/", 10) == 0 ||
			    strncmp(n, "files/tmp/", 10) == 0 ||
			    strncmp(n, "files/var/", 10) == 0 ||
			    strncmp(n, "files/dev/", 10) == 0 ||
			    strncmp(n, "files/run/", 10) == 0 || strncmp(n, "files/usr/", 10) == 0)
				continue;
			report_evidence_row(r, &rows, n);
		}
		if (rows.len) {
			any = 1;
			buf_addstr(o,
				   "<h3>shell histories, authorized_keys, profiles</h3>\n<ul>\n");
			buf_add(o, rows.data, rows.len);
			buf_addstr(o, "</ul>\n");
		}
		buf_release(&rows);
	}
	if (!any)
		buf_addstr(o, "<p>no user records in this case</p>\n");
}

void report_timeline_entry(const struct jv *v, void *arg)
{
	struct rep *r = arg;
	const char *dt = jv_str(v, "datetime", NULL), *msg = jv_str(v, "message", NULL);
	const char *desc = jv_str(v, "timestamp_desc", NULL);
	long long when = report_parse_iso(dt);
	struct buf w = BUF_INIT;

	if (!when || !msg)
		return;
	report_hs(&w, desc ? desc : "event");
	buf_addstr(&w, ": ");
	report_hs(&w, msg);
	buf_addstr(&w, " <small>(timeline)</small>");
	report_event_add(r, when, &w);
}

static int cmp_event(const void *a, const void *b)
{
	const struct event *x = a, *y = b;
	return x->when < y->when ? -1 : x->when > y->when;
}

void report_section_timeline(struct rep *r, struct buf *o, long long center)
{
	const long long span = 6 * 3600;
	size_t shown = 0;

	buf_addstr(o, "<h2 id=timeline>Timeline around the findings</h2>\n");
	if (!center) {
		buf_addstr(o, "<p>no finding has a time to center on</p>\n");
		return;
	}
	if (r->ne)
		qsort(r->e, r->ne, sizeof(*r->e), cmp_event);
	buf_addstr(o, "<p>six hours either side of ");
	report_fmt_time(o, center);
	buf_addstr(o, " (the start of the first finding); file times, "
		      "process starts, logins, and the timeline step where it ran.</p>\n"
		      "<table><tr><th>TIME (UTC)</th><th>EVENT</th></tr>\n");
	for (size_t i = 0; i < r->ne && shown < MAX_EVENTS; i++) {
		if (r->e[i].when < center - span || r->e[i].when > center + span)
			continue;
		buf_addstr(o, "<tr><td>");
		report_fmt_time(o, r->e[i].when);
		buf_addstr(o, r->e[i].when == center ? "</td><td class=bad>" : "</td><td>");
		buf_addstr(o, r->e[i].what);
		buf_addstr(o, "</td></tr>\n");
		shown++;
	}
	buf_addstr(o, "</table>\n");
	if (!shown)
		buf_addstr(o, "<p>no events in that window</p>\n");
}

struct steps {
	struct buf *rows, *bars;
	double t0, total;
	int first, n;
};

static void step_bar(const struct jv *v, void *arg)
{
	struct steps *s = arg;
	const char *step = jv_str(v, "step", NULL), *status = jv_str(v, "status", NULL);
	const char *started = jv_str(v, "started", NULL);
	const struct jv *secs = jv_get(v, "seconds");
	double start = 0, dur = secs && secs->type == JV_NUM ? (double)secs->num : 0;
	const char *ms;

	if (!step || !status)
		return;
	if (started) {
		start = (double)report_parse_iso(started);
		ms = strchr(started, '.');
		if (ms)
			start += strtod(ms, NULL);
	}
	buf_addstr(s->rows, "<tr><td>");
	report_hs(s->rows, step);
	buf_addstr(s->rows, strcmp(status, "ok") ? "</td><td class=bad>" : "</td><td>");
	report_hs(s->rows, status);
	buf_addstr(s->rows, "</td><td>");
	report_hs(s->rows, started ? started : "");
	buf_addf(s->rows, "</td><td>%.0f</td><td>", dur);
	report_hs(s->rows, jv_str(v, "detail", NULL));
	buf_addstr(s->rows, "</td></tr>\n");
	if (start > 0) {
		if (s->first) {
			s->t0 = start;
			s->first = 0;
		}
		if (start - s->t0 + dur > s->total)
			s->total = start - s->t0 + dur;
		buf_addf(s->bars,
			 "<rect x=\"%.3f\" y=\"%d\" width=\"%.3f\" height=\"8\" "
			 "class=\"%s\"><title>",
			 start - s->t0, s->n * 10, dur > 0.01 ? dur : 0.01,
			 strcmp(status, "ok") ? "sbad" : "sok");
		report_hs(s->bars, step);
		buf_addstr(s->bars, "</title></rect>\n");
		s->n++;
	}
}

void report_section_steps(struct rep *r, struct buf *o)
{
	struct buf b = BUF_INIT, rows = BUF_INIT, bars = BUF_INIT;
	struct steps s = { &rows, &bars, 0, 0, 1, 0 };

	if (report_case_read(r, "collect.json", &b, NULL)) {
		buf_release(&b);
		return;
	}
	jsonl_each(b.data, b.len, step_bar, &s);
	buf_addstr(o, "<h2 id=steps>Steps</h2>\n");
	if (s.n && s.total > 0) {
		/* one bar per step on a time axis: where the collection spent its time */
		buf_addf(o,
			 "<svg viewBox=\"0 0 %.3f %d\" preserveAspectRatio=\"none\" "
			 "width=\"100%%\" height=\"%d\" role=img>\n",
			 s.total, s.n * 10, s.n * 4 + 10);
		buf_add(o, bars.data, bars.len);
		buf_addstr(o, "</svg>\n");
	}
	buf_addstr(o, "<table><tr><th>STEP</th><th>STATUS</th><th>STARTED</th>"
		      "<th>S</th><th>DETAIL</th></tr>\n");
	buf_add(o, rows.data, rows.len);
	buf_addstr(o, "</table>\n");
	buf_release(&b);
	buf_release(&rows);
	buf_release(&bars);
}

void report_section_files(struct rep *r, struct buf *o)
{
	buf_addstr(o, "<h2 id=files>Evidence files</h2>\n");
	if (!r->sealed) {
		buf_addstr(o, "<p class=bad>no manifest: nothing here is sealed</p>\n");
		return;
	}
	buf_addf(o,
		 "<p>%zu files in manifest.sha256 (check with <code>sha256sum -c "
		 "manifest.sha256</code> in the folder)</p>\n<ul>\n",
		 r->man.n);
	for (size_t i = 0; i < r->man.n && i < MAX_ROWS; i++)
		report_evidence_row(r, o, r->man.v[i].name);
	if (r->man.n > MAX_ROWS)
		buf_addf(o, "<li>and %zu more</li>\n", r->man.n - MAX_ROWS);
	buf_addstr(o, "</ul>\n");
}
