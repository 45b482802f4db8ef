#include "lib/collect/report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <utmp.h>

#include "util/json_read.h"
#include "lib/collect/manifest.h"
#include "util/escape.h"
#include "util/xalloc.h"

#define READ_MAX (64u << 20)
#define MAX_ROWS 2000
#define MAX_EVENTS 300

/* ---- escaping: everything from the case passes here ---- */

/* h - bytes as text in HTML: util/escape's rule first, then & < > " ' */
static void h(struct buf *o, const char *s, size_t n)
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

static void hs(struct buf *o, const char *s)
{
	if (s)
		h(o, s, strlen(s));
}

/* t - the same for the terminal: util/escape only */
static void t(struct buf *o, const char *s)
{
	if (!s)
		return;
	if (escape_is_clean(s, strlen(s)))
		buf_addstr(o, s);
	else
		escape_bytes(o, s, strlen(s));
}

/* a relative link to a file of the case, percent-encoded */
static void href(struct buf *o, const char *name)
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
	hs(o, name);
	buf_addstr(o, "</a>");
}

/* ---- the case ---- */

struct finding {
	int score;
	long long when; /* 0: unknown */
	struct buf title, why, ev, text;
};

struct event {
	long long when;
	char *what; /* HTML, escaped already */
};

struct rep {
	int dirfd;
	struct manifest man;
	int sealed;
	struct finding *f;
	size_t nf;
	struct event *e;
	size_t ne, ce;
	struct buf missing, missing_text;
	unsigned nmissing;
	struct buf hidden_raw; /* hidden.jsonl, for the process findings */
	long long now;
};

/* read a case file; state says what the manifest thinks of it */
static int case_read(struct rep *r, const char *name, struct buf *out, const char **state)
{
	const struct manifest_entry_r *m = manifest_find(&r->man, name);
	int fd = manifest_open_at(r->dirfd, name), rc;

	if (state)
		*state = m ? manifest_state_name(m->state) : "not in the manifest";
	if (fd < 0)
		return fd;
	rc = 0;
	for (;;) {
		ssize_t n;
		if (out->len >= READ_MAX)
			break;
		buf_grow(out, 65536);
		n = read(fd, out->data + out->len,
			 out->cap - out->len - 1 < 65536 ? out->cap - out->len - 1 : 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		if (!n)
			break;
		out->len += (size_t)n;
		out->data[out->len] = '\0';
	}
	close(fd);
	return rc;
}

/* evidence: a link, its SHA-256 from the manifest, and its state */
static void evidence_row(struct rep *r, struct buf *o, const char *name)
{
	const struct manifest_entry_r *m = manifest_find(&r->man, name);

	buf_addstr(o, "<li>");
	href(o, name);
	if (m) {
		buf_addstr(o, " <code class=h>sha256 ");
		buf_add(o, m->hex, 64);
		buf_addstr(o, "</code>");
		if (m->state != MANIFEST_OK) {
			buf_addstr(o, " <b class=bad>");
			hs(o, manifest_state_name(m->state));
			buf_addstr(o, "</b>");
		}
	} else {
		buf_addstr(o, " <b class=bad>not in the manifest</b>");
	}
	buf_addstr(o, "</li>\n");
}

static struct finding *finding_new(struct rep *r, int score)
{
	struct finding *f;
	r->f = xreallocarray(r->f, r->nf + 1, sizeof(*r->f));
	f = &r->f[r->nf++];
	memset(f, 0, sizeof(*f));
	f->score = score;
	buf_init(&f->title, 0);
	buf_init(&f->why, 0);
	buf_init(&f->ev, 0);
	buf_init(&f->text, 0);
	return f;
}

static void event_add(struct rep *r, long long when, struct buf *what)
{
	if (r->ne == r->ce) {
		r->ce = r->ce ? 2 * r->ce : 256;
		r->e = xreallocarray(r->e, r->ce, sizeof(*r->e));
	}
	r->e[r->ne].when = when;
	r->e[r->ne].what = buf_detach(what, NULL);
	r->ne++;
}

static long long parse_iso(const char *s)
{
	struct tm tm;
	const char *end;

	if (!s)
		return 0;
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end)
		return 0;
	return (long long)timegm(&tm);
}

static void fmt_time(struct buf *o, long long when)
{
	char b[32];
	struct tm tm;
	time_t tt = (time_t)when;

	if (!gmtime_r(&tt, &tm) || !strftime(b, sizeof(b), "%Y-%m-%d %H:%M:%SZ", &tm))
		buf_addstr(o, "?");
	else
		buf_addstr(o, b);
}

/* the files of the case below prefix, as evidence rows */
static void evidence_under(struct rep *r, struct buf *o, const char *prefix)
{
	size_t n = strlen(prefix);
	for (size_t i = 0; i < r->man.n; i++)
		if (!strncmp(r->man.v[i].name, prefix, n))
			evidence_row(r, o, r->man.v[i].name);
}

/* ---- findings from the processes ---- */

struct hidden_match {
	long long pid;
	struct buf *why, *text;
};

static void hidden_for_pid(const struct jv *v, void *arg)
{
	struct hidden_match *m = arg;
	const char *kind = jv_str(v, "kind", NULL), *detail;
	if (jv_int(v, "pid", -1) != m->pid || !kind)
		return;
	detail = jv_str(v, "detail", NULL);
	buf_addstr(m->why, "<li><b>");
	hs(m->why, kind);
	buf_addstr(m->why, "</b> (hidden): ");
	hs(m->why, detail ? detail : "");
	buf_addstr(m->why, "</li>\n");
	buf_addstr(m->text, "      ");
	t(m->text, kind);
	buf_addstr(m->text, ": ");
	t(m->text, detail ? detail : "");
	buf_addc(m->text, '\n');
}

static void process_finding(const struct jv *v, void *arg)
{
	struct rep *r = arg;
	const struct jv *flags = jv_get(v, "flags"), *lis = jv_get(v, "listening");
	long long pid = jv_int(v, "pid", -1);
	const char *comm = jv_str(v, "comm", NULL), *exe = jv_str(v, "exe", NULL);
	const char *cmdline = jv_str(v, "cmdline", NULL);
	struct finding *f;
	struct buf prefix = BUF_INIT, ev = BUF_INIT;
	int score = 0;
	char pids[24];

	if (!flags || flags->type != JV_ARR || !flags->len || pid <= 0)
		return;
	f = finding_new(r, 0);
	snprintf(pids, sizeof(pids), "%lld", pid);
	f->when = parse_iso(jv_str(v, "start", NULL));
	buf_addf(&f->title, "process %s: ", pids);
	hs(&f->title, comm ? comm : "?");
	buf_addstr(&f->title, " <small>");
	hs(&f->title, exe ? exe : "");
	buf_addstr(&f->title, "</small>");
	buf_addf(&f->text, "process %s: ", pids);
	t(&f->text, comm ? comm : "?");
	buf_addstr(&f->text, " (");
	t(&f->text, exe ? exe : "");
	buf_addstr(&f->text, ")\n");
	for (size_t i = 0; i < flags->len; i++) {
		const char *fl = flags->items[i]->type == JV_STR ? flags->items[i]->str : "";
		buf_addstr(&f->why, "<li><b>");
		hs(&f->why, fl);
		buf_addstr(&f->why, "</b>: ");
		buf_addstr(&f->text, "      ");
		t(&f->text, fl);
		buf_addstr(&f->text, ": ");
		if (!strcmp(fl, "exe_deleted")) {
			score += 2;
			buf_addstr(&f->why, "its executable was deleted while it runs: ");
			hs(&f->why, exe);
			buf_addstr(&f->text, "its executable was deleted while it runs\n");
		} else if (!strcmp(fl, "name_mismatch")) {
			score += 3;
			buf_addstr(&f->why, "its name lies: it calls itself <q>");
			hs(&f->why, comm);
			buf_addstr(&f->why, "</q> but runs ");
			hs(&f->why, exe);
			buf_addstr(&f->text, "it calls itself ");
			t(&f->text, comm);
			buf_addstr(&f->text, " but runs ");
			t(&f->text, exe);
			buf_addc(&f->text, '\n');
		} else if (!strcmp(fl, "listening")) {
			score += 1;
			buf_addstr(&f->why, "it listens on");
			buf_addstr(&f->text, "it listens on");
			for (size_t k = 0; lis && lis->type == JV_ARR && k < lis->len; k++)
				if (lis->items[k]->type == JV_STR) {
					buf_addstr(&f->why, " <code>");
					hs(&f->why, lis->items[k]->str);
					buf_addstr(&f->why, "</code>");
					buf_addc(&f->text, ' ');
					t(&f->text, lis->items[k]->str);
				}
			buf_addc(&f->text, '\n');
		} else if (!strcmp(fl, "preload")) {
			score += 4;
			buf_addstr(
			    &f->why,
			    "a library is preloaded into it (LD_PRELOAD or /etc/ld.so.preload)");
			buf_addstr(&f->text, "a library is preloaded into it\n");
		} else if (!strcmp(fl, "hidden")) {
			score += 5;
			buf_addstr(&f->why, "it is hidden from some views of the system");
			buf_addstr(&f->text, "it is hidden from some views of the system\n");
		} else {
			score += 1;
			buf_addstr(&f->text, "flagged\n");
		}
		buf_addstr(&f->why, "</li>\n");
	}
	if (cmdline) {
		buf_addstr(&f->why, "<li>command line: <code>");
		h(&f->why, cmdline, strlen(cmdline) > 400 ? 400 : strlen(cmdline));
		buf_addstr(&f->why, "</code></li>\n");
	}
	if (r->hidden_raw.len) {
		struct hidden_match m = { pid, &f->why, &f->text };
		jsonl_each(r->hidden_raw.data, r->hidden_raw.len, hidden_for_pid, &m);
	}
	/* the strings diff, where one was made */
	{
		struct buf sd = BUF_INIT, name = BUF_INIT;
		buf_addf(&name, "suspects/%s/sdiff.jsonl", pids);
		if (!case_read(r, name.data, &sd, NULL) && sd.len) {
			size_t lines = 0;
			for (size_t k = 0; k < sd.len; k++)
				lines += sd.data[k] == '\n';
			buf_addf(&f->why,
				 "<li><b>strings</b>: %zu strings differ from the "
				 "file now at its path (",
				 lines);
			href(&f->why, name.data);
			buf_addstr(&f->why, ")</li>\n");
			buf_addf(&f->text, "      strings: %zu differ from the file at its path\n",
				 lines);
		}
		buf_release(&sd);
		buf_release(&name);
	}
	buf_addf(&prefix, "suspects/%s/", pids);
	evidence_under(r, &ev, prefix.data);
	buf_add(&f->ev, ev.data, ev.len);
	{
		const struct manifest_entry_r *m;
		struct buf exe_name = BUF_INIT;
		buf_addf(&exe_name, "suspects/%s/recover/exe", pids);
		m = manifest_find(&r->man, exe_name.data);
		if (m) {
			buf_addf(&f->text, "      evidence: %s sha256 %.64s\n", exe_name.data,
				 m->hex);
		} else {
			buf_addstr(&f->ev, "<li class=bad>its executable was not "
					   "recovered (see what is missing)</li>\n");
			buf_addstr(&f->text, "      evidence: its executable was not "
					     "recovered (see missing)\n");
		}
		buf_release(&exe_name);
	}
	f->score = score * 10;
	if (f->when) {
		struct buf w = BUF_INIT;
		buf_addf(&w, "process %s started: ", pids);
		hs(&w, comm);
		buf_addstr(&w, " <small>");
		hs(&w, exe);
		buf_addstr(&w, "</small>");
		event_add(r, f->when, &w);
	}
	buf_release(&prefix);
	buf_release(&ev);
}

/* hidden objects that are not a process already listed */
static void hidden_finding(const struct jv *v, void *arg)
{
	struct rep *r = arg;
	const char *kind = jv_str(v, "kind", NULL), *obj = jv_str(v, "object", NULL);
	const char *detail = jv_str(v, "detail", NULL);
	long long pid = jv_int(v, "pid", -1);
	struct finding *f;

	if (!kind)
		return;
	if (pid > 0) {
		/* described with its process, when the process is a finding */
		for (size_t i = 0; i < r->nf; i++) {
			char p[32];
			snprintf(p, sizeof(p), "process %lld: ", pid);
			if (!strncmp(r->f[i].title.data, p, strlen(p)))
				return;
		}
	}
	f = finding_new(r, 50);
	buf_addstr(&f->title, "hidden ");
	hs(&f->title, kind);
	buf_addstr(&f->title, ": ");
	hs(&f->title, obj ? obj : "");
	buf_addstr(&f->why, "<li>one view of the system shows it and another does not");
	for (int k = 0; k < 2; k++) {
		const struct jv *a = jv_get(v, k ? "missing_from" : "seen_by");
		if (!a || a->type != JV_ARR || !a->len)
			continue;
		buf_addstr(&f->why, k ? "; missing from:" : "; seen by:");
		for (size_t i = 0; i < a->len; i++)
			if (a->items[i]->type == JV_STR) {
				buf_addc(&f->why, ' ');
				hs(&f->why, a->items[i]->str);
			}
	}
	buf_addstr(&f->why, "</li>\n<li>");
	hs(&f->why, detail ? detail : "");
	buf_addstr(&f->why, "</li>\n");
	buf_addstr(&f->text, "hidden ");
	t(&f->text, kind);
	buf_addstr(&f->text, ": ");
	t(&f->text, obj ? obj : "");
	buf_addstr(&f->text, "\n      ");
	t(&f->text, detail ? detail : "");
	buf_addc(&f->text, '\n');
	evidence_row(r, &f->ev, "live/hidden.jsonl");
}

/* ---- listings: setuid files, /tmp, persistence ---- */

struct listing {
	struct rep *r;
	const char *source;
	struct finding *f;
	unsigned hits;
	int kind; /* 0 setid, 1 tmp executables, 2 events only */
};

static int standard_setid(const char *p)
{
	static const char *const ok[] = { "/usr/bin/", "/usr/sbin/", "/usr/lib/", "/usr/libexec/",
					  "/bin/",     "/sbin/",     "/lib/",	  NULL };
	for (size_t i = 0; ok[i]; i++)
		if (!strncmp(p, ok[i], strlen(ok[i])))
			return 1;
	return 0;
}

static void listing_entry(const struct jv *v, void *arg)
{
	struct listing *l = arg;
	const char *path = jv_str(v, "path", NULL), *type = jv_str(v, "type", NULL);
	const char *mode = jv_str(v, "mode", NULL), *copy = jv_str(v, "copy", NULL);
	long long mtime = jv_int(v, "mtime", 0), ctime_ = jv_int(v, "ctime", 0);
	int hit = 0;

	if (!path || !type)
		return;
	if (l->kind == 0 && (jv_bool(v, "setuid", 0) || jv_bool(v, "setgid", 0)) &&
	    !standard_setid(path))
		hit = 1;
	if (l->kind == 1 && !strcmp(type, "file") && mode && strtoul(mode, NULL, 8) & 0111)
		hit = 1;
	if (hit) {
		l->hits++;
		if (l->hits <= 20) {
			buf_addstr(&l->f->why, "<li><code>");
			hs(&l->f->why, path);
			buf_addstr(&l->f->why, "</code> mode ");
			hs(&l->f->why, mode);
			buf_addstr(&l->f->why, ", modified ");
			fmt_time(&l->f->why, mtime);
			buf_addstr(&l->f->why, "</li>\n");
			buf_addstr(&l->f->text, "      ");
			t(&l->f->text, path);
			buf_addc(&l->f->text, '\n');
			if (copy) {
				struct buf real = BUF_INIT;
				if (!escape_unescape(&real, copy, strlen(copy)) &&
				    manifest_name_ok(real.data, real.len))
					evidence_row(l->r, &l->f->ev, real.data);
				buf_release(&real);
			}
		}
	}
	if (mtime > 0 && (hit || l->kind == 2 || strcmp(type, "dir"))) {
		struct buf w = BUF_INIT;
		buf_addstr(&w, "modified: <code>");
		hs(&w, path);
		buf_addstr(&w, "</code> <small>(");
		hs(&w, l->source);
		buf_addstr(&w, ")</small>");
		event_add(l->r, mtime, &w);
		if (ctime_ > mtime) {
			buf_addstr(&w, "changed (inode): <code>");
			hs(&w, path);
			buf_addstr(&w, "</code> <small>(");
			hs(&w, l->source);
			buf_addstr(&w, ")</small>");
			event_add(l->r, ctime_, &w);
		}
	}
}

static void listing(struct rep *r, const char *name, int kind, int score, const char *title,
		    const char *why)
{
	struct buf b = BUF_INIT;
	struct listing l = { r, name, NULL, 0, kind };

	if (case_read(r, name, &b, NULL) || !b.len) {
		buf_release(&b);
		return;
	}
	l.f = finding_new(r, score);
	jsonl_each(b.data, b.len, listing_entry, &l);
	if (!l.hits || kind == 2) {
		/* no finding after all: drop it */
		struct finding *f = &r->f[--r->nf];
		buf_release(&f->title);
		buf_release(&f->why);
		buf_release(&f->ev);
		buf_release(&f->text);
	} else {
		buf_addf(&l.f->title, "%u %s", l.hits, title);
		if (l.hits > 20)
			buf_addf(&l.f->why, "<li>and %u more</li>\n", l.hits - 20);
		buf_addstr(&l.f->why, "<li>");
		buf_addstr(&l.f->why, why);
		buf_addstr(&l.f->why, "</li>\n");
		evidence_row(r, &l.f->ev, name);
		{
			struct buf tx = BUF_INIT;
			buf_addf(&tx, "%u %s\n", l.hits, title);
			buf_add(&tx, l.f->text.data, l.f->text.len);
			buf_reset(&l.f->text);
			buf_add(&l.f->text, tx.data, tx.len);
			buf_release(&tx);
		}
	}
	buf_release(&b);
}

/* ---- package files ---- */

struct pkgs {
	struct finding *f;
	unsigned n;
};

static void pkg_entry(const struct jv *v, void *arg)
{
	struct pkgs *p = arg;
	const char *status = jv_str(v, "status", NULL), *path = jv_str(v, "path", NULL);
	const char *pkg = jv_str(v, "package", NULL);
	if (!status || !path || !strcmp(status, "ok"))
		return;
	p->n++;
	if (p->n > 30)
		return;
	buf_addstr(&p->f->why, "<li><code>");
	hs(&p->f->why, path);
	buf_addstr(&p->f->why, "</code> ");
	hs(&p->f->why, status);
	buf_addstr(&p->f->why, " (package ");
	hs(&p->f->why, pkg ? pkg : "?");
	buf_addstr(&p->f->why, ")</li>\n");
	buf_addstr(&p->f->text, "      ");
	t(&p->f->text, path);
	buf_addc(&p->f->text, ' ');
	t(&p->f->text, status);
	buf_addc(&p->f->text, '\n');
}

static void packages(struct rep *r)
{
	struct buf b = BUF_INIT, tx = BUF_INIT;
	struct pkgs p = { NULL, 0 };

	if (case_read(r, "check/verify-packages.jsonl", &b, NULL) || !b.len) {
		buf_release(&b);
		return;
	}
	p.f = finding_new(r, 30);
	jsonl_each(b.data, b.len, pkg_entry, &p);
	buf_addf(&p.f->title, "%u package files differ from their packages", p.n);
	if (p.n > 30)
		buf_addf(&p.f->why, "<li>and %u more</li>\n", p.n - 30);
	buf_addstr(&p.f->why, "<li>a file a package installed whose checksum no "
			      "longer matches the package's: replaced, edited or "
			      "damaged</li>\n");
	evidence_row(r, &p.f->ev, "check/verify-packages.jsonl");
	buf_addf(&tx, "%u package files differ from their packages\n", p.n);
	buf_add(&tx, p.f->text.data, p.f->text.len);
	buf_reset(&p.f->text);
	buf_add(&p.f->text, tx.data, tx.len);
	buf_release(&tx);
	buf_release(&b);
}

static void preload_file(struct rep *r)
{
	struct buf b = BUF_INIT;
	struct finding *f;

	if (case_read(r, "files/etc/ld.so.preload", &b, NULL)) {
		buf_release(&b);
		return;
	}
	buf_rtrim(&b);
	if (b.len) {
		f = finding_new(r, 50);
		buf_addstr(&f->title, "/etc/ld.so.preload forces libraries into every program");
		buf_addstr(&f->why, "<li>it holds: <code>");
		h(&f->why, b.data, b.len);
		buf_addstr(&f->why, "</code></li>\n<li>the classic place of a userland "
				    "rootkit; empty or absent on a normal system</li>\n");
		evidence_row(r, &f->ev, "files/etc/ld.so.preload");
		buf_addstr(&f->text, "/etc/ld.so.preload forces libraries into every program\n");
	}
	buf_release(&b);
}

/* ---- what is missing ---- */

static void step_line(const struct jv *v, void *arg)
{
	struct rep *r = arg;
	const char *step = jv_str(v, "step", NULL), *status = jv_str(v, "status", NULL);
	const char *detail = jv_str(v, "detail", NULL), *err = jv_str(v, "stderr", NULL);

	if (!step || !status || !strcmp(status, "ok"))
		return;
	if (!strcmp(status, "skipped") && detail &&
	    (!strcmp(detail, "no recovered executable") ||
	     !strncmp(detail, "no file at the executable", 25)))
		return; /* nothing there to take: not a gap */
	r->nmissing++;
	buf_addstr(&r->missing, "<tr><td>");
	hs(&r->missing, step);
	buf_addstr(&r->missing, "</td><td class=bad>");
	hs(&r->missing, status);
	buf_addstr(&r->missing, "</td><td>");
	hs(&r->missing, detail);
	if (err) {
		buf_addstr(&r->missing, "<pre>");
		h(&r->missing, err, strlen(err) > 2000 ? 2000 : strlen(err));
		buf_addstr(&r->missing, "</pre>");
	}
	buf_addstr(&r->missing, "</td></tr>\n");
	buf_addstr(&r->missing_text, "  ");
	t(&r->missing_text, step);
	buf_addstr(&r->missing_text, ": ");
	t(&r->missing_text, status);
	if (detail) {
		buf_addstr(&r->missing_text, ": ");
		t(&r->missing_text, detail);
	} else if (err && *err) {
		/* the step's first line of stderr (escaped by it already) */
		const char *nl = strstr(err, "\\n");
		size_t n = nl ? (size_t)(nl - err) : strlen(err);
		struct buf one = BUF_INIT;
		buf_add(&one, err, n > 300 ? 300 : n);
		buf_addstr(&r->missing_text, ": ");
		t(&r->missing_text, one.data);
		buf_release(&one);
	}
	buf_addc(&r->missing_text, '\n');
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
	hs(&l, user);
	buf_addstr(&l, " <b>");
	hs(&l, comm);
	buf_addstr(&l, "</b> <small>");
	if (cmd)
		h(&l, cmd, strlen(cmd) > 200 ? 200 : strlen(cmd));
	buf_addstr(&l, "</small>");
	if (p->flagged) {
		buf_addstr(&l, " <b class=bad>");
		for (size_t i = 0; i < flags->len; i++)
			if (flags->items[i]->type == JV_STR) {
				hs(&l, flags->items[i]->str);
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

static void section_processes(struct rep *r, struct buf *o)
{
	struct buf b = BUF_INIT;
	struct procs ps = { NULL, 0, r };
	const char *state;
	size_t shown = 0;

	buf_addstr(o, "<h2 id=processes>Process tree</h2>\n");
	if (case_read(r, "live/ps.jsonl", &b, &state)) {
		buf_addstr(o, "<p class=bad>no process list in this case</p>\n");
		buf_release(&b);
		return;
	}
	buf_addstr(o, "<p>from ");
	evidence_row(r, o, "live/ps.jsonl");
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
	hs(n->o, jv_str(v, "command", NULL));
	buf_addstr(n->o, "</td><td>");
	hs(n->o, jv_str(v, "fd", NULL));
	buf_addstr(n->o, "</td><td>");
	hs(n->o, type);
	buf_addstr(n->o, "</td><td><code>");
	hs(n->o, name);
	buf_addstr(n->o, "</code></td></tr>\n");
}

static void section_network(struct rep *r, struct buf *o)
{
	struct buf b = BUF_INIT;
	struct net n = { o, 0 };

	buf_addstr(o, "<h2 id=network>Network</h2>\n");
	if (case_read(r, "live/lsof.jsonl", &b, NULL)) {
		buf_addstr(o, "<p class=bad>no list of open sockets in this case</p>\n");
		buf_release(&b);
		return;
	}
	buf_addstr(o, "<p>internet sockets, from ");
	evidence_row(r, o, "live/lsof.jsonl");
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
	fmt_time(g->o, l->when);
	buf_addstr(g->o, "</td><td>");
	buf_addstr(g->o, l->type == USER_PROCESS ? "login"
			 : l->type == BOOT_TIME	 ? "boot"
						 : "logout");
	buf_addstr(g->o, "</td><td>");
	hs(g->o, l->user);
	buf_addstr(g->o, "</td><td>");
	hs(g->o, l->line);
	buf_addstr(g->o, "</td><td>");
	hs(g->o, l->host);
	buf_addstr(g->o, "</td></tr>\n");
	if (g->events && l->type == USER_PROCESS) {
		struct buf w = BUF_INIT;
		buf_addstr(&w, "login: ");
		hs(&w, l->user);
		buf_addstr(&w, " on ");
		hs(&w, l->line);
		buf_addstr(&w, " from ");
		hs(&w, l->host);
		event_add(g->r, l->when, &w);
	}
}

static void section_users(struct rep *r, struct buf *o)
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
		if (case_read(r, logs[i], &b, NULL)) {
			buf_release(&b);
			continue;
		}
		any = 1;
		buf_addstr(o, "<h3>");
		buf_addstr(o, what[i]);
		buf_addstr(o, "</h3>\n<p>");
		evidence_row(r, o, logs[i]);
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
			evidence_row(r, &rows, n);
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

static void timeline_entry(const struct jv *v, void *arg)
{
	struct rep *r = arg;
	const char *dt = jv_str(v, "datetime", NULL), *msg = jv_str(v, "message", NULL);
	const char *desc = jv_str(v, "timestamp_desc", NULL);
	long long when = parse_iso(dt);
	struct buf w = BUF_INIT;

	if (!when || !msg)
		return;
	hs(&w, desc ? desc : "event");
	buf_addstr(&w, ": ");
	hs(&w, msg);
	buf_addstr(&w, " <small>(timeline)</small>");
	event_add(r, when, &w);
}

static int cmp_event(const void *a, const void *b)
{
	const struct event *x = a, *y = b;
	return x->when < y->when ? -1 : x->when > y->when;
}

static void section_timeline(struct rep *r, struct buf *o, long long center)
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
	fmt_time(o, center);
	buf_addstr(o, " (the start of the first finding); file times, "
		      "process starts, logins, and the timeline step where it ran.</p>\n"
		      "<table><tr><th>TIME (UTC)</th><th>EVENT</th></tr>\n");
	for (size_t i = 0; i < r->ne && shown < MAX_EVENTS; i++) {
		if (r->e[i].when < center - span || r->e[i].when > center + span)
			continue;
		buf_addstr(o, "<tr><td>");
		fmt_time(o, r->e[i].when);
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
		start = (double)parse_iso(started);
		ms = strchr(started, '.');
		if (ms)
			start += strtod(ms, NULL);
	}
	buf_addstr(s->rows, "<tr><td>");
	hs(s->rows, step);
	buf_addstr(s->rows, strcmp(status, "ok") ? "</td><td class=bad>" : "</td><td>");
	hs(s->rows, status);
	buf_addstr(s->rows, "</td><td>");
	hs(s->rows, started ? started : "");
	buf_addf(s->rows, "</td><td>%.0f</td><td>", dur);
	hs(s->rows, jv_str(v, "detail", NULL));
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
		hs(s->bars, step);
		buf_addstr(s->bars, "</title></rect>\n");
		s->n++;
	}
}

static void section_steps(struct rep *r, struct buf *o)
{
	struct buf b = BUF_INIT, rows = BUF_INIT, bars = BUF_INIT;
	struct steps s = { &rows, &bars, 0, 0, 1, 0 };

	if (case_read(r, "collect.json", &b, NULL)) {
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

static void section_files(struct rep *r, struct buf *o)
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
		evidence_row(r, o, r->man.v[i].name);
	if (r->man.n > MAX_ROWS)
		buf_addf(o, "<li>and %zu more</li>\n", r->man.n - MAX_ROWS);
	buf_addstr(o, "</ul>\n");
}

static const char css[] =
    "body{font:14px/1.4 sans-serif;margin:2em;max-width:80em;color:#222}"
    "h1{font-size:1.5em}h2{border-bottom:1px solid #ccc;margin-top:2em}"
    "code,pre,.h{font-family:monospace}.h{color:#666;font-size:.85em}"
    ".bad{color:#b00}.ok{color:#070}"
    ".finding{border-left:4px solid #b00;padding:.2em 1em;margin:1em 0;"
    "background:#fff6f6}.finding h3{margin:.3em 0}"
    ".seal{padding:.5em 1em;border:1px solid #ccc}.seal.broken{border-color:#b00;"
    "background:#fee}table{border-collapse:collapse}td,th{border:1px solid #ddd;"
    "padding:2px 6px;text-align:left;vertical-align:top}ul{margin:.2em 0}"
    "small{color:#666}.sok{fill:#7a7}.sbad{fill:#c55}pre{white-space:pre-wrap;margin:0}";

static int cmp_finding(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;
	return y->score - x->score;
}

/* the header lines of case.log: host, kernel, command, first time */
static void header(struct rep *r, struct buf *o, struct buf *tx)
{
	struct buf b = BUF_INIT;
	const char *keys[] = { "host: ", "kernel: ", "command: ", NULL };

	if (case_read(r, "case.log", &b, NULL)) {
		buf_addstr(o, "<p class=bad>no case.log</p>\n");
		buf_release(&b);
		return;
	}
	buf_addstr(o, "<table>\n");
	if (b.len > 24) {
		buf_addstr(o, "<tr><th>started</th><td>");
		h(o, b.data, 24);
		buf_addstr(o, "</td></tr>\n");
	}
	for (size_t k = 0; keys[k]; k++) {
		const char *p = b.data, *end = b.data + b.len;
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			const char *le = nl ? nl : end;
			const char *sp = memchr(p, ' ', (size_t)(le - p));
			size_t kl = strlen(keys[k]);
			if (sp && (size_t)(le - sp - 1) >= kl && !memcmp(sp + 1, keys[k], kl)) {
				buf_addstr(o, "<tr><th>");
				h(o, keys[k], kl - 2);
				buf_addstr(o, "</th><td>");
				h(o, sp + 1 + kl, (size_t)(le - sp - 1 - kl));
				buf_addstr(o, "</td></tr>\n");
				buf_add(tx, keys[k], kl);
				{
					struct buf e = BUF_INIT;
					escape_bytes(&e, sp + 1 + kl, (size_t)(le - sp - 1 - kl));
					/* case.log is escaped already; do not double it */
					if (escape_is_clean(sp + 1 + kl,
							    (size_t)(le - sp - 1 - kl)))
						buf_add(tx, sp + 1 + kl,
							(size_t)(le - sp - 1 - kl));
					else
						buf_add(tx, e.data, e.len);
					buf_release(&e);
				}
				buf_addc(tx, '\n');
				break;
			}
			p = nl ? nl + 1 : end;
		}
	}
	buf_addstr(o, "<tr><th>log</th><td>");
	evidence_row(r, o, "case.log");
	buf_addstr(o, "</td></tr>\n</table>\n");
	buf_release(&b);
}

int report_build(int dirfd, const char *case_name, struct buf *html, struct buf *text,
		 struct report_result *res)
{
	struct rep r;
	struct buf b = BUF_INIT, body = BUF_INIT;
	long long center = 0;
	int has_log;

	memset(res, 0, sizeof(*res));
	memset(&r, 0, sizeof(r));
	r.dirfd = dirfd;
	buf_init(&r.missing, 0);
	buf_init(&r.missing_text, 0);
	buf_init(&r.hidden_raw, 0);
	has_log = !faccessat(dirfd, "case.log", F_OK, AT_SYMLINK_NOFOLLOW);
	{
		int fd = manifest_open_at(dirfd, "manifest.sha256");
		if (fd >= 0) {
			close(fd);
			r.sealed = 1;
		}
	}
	if (!r.sealed && !has_log)
		return -ENOTDIR;
	if (r.sealed) {
		r.sealed = 0;
		if (!case_read(&r, "manifest.sha256", &b, NULL)) {
			r.sealed = 1;
			manifest_parse(b.data, b.len, &r.man);
			manifest_check(dirfd, &r.man);
		}
		buf_reset(&b);
	}
	res->sealed = r.sealed;
	for (size_t i = 0; i < r.man.n; i++) {
		if (r.man.v[i].state == MANIFEST_CHANGED)
			res->changed++;
		else if (r.man.v[i].state != MANIFEST_OK)
			res->missing++;
	}

	/* the findings */
	case_read(&r, "live/hidden.jsonl", &r.hidden_raw, NULL);
	if (!case_read(&r, "live/suspicious.jsonl", &b, NULL))
		jsonl_each(b.data, b.len, process_finding, &r);
	buf_reset(&b);
	if (r.hidden_raw.len)
		jsonl_each(r.hidden_raw.data, r.hidden_raw.len, hidden_finding, &r);
	preload_file(&r);
	packages(&r);
	listing(&r, "persist/setid.jsonl", 0, 40,
		"setuid or setgid files outside the system's program folders",
		"a setuid file runs with its owner's rights: one in /tmp, a home "
		"or /dev/shm is a way back in");
	listing(&r, "persist/tmp.jsonl", 1, 10, "executable files in /tmp, /var/tmp or /dev/shm",
		"world-writable folders where an intruder's tools are often "
		"unpacked; most machines have a few harmless ones");
	listing(&r, "persist/persistence.jsonl", 2, 0, "", "");
	if (!case_read(&r, "check/timeline.jsonl", &b, NULL))
		jsonl_each(b.data, b.len, timeline_entry, &r);
	buf_reset(&b);
	if (r.nf)
		qsort(r.f, r.nf, sizeof(*r.f), cmp_finding);
	for (size_t i = 0; i < r.nf && !center; i++)
		center = r.f[i].when;
	if (!case_read(&r, "collect.json", &b, NULL))
		jsonl_each(b.data, b.len, step_line, &r);
	buf_reset(&b);
	res->findings = (unsigned)r.nf;
	res->steps_not_ok = r.nmissing;

	/* the page */
	buf_addstr(html,
		   "<!DOCTYPE html>\n<html lang=en><head><meta charset=\"utf-8\">\n"
		   "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		   "style-src 'unsafe-inline'; img-src data:\">\n<title>stranger report: ");
	hs(html, case_name);
	buf_addstr(html, "</title>\n<style>");
	buf_addstr(html, css);
	buf_addstr(html, "</style></head><body>\n<h1>stranger report: ");
	hs(html, case_name);
	buf_addstr(html, "</h1>\n");
	buf_addstr(text, "case: ");
	t(text, case_name);
	buf_addc(text, '\n');
	header(&r, html, text);

	/* the seal */
	if (!r.sealed) {
		buf_addstr(html, "<p class=\"seal broken\" id=seal>NOT SEALED: this folder has "
				 "no manifest.sha256; nothing in it can be checked</p>\n");
		buf_addstr(text, "seal: NOT SEALED (no manifest.sha256)\n");
	} else if (res->changed || res->missing || r.man.bad_lines) {
		buf_addf(html,
			 "<div class=\"seal broken\" id=seal><b>SEAL BROKEN</b>: %u "
			 "files changed since sealing, %u missing or unreadable, "
			 "%zu bad manifest lines<ul>\n",
			 res->changed, res->missing, r.man.bad_lines);
		buf_addf(text,
			 "seal: BROKEN: %u changed since sealing, %u missing or "
			 "unreadable, %zu bad manifest lines\n",
			 res->changed, res->missing, r.man.bad_lines);
		for (size_t i = 0; i < r.man.n; i++)
			if (r.man.v[i].state != MANIFEST_OK) {
				evidence_row(&r, html, r.man.v[i].name);
				buf_addstr(text, "  tampered: ");
				t(text, r.man.v[i].name);
				buf_addstr(text, ": ");
				buf_addstr(text, manifest_state_name(r.man.v[i].state));
				buf_addc(text, '\n');
			}
		buf_addstr(html, "</ul></div>\n");
	} else {
		buf_addf(html,
			 "<p class=seal id=seal><span class=ok>sealed</span>: all %zu "
			 "files match manifest.sha256</p>\n",
			 r.man.n);
		buf_addf(text, "seal: ok, %zu files match manifest.sha256\n", r.man.n);
	}

	buf_addf(html, "<h2 id=findings>Findings (%zu)</h2>\n", r.nf);
	buf_addf(text, "\nfindings: %zu\n", r.nf);
	if (!r.nf)
		buf_addstr(html, "<p>nothing suspicious in what this case holds "
				 "(see what is missing below before calling it clean)</p>\n");
	for (size_t i = 0; i < r.nf; i++) {
		struct finding *f = &r.f[i];
		buf_addf(html, "<div class=finding id=\"f%zu\"><h3>%zu. ", i + 1, i + 1);
		buf_add(html, f->title.data, f->title.len);
		buf_addstr(html, "</h3>\n<p>why it is suspicious:</p><ul>\n");
		buf_add(html, f->why.data, f->why.len);
		buf_addstr(html, "</ul>\n");
		if (f->ev.len) {
			buf_addstr(html, "<p>evidence:</p><ul>\n");
			buf_add(html, f->ev.data, f->ev.len);
			buf_addstr(html, "</ul>\n");
		}
		buf_addstr(html, "</div>\n");
		buf_addf(text, "%3zu. ", i + 1);
		buf_add(text, f->text.data, f->text.len);
	}

	buf_addstr(html, "<h2 id=missing>What is missing</h2>\n");
	if (r.nmissing) {
		buf_addf(html,
			 "<p class=bad>%u steps did not complete; what they would "
			 "have shown is not in this case</p>\n<table><tr><th>STEP</th>"
			 "<th>STATUS</th><th>WHY</th></tr>\n",
			 r.nmissing);
		buf_add(html, r.missing.data, r.missing.len);
		buf_addstr(html, "</table>\n");
		buf_addf(text, "\nmissing: %u steps did not complete\n", r.nmissing);
		buf_add(text, r.missing_text.data, r.missing_text.len);
	} else if (faccessat(dirfd, "collect.json", F_OK, AT_SYMLINK_NOFOLLOW)) {
		buf_addstr(html, "<p>not a collect case (no collect.json): only what this "
				 "folder holds is shown</p>\n");
	} else {
		buf_addstr(html, "<p class=ok>every step completed</p>\n");
	}

	section_processes(&r, &body);
	section_network(&r, &body);
	section_users(&r, &body);
	section_timeline(&r, &body, center);
	section_steps(&r, &body);
	section_files(&r, &body);
	buf_add(html, body.data, body.len);
	buf_addstr(html, "<p><small>written by stranger report; no scripts, no external "
			 "resources</small></p>\n</body></html>\n");

	for (size_t i = 0; i < r.nf; i++) {
		buf_release(&r.f[i].title);
		buf_release(&r.f[i].why);
		buf_release(&r.f[i].ev);
		buf_release(&r.f[i].text);
	}
	free(r.f);
	for (size_t i = 0; i < r.ne; i++)
		free(r.e[i].what);
	free(r.e);
	manifest_release(&r.man);
	buf_release(&r.missing);
	buf_release(&r.missing_text);
	buf_release(&r.hidden_raw);
	buf_release(&b);
	buf_release(&body);
	return 0;
}
