/*
 * trace - system calls as strace prints them, with the article's wiretap.
 *
 * Two engines give raw events: ptrace (lib/ptrace), which stops the
 * tracee at each call, and bpf (lib/bpftrace), which copies each call's
 * arguments from the kernel without stopping anything; the bpf events are
 * turned into the ptrace engine's events, so one path decodes both.
 * lib/syscall turns each into text; this file selects (-e trace=, -P,
 * -e signal=), lays lines out (pid prefixes, -tt, -T, unfinished/resumed,
 * --json) and writes them.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmds.h"
#include "lib/trace/bpftrace.h"
#include "lib/proc/proc.h"
#include "lib/trace/ptrace.h"
#include "lib/trace/syscall/syscall.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/escape.h"
#include "util/opt.h"
#include "util/table.h"
#include "util/xalloc.h"
#include "version.h"

static const char *const usage[] = {
	"stranger trace [OPTIONS] -p PID[,PID...]",
	"stranger trace [OPTIONS] -- CMD [ARG...]",
	"  -e EXPR: trace=SET (names, %file %network %process %memory %signal",
	"  %desc %ipc %creds %clock, all, none, !SET), read=FDS, write=FDS,",
	"  signal=SET; -eNAME is trace=NAME.",
	NULL,
};

/* ---- selection ---- */

struct select {
	unsigned char nr[SC_NARCH][1024]; /* traced calls */
	int unknown;                       /* calls the table does not know */
	unsigned char sig[65];             /* signals shown */
	unsigned char read_fds[SC_MAX_FD_SET], write_fds[SC_MAX_FD_SET];
	int any_read, any_write;
	int filtered;                      /* trace= narrowed the set */
};

struct class_ctx {
	struct select *s;
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
		if (e->nr[a] >= 0 && e->nr[a] < 1024)
			c->s->nr[a][e->nr[a]] = (unsigned char)c->on;
}

static void set_all(struct select *s, int on)
{
	memset(s->nr, on, sizeof(s->nr));
	s->unknown = on;
}

/* bad_item - "invalid WHAT 'TOKEN'", the token escaped */
static int bad_item(const char *what, const char *tok)
{
	struct buf e = BUF_INIT;

	escape_str(&e, tok);
	error("invalid %s '%s'", what, e.data);
	buf_release(&e);
	return -1;
}

/* trace=SET */
static int parse_trace_set(struct select *s, const char *set)
{
	char *copy = xstrdup(set), *save = NULL, *tok;
	int neg = 0;
	const char *p = copy;

	if (*p == '!') {
		neg = 1;
		p++;
	}
	s->filtered = 1;
	set_all(s, neg);
	if (!strcmp(p, "all")) {
		set_all(s, !neg);
		s->filtered = neg;
		free(copy);
		return 0;
	}
	if (!strcmp(p, "none")) {
		set_all(s, neg);
		free(copy);
		return 0;
	}
	for (tok = strtok_r((char *)p, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		struct class_ctx c = { s, 0, NULL, !neg, 0 };
		int optional = 0;
		if (*tok == '?') {
			optional = 1;
			tok++;
		}
		if (*tok == '%' || sc_class_parse(tok)) {
			c.classes = sc_class_parse(tok);
			if (!c.classes) {
				int rc = bad_item("system call class", tok);
				free(copy);
				return rc;
			}
		} else {
			c.name = tok;
		}
		sc_each(mark, &c);
		if (!c.found && !optional) {
			int rc = bad_item("system call", tok);
			free(copy);
			return rc;
		}
	}
	free(copy);
	return 0;
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
				rc = bad_item(what, tok);
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

static int parse_expr(struct select *s, const char *e)
{
	const char *eq = strchr(e, '=');
	size_t n = eq ? (size_t)(eq - e) : 0;

	if (!eq)
		return parse_trace_set(s, e);
	if ((n == 5 && !strncmp(e, "trace", 5)) || (n == 1 && e[0] == 't'))
		return parse_trace_set(s, eq + 1);
	if ((n == 4 && !strncmp(e, "read", 4)) || (n == 1 && e[0] == 'r'))
		return parse_fds(s->read_fds, &s->any_read, eq + 1);
	if ((n == 5 && !strncmp(e, "write", 5)) || (n == 1 && e[0] == 'w'))
		return parse_fds(s->write_fds, &s->any_write, eq + 1);
	if ((n == 6 && !strncmp(e, "signal", 6)) || (n == 7 && !strncmp(e, "signals", 7)) ||
	    (n == 1 && e[0] == 's'))
		return parse_num_set(s->sig, sizeof(s->sig), eq + 1,
				     sc_signal_parse, "signal");
	if ((n == 6 && !strncmp(e, "abbrev", 6)) || (n == 7 && !strncmp(e, "verbose", 7)) ||
	    (n == 3 && !strncmp(e, "raw", 3)))
		return 0; /* accepted for strace's sake; stranger decodes as -v says */
	struct buf b = BUF_INIT;
	escape_bytes(&b, e, n);
	error("invalid -e qualifier '%s'", b.data);
	buf_release(&b);
	return -1;
}

/* ---- per tracee ---- */

struct out {
	int fd;
	struct buf b;
	struct tstate *pending; /* whose entry part ends the last line */
};

struct tstate {
	pid_t pid;
	struct sc_call call;
	struct buf line;
	size_t printed;    /* bytes of line already written */
	int in_call, shown, cut;
	struct timespec t0;
	struct out *out;   /* -ff: its own file */
	/* bpf: the call's copied memory, at entry and (during exit) at exit */
	struct bpftrace_event *bpf_entry;
	const struct bpftrace_event *bpf_exit;
	int bpf_held;      /* entry not decoded yet: it waits for the exit */
	struct ptrace_event bpf_held_ev;
};

struct trace {
	struct select sel;
	struct sc_opts sco;
	struct out main;
	struct tstate **ts;
	size_t nts, cap;
	int json, tflag, timing, quiet, follow, ff, prefix_always, nprocs_max;
	const char *outname;
	const char *path; /* -P */
	size_t npaths;
	const char **paths;
	pid_t launched;
	int launched_status;
	int write_failed;
	long long last_flush;
	int timer_armed;
	struct bpftrace *bt; /* the bpf engine, or NULL for ptrace */
};

static volatile sig_atomic_t interrupted, alarmed;

static void on_signal(int sig)
{
	interrupted = sig;
	alarm(1); /* in case the signal came just before waitpid blocked */
}

static void on_alarm(int sig)
{
	(void)sig;
	alarmed = 1;
	if (interrupted)
		alarm(1);
}

static void out_flush(struct trace *t, struct out *o)
{
	if (!o->b.len)
		return;
	if (buf_write_fd(&o->b, o->fd) < 0 && !t->write_failed) {
		t->write_failed = 1;
		warning_errno("write error on trace output");
	}
	buf_reset(&o->b);
}

static void flush_all(struct trace *t)
{
	out_flush(t, &t->main);
	for (size_t i = 0; i < t->nts; i++)
		if (t->ts[i]->out != &t->main)
			out_flush(t, t->ts[i]->out);
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * Output is written at most every FLUSH_MS while calls keep coming (one
 * write per call would cost as much as the call), and always before the
 * tracer sleeps: a timer wakes it if it went to sleep with output held.
 */
#define FLUSH_MS 20

static int idle(void *ctx, int run)
{
	struct trace *t = ctx;
	int pending = t->main.b.len > 0;

	for (size_t i = 0; i < t->nts && !pending; i++)
		pending = t->ts[i]->out->b.len > 0;
	if (run) {
		flush_all(t);
		t->last_flush = now_ms();
		return 0;
	}
	if (alarmed) {
		/* the timer fired (maybe while we were busy): it is spent */
		alarmed = 0;
		t->timer_armed = 0;
		return pending;
	}
	if (!pending)
		return 0;
	if (now_ms() - t->last_flush >= FLUSH_MS || t->main.b.len >= 65536)
		return 1;
	if (!t->timer_armed) {
		struct itimerval it = { { 0, 0 }, { 0, FLUSH_MS * 1000 } };
		setitimer(ITIMER_REAL, &it, NULL);
		t->timer_armed = 1;
	}
	return 0;
}

static void out_maybe_flush(struct trace *t, struct out *o)
{
	if (o->b.len >= 65536)
		out_flush(t, o);
}

static struct tstate *tstate_get(struct trace *t, pid_t pid)
{
	for (size_t i = 0; i < t->nts; i++)
		if (t->ts[i]->pid == pid)
			return t->ts[i];
	if (t->nts == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->ts = xrealloc(t->ts, t->cap * sizeof(*t->ts));
	}
	struct tstate *s = xcalloc(1, sizeof(*s));
	s->pid = pid;
	buf_init(&s->line, 256);
	s->out = &t->main;
	if (t->ff && t->outname) {
		char name[PATH_MAX];
		if (snprintf(name, sizeof(name), "%s.%d", t->outname, (int)pid) <
		    (int)sizeof(name)) {
			int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
			if (fd >= 0) {
				s->out = xcalloc(1, sizeof(*s->out));
				s->out->fd = fd;
				buf_init(&s->out->b, 4096);
			} else {
				warning_errno("%s", name);
			}
		}
	}
	t->ts[t->nts++] = s;
	if ((int)t->nts > t->nprocs_max)
		t->nprocs_max = (int)t->nts;
	return s;
}

static void tstate_drop(struct trace *t, pid_t pid)
{
	for (size_t i = 0; i < t->nts; i++)
		if (t->ts[i]->pid == pid) {
			struct tstate *s = t->ts[i];
			if (s->out != &t->main) {
				out_flush(t, s->out);
				close(s->out->fd);
				buf_release(&s->out->b);
				free(s->out);
			}
			if (t->main.pending == s)
				t->main.pending = NULL;
			free(s->bpf_entry);
			buf_release(&s->line);
			free(s);
			t->ts[i] = t->ts[--t->nts];
			return;
		}
}

/* "1234  " / "[pid  1234] " and "12:00:00.123456 " as strace lays them out */
static void prefix(struct trace *t, struct tstate *s, struct buf *o,
		   const struct timespec *when)
{
	if (s->out == &t->main) {
		if (t->outname && t->prefix_always)
			buf_addf(o, "%-5d ", (int)s->pid);
		else if (t->nts > 1 && !t->outname)
			buf_addf(o, "[pid %5d] ", (int)s->pid);
		else if (t->nts > 1)
			buf_addf(o, "%-5d ", (int)s->pid);
	}
	if (t->tflag) {
		if (t->tflag >= 3) {
			buf_addf(o, "%lld.%06ld ", (long long)when->tv_sec, when->tv_nsec / 1000);
		} else {
			struct tm tm;
			char hms[16];
			time_t sec = when->tv_sec;
			localtime_r(&sec, &tm);
			strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
			if (t->tflag == 2)
				buf_addf(o, "%s.%06ld ", hms, when->tv_nsec / 1000);
			else
				buf_addf(o, "%s ", hms);
		}
	}
}

/* end someone else's open line before writing another */
/* a cut line ends as strace's does: "wait4(-1,  <unfinished ...>" */
static void cut_pending(struct out *o, struct tstate *except)
{
	if (o->pending && o->pending != except) {
		if (o->pending->call.at_exit && o->pending->call.nout)
			buf_add(&o->b, ",", 1);
		buf_addstr(&o->b, " <unfinished ...>\n");
		o->pending->cut = 1;
		o->pending = NULL;
	}
}

static int touches_path(struct trace *t, struct tstate *s)
{
	if (!t->npaths)
		return 1;
	for (size_t i = 0; i < t->npaths; i++) {
		struct buf q = BUF_INIT;
		int hit = 0, n = s->call.nout < SC_MAX_ARGS ? s->call.nout : SC_MAX_ARGS;
		sc_quote(&q, (const unsigned char *)t->paths[i], strlen(t->paths[i]), 0);
		/* an argument that is exactly the path (not an argv holding it) */
		for (int k = 0; k < n && !hit; k++) {
			size_t a = s->call.argoff[k];
			size_t b = k + 1 < n ? s->call.argoff[k + 1] - 2 : s->line.len;
			hit = b >= a && b - a == q.len && !memcmp(s->line.data + a, q.data, q.len);
		}
		buf_release(&q);
		if (hit)
			return 1;
		if (s->call.ent && (s->call.ent->classes & SC_CLASS_DESC)) {
			char link[64], target[PATH_MAX];
			snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)s->pid,
				 (int)s->call.args[0]);
			ssize_t len = readlink(link, target, sizeof(target) - 1);
			if (len > 0) {
				target[len] = 0;
				if (!strcmp(target, t->paths[i]))
					return 1;
			}
		}
	}
	return 0;
}

static long mem_reader(void *ctx, unsigned long long addr, void *dst, size_t n)
{
	return ptrace_mem_read((pid_t)(long)ctx, addr, dst, n);
}

/* the bpf engine's copies: what the call wrote, else what it read */
static long bpf_mem_reader(void *ctx, unsigned long long addr, void *dst, size_t n)
{
	struct tstate *s = ctx;

	return bpftrace_mem2(s->bpf_exit, s->bpf_entry, addr, dst, n);
}

static int selected(const struct trace *t, int arch, long nr)
{
	if (arch < 0 || arch >= SC_NARCH)
		return t->sel.unknown;
	if (nr < 0 || nr >= 1024)
		return t->sel.unknown;
	if (!sc_lookup_nr((enum sc_arch)arch, nr))
		return t->sel.unknown;
	return t->sel.nr[arch][nr];
}

static void json_call(struct trace *t, struct tstate *s, const struct timespec *when,
		      long long dur_us, const struct buf *dump);

static void on_entry(struct trace *t, const struct ptrace_event *ev)
{
	struct tstate *s = tstate_get(t, ev->pid);
	struct out *o = s->out;

	s->in_call = 1;
	s->cut = 0;
	s->t0 = ev->when;
	s->shown = selected(t, ev->arch, ev->nr);
	if (!s->shown && !t->sel.any_read && !t->sel.any_write)
		return;
	memset(&s->call, 0, sizeof(s->call));
	s->call.arch = (enum sc_arch)(ev->arch < 0 ? SC_NARCH : ev->arch);
	s->call.nr = ev->nr;
	s->call.pid = ev->pid;
	memcpy(s->call.args, ev->args, sizeof(s->call.args));
	if (t->bt) {
		s->call.mem = bpf_mem_reader;
		s->call.mem_ctx = s;
	} else {
		s->call.mem = mem_reader;
		s->call.mem_ctx = (void *)(long)ev->pid;
	}
	s->call.opts = &t->sco;
	buf_reset(&s->line);
	if (!t->json)
		prefix(t, s, &s->line, &ev->when);
	s->call.line_start = 0;
	sc_decode_entry(&s->call, &s->line);
	if (s->shown && t->npaths && !touches_path(t, s))
		s->shown = 0;
	s->printed = 0;
	if (!s->shown)
		return;
	if (s->call.suppress_ret) {
		/* exit_group never returns: the whole line now, as strace */
		s->in_call = 0;
		sc_decode_exit(&s->call, &s->line, 0);
		if (t->json) {
			json_call(t, s, &ev->when, 0, NULL);
			return;
		}
		cut_pending(o, NULL);
		buf_add(&o->b, s->line.data, s->line.len);
		buf_addc(&o->b, '\n');
		return;
	}
	if (t->json)
		return;
	cut_pending(o, s);
	buf_add(&o->b, s->line.data, s->line.len);
	s->printed = s->line.len;
	o->pending = s;
}

static void json_call(struct trace *t, struct tstate *s, const struct timespec *when,
		      long long dur_us, const struct buf *dump)
{
	struct sc_call *c = &s->call;
	struct buf *o = &s->out->b;
	struct json j;
	char ts[64];
	struct tm tm;
	time_t sec = s->t0.tv_sec;
	const char *base = s->line.data;

	gmtime_r(&sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	json_begin(&j, o);
	buf_addf(o, "\"time\":\"%s.%06ldZ\"", ts, s->t0.tv_nsec / 1000);
	j.first = 0;
	json_int(&j, "pid", s->pid);
	if (c->ent)
		json_cstr(&j, "name", c->ent->name);
	else {
		char n[32];
		snprintf(n, sizeof(n), "syscall_%#lx", (unsigned long)c->nr);
		json_cstr(&j, "name", n);
	}
	/* each argument's text, as the line shows it */
	buf_addstr(o, ",\"args\":[");
	int n = c->nout < SC_MAX_ARGS ? c->nout : SC_MAX_ARGS;
	for (int i = 0; i < n; i++) {
		size_t a = c->argoff[i];
		size_t b = i + 1 < n ? c->argoff[i + 1] - 2 : c->argoff[n];
		if (b < a || b > s->line.len)
			b = a;
		if (i)
			buf_addc(o, ',');
		escape_json(o, base + a, b - a);
	}
	buf_addc(o, ']');
	if (c->suppress_ret) {
		json_null(&j, "return");
	} else if (c->ret < 0 && c->ret >= -4095) {
		json_int(&j, "return", -1);
		const char *en = sc_errname((int)-c->ret);
		if (en)
			json_cstr(&j, "errno", en);
		else
			json_int(&j, "errno", -c->ret);
	} else {
		json_int(&j, "return", c->ret);
	}
	json_int(&j, "duration_us", dur_us);
	if (dump && dump->len)
		json_str(&j, "dump", dump->data, dump->len);
	json_end(&j);
	(void)when;
}

static void on_exit_event(struct trace *t, const struct ptrace_event *ev)
{
	struct tstate *s = tstate_get(t, ev->pid);
	struct out *o = s->out;
	struct buf dump = BUF_INIT;
	long long dur;
	int skip = 0;

	if (!s->in_call)
		return; /* attached in the middle of a call */
	s->in_call = 0;
	if (!s->shown && !t->sel.any_read && !t->sel.any_write)
		return;
	s->call.ret = ev->ret;
	dur = (ev->when.tv_sec - s->t0.tv_sec) * 1000000LL +
	      (ev->when.tv_nsec - s->t0.tv_nsec) / 1000;
	if (!s->shown) {
		/* not traced, but its data may be wiretapped: dump alone */
		sc_decode_dump(&s->call, &dump);
		if (dump.len) {
			if (t->json) {
				buf_reset(&s->line);
				sc_decode_exit(&s->call, &s->line, 1);
				json_call(t, s, &ev->when, dur, &dump);
			} else {
				cut_pending(o, NULL);
				buf_add(&o->b, dump.data, dump.len);
			}
		}
		buf_release(&dump);
		out_maybe_flush(t, o);
		return;
	}
	if (!t->json && (s->cut || o->pending != s)) {
		/* someone else printed meanwhile: "<... read resumed>" */
		struct buf r = BUF_INIT;
		cut_pending(o, s);
		prefix(t, s, &r, &ev->when);
		buf_addf(&r, "<... %s resumed>", s->call.ent ? s->call.ent->name : "syscall");
		s->call.line_start = (long long)s->line.len - (long long)r.len;
		if (s->call.at_exit && s->call.nout) {
			/* the cut line already said ", " */
			s->call.line_start += 2;
			skip = 2;
		}
		buf_add(&o->b, r.data, r.len);
		buf_release(&r);
	}
	sc_decode_exit(&s->call, &s->line, 1);
	sc_decode_dump(&s->call, &dump);
	if (t->json) {
		json_call(t, s, &ev->when, dur, &dump);
	} else {
		size_t from = s->printed;
		if (skip && s->line.len >= from + 2 && !memcmp(s->line.data + from, ", ", 2))
			from += 2;
		buf_add(&o->b, s->line.data + from, s->line.len - from);
		if (t->timing)
			buf_addf(&o->b, " <%lld.%06lld>", dur / 1000000, dur % 1000000);
		buf_addc(&o->b, '\n');
		buf_add(&o->b, dump.data, dump.len);
		o->pending = NULL;
	}
	buf_release(&dump);
	out_maybe_flush(t, o);
}

static void line_simple(struct trace *t, pid_t pid, const struct timespec *when,
			const char *text, const char *json_key, const char *json_val,
			long long json_int_val)
{
	struct tstate *s = tstate_get(t, pid);
	struct out *o = s->out;

	if (t->json) {
		struct json j;
		char ts[64];
		struct tm tm;
		time_t sec = when->tv_sec;
		gmtime_r(&sec, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
		json_begin(&j, &o->b);
		buf_addf(&o->b, "\"time\":\"%s.%06ldZ\"", ts, when->tv_nsec / 1000);
		j.first = 0;
		json_int(&j, "pid", pid);
		if (json_val)
			json_cstr(&j, json_key, json_val);
		else
			json_int(&j, json_key, json_int_val);
		json_end(&j);
		return;
	}
	cut_pending(o, NULL);
	prefix(t, s, &o->b, when);
	buf_addstr(&o->b, text);
	buf_addc(&o->b, '\n');
}

static void on_signal_event(struct trace *t, const struct ptrace_event *ev)
{
	struct buf b = BUF_INIT;
	if (ev->sig <= 0 || ev->sig > 64 || !t->sel.sig[ev->sig])
		return;
	buf_addstr(&b, "--- ");
	buf_addstr(&b, sc_signame(ev->sig) ? sc_signame(ev->sig) : "SIG???");
	buf_addc(&b, ' ');
	sc_siginfo(&b, &ev->si);
	buf_addstr(&b, " ---");
	if (t->json) {
		struct tstate *s = tstate_get(t, ev->pid);
		struct json j;
		json_begin(&j, &s->out->b);
		json_int(&j, "pid", ev->pid);
		json_cstr(&j, "signal", sc_signame(ev->sig));
		json_str(&j, "siginfo", b.data + 4 + strlen(sc_signame(ev->sig)) + 1,
			 b.len - 4 - strlen(sc_signame(ev->sig)) - 1 - 4);
		json_end(&j);
	} else {
		line_simple(t, ev->pid, &ev->when, b.data, NULL, NULL, 0);
	}
	buf_release(&b);
}

static void on_gone(struct trace *t, const struct ptrace_event *ev)
{
	struct tstate *s = tstate_get(t, ev->pid);
	char text[96];

	if (ev->pid == t->launched)
		t->launched_status = ev->kind == PTE_EXITED ? ev->status : 128 + ev->sig;
	if (s->in_call && s->shown && !t->json) {
		/* it died inside a call (exit_group, SIGKILL): finish the line */
		struct out *o = s->out;
		if (s->cut || o->pending != s) {
			struct buf r = BUF_INIT;
			cut_pending(o, s);
			prefix(t, s, &r, &ev->when);
			buf_addf(&r, "<... %s resumed>", s->call.ent ? s->call.ent->name : "syscall");
			s->call.line_start = (long long)s->line.len - (long long)r.len;
			buf_add(&o->b, r.data, r.len);
			buf_release(&r);
		}
		sc_decode_exit(&s->call, &s->line, 0);
		buf_add(&o->b, s->line.data + s->printed, s->line.len - s->printed);
		buf_addc(&o->b, '\n');
		o->pending = NULL;
	}
	if (t->quiet < 2) {
		if (ev->kind == PTE_EXITED) {
			snprintf(text, sizeof(text), "+++ exited with %d +++", ev->status);
			line_simple(t, ev->pid, &ev->when, text, "exited", NULL, ev->status);
		} else {
			const char *n = sc_signame(ev->sig);
			snprintf(text, sizeof(text), "+++ killed by %s%s +++", n ? n : "?",
				 ev->core ? " (core dumped)" : "");
			line_simple(t, ev->pid, &ev->when, text, "killed", n ? n : "?", 0);
		}
	}
	out_flush(t, s->out);
	tstate_drop(t, ev->pid);
}

/* ---- the bpf engine ---- */

/* bpf_event - the ptrace engine's event for a raw bpf event's fields */
static void bpf_event(const struct bpftrace_event *b, struct ptrace_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->pid = b->tid;
	ev->when.tv_sec = (time_t)(b->ts / 1000000000ULL);
	ev->when.tv_nsec = (long)(b->ts % 1000000000ULL);
	ev->arch = (b->flags & BT_EV_COMPAT) ? -1 : (int)sc_native_arch();
	ev->nr = b->nr;
	memcpy(ev->args, b->args, sizeof(ev->args));
	ev->ret = b->ret;
}

static int bpf_faulted(const struct bpftrace_event *b)
{
	const unsigned char *d;
	struct bt_chunk ch;

	for (size_t i = 0; !bpftrace_chunk(b, i, &ch, &d); i++)
		if (ch.flags & BT_CH_FAULT)
			return 1;
	return 0;
}

/* decode an entry that waited for its exit */
static void bpf_release(struct trace *t, struct tstate *s)
{
	if (s->bpf_held) {
		s->bpf_held = 0;
		on_entry(t, &s->bpf_held_ev);
	}
}

/* what ptrace reports as a group-stop: "--- stopped by SIGSTOP ---" */
static void bpf_stopped(struct trace *t, pid_t pid, const struct timespec *when, int sig)
{
	char text[64];

	if (sig <= 0 || sig > 64 || !t->sel.sig[sig])
		return;
	snprintf(text, sizeof(text), "--- stopped by %s ---", sc_signame(sig));
	line_simple(t, pid, when, text, "stopped_by", sc_signame(sig), 0);
}

static int on_bpf(const struct bpftrace_event *b, void *ctx)
{
	struct trace *t = ctx;
	struct ptrace_event ev;
	struct tstate *s;
	const unsigned char *d;
	struct bt_chunk ch;

	bpf_event(b, &ev);
	switch (b->type) {
	case BT_ENTER:
		s = tstate_get(t, b->tid);
		bpf_release(t, s);
		free(s->bpf_entry);
		s->bpf_entry = bpftrace_event_dup(b);
		s->bpf_exit = NULL;
		ev.kind = PTE_SYSCALL_ENTRY;
		if (bpf_faulted(b)) {
			/*
			 * Memory that was not resident at entry (a path in a
			 * page not touched yet) is copied again at exit: decode
			 * the entry then, so the line shows it.
			 */
			s->bpf_held = 1;
			s->bpf_held_ev = ev;
			break;
		}
		on_entry(t, &ev);
		break;
	case BT_EXIT:
		s = tstate_get(t, b->tid);
		s->bpf_exit = b;
		bpf_release(t, s);
		ev.kind = PTE_SYSCALL_EXIT;
		on_exit_event(t, &ev);
		s->bpf_exit = NULL;
		break;
	case BT_SIGNAL:
		/* ptrace never reports SIGKILL: the tracee just dies */
		if (b->nr == SIGKILL)
			break;
		bpf_release(t, tstate_get(t, b->tid));
		ev.kind = PTE_SIGNAL;
		ev.sig = (int)b->nr;
		if (!bpftrace_chunk(b, 0, &ch, &d) && ch.argi == BT_ARG_SIGINFO) {
			memcpy(&ev.si, d, ch.len < sizeof(ev.si) ? ch.len : sizeof(ev.si));
		} else {
			ev.si.si_signo = ev.sig;
			ev.si.si_code = b->args[0] == 1 ? SI_KERNEL : SI_USER;
		}
		on_signal_event(t, &ev);
		if (b->ret == 1)
			bpf_stopped(t, b->tid, &ev.when, ev.sig);
		break;
	case BT_FORK:
		if (t->follow) {
			ev.kind = PTE_ATTACHED;
			ev.pid = (pid_t)b->nr;
			tstate_get(t, ev.pid);
			if (!t->quiet && !t->json && !t->ff)
				fprintf(stderr, "stranger: trace: Process %d attached\n", (int)ev.pid);
		}
		break;
	case BT_TASKEXIT:
		bpf_release(t, tstate_get(t, b->tid));
		if (WIFSIGNALED((int)b->nr)) {
			ev.kind = PTE_KILLED;
			ev.sig = WTERMSIG((int)b->nr);
			ev.core = WCOREDUMP((int)b->nr) ? 1 : 0;
		} else {
			ev.kind = PTE_EXITED;
			ev.status = WEXITSTATUS((int)b->nr);
		}
		on_gone(t, &ev);
		break;
	}
	return 0;
}

static void bpf_report_lost(struct trace *t, unsigned long long *seen_ev,
			    unsigned long long *seen_bytes)
{
	unsigned long long ev, bytes;

	bpftrace_lost(t->bt, &ev, &bytes);
	if (ev > *seen_ev)
		warning("%llu events lost: the ring buffer was full "
			"(a larger --buffer-size helps)", ev - *seen_ev);
	if (bytes > *seen_bytes)
		warning("%llu copies of call data cut short for lack of space",
			bytes - *seen_bytes);
	*seen_ev = ev;
	*seen_bytes = bytes;
}

/*
 * bpf_nanny - what a parent owes the launched command.  Nothing marks it
 * traced, so its PTRACE_TRACEME (an anti-debugging check) succeeds and
 * makes us its tracer: then each signal stops it until we let it go.  Pass
 * every signal on as an untraced process would get it, drop the SIGTRAP
 * its next execve raises, leave a group-stop (SIGSTOP) stopped; and reap
 * it when it ends.
 */
static void bpf_nanny(struct trace *t, int *reaped)
{
	siginfo_t si;
	int st, sig;

	while (!*reaped && t->launched > 0) {
		pid_t r = waitpid(t->launched, &st, WNOHANG | __WALL);
		if (r != t->launched)
			return;
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			t->launched_status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			*reaped = 1;
			return;
		}
		if (!WIFSTOPPED(st))
			continue;
		sig = WSTOPSIG(st);
		if (ptrace(PTRACE_GETSIGINFO, t->launched, 0, &si) < 0)
			continue; /* a group-stop: it stays stopped, as it would */
		if (sig == SIGTRAP && si.si_code == SI_USER && si.si_pid == 0)
			sig = 0; /* raised by execve for its "tracer" */
		ptrace(PTRACE_CONT, t->launched, 0, (void *)(long)sig);
	}
}

/* run_bpf - read events until every traced process is gone or Ctrl-C */
static int run_bpf(struct trace *t, int *reaped)
{
	unsigned long long lost_ev = 0, lost_bytes = 0;
	int r, rc = 0;

	for (;;) {
		if (interrupted)
			break;
		bpf_nanny(t, reaped);
		r = bpftrace_poll(t->bt, 100, on_bpf, t);
		if (r < 0 && r != -EINTR) {
			warning("trace: %s", strerror(-r));
			rc = 2;
			break;
		}
		if (!bpftrace_alive(t->bt)) {
			/* the last exit is in the buffer before the set is empty */
			while (bpftrace_poll(t->bt, 0, on_bpf, t) > 0)
				;
			break;
		}
		/* each round is a batch: out it goes, so the lines follow the
		   calls within a poll interval */
		flush_all(t);
		if (r == 0)
			bpf_report_lost(t, &lost_ev, &lost_bytes);
	}
	if (interrupted) {
		/* nothing was stopped: watching ends, lines still open say so */
		for (size_t i = 0; i < t->nts; i++) {
			struct tstate *s = t->ts[i];
			if (s->in_call && s->shown && !t->json && s->out->pending == s) {
				buf_addstr(&s->out->b, " <detached ...>\n");
				s->out->pending = NULL;
			}
		}
	}
	flush_all(t);
	bpf_report_lost(t, &lost_ev, &lost_bytes);
	return rc;
}

/* bpf_traced - the calls the kernel side reports: shown ones and, for the
   wiretap, the data calls */
static unsigned char *bpf_traced(const struct trace *t)
{
	enum sc_arch a = sc_native_arch();
	unsigned char *v;

	if (!t->sel.filtered && t->sel.unknown)
		return NULL;
	v = xcalloc(BT_NR_MAX, 1);
	for (int nr = 0; nr < BT_NR_MAX && nr < 1024; nr++) {
		const struct sc_entry *e = sc_lookup_nr(a, nr);
		if (!e)
			v[nr] = (unsigned char)t->sel.unknown;
		else
			v[nr] = t->sel.nr[a][nr] ||
				((t->sel.any_read || t->sel.any_write) &&
				 (e->classes & SC_CLASS_DESC));
	}
	return v;
}

static pid_t tgid_of(pid_t pid)
{
	char path[64];
	struct buf b = BUF_INIT;
	const char *p;
	pid_t tgid = pid;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (buf_read_at(&b, AT_FDCWD, path, 1 << 16) == 0 && (p = strstr(b.data, "\nTgid:")))
		tgid = (pid_t)strtol(p + 6, NULL, 10);
	buf_release(&b);
	return tgid;
}

/* bpf_open - the bpf engine for these options, or NULL with the reason */
static struct bpftrace *bpf_open(const struct trace *t, size_t ring, const char **why)
{
	struct bpftrace_opts o;
	struct bpftrace *bt = NULL;
	int rfd[SC_MAX_FD_SET], wfd[SC_MAX_FD_SET];
	size_t nr = 0, nw = 0;
	unsigned char *traced = bpf_traced(t);

	memset(&o, 0, sizeof(o));
	for (int fd = 0; fd < SC_MAX_FD_SET; fd++) {
		if (t->sel.any_read && t->sel.read_fds[fd])
			rfd[nr++] = fd;
		if (t->sel.any_write && t->sel.write_fds[fd])
			wfd[nw++] = fd;
	}
	o.follow = t->follow > 0;
	o.env_strings = t->sco.verbose;
	o.buf_max = t->sco.strsize + 1 > 4096 ? 4096 : (unsigned)t->sco.strsize + 1;
	o.full_max = BT_CAP_SPACE - 1024;
	o.ring_bytes = ring;
	o.traced = traced;
	o.read_fds = rfd;
	o.nread_fds = nr;
	o.write_fds = wfd;
	o.nwrite_fds = nw;
	if (bpftrace_open(&bt, &o))
		*why = bpftrace_strerror();
	free(traced);
	return bt;
}

/* ---- launching and attaching ---- */

static char *find_in_path(const char *cmd)
{
	const char *path = getenv("PATH");
	struct stat st;

	if (strchr(cmd, '/'))
		return stat(cmd, &st) == 0 ? xstrdup(cmd) : NULL;
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		const char *colon = strchr(path, ':');
		size_t n = colon ? (size_t)(colon - path) : strlen(path);
		struct buf b = BUF_INIT;
		buf_add(&b, n ? path : ".", n ? n : 1);
		buf_addc(&b, '/');
		buf_addstr(&b, cmd);
		if (stat(b.data, &st) == 0 && S_ISREG(st.st_mode) && access(b.data, X_OK) == 0)
			return buf_detach(&b, NULL);
		buf_release(&b);
		path += n + (colon ? 1 : 0);
		if (!colon)
			break;
	}
	return NULL;
}

/* tracer_of - the PID already tracing pid (0: none); -errno if pid is gone */
static pid_t tracer_of(pid_t pid)
{
	struct buf b = BUF_INIT;
	struct proc_status st;
	int fd = proc_open(pid), r;

	if (fd < 0)
		return fd;
	r = proc_read_at(fd, "status", &b);
	close(fd);
	if (r == 0)
		r = proc_parse_status(b.data, b.len, &st);
	buf_release(&b);
	return r < 0 ? r : st.tracer_pid;
}

static int parse_pids(const struct strlist *l, pid_t **pids, size_t *n)
{
	*n = 0;
	*pids = NULL;
	for (size_t i = 0; i < l->n; i++) {
		char *copy = xstrdup(l->v[i]), *save = NULL, *tok;
		for (tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
			long v;
			if (opt_parse_long(tok, &v) || v <= 0 || v > INT_MAX) {
				struct buf e = BUF_INIT;
				escape_str(&e, tok);
				error("invalid process id '%s'", e.data);
				buf_release(&e);
				free(copy);
				return -1;
			}
			*pids = xrealloc(*pids, (*n + 1) * sizeof(**pids));
			(*pids)[(*n)++] = (pid_t)v;
		}
		free(copy);
	}
	return 0;
}

struct nr_ctx {
	const struct select *s;
	int *nrs;
	size_t n;
};

static void collect_nr(const struct sc_entry *e, void *ctx)
{
	struct nr_ctx *c = ctx;
	enum sc_arch a = sc_native_arch();
	int nr = e->nr[a];
	if (nr < 0 || nr >= 1024)
		return;
	int want = c->s->nr[a][nr] || !strcmp(e->name, "execve") ||
		   !strcmp(e->name, "execveat");
	/* the wiretap needs the data calls even when they are not shown */
	if ((c->s->any_read || c->s->any_write) && (e->classes & SC_CLASS_DESC))
		want = 1;
	if (want) {
		c->nrs = xrealloc(c->nrs, (c->n + 1) * sizeof(int));
		c->nrs[c->n++] = nr;
	}
}

static int bpf_is_stopped(pid_t pid)
{
	char path[64];
	struct buf b = BUF_INIT;
	int stopped = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (buf_read_at(&b, AT_FDCWD, path, 1 << 16) == 0)
		stopped = strstr(b.data, "\nState:\tT") != NULL;
	buf_release(&b);
	return stopped;
}

/* trace_bpf - attach or launch with the bpf engine, report until done */
static int trace_bpf(struct trace *t, const pid_t *pids, size_t npids, int nargs,
		     char **argv)
{
	extern char **environ;
	int rc, r, reaped = 0;

	for (size_t i = 0; i < npids; i++) {
		pid_t tgid = tgid_of(pids[i]), *tids = NULL;
		size_t nth = 0;

		r = bpftrace_add(t->bt, tgid);
		if (r < 0) {
			error("attach %d: %s", (int)pids[i], strerror(-r));
			return 2;
		}
		if (proc_list_tasks(tgid, &tids, &nth) < 0)
			nth = 1;
		free(tids);
		if (!t->quiet) {
			if (nth > 1)
				fprintf(stderr, "stranger: trace: Process %d attached with %zu threads\n",
					(int)pids[i], nth);
			else
				fprintf(stderr, "stranger: trace: Process %d attached\n", (int)pids[i]);
		}
		if (bpf_is_stopped(pids[i])) {
			/* as ptrace reports a group-stop found at attach; which
			   stop signal it was, /proc does not say */
			struct timespec now;
			clock_gettime(CLOCK_REALTIME, &now);
			bpf_stopped(t, pids[i], &now, SIGSTOP);
		}
	}
	if (nargs) {
		char *exe = find_in_path(argv[0]), **av;
		pid_t pid;

		if (!exe) {
			struct buf e = BUF_INIT;
			escape_str(&e, argv[0]);
			die("%s: %s", e.data, strerror(ENOENT));
		}
		av = xcalloc((size_t)nargs + 1, sizeof(char *));
		for (int i = 0; i < nargs; i++)
			av[i] = argv[i];
		/* the programs are attached: the command's execve is seen */
		r = bpftrace_launch(t->bt, exe, av, environ, stranger_user_umask, &pid);
		free(av);
		free(exe);
		if (r < 0)
			die("cannot trace %s: %s", argv[0], strerror(-r));
		t->launched = pid;
		t->launched_status = 0;
	}
	rc = run_bpf(t, &reaped);
	if (interrupted) {
		if (!t->quiet)
			for (size_t i = 0; i < npids; i++)
				fprintf(stderr, "stranger: trace: Process %d detached\n", (int)pids[i]);
		if (t->launched > 0)
			rc = 128 + interrupted;
	} else {
		bpf_nanny(t, &reaped);
		if (t->launched > 0 && !reaped) {
			int st;
			if (waitpid(t->launched, &st, __WALL) == t->launched)
				t->launched_status = WIFEXITED(st) ? WEXITSTATUS(st)
								   : 128 + WTERMSIG(st);
		}
	}
	bpftrace_close(t->bt);
	t->bt = NULL;
	return rc;
}

int cmd_trace(int argc, char **argv)
{
	struct trace t;
	struct strlist exprs = { 0 }, pidl = { 0 }, paths = { 0 }, traces = { 0 };
	const char *outname = NULL, *backend = NULL;
	long strsize = 32, column = 40, bufsize = 0;
	int follow = 0, tflag = 0, timing = 0, json = 0, quiet = 0, verbose = 0,
	    yflag = 0, xflag = 0, version = 0, force = 0, seccomp = 0, no_seccomp = 0;
	const struct opt opts[] = {
		{ OPT_LIST, 'e', NULL, &exprs, "EXPR", "trace=SET, read=FDS, write=FDS, signal=SET", NULL, 0, 0 },
		{ OPT_LIST, 0, "trace", &traces, "SET", "the calls to show (as -e trace=)", NULL, 0, 0 },
		{ OPT_LIST, 'p', "attach", &pidl, "PID", "attach to PID[,PID...] (every thread)", NULL, 0, 0 },
		{ OPT_COUNT, 'f', "follow-forks", &follow, NULL, "follow fork/vfork/clone; -ff: a file per process", NULL, 0, 0 },
		{ OPT_STRING, 'o', "output", &outname, "FILE", "write the trace to FILE", NULL, 0, 0 },
		{ OPT_INT, 's', "string-limit", &strsize, "SIZE", "bytes of a string shown (32)", NULL, 0, 1 << 20 },
		{ OPT_COUNT, 't', NULL, &tflag, NULL, "time of day; -tt with microseconds; -ttt epoch", NULL, 0, 0 },
		{ OPT_BOOL, 'T', "syscall-times", &timing, NULL, "time spent in each call", NULL, 0, 0 },
		{ OPT_BOOL, 0, "json", &json, NULL, "JSON Lines, one object per call", NULL, 0, 0 },
		{ OPT_INT, 'a', "columns", &column, "COLUMN", "align return values at COLUMN (40)", NULL, 0, 1000 },
		{ OPT_LIST, 'P', "trace-path", &paths, "PATH", "only calls that touch PATH", NULL, 0, 0 },
		{ OPT_COUNT, 'q', "quiet", &quiet, NULL, "no attach/detach messages; -qq no exit lines", NULL, 0, 0 },
		{ OPT_BOOL, 'v', "no-abbrev", &verbose, NULL, "print structures whole (environment)", NULL, 0, 0 },
		{ OPT_COUNT, 'y', "decode-fds", &yflag, NULL, "show the path of each fd", NULL, 0, 0 },
		{ OPT_COUNT, 'x', NULL, &xflag, NULL, "non-ASCII strings in hex; -xx all in hex", NULL, 0, 0 },
		{ OPT_BOOL, 'V', "version", &version, NULL, "print the version", NULL, 0, 0 },
		{ OPT_STRING, 0, "backend", &backend, "NAME", "bpf (the default where allowed) or ptrace", NULL, 0, 0 },
		{ OPT_INT, 0, "buffer-size", &bufsize, "BYTES", "bpf: ring buffer size, a power of 2 (8 MiB)", NULL, 4096, 1L << 30 },
		{ OPT_BOOL, 0, "seccomp-bpf", &seccomp, NULL, "stop only at traced calls (default with -e trace= on launch)", NULL, 0, 0 },
		{ OPT_BOOL, 0, "no-seccomp", &no_seccomp, NULL, "stop at every call even when filtering", NULL, 0, 0 },
		{ OPT_BOOL, 0, "force", &force, NULL, "allow tracing PID 1", NULL, 0, 0 },
		{ OPT_END },
	};
	pid_t *pids = NULL;
	size_t npids = 0;
	struct ptrace_tracer *tr;
	struct sigaction sa;
	int rc = 0, nargs;

	nargs = opt_parse(argc, argv, opts, usage, OPT_STOP_AT_ARG);
	if (version) {
		printf("stranger trace (stranger %s)\n", STRANGER_VERSION);
		return 0;
	}
	memset(&t, 0, sizeof(t));
	set_all(&t.sel, 1);
	memset(t.sel.sig, 1, sizeof(t.sel.sig));
	for (size_t i = 0; i < exprs.n; i++)
		if (parse_expr(&t.sel, exprs.v[i]))
			goto bad_args;
	for (size_t i = 0; i < traces.n; i++)
		if (parse_trace_set(&t.sel, traces.v[i]))
			goto bad_args;
	if (!backend)
		backend = getenv("STRANGER_TRACE_BACKEND");
	if (backend && strcmp(backend, "ptrace") && strcmp(backend, "bpf")) {
		struct buf e = BUF_INIT;
		escape_str(&e, backend);
		opt_usage_error(usage, "unknown backend '%s'", e.data);
	}
	if (bufsize & (bufsize - 1))
		opt_usage_error(usage, "--buffer-size must be a power of 2");
	if (parse_pids(&pidl, &pids, &npids))
		goto bad_args;
	if (!npids && !nargs)
		opt_usage_error(usage, "give -p PID or a command to run");
	if (follow >= 2 && !outname)
		opt_usage_error(usage, "-ff needs -o FILE");

	t.sco.strsize = (size_t)strsize;
	t.sco.xflag = xflag;
	t.sco.verbose = verbose;
	t.sco.column = (int)column;
	t.sco.show_paths = yflag;
	t.sco.timing = timing;
	t.sco.read_fds = t.sel.any_read ? t.sel.read_fds : NULL;
	t.sco.write_fds = t.sel.any_write ? t.sel.write_fds : NULL;
	t.json = json;
	t.tflag = tflag;
	t.timing = timing;
	t.quiet = quiet;
	t.follow = follow;
	t.ff = follow >= 2;
	t.prefix_always = follow == 1;
	t.outname = outname;
	t.paths = paths.v;
	t.npaths = paths.n;
	t.launched = -1;

	/*
	 * -y and -P name descriptors by reading /proc/PID/fd while the call
	 * is stopped; bpf decodes later, when the descriptor may be gone.
	 */
	if (!backend && (yflag || t.npaths)) {
		fprintf(stderr, "stranger: trace: -y and -P need each call stopped; "
			"using ptrace\n");
		backend = "ptrace";
	}
	if (!backend || !strcmp(backend, "bpf")) {
		const char *why = "";
		struct sigaction early;

		/* loading takes a moment: a Ctrl-C meanwhile must not be lost
		   (nor kill us halfway) */
		memset(&early, 0, sizeof(early));
		early.sa_handler = on_signal;
		sigaction(SIGINT, &early, NULL);
		sigaction(SIGTERM, &early, NULL);
		sigaction(SIGHUP, &early, NULL);
		sigaction(SIGQUIT, &early, NULL);
		early.sa_handler = on_alarm;
		sigaction(SIGALRM, &early, NULL);
		t.bt = bpf_open(&t, (size_t)bufsize, &why);
		if (!t.bt)
			fprintf(stderr, "stranger: trace: the bpf backend is not available "
				"(%s); using ptrace\n", why);
		else if (yflag || t.npaths)
			warning("with bpf, -y and -P see only descriptors still open "
				"when the line is printed");
	}

	/* refuse what cannot or must not be traced before touching anything */
	for (size_t i = 0; i < npids; i++) {
		pid_t tp;
		if (pids[i] == getpid())
			die("cannot trace itself (PID %d)", (int)pids[i]);
		tp = tracer_of(pids[i]);
		if (tp < 0)
			die("attach %d: no such process", (int)pids[i]);
		if (pids[i] == 1 && !force)
			die("refusing to trace PID 1 (init) without --force");
		if (t.bt)
			tp = 0; /* bpf watches a traced process too */
		if (tp > 0)
			die("attach %d: already traced by PID %d", (int)pids[i], (int)tp);
	}

	if (outname) {
		t.main.fd = t.ff ? -1 : open(outname, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (!t.ff && t.main.fd < 0)
			die_errno("%s", outname);
		if (t.ff)
			t.main.fd = 2;
	} else {
		t.main.fd = 2;
	}
	buf_init(&t.main.b, 1 << 16);

	unsigned flags = follow ? PTRACER_FOLLOW : 0;
	/*
	 * A seccomp filter (stop only at the traced calls) is inherited by
	 * every child; a child nobody traces would get ENOSYS from each
	 * RET_TRACE, so it is only safe when -f follows them all (strace's
	 * rule too).  Attached processes never get one.
	 */
	int use_seccomp = nargs && follow && !no_seccomp && (seccomp || t.sel.filtered) &&
			  !t.npaths;
	if (use_seccomp)
		flags |= PTRACER_SECCOMP;
	tr = ptrace_tracer_new(flags);
	ptrace_tracer_set_idle(tr, idle, &t);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: waitpid must return */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (t.bt) {
		rc = trace_bpf(&t, pids, npids, nargs, argv);
		goto done;
	}

	for (size_t i = 0; i < npids; i++) {
		size_t nth = 0;
		int r = ptrace_tracer_attach(tr, pids[i], &nth);
		if (r < 0) {
			if (r == -EPERM)
				error("attach %d: %s (ptrace is not allowed here: privileges or "
				      "/proc/sys/kernel/yama/ptrace_scope)", (int)pids[i], strerror(-r));
			else
				error("attach %d: %s", (int)pids[i], strerror(-r));
			ptrace_tracer_detach_all(tr);
			rc = 2;
			goto done;
		}
		if (!quiet) {
			if (nth > 1)
				fprintf(stderr, "stranger: trace: Process %d attached with %zu threads\n",
					(int)pids[i], nth);
			else
				fprintf(stderr, "stranger: trace: Process %d attached\n", (int)pids[i]);
		}
	}
	if (nargs) {
		char *exe = find_in_path(argv[0]);
		struct nr_ctx nc = { &t.sel, NULL, 0 };
		pid_t pid;
		if (!exe) {
			struct buf e = BUF_INIT;
			escape_str(&e, argv[0]);
			ptrace_tracer_detach_all(tr);
			die("%s: %s", e.data, strerror(ENOENT));
		}
		char **av = xcalloc((size_t)nargs + 1, sizeof(char *));
		for (int i = 0; i < nargs; i++)
			av[i] = argv[i];
		if (use_seccomp)
			sc_each(collect_nr, &nc);
		int r = ptrace_tracer_spawn(tr, exe, av, nc.nrs, nc.n, stranger_user_umask, &pid);
		free(nc.nrs);
		free(av);
		free(exe);
		if (r < 0) {
			ptrace_tracer_detach_all(tr);
			die("cannot trace %s: %s", argv[0], strerror(-r));
		}
		t.launched = pid;

		t.launched_status = 0;
	}

	for (;;) {
		struct ptrace_event ev;
		int r;

		if (interrupted) {
			r = -EINTR;
		} else {
			r = ptrace_tracer_next(tr, &ev);
		}
		if (r == 0)
			break;
		if (r < 0) {
			if (r == -EINTR && !interrupted) {
				continue; /* the flush timer: the idle check writes */
			}
			if (r != -EINTR)
				warning("trace: %s", strerror(-r));
			/* Ctrl-C: let everything go exactly as it was */
			for (size_t i = 0; i < t.nts; i++) {
				struct tstate *s = t.ts[i];
				if (s->in_call && s->shown && !t.json && s->out->pending == s) {
					buf_addstr(&s->out->b, " <detached ...>\n");
					s->out->pending = NULL;
				}
			}
			ptrace_tracer_detach_all(tr);
			if (!quiet)
				for (size_t i = 0; i < npids; i++)
					fprintf(stderr, "stranger: trace: Process %d detached\n",
						(int)pids[i]);
			if (t.launched > 0)
				rc = 128 + (interrupted ? interrupted : SIGINT);
			break;
		}
		switch (ev.kind) {
		case PTE_SYSCALL_ENTRY:
			on_entry(&t, &ev);
			break;
		case PTE_SYSCALL_EXIT:
			on_exit_event(&t, &ev);
			break;
		case PTE_SIGNAL:
			on_signal_event(&t, &ev);
			break;
		case PTE_GROUP_STOP:
			if (t.sel.sig[ev.sig]) {
				char text[64];
				snprintf(text, sizeof(text), "--- stopped by %s ---",
					 sc_signame(ev.sig));
				line_simple(&t, ev.pid, &ev.when, text, "stopped_by",
					    sc_signame(ev.sig), 0);
			}
			break;
		case PTE_EXITED:
		case PTE_KILLED:
			on_gone(&t, &ev);
			break;
		case PTE_ATTACHED:
			tstate_get(&t, ev.pid);
			if (!quiet && !t.json && !t.ff)
				fprintf(stderr, "stranger: trace: Process %d attached\n", (int)ev.pid);
			break;
		}
	}
done:
	flush_all(&t);
	while (t.nts)
		tstate_drop(&t, t.ts[0]->pid);
	free(t.ts);
	if (outname && !t.ff)
		close(t.main.fd);
	buf_release(&t.main.b);
	ptrace_tracer_free(tr);
	free(pids);
	strlist_release(&exprs);
	strlist_release(&pidl);
	strlist_release(&paths);
	strlist_release(&traces);
	if (rc)
		return rc;
	if (t.write_failed)
		return 2;
	return t.launched > 0 ? t.launched_status : 0;

bad_args:
	free(pids);
	strlist_release(&exprs);
	strlist_release(&pidl);
	strlist_release(&paths);
	strlist_release(&traces);
	return 2;
}
