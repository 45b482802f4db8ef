#include "lib/collect/report.h"
#include "lib/collect/report_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/escape.h"
#include "util/xalloc.h"

/* read a case file; state says what the manifest thinks of it */
int report_case_read(struct rep *r, const char *name, struct buf *out, const char **state)
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
void report_evidence_row(struct rep *r, struct buf *o, const char *name)
{
	const struct manifest_entry_r *m = manifest_find(&r->man, name);

	buf_addstr(o, "<li>");
	report_href(o, name);
	if (m) {
		buf_addstr(o, " <code class=h>sha256 ");
		buf_add(o, m->hex, 64);
		buf_addstr(o, "</code>");
		if (m->state != MANIFEST_OK) {
			buf_addstr(o, " <b class=bad>");
			report_hs(o, manifest_state_name(m->state));
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

void report_event_add(struct rep *r, long long when, struct buf *what)
{
	if (r->ne == r->ce) {
		r->ce = r->ce ? 2 * r->ce : 256;
		r->e = xreallocarray(r->e, r->ce, sizeof(*r->e));
	}
	r->e[r->ne].when = when;
	r->e[r->ne].what = buf_detach(what, NULL);
	r->ne++;
}

long long report_parse_iso(const char *s)
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

void report_fmt_time(struct buf *o, long long when)
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
			report_evidence_row(r, o, r->man.v[i].name);
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
	report_hs(m->why, kind);
	buf_addstr(m->why, "</b> (hidden): ");
	report_hs(m->why, detail ? detail : "");
	buf_addstr(m->why, "</li>\n");
	buf_addstr(m->text, "      ");
	report_t(m->text, kind);
	buf_addstr(m->text, ": ");
	report_t(m->text, detail ? detail : "");
	buf_addc(m->text, '\n');
}

void report_process_finding(const struct jv *v, void *arg)
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
	f->when = report_parse_iso(jv_str(v, "start", NULL));
	buf_addf(&f->title, "process %s: ", pids);
	report_hs(&f->title, comm ? comm : "?");
	buf_addstr(&f->title, " <small>");
	report_hs(&f->title, exe ? exe : "");
	buf_addstr(&f->title, "</small>");
	buf_addf(&f->text, "process %s: ", pids);
	report_t(&f->text, comm ? comm : "?");
	buf_addstr(&f->text, " (");
	report_t(&f->text, exe ? exe : "");
	buf_addstr(&f->text, ")\n");
	for (size_t i = 0; i < flags->len; i++) {
		const char *fl = flags->items[i]->type == JV_STR ? flags->items[i]->str : "";
		buf_addstr(&f->why, "<li><b>");
		report_hs(&f->why, fl);
		buf_addstr(&f->why, "</b>: ");
		buf_addstr(&f->text, "      ");
		report_t(&f->text, fl);
		buf_addstr(&f->text, ": ");
		if (!strcmp(fl, "exe_deleted")) {
			score += 2;
			buf_addstr(&f->why, "its executable was deleted while it runs: ");
			report_hs(&f->why, exe);
			buf_addstr(&f->text, "its executable was deleted while it runs\n");
		} else if (!strcmp(fl, "name_mismatch")) {
			score += 3;
			buf_addstr(&f->why, "its name lies: it calls itself <q>");
			report_hs(&f->why, comm);
			buf_addstr(&f->why, "</q> but runs ");
			report_hs(&f->why, exe);
			buf_addstr(&f->text, "it calls itself ");
			report_t(&f->text, comm);
			buf_addstr(&f->text, " but runs ");
			report_t(&f->text, exe);
			buf_addc(&f->text, '\n');
		} else if (!strcmp(fl, "listening")) {
			score += 1;
			buf_addstr(&f->why, "it listens on");
			buf_addstr(&f->text, "it listens on");
			for (size_t k = 0; lis && lis->type == JV_ARR && k < lis->len; k++)
				if (lis->items[k]->type == JV_STR) {
					buf_addstr(&f->why, " <code>");
					report_hs(&f->why, lis->items[k]->str);
					buf_addstr(&f->why, "</code>");
					buf_addc(&f->text, ' ');
					report_t(&f->text, lis->items[k]->str);
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
		report_h(&f->why, cmdline, strlen(cmdline) > 400 ? 400 : strlen(cmdline));
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
		if (!report_case_read(r, name.data, &sd, NULL) && sd.len) {
			size_t lines = 0;
			for (size_t k = 0; k < sd.len; k++)
				lines += sd.data[k] == '\n';
			buf_addf(&f->why,
				 "<li><b>strings</b>: %zu strings differ from the "
				 "file now at its path (",
				 lines);
			report_href(&f->why, name.data);
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
		report_hs(&w, comm);
		buf_addstr(&w, " <small>");
		report_hs(&w, exe);
		buf_addstr(&w, "</small>");
		report_event_add(r, f->when, &w);
	}
	buf_release(&prefix);
	buf_release(&ev);
}

/* hidden objects that are not a process already listed */
void report_hidden_finding(const struct jv *v, void *arg)
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
	report_hs(&f->title, kind);
	buf_addstr(&f->title, ": ");
	report_hs(&f->title, obj ? obj : "");
	buf_addstr(&f->why, "<li>one view of the system shows it and another does not");
	for (int k = 0; k < 2; k++) {
		const struct jv *a = jv_get(v, k ? "missing_from" : "seen_by");
		if (!a || a->type != JV_ARR || !a->len)
			continue;
		buf_addstr(&f->why, k ? "; missing from:" : "; seen by:");
		for (size_t i = 0; i < a->len; i++)
			if (a->items[i]->type == JV_STR) {
				buf_addc(&f->why, ' ');
				report_hs(&f->why, a->items[i]->str);
			}
	}
	buf_addstr(&f->why, "</li>\n<li>");
	report_hs(&f->why, detail ? detail : "");
	buf_addstr(&f->why, "</li>\n");
	buf_addstr(&f->text, "hidden ");
	report_t(&f->text, kind);
	buf_addstr(&f->text, ": ");
	report_t(&f->text, obj ? obj : "");
	buf_addstr(&f->text, "\n      ");
	report_t(&f->text, detail ? detail : "");
	buf_addc(&f->text, '\n');
	report_evidence_row(r, &f->ev, "live/hidden.jsonl");
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
			report_hs(&l->f->why, path);
			buf_addstr(&l->f->why, "</code> mode ");
			report_hs(&l->f->why, mode);
			buf_addstr(&l->f->why, ", modified ");
			report_fmt_time(&l->f->why, mtime);
			buf_addstr(&l->f->why, "</li>\n");
			buf_addstr(&l->f->text, "      ");
			report_t(&l->f->text, path);
			buf_addc(&l->f->text, '\n');
			if (copy) {
				struct buf real = BUF_INIT;
				if (!escape_unescape(&real, copy, strlen(copy)) &&
				    manifest_name_ok(real.data, real.len))
					report_evidence_row(l->r, &l->f->ev, real.data);
				buf_release(&real);
			}
		}
	}
	if (mtime > 0 && (hit || l->kind == 2 || strcmp(type, "dir"))) {
		struct buf w = BUF_INIT;
		buf_addstr(&w, "modified: <code>");
		report_hs(&w, path);
		buf_addstr(&w, "</code> <small>(");
		report_hs(&w, l->source);
		buf_addstr(&w, ")</small>");
		report_event_add(l->r, mtime, &w);
		if (ctime_ > mtime) {
			buf_addstr(&w, "changed (inode): <code>");
			report_hs(&w, path);
			buf_addstr(&w, "</code> <small>(");
			report_hs(&w, l->source);
			buf_addstr(&w, ")</small>");
			report_event_add(l->r, ctime_, &w);
		}
	}
}

void report_listing(struct rep *r, const char *name, int kind, int score, const char *title,
		    const char *why)
{
	struct buf b = BUF_INIT;
	struct listing l = { r, name, NULL, 0, kind };

	if (report_case_read(r, name, &b, NULL) || !b.len) {
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
		report_evidence_row(r, &l.f->ev, name);
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
	report_hs(&p->f->why, path);
	buf_addstr(&p->f->why, "</code> ");
	report_hs(&p->f->why, status);
	buf_addstr(&p->f->why, " (package ");
	report_hs(&p->f->why, pkg ? pkg : "?");
	buf_addstr(&p->f->why, ")</li>\n");
	buf_addstr(&p->f->text, "      ");
	report_t(&p->f->text, path);
	buf_addc(&p->f->text, ' ');
	report_t(&p->f->text, status);
	buf_addc(&p->f->text, '\n');
}

void report_packages(struct rep *r)
{
	struct buf b = BUF_INIT, tx = BUF_INIT;
	struct pkgs p = { NULL, 0 };

	if (report_case_read(r, "check/verify-packages.jsonl", &b, NULL) || !b.len) {
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
	report_evidence_row(r, &p.f->ev, "check/verify-packages.jsonl");
	buf_addf(&tx, "%u package files differ from their packages\n", p.n);
	buf_add(&tx, p.f->text.data, p.f->text.len);
	buf_reset(&p.f->text);
	buf_add(&p.f->text, tx.data, tx.len);
	buf_release(&tx);
	buf_release(&b);
}

void report_preload_file(struct rep *r)
{
	struct buf b = BUF_INIT;
	struct finding *f;

	if (report_case_read(r, "files/etc/ld.so.preload", &b, NULL)) {
		buf_release(&b);
		return;
	}
	buf_rtrim(&b);
	if (b.len) {
		f = finding_new(r, 50);
		buf_addstr(&f->title, "/etc/ld.so.preload forces libraries into every program");
		buf_addstr(&f->why, "<li>it holds: <code>");
		report_h(&f->why, b.data, b.len);
		buf_addstr(&f->why, "</code></li>\n<li>the classic place of a userland "
				    "rootkit; empty or absent on a normal system</li>\n");
		report_evidence_row(r, &f->ev, "files/etc/ld.so.preload");
		buf_addstr(&f->text, "/etc/ld.so.preload forces libraries into every program\n");
	}
	buf_release(&b);
}

/* ---- what is missing ---- */

void report_step_line(const struct jv *v, void *arg)
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
	report_hs(&r->missing, step);
	buf_addstr(&r->missing, "</td><td class=bad>");
	report_hs(&r->missing, status);
	buf_addstr(&r->missing, "</td><td>");
	report_hs(&r->missing, detail);
	if (err) {
		buf_addstr(&r->missing, "<pre>");
		report_h(&r->missing, err, strlen(err) > 2000 ? 2000 : strlen(err));
		buf_addstr(&r->missing, "</pre>");
	}
	buf_addstr(&r->missing, "</td></tr>\n");
	buf_addstr(&r->missing_text, "  ");
	report_t(&r->missing_text, step);
	buf_addstr(&r->missing_text, ": ");
	report_t(&r->missing_text, status);
	if (detail) {
		buf_addstr(&r->missing_text, ": ");
		report_t(&r->missing_text, detail);
	} else if (err && *err) {
		/* the step's first line of stderr (escaped by it already) */
		const char *nl = strstr(err, "\\n");
		size_t n = nl ? (size_t)(nl - err) : strlen(err);
		struct buf one = BUF_INIT;
		buf_add(&one, err, n > 300 ? 300 : n);
		buf_addstr(&r->missing_text, ": ");
		report_t(&r->missing_text, one.data);
		buf_release(&one);
	}
	buf_addc(&r->missing_text, '\n');
}
