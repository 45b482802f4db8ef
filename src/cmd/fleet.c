/*
 * fleet - one table of findings across the hosts of a hunt.
 */
#include <stdio.h>
#include <string.h>

#include "cmd/cmds.h"
#include "lib/fleet/fleet.h"
#include "util/diag.h"
#include "util/escape.h"
#include "util/opt.h"
#include "util/table.h"

static const char *const fleet_usage[] = {
	"stranger fleet [--json] [--all] CASES_DIR",
	"",
	"Read every host's results of a hunt (contrib/ansible/hunt.yml leaves",
	"CASES_DIR/HOST/ with status.json and the JSON Lines of ps --suspicious,",
	"hidden and verify --packages) and print one table of findings, the most",
	"suspicious first: a hidden object before a deleted executable, before a",
	"renamed process, before a changed package file.  Then each host's",
	"status: unreachable, timeout, failed, feature_missing, and every file",
	"that was missing or corrupt.  A process whose only flag is `listening`",
	"is every server's, and is listed only with --all.  --json: JSON Lines,",
	"every line with a `host` field (`type` finding or host).  Exit 1 if",
	"anything was found or any host could not be fully checked.",
	NULL,
};

static void print_table(const struct fleet_report *r)
{
	static const struct table_col cols[] = {
		{ "HOST", TABLE_LEFT },	 { "PID", TABLE_RIGHT },   { "SCORE", TABLE_RIGHT },
		{ "FLAGS", TABLE_LEFT }, { "LISTEN", TABLE_LEFT }, { "COMMAND", TABLE_LEFT },
	};
	struct table t;
	struct buf cell[6];

	for (size_t c = 0; c < 6; c++)
		buf_init(&cell[c], 0);
	table_init(&t, cols, 6);
	for (size_t i = 0; i < r->n; i++) {
		const struct fleet_finding *f = &r->v[i];
		const char *row[6];
		for (size_t c = 0; c < 6; c++)
			buf_reset(&cell[c]);
		escape_str(&cell[0], r->hosts[f->host].name);
		if (f->pid >= 0)
			buf_addf(&cell[1], "%lld", f->pid);
		else
			buf_addc(&cell[1], '-');
		buf_addf(&cell[2], "%d", f->score);
		escape_bytes_nospace(&cell[3], f->flags.data, f->flags.len);
		if (f->listening.len)
			escape_bytes_nospace(&cell[4], f->listening.data, f->listening.len);
		else
			buf_addc(&cell[4], '-');
		escape_bytes(&cell[5], f->command.data, f->command.len);
		if (f->source == FLEET_VERIFY && f->detail.len) {
			buf_addstr(&cell[5], " (");
			escape_bytes(&cell[5], f->detail.data, f->detail.len);
			buf_addc(&cell[5], ')');
		}
		for (size_t c = 0; c < 6; c++)
			row[c] = cell[c].data;
		table_add(&t, row);
	}
	if (r->n)
		table_print(&t, stdout);
	else
		printf("no findings\n");
	table_release(&t);

	static const struct table_col hcols[] = {
		{ "HOST", TABLE_LEFT },
		{ "STATUS", TABLE_LEFT },
		{ "FINDINGS", TABLE_RIGHT },
		{ "PROBLEMS", TABLE_LEFT },
	};
	table_init(&t, hcols, 4);
	for (size_t i = 0; i < r->nhosts; i++) {
		const struct fleet_host *h = &r->hosts[i];
		const char *row[4];
		for (size_t c = 0; c < 4; c++)
			buf_reset(&cell[c]);
		escape_str(&cell[0], h->name);
		/* ok by its status, yet some output missing or corrupt */
		escape_str(&cell[1],
			   !h->checked && !strcmp(h->status, "ok") ? "partial" : h->status);
		buf_addf(&cell[2], "%zu", h->findings);
		for (size_t k = 0; k < h->nproblems; k++) {
			if (k)
				buf_addstr(&cell[3], "; ");
			escape_str(&cell[3], h->problems[k]);
		}
		if (!h->nproblems)
			buf_addc(&cell[3], '-');
		for (size_t c = 0; c < 4; c++)
			row[c] = cell[c].data;
		table_add(&t, row);
	}
	printf("\n");
	table_print(&t, stdout);
	table_release(&t);
	for (size_t c = 0; c < 6; c++)
		buf_release(&cell[c]);
}

/* split - a comma list (raw bytes) as an array of C strings in tmp */
static size_t split(const struct buf *list, struct buf *tmp, const char **v, size_t max)
{
	size_t n = 0;
	buf_reset(tmp);
	buf_add(tmp, list->data, list->len);
	for (char *p = tmp->data, *save = NULL, *t;
	     list->len && n < max && (t = strtok_r(p, ",", &save)); p = NULL)
		v[n++] = t;
	return n;
}

static void print_json(const struct fleet_report *r)
{
	struct buf out = BUF_INIT, tmp = BUF_INIT;
	const char *v[64];
	struct json j;

	for (size_t i = 0; i < r->n; i++) {
		const struct fleet_finding *f = &r->v[i];
		const char *host = r->hosts[f->host].name;
		json_begin(&j, &out);
		json_str(&j, "host", host, strlen(host));
		json_cstr(&j, "type", "finding");
		json_cstr(&j, "source", fleet_source_name(f->source));
		if (f->pid >= 0)
			json_int(&j, "pid", f->pid);
		else
			json_null(&j, "pid");
		json_int(&j, "score", f->score);
		json_strv(&j, "flags", v, split(&f->flags, &tmp, v, 64));
		json_str(&j, "command", f->command.data, f->command.len);
		json_strv(&j, "listening", v, split(&f->listening, &tmp, v, 64));
		json_str(&j, "detail", f->detail.data, f->detail.len);
		json_end(&j);
	}
	for (size_t i = 0; i < r->nhosts; i++) {
		const struct fleet_host *h = &r->hosts[i];
		json_begin(&j, &out);
		json_str(&j, "host", h->name, strlen(h->name));
		json_cstr(&j, "type", "host");
		json_str(&j, "status", h->status, strlen(h->status));
		json_bool(&j, "checked", h->checked);
		json_uint(&j, "findings", h->findings);
		json_strv(&j, "problems", (const char *const *)h->problems, h->nproblems);
		json_end(&j);
	}
	fwrite(out.data, 1, out.len, stdout);
	buf_release(&out);
	buf_release(&tmp);
}

int cmd_fleet(int argc, char **argv)
{
	int json = 0, all = 0, rc, unchecked = 0;
	struct fleet_report r;
	struct buf name = BUF_INIT, why = BUF_INIT;
	const struct opt opts[] = {
		OPT_BOOL(0, "json", &json, "JSON Lines, each with a host field"),
		OPT_BOOL(0, "all", &all, "also processes whose only flag is listening"),
		OPT_END(),
	};

	argc = opt_parse(argc, argv, opts, fleet_usage, 0);
	if (argc != 1)
		opt_usage_error(fleet_usage, argc ? "one CASES_DIR, please" : "no CASES_DIR given");
	rc = fleet_read(argv[0], all, &r);
	if (rc) {
		escape_str(&name, argv[0]);
		die("%s: %s", name.data, strerror(-rc));
	}
	if (!r.nhosts) {
		escape_str(&name, argv[0]);
		fleet_release(&r);
		die("%s: no host folders (run contrib/ansible/hunt.yml first)", name.data);
	}
	fleet_sort(&r);
	if (json)
		print_json(&r);
	else
		print_table(&r);
	/* unknown is not clean: every host that could not be checked is said */
	for (size_t i = 0; i < r.nhosts; i++) {
		const struct fleet_host *h = &r.hosts[i];
		if (h->checked)
			continue;
		unchecked++;
		buf_reset(&name);
		buf_reset(&why);
		escape_str(&name, h->name);
		if (h->nproblems)
			escape_str(&why, h->problems[0]);
		warning("%s: not fully checked (%s)", name.data, why.len ? why.data : h->status);
	}
	if (unchecked)
		warning("%d of %zu hosts not fully checked; their findings may be incomplete",
			unchecked, r.nhosts);
	rc = r.n || unchecked ? 1 : 0;
	fleet_release(&r);
	buf_release(&name);
	buf_release(&why);
	return rc;
}
