#include "lib/trace/filter.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/diag.h"
#include "util/escape.h"
#include "util/opt.h"
#include "util/xalloc.h"

struct class_ctx {
	struct trace_filter *f;
	unsigned classes;
	const char *name;
	int on, found;
};

static void mark(const struct sc_entry *e, void *ctx)
{
	struct class_ctx *c = ctx;
	if (c->name ? strcmp(e->name, c->name) : !(e->classes & c->classes))
		return;
	c->found = 1;
	for (int a = 0; a < SC_NARCH; a++)
		if (e->nr[a] >= 0 && e->nr[a] < TRACE_NR_MAX)
			c->f->nr[a][e->nr[a]] = (unsigned char)c->on;
}

static void set_all(struct trace_filter *f, int on)
{
	memset(f->nr, on, sizeof(f->nr));
	f->unknown = on;
}

void trace_filter_init(struct trace_filter *f)
{
	memset(f, 0, sizeof(*f));
	set_all(f, 1);
	memset(f->sig, 1, sizeof(f->sig));
}

/* bad_item - "invalid WHAT 'TOKEN'", the token escaped */
static int bad_item(const char *what, const char *tok, size_t n)
{
	struct buf e = BUF_INIT;

	escape_bytes(&e, tok, n);
	error("invalid %s '%s'", what, e.data);
	buf_release(&e);
	return -1;
}

int trace_filter_trace(struct trace_filter *f, const char *set)
{
	char *copy = xstrdup(set), *save = NULL, *tok;
	int neg = 0, rc = 0;
	char *p = copy;

	if (*p == '!') {
		neg = 1;
		p++;
	}
	f->filtered = 1;
	set_all(f, neg);
	if (!strcmp(p, "all")) {
		set_all(f, !neg);
		f->filtered = neg;
	} else if (strcmp(p, "none")) {
		for (tok = strtok_r(p, ",", &save); tok && !rc; tok = strtok_r(NULL, ",", &save)) {
			struct class_ctx c = { f, 0, NULL, !neg, 0 };
			int optional = 0;
			if (*tok == '?') {
				optional = 1;
				tok++;
			}
			if (*tok == '%' || sc_class_parse(tok)) {
				c.classes = sc_class_parse(tok);
				if (!c.classes) {
					rc = bad_item("system call class", tok, strlen(tok));
					break;
				}
			} else {
				c.name = tok;
			}
			sc_each(mark, &c);
			if (!c.found && !optional)
				rc = bad_item("system call", tok, strlen(tok));
		}
	}
	free(copy);
	return rc;
}

static int fd_item(const char *tok)
{
	long v;

	if (opt_parse_long(tok, &v) || v < 0 || v >= SC_MAX_FD_SET)
		return -1;
	return (int)v;
}

/*
 * parse_num_set - strace's set syntax over small numbers: [!]all, none,
 * or a comma list whose items item() turns into an index below n (or -1).
 */
static int parse_num_set(unsigned char *set, size_t n, const char *spec,
			 int (*item)(const char *tok), const char *what)
{
	char *copy = xstrdup(spec), *save = NULL, *tok;
	char *p = copy;
	int neg = 0, rc = 0;

	if (*p == '!') {
		neg = 1;
		p++;
	}
	memset(set, neg, n);
	if (!strcmp(p, "all"))
		memset(set, !neg, n);
	else if (strcmp(p, "none"))
		for (tok = strtok_r(p, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			int v = item(tok);
			if (v < 0 || (size_t)v >= n) {
				rc = bad_item(what, tok, strlen(tok));
				break;
			}
			set[v] = (unsigned char)!neg;
		}
	free(copy);
	return rc;
}

/* read=FDS / write=FDS */
static int parse_fds(unsigned char *fds, int *any, const char *set)
{
	if (parse_num_set(fds, SC_MAX_FD_SET, set, fd_item, "descriptor"))
		return -1;
	*any = 0;
	for (int i = 0; i < SC_MAX_FD_SET; i++)
		*any |= fds[i];
	return 0;
}

int trace_filter_signals(struct trace_filter *f, const char *set)
{
	return parse_num_set(f->sig, sizeof(f->sig), set, sc_signal_parse, "signal");
}

/* the order of TRACE_QUIET_* */
static const char *const quiet_names[] = {
	"attach", "exit", "path-resolution", "personality", "thread-execve", "superseded",
};

static int quiet_item(const char *tok)
{
	for (size_t i = 0; i < sizeof(quiet_names) / sizeof(*quiet_names); i++)
		if (!strcmp(tok, quiet_names[i]))
			return (int)i;
	/* strace's other spellings */
	if (!strcmp(tok, "exits"))
		return 1;
	if (!strcmp(tok, "path-resolutions"))
		return 2;
	return -1;
}

int trace_filter_quiet(struct trace_filter *f, const char *set)
{
	unsigned char on[6];

	if (parse_num_set(on, sizeof(on), set, quiet_item, "quiet"))
		return -1;
	f->quiet = 0;
	f->quiet_set = 1;
	for (size_t i = 0; i < sizeof(on); i++)
		if (on[i])
			f->quiet |= 1u << i;
	return 0;
}

static int is(const char *e, size_t n, const char *word)
{
	return strlen(word) == n && !strncmp(e, word, n);
}

int trace_filter_expr(struct trace_filter *f, const char *e)
{
	const char *eq = strchr(e, '=');
	size_t n = eq ? (size_t)(eq - e) : 0;

	if (!eq)
		return trace_filter_trace(f, e);
	if (is(e, n, "trace") || is(e, n, "t"))
		return trace_filter_trace(f, eq + 1);
	if (is(e, n, "read") || is(e, n, "r"))
		return parse_fds(f->read_fds, &f->any_read, eq + 1);
	if (is(e, n, "write") || is(e, n, "w"))
		return parse_fds(f->write_fds, &f->any_write, eq + 1);
	if (is(e, n, "signal") || is(e, n, "signals") || is(e, n, "s"))
		return trace_filter_signals(f, eq + 1);
	if (is(e, n, "quiet") || is(e, n, "silent") || is(e, n, "silence") || is(e, n, "q"))
		return trace_filter_quiet(f, eq + 1);
	if (is(e, n, "abbrev") || is(e, n, "verbose") || is(e, n, "raw"))
		return 0; /* accepted for strace's sake; stranger decodes as -v says */
	return bad_item("-e qualifier", e, n);
}

int trace_filter_selected(const struct trace_filter *f, int arch, long nr)
{
	if (arch < 0 || arch >= SC_NARCH || nr < 0 || nr >= TRACE_NR_MAX)
		return f->unknown;
	if (!sc_lookup_nr((enum sc_arch)arch, nr))
		return f->unknown;
	return f->nr[arch][nr];
}

struct nr_ctx {
	const struct trace_filter *f;
	int *nrs;
	size_t n;
};

static void collect_nr(const struct sc_entry *e, void *ctx)
{
	struct nr_ctx *c = ctx;
	enum sc_arch a = sc_native_arch();
	int nr = e->nr[a];

	if (nr < 0 || nr >= TRACE_NR_MAX)
		return;
	if (c->f->nr[a][nr] || !strcmp(e->name, "execve") || !strcmp(e->name, "execveat")) {
		c->nrs = xrealloc(c->nrs, (c->n + 1) * sizeof(int));
		c->nrs[c->n++] = nr;
	}
}

int *trace_filter_stops(const struct trace_filter *f, size_t *n)
{
	struct nr_ctx c = { f, NULL, 0 };

	sc_each(collect_nr, &c);
	*n = c.n;
	return c.nrs;
}
