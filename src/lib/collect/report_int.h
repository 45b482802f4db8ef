/*
 * report_int - what the pieces of the case report share: the escaping and
 * the page's sections (report_html.c), the reading of the case and its
 * findings (report_case.c) and the page itself (report.c).
 */
#ifndef STRANGER_LIB_COLLECT_REPORT_INT_H
#define STRANGER_LIB_COLLECT_REPORT_INT_H

#include "lib/collect/manifest.h"
#include "util/buf.h"
#include "util/json_read.h"

#define READ_MAX (64u << 20)
#define MAX_ROWS 2000
#define MAX_EVENTS 300

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

/* escaping: report_h bytes as HTML text, report_hs a string of them,
 * report_t a string for the terminal, report_href a link to a case file */
void report_h(struct buf *o, const char *s, size_t n);
void report_hs(struct buf *o, const char *s);
void report_t(struct buf *o, const char *s);
void report_href(struct buf *o, const char *name);

/* the case */
int report_case_read(struct rep *r, const char *name, struct buf *out, const char **state);
void report_evidence_row(struct rep *r, struct buf *o, const char *name);
void report_event_add(struct rep *r, long long when, struct buf *what);
long long report_parse_iso(const char *s);
void report_fmt_time(struct buf *o, long long when);
void report_process_finding(const struct jv *v, void *arg);
void report_hidden_finding(const struct jv *v, void *arg);
void report_preload_file(struct rep *r);
void report_packages(struct rep *r);
void report_listing(struct rep *r, const char *name, int kind, int score, const char *title,
		    const char *why);
void report_step_line(const struct jv *v, void *arg);

/* the sections of the page */
void report_timeline_entry(const struct jv *v, void *arg);
void report_section_processes(struct rep *r, struct buf *o);
void report_section_network(struct rep *r, struct buf *o);
void report_section_users(struct rep *r, struct buf *o);
void report_section_timeline(struct rep *r, struct buf *o, long long center);
void report_section_steps(struct rep *r, struct buf *o);
void report_section_files(struct rep *r, struct buf *o);

#endif
