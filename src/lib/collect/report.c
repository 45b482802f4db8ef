#include "lib/collect/report.h"
#include "lib/collect/report_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/escape.h"

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

	if (report_case_read(r, "case.log", &b, NULL)) {
		buf_addstr(o, "<p class=bad>no case.log</p>\n");
		buf_release(&b);
		return;
	}
	buf_addstr(o, "<table>\n");
	if (b.len > 24) {
		buf_addstr(o, "<tr><th>started</th><td>");
		report_h(o, b.data, 24);
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
				report_h(o, keys[k], kl - 2);
				buf_addstr(o, "</th><td>");
				report_h(o, sp + 1 + kl, (size_t)(le - sp - 1 - kl));
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
	report_evidence_row(r, o, "case.log");
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
		if (!report_case_read(&r, "manifest.sha256", &b, NULL)) {
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
	report_case_read(&r, "live/hidden.jsonl", &r.hidden_raw, NULL);
	if (!report_case_read(&r, "live/suspicious.jsonl", &b, NULL))
		jsonl_each(b.data, b.len, report_process_finding, &r);
	buf_reset(&b);
	if (r.hidden_raw.len)
		jsonl_each(r.hidden_raw.data, r.hidden_raw.len, report_hidden_finding, &r);
	report_preload_file(&r);
	report_packages(&r);
	report_listing(&r, "persist/setid.jsonl", 0, 40,
		       "setuid or setgid files outside the system's program folders",
		       "a setuid file runs with its owner's rights: one in /tmp, a home "
		       "or /dev/shm is a way back in");
	report_listing(&r, "persist/tmp.jsonl", 1, 10,
		       "executable files in /tmp, /var/tmp or /dev/shm",
		       "world-writable folders where an intruder's tools are often "
		       "unpacked; most machines have a few harmless ones");
	report_listing(&r, "persist/persistence.jsonl", 2, 0, "", "");
	if (!report_case_read(&r, "check/timeline.jsonl", &b, NULL))
		jsonl_each(b.data, b.len, report_timeline_entry, &r);
	buf_reset(&b);
	if (r.nf)
		qsort(r.f, r.nf, sizeof(*r.f), cmp_finding);
	for (size_t i = 0; i < r.nf && !center; i++)
		center = r.f[i].when;
	if (!report_case_read(&r, "collect.json", &b, NULL))
		jsonl_each(b.data, b.len, report_step_line, &r);
	buf_reset(&b);
	res->findings = (unsigned)r.nf;
	res->steps_not_ok = r.nmissing;

	/* the page */
	buf_addstr(html,
		   "<!DOCTYPE html>\n<html lang=en><head><meta charset=\"utf-8\">\n"
		   "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		   "style-src 'unsafe-inline'; img-src data:\">\n<title>stranger report: ");
	report_hs(html, case_name);
	buf_addstr(html, "</title>\n<style>");
	buf_addstr(html, css);
	buf_addstr(html, "</style></head><body>\n<h1>stranger report: ");
	report_hs(html, case_name);
	buf_addstr(html, "</h1>\n");
	buf_addstr(text, "case: ");
	report_t(text, case_name);
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
				report_evidence_row(&r, html, r.man.v[i].name);
				buf_addstr(text, "  tampered: ");
				report_t(text, r.man.v[i].name);
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

	report_section_processes(&r, &body);
	report_section_network(&r, &body);
	report_section_users(&r, &body);
	report_section_timeline(&r, &body, center);
	report_section_steps(&r, &body);
	report_section_files(&r, &body);
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
