/*
 * chains - connection chains across hosts, from the logs of each host.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cmds.h"
#include "lib/timeline/chains.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/escape.h"
#include "util/opt.h"
#include "util/xalloc.h"

static const char *const chains_usage[] = {
	"stranger chains [--window SECS] [--json] [--dot] [--addr HOST=ADDR]... [HOST=]LOG...",
	"",
	"Read the connection logs of one or many hosts (TCP Wrapper lines, xinetd",
	"START/FAIL, sshd's Connection from/Accepted/Failed; syslog text, journal",
	"files or folders, journal exports) and link a connection into",
	"host B from host A with a connection out of B into host C that follows",
	"within the window.  Each chain is printed on one line, longest first:",
	"the hosts, then each hop's time, user, service.  A log is named after the",
	"host in its lines, else HOST= before it, else its file name.",
	"Exit status: 0 no chain, 1 chains found, 2 failure.",
	NULL,
};

static struct ch_set *addr_target;

static int addr_cb(const struct opt *o, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char host[256];

	(void)o;
	if (!eq || eq == arg || !eq[1] || (size_t)(eq - arg) >= sizeof(host))
		return -1;
	memcpy(host, arg, (size_t)(eq - arg));
	host[eq - arg] = 0;
	ch_addr(addr_target, host, eq + 1);
	return 0;
}

static void esc(struct buf *b, const char *s)
{
	escape_bytes_nospace(b, s, strlen(s));
}

static void when(struct buf *b, const struct ch_conn *c)
{
	if (c->year_known) {
		tl_iso(b, c->when.sec, c->when.nsec ? c->when.nsec : -1);
		return;
	}
	/* the log gave no year: print the time as it was logged */
	struct tm tm;
	time_t t = (time_t)c->when.sec;
	char s[32];
	if (gmtime_r(&t, &tm) && strftime(s, sizeof(s), "%b %e %H:%M:%S", &tm))
		buf_addstr(b, s);
	else
		buf_addf(b, "@%lld", c->when.sec);
}

static void print_text(const struct ch_set *s, const struct ch_chain *ch, struct buf *b)
{
	esc(b, s->conn[ch->hop[0]].from_host);
	for (size_t k = 0; k < ch->n; k++) {
		buf_addstr(b, " -> ");
		esc(b, s->conn[ch->hop[k]].to);
	}
	buf_addstr(b, " |");
	for (size_t k = 0; k < ch->n; k++) {
		const struct ch_conn *c = &s->conn[ch->hop[k]];
		buf_addstr(b, k ? "; " : " ");
		when(b, c);
		buf_addc(b, ' ');
		if (c->ruser) {
			esc(b, c->ruser);
			buf_addc(b, '@');
		}
		esc(b, c->from);
		buf_addstr(b, " -> ");
		if (c->luser) {
			esc(b, c->luser);
			buf_addc(b, '@');
		}
		esc(b, c->to);
		buf_addc(b, ' ');
		esc(b, c->service);
		if (c->refused)
			buf_addstr(b, " refused");
	}
	buf_addc(b, '\n');
}

static void jstr(struct buf *b, const char *key, const char *v, int comma)
{
	struct buf t = BUF_INIT;
	if (comma)
		buf_addc(b, ',');
	buf_addf(b, "\"%s\":", key);
	if (!v) {
		buf_addstr(b, "null");
		return;
	}
	escape_str(&t, v);
	escape_json(b, t.data, t.len);
	buf_release(&t);
}

static void print_json(const struct ch_set *s, const struct ch_chain *ch, struct buf *b)
{
	buf_addstr(b, "{\"hosts\":[");
	struct buf t = BUF_INIT;
	escape_str(&t, s->conn[ch->hop[0]].from_host);
	escape_json(b, t.data, t.len);
	for (size_t k = 0; k < ch->n; k++) {
		buf_reset(&t);
		escape_str(&t, s->conn[ch->hop[k]].to);
		buf_addc(b, ',');
		escape_json(b, t.data, t.len);
	}
	buf_release(&t);
	buf_addf(b, "],\"hops\":%zu,\"connections\":[", ch->n);
	for (size_t k = 0; k < ch->n; k++) {
		const struct ch_conn *c = &s->conn[ch->hop[k]];
		buf_addstr(b, k ? ",{\"time\":\"" : "{\"time\":\"");
		when(b, c);
		buf_addf(b, "\",\"year_known\":%s", c->year_known ? "true" : "false");
		jstr(b, "from", c->from_host, 1);
		jstr(b, "from_as_logged", c->from, 1);
		jstr(b, "to", c->to, 1);
		jstr(b, "remote_user", c->ruser, 1);
		jstr(b, "user", c->luser, 1);
		jstr(b, "service", c->service, 1);
		buf_addf(b, ",\"refused\":%s", c->refused ? "true" : "false");
		jstr(b, "log_file", c->file, 1);
		buf_addf(b, ",\"log_line\":%lu}", c->line);
	}
	buf_addstr(b, "]}\n");
}

static void dot_id(struct buf *b, const char *s)
{
	struct buf t = BUF_INIT;
	escape_str(&t, s);
	buf_addc(b, '"');
	for (size_t i = 0; i < t.len; i++) {
		if (t.data[i] == '"' || t.data[i] == '\\')
			buf_addc(b, '\\');
		buf_addc(b, t.data[i]);
	}
	buf_addc(b, '"');
	buf_release(&t);
}

static void print_dot(const struct ch_set *s, struct buf *b)
{
	buf_addstr(b, "digraph chains {\n  rankdir=LR;\n  node [shape=box];\n");
	for (size_t i = 0; i < s->nchains; i++) {
		const struct ch_chain *ch = &s->chain[i];
		for (size_t k = 0; k < ch->n; k++) {
			const struct ch_conn *c = &s->conn[ch->hop[k]];
			struct buf label = BUF_INIT;
			buf_addf(&label, "%zu.%zu ", i + 1, k + 1);
			when(&label, c);
			buf_addc(&label, ' ');
			if (c->ruser) {
				buf_addstr(&label, c->ruser);
				buf_addc(&label, '@');
			}
			buf_addstr(&label, c->from);
			buf_addc(&label, ' ');
			buf_addstr(&label, c->service);
			if (c->luser) {
				buf_addstr(&label, " as ");
				buf_addstr(&label, c->luser);
			}
			if (c->refused)
				buf_addstr(&label, " refused");
			buf_addstr(b, "  ");
			dot_id(b, c->from_host);
			buf_addstr(b, " -> ");
			dot_id(b, c->to);
			buf_addstr(b, " [label=");
			dot_id(b, label.data);
			buf_addstr(b, c->refused ? ", style=dashed];\n" : "];\n");
			buf_release(&label);
		}
	}
	buf_addstr(b, "}\n");
}

int cmd_chains(int argc, char **argv)
{
	long window = 120;
	int json = 0, dot = 0, bad = 0;
	struct ch_set s;
	struct buf out = BUF_INIT;
	const struct opt opts[] = {
		OPT_LONG('w', "window", &window, "SECS",
			 "longest time between a connection and the next hop (default 120)", 0,
			 100000000),
		OPT_BOOL(0, "json", &json, "one JSON object a chain"),
		OPT_BOOL(0, "dot", &dot, "a Graphviz graph of the chains"),
		OPT_CALLBACK(0, "addr", NULL, "HOST=ADDR", "ADDR is HOST's address", addr_cb),
		OPT_END(),
	};

	ch_init(&s, 120);
	addr_target = &s;
	argc = opt_parse(argc, argv, opts, chains_usage, 0);
	if (!argc)
		opt_usage_error(chains_usage, "no log given");
	if (json && dot)
		opt_usage_error(chains_usage, "--json or --dot, not both");
	s.window = window;
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i], *eq = strchr(arg, '='), *path = arg;
		char *name = NULL;
		int rc;
		/* HOST=FILE: a '=' before any '/' */
		if (eq && eq != arg && memchr(arg, '/', (size_t)(eq - arg)) == NULL) {
			name = xstrndup(arg, (size_t)(eq - arg));
			path = eq + 1;
		}
		rc = ch_add_log(&s, path, name);
		free(name);
		if (rc) {
			struct buf b = BUF_INIT;
			escape_str(&b, path);
			error("%s: %s", b.data, strerror(-rc));
			buf_release(&b);
			bad++;
		}
	}
	if (bad == argc)
		die("no log could be read");
	if (s.lines && s.unparsed == s.lines)
		warning("no line had a syslog timestamp; is this a log?");
	ch_link(&s);
	if (dot)
		print_dot(&s, &out);
	else
		for (size_t i = 0; i < s.nchains; i++) {
			if (json)
				print_json(&s, &s.chain[i], &out);
			else
				print_text(&s, &s.chain[i], &out);
		}
	fwrite(out.data, 1, out.len, stdout);
	buf_release(&out);
	int found = s.nchains > 0;
	ch_release(&s);
	if (bad)
		return 2;
	return found ? 1 : 0;
}
