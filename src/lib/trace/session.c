#include "lib/trace/session_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "lib/proc/proc.h"
#include "util/diag.h"
#include "util/escape.h"
#include "util/table.h"
#include "util/xalloc.h"

volatile sig_atomic_t trace_interrupted, trace_alarmed;

void trace_interrupt(int sig)
{
	trace_interrupted = sig;
	alarm(1); /* in case the signal came just before waitpid blocked */
}

void trace_alarm(int sig)
{
	(void)sig;
	trace_alarmed = 1;
	if (trace_interrupted)
		alarm(1);
}

void trace_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = trace_interrupt; /* no SA_RESTART: waitpid must return */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sa.sa_handler = trace_alarm;
	sigaction(SIGALRM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void out_flush(struct trace_session *t, struct out *o)
{
	if (!o->b.len)
		return;
	if (buf_write_fd(&o->b, o->fd) < 0 && !t->write_failed) {
		t->write_failed = 1;
		warning_errno("write error on trace output");
	}
	buf_reset(&o->b);
}

void flush_all(struct trace_session *t)
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

int session_idle(void *ctx, int run)
{
	struct trace_session *t = ctx;
	int pending = t->main.b.len > 0;

	for (size_t i = 0; i < t->nts && !pending; i++)
		pending = t->ts[i]->out->b.len > 0;
	if (run) {
		flush_all(t);
		t->last_flush = now_ms();
		return 0;
	}
	if (trace_alarmed) {
		/* the timer fired (maybe while we were busy): it is spent */
		trace_alarmed = 0;
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

static void out_maybe_flush(struct trace_session *t, struct out *o)
{
	if (o->b.len >= 65536)
		out_flush(t, o);
}

struct tstate *tstate_get(struct trace_session *t, pid_t pid)
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
	if (t->ff && t->o.outname) {
		char name[PATH_MAX];
		if (snprintf(name, sizeof(name), "%s.%d", t->o.outname, (int)pid) <
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
	return s;
}

static void tstate_drop(struct trace_session *t, pid_t pid)
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
static void prefix(struct trace_session *t, struct tstate *s, struct buf *o,
		   const struct timespec *when)
{
	if (s->out == &t->main) {
		if (t->o.outname && t->o.follow == 1)
			buf_addf(o, "%-5d ", (int)s->pid);
		else if (t->nts > 1 && !t->o.outname)
			buf_addf(o, "[pid %5d] ", (int)s->pid);
		else if (t->nts > 1)
			buf_addf(o, "%-5d ", (int)s->pid);
	}
	if (t->o.tflag) {
		if (t->o.tflag >= 3) {
			buf_addf(o, "%lld.%06ld ", (long long)when->tv_sec, when->tv_nsec / 1000);
		} else {
			struct tm tm;
			char hms[16];
			time_t sec = when->tv_sec;
			localtime_r(&sec, &tm);
			strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
			if (t->o.tflag == 2)
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
			buf_addstr(&o->b, ", ");
		buf_addstr(&o->b, " <unfinished ...>\n");
		o->pending->cut = 1;
		o->pending = NULL;
	}
}

static int touches_path(struct trace_session *t, struct tstate *s)
{
	int n = s->call.nout < SC_MAX_ARGS ? s->call.nout : SC_MAX_ARGS;

	if (!t->paths.n)
		return 1;
	for (size_t i = 0; i < t->paths.n; i++) {
		struct buf q = BUF_INIT;
		int hit = 0;
		sc_quote(&q, (const unsigned char *)t->paths.v[i], strlen(t->paths.v[i]), 0);
		/* an argument that is exactly the path (not an argv holding it) */
		for (int k = 0; k < n && !hit; k++) {
			size_t a = s->call.argoff[k];
			size_t b = k + 1 < n ? s->call.argoff[k + 1] - 2 : s->line.len;
			hit = b >= a && b - a == q.len && !memcmp(s->line.data + a, q.data, q.len);
		}
		buf_release(&q);
		if (hit)
			return 1;
	}
	return trace_paths_call_fds(&t->paths, &s->call);
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

static void json_call(struct trace_session *t, struct tstate *s, const struct timespec *when,
		      long long dur_us, const struct buf *dump);

void on_entry(struct trace_session *t, const struct ptrace_event *ev)
{
	struct tstate *s = tstate_get(t, ev->pid);
	struct out *o = s->out;

	s->in_call = 1;
	s->cut = 0;
	s->t0 = ev->when;
	s->shown = trace_filter_selected(&t->o.filter, ev->arch, ev->nr);
	if (!s->shown)
		return; /* and the wiretap dumps only the calls shown */
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
	s->call.opts = &t->o.sco;
	buf_reset(&s->line);
	if (!t->o.json)
		prefix(t, s, &s->line, &ev->when);
	s->call.line_start = 0;
	sc_decode_entry(&s->call, &s->line);
	if (s->shown && t->paths.n && !touches_path(t, s))
		s->shown = 0;
	s->printed = 0;
	if (!s->shown)
		return;
	if (s->call.suppress_ret) {
		/* exit_group never returns: the whole line now, as strace */
		s->in_call = 0;
		sc_decode_exit(&s->call, &s->line, 0);
		if (t->o.json) {
			json_call(t, s, &ev->when, 0, NULL);
			return;
		}
		cut_pending(o, NULL);
		buf_add(&o->b, s->line.data, s->line.len);
		buf_addc(&o->b, '\n');
		return;
	}
	if (t->o.json)
		return;
	cut_pending(o, s);
	buf_add(&o->b, s->line.data, s->line.len);
	s->printed = s->line.len;
	o->pending = s;
}

static void json_call(struct trace_session *t, struct tstate *s, const struct timespec *when,
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

void on_exit_event(struct trace_session *t, const struct ptrace_event *ev)
{
	struct tstate *s = tstate_get(t, ev->pid);
	struct out *o = s->out;
	struct buf dump = BUF_INIT;
	long long dur;
	int skip = 0;

	if (!s->in_call)
		return; /* attached in the middle of a call */
	s->in_call = 0;
	if (!s->shown)
		return;
	s->call.ret = ev->ret;
	dur = (ev->when.tv_sec - s->t0.tv_sec) * 1000000LL +
	      (ev->when.tv_nsec - s->t0.tv_nsec) / 1000;
	if (!t->o.json && (s->cut || o->pending != s)) {
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
	if (t->o.json) {
		json_call(t, s, &ev->when, dur, &dump);
	} else {
		size_t from = s->printed;
		if (skip && s->line.len >= from + 2 && !memcmp(s->line.data + from, ", ", 2))
			from += 2;
		buf_add(&o->b, s->line.data + from, s->line.len - from);
		if (t->o.timing)
			buf_addf(&o->b, " <%lld.%06lld>", dur / 1000000, dur % 1000000);
		buf_addc(&o->b, '\n');
		buf_add(&o->b, dump.data, dump.len);
		o->pending = NULL;
	}
	buf_release(&dump);
	out_maybe_flush(t, o);
}

static void line_simple(struct trace_session *t, pid_t pid, const struct timespec *when,
			const char *text, const char *json_key, const char *json_val,
			long long json_int_val)
{
	struct tstate *s = tstate_get(t, pid);
	struct out *o = s->out;

	if (t->o.json) {
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

void on_signal_event(struct trace_session *t, const struct ptrace_event *ev)
{
	struct buf b = BUF_INIT;
	if (ev->sig <= 0 || ev->sig > 64 || !t->o.filter.sig[ev->sig])
		return;
	buf_addstr(&b, "--- ");
	buf_addstr(&b, sc_signame(ev->sig) ? sc_signame(ev->sig) : "SIG???");
	buf_addc(&b, ' ');
	sc_siginfo(&b, &ev->si);
	buf_addstr(&b, " ---");
	if (t->o.json) {
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

void on_gone(struct trace_session *t, const struct ptrace_event *ev)
{
	struct tstate *s = tstate_get(t, ev->pid);
	char text[96];

	if (ev->pid == t->launched)
		t->launched_status = ev->kind == PTE_EXITED ? ev->status : 128 + ev->sig;
	if (s->in_call && s->shown && !t->o.json) {
		/* it died inside a call (exit_group, SIGKILL): finish the line */
		struct out *o = s->out;
		if (s->cut || o->pending != s) {
			struct buf r = BUF_INIT;
			cut_pending(o, s);
			prefix(t, s, &r, &ev->when);
			buf_addf(&r, "<... %s resumed>",
				 s->call.ent ? s->call.ent->name : "syscall");
			s->call.line_start = (long long)s->line.len - (long long)r.len;
			buf_add(&o->b, r.data, r.len);
			buf_release(&r);
		}
		sc_decode_exit(&s->call, &s->line, 0);
		buf_add(&o->b, s->line.data + s->printed, s->line.len - s->printed);
		buf_addc(&o->b, '\n');
		o->pending = NULL;
	}
	/* quiet=exit leaves out "exited" lines; a death by signal is
	   always said, as strace says it */
	if (ev->kind == PTE_EXITED && !(t->o.filter.quiet & TRACE_QUIET_EXIT)) {
		snprintf(text, sizeof(text), "+++ exited with %d +++", ev->status);
		line_simple(t, ev->pid, &ev->when, text, "exited", NULL, ev->status);
	} else if (ev->kind != PTE_EXITED) {
		const char *n = sc_signame(ev->sig);
		snprintf(text, sizeof(text), "+++ killed by %s%s +++", n ? n : "?",
			 ev->core ? " (core dumped)" : "");
		line_simple(t, ev->pid, &ev->when, text, "killed", n ? n : "?", 0);
	}
	out_flush(t, s->out);
	tstate_drop(t, ev->pid);
}

/* what ptrace reports as a group-stop: "--- stopped by SIGSTOP ---" */
void on_stopped(struct trace_session *t, pid_t pid, const struct timespec *when, int sig)
{
	char text[64];

	if (sig <= 0 || sig > 64 || !t->o.filter.sig[sig])
		return;
	snprintf(text, sizeof(text), "--- stopped by %s ---", sc_signame(sig));
	line_simple(t, pid, when, text, "stopped_by", sc_signame(sig), 0);
}

/* a new tracee (a child under -f) */
void on_attached(struct trace_session *t, pid_t pid)
{
	tstate_get(t, pid);
	if (!(t->o.filter.quiet & TRACE_QUIET_ATTACH) && !t->o.json && !t->o.outname) {
		flush_all(t); /* where it happened in the trace, as strace says it */
		note("Process %d attached", (int)pid);
	}
}

void note_attached(const struct trace_session *t, pid_t pid, size_t nthreads)
{
	if (t->o.filter.quiet & TRACE_QUIET_ATTACH)
		return;
	if (nthreads > 1)
		note("Process %d attached with %zu threads", (int)pid, nthreads);
	else
		note("Process %d attached", (int)pid);
}

/* Ctrl-C: lines still open say so, and each -p process is let go */
void detach_lines(struct trace_session *t)
{
	for (size_t i = 0; i < t->nts; i++) {
		struct tstate *s = t->ts[i];
		if (s->in_call && s->shown && !t->o.json && s->out->pending == s) {
			buf_addstr(&s->out->b, " <detached ...>\n");
			s->out->pending = NULL;
		}
	}
	if (!(t->o.filter.quiet & TRACE_QUIET_ATTACH))
		for (size_t i = 0; i < t->nattached; i++)
			note("Process %d detached", (int)t->attached[i]);
}

char *find_in_path(const char *cmd)
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

/* ---- the session ---- */

struct trace_session *trace_session_new(const struct trace_opts *o)
{
	struct trace_session *t = xcalloc(1, sizeof(*t));
	enum trace_backend be = o->backend;

	t->o = *o;
	t->ff = o->follow >= 2;
	t->launched = -1;
	t->main.fd = 2;
	buf_init(&t->main.b, 1 << 16);
	for (size_t i = 0; i < o->npaths; i++) {
		char *r;
		trace_paths_add(&t->paths, o->paths[i], &r);
		if (r && !(o->filter.quiet & TRACE_QUIET_PATH)) {
			struct buf a = BUF_INIT, b = BUF_INIT;
			escape_str(&a, o->paths[i]);
			escape_str(&b, r);
			note("Requested path \"%s\" resolved into \"%s\"", a.data, b.data);
			buf_release(&a);
			buf_release(&b);
		}
		free(r);
	}
	/*
	 * -y and -P name descriptors by reading /proc/PID/fd while the call
	 * is stopped; bpf decodes later, when the descriptor may be gone.
	 */
	if (be == TRACE_AUTO && (o->sco.show_paths || o->npaths))
		be = TRACE_PTRACE;
	if (be != TRACE_PTRACE) {
		const char *why = "";
		t->bt = bpf_open(t, &why);
		if (!t->bt)
			note("the bpf backend is not available (%s); using ptrace", why);
		else if (o->sco.show_paths || o->npaths)
			warning("with bpf, -y and -P see only descriptors still open "
				"when the line is printed");
	}
	if (!t->bt) {
		unsigned flags = o->follow ? PTRACER_FOLLOW : 0;
		/*
		 * A seccomp filter (stop only at the traced calls) is
		 * inherited by every child; a child nobody traces would get
		 * ENOSYS from each RET_TRACE, so it is only safe when -f
		 * follows them all (strace's rule too).  Attached processes
		 * never get one; the launch decides.
		 */
		t->use_seccomp =
		    o->follow && !o->no_seccomp && (o->seccomp || o->filter.filtered) && !o->npaths;
		if (t->use_seccomp)
			flags |= PTRACER_SECCOMP;
		t->tr = ptrace_tracer_new(flags);
		ptrace_tracer_set_idle(t->tr, session_idle, t);
	}
	return t;
}

int trace_session_is_bpf(const struct trace_session *t)
{
	return t->bt != NULL;
}

/*
 * look - the facts trace_refuse needs: the tracer's PID (0: none), whether
 * pid is a zombie or a kernel thread; -errno when pid is gone
 */
static int look(pid_t pid, pid_t *tracer, int *zombie, int *kthread)
{
	struct buf b = BUF_INIT;
	struct proc_status st;
	struct proc_stat ps;
	int fd = proc_open(pid), r;

	if (fd < 0)
		return fd;
	r = proc_read_at(fd, "status", &b);
	if (r == 0)
		r = proc_parse_status(b.data, b.len, &st);
	buf_reset(&b);
	if (r == 0 && proc_read_at(fd, "stat", &b) == 0 &&
	    proc_parse_stat(b.data, b.len, &ps) == 0) {
		*zombie = ps.state == 'Z' || ps.state == 'X';
		*kthread = proc_is_kthread(&ps);
	}
	close(fd);
	buf_release(&b);
	if (r < 0)
		return r;
	*tracer = st.tracer_pid;
	return 0;
}

int trace_refuse(const struct trace_session *t, pid_t pid, int force)
{
	pid_t tp = 0;
	int zombie = 0, kthread = 0;

	if (pid == getpid())
		return error("cannot trace itself (PID %d)", (int)pid);
	if (look(pid, &tp, &zombie, &kthread) < 0)
		return error("attach %d: no such process", (int)pid);
	/* ptrace refuses both (EPERM); bpf would wait for calls that never come */
	if (zombie)
		return error("attach %d: %s (a zombie: it makes no more calls)", (int)pid,
			     strerror(EPERM));
	if (kthread)
		return error("attach %d: %s (a kernel thread)", (int)pid, strerror(EPERM));
	if (pid == 1 && !force)
		return error("refusing to trace PID 1 (init) without --force");
	if (tp > 0 && !t->bt) /* bpf watches a traced process too */
		return error("attach %d: already traced by PID %d", (int)pid, (int)tp);
	return 0;
}

void trace_session_output(struct trace_session *t, int fd)
{
	t->main.fd = fd;
}

int trace_session_attach(struct trace_session *t, pid_t pid)
{
	int r = t->bt ? bpf_attach(t, pid) : ptrace_session_attach(t, pid);

	if (r == 0) {
		pid_t *tids = NULL;
		size_t n = 0;

		t->attached = xrealloc(t->attached, (t->nattached + 1) * sizeof(pid_t));
		t->attached[t->nattached++] = pid;
		/* every thread is a tracee from now on: the pid prefixes count
		   them, as strace's do, before they make a call */
		if (proc_list_tasks(pid, &tids, &n) == 0)
			for (size_t i = 0; i < n; i++)
				tstate_get(t, tids[i]);
		free(tids);
	}
	return r;
}

int trace_session_launch(struct trace_session *t, char *const argv[])
{
	char *exe = find_in_path(argv[0]);
	int r;

	if (!exe) {
		struct buf e = BUF_INIT;
		escape_str(&e, argv[0]);
		error("%s: %s", e.data, strerror(ENOENT));
		buf_release(&e);
		return -1;
	}
	r = t->bt ? bpf_launch(t, exe, argv) : ptrace_session_launch(t, exe, argv);
	free(exe);
	if (r == 0) {
		t->launched_status = 0;
		tstate_get(t, t->launched);
	}
	return r;
}

int trace_session_run(struct trace_session *t)
{
	int rc = t->bt ? bpf_run(t) : ptrace_session_run(t);

	flush_all(t);
	if (rc)
		return rc;
	if (t->write_failed)
		return 2;
	return t->launched > 0 ? t->launched_status : 0;
}

void trace_session_free(struct trace_session *t)
{
	if (!t)
		return;
	if (t->tr) {
		ptrace_tracer_detach_all(t->tr);
		ptrace_tracer_free(t->tr);
	}
	if (t->bt)
		bpftrace_close(t->bt);
	flush_all(t);
	while (t->nts)
		tstate_drop(t, t->ts[0]->pid);
	free(t->ts);
	free(t->attached);
	trace_paths_release(&t->paths);
	buf_release(&t->main.b);
	free(t);
}
