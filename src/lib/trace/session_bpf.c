/*
 * session_bpf - the bpf engine's side of a trace session: its events
 * turned into the ptrace engine's, attach, launch, and the event loop.
 */
#include "lib/trace/session_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/proc/proc.h"
#include "util/diag.h"
#include "util/xalloc.h"

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
static void bpf_release(struct trace_session *t, struct tstate *s)
{
	if (s->bpf_held) {
		s->bpf_held = 0;
		on_entry(t, &s->bpf_held_ev);
	}
}

static int on_bpf(const struct bpftrace_event *b, void *ctx)
{
	struct trace_session *t = ctx;
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
			on_stopped(t, b->tid, &ev.when, ev.sig);
		break;
	case BT_FORK:
		if (t->o.follow)
			on_attached(t, (pid_t)b->nr);
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

static void bpf_report_lost(struct trace_session *t, unsigned long long *seen_ev,
			    unsigned long long *seen_bytes)
{
	unsigned long long ev, bytes;

	bpftrace_lost(t->bt, &ev, &bytes);
	if (ev > *seen_ev)
		warning("%llu events lost: the ring buffer was full "
			"(a larger --buffer-size helps)",
			ev - *seen_ev);
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
static void bpf_nanny(struct trace_session *t, int *reaped)
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
static int run_bpf(struct trace_session *t, int *reaped)
{
	unsigned long long lost_ev = 0, lost_bytes = 0;
	int r, rc = 0;

	for (;;) {
		if (trace_interrupted)
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
	flush_all(t);
	bpf_report_lost(t, &lost_ev, &lost_bytes);
	return rc;
}

/* bpf_traced - the calls the kernel side reports: the shown ones (the
   wiretap dumps only those) */
static unsigned char *bpf_traced(const struct trace_session *t)
{
	enum sc_arch a = sc_native_arch();
	unsigned char *v;

	if (!t->o.filter.filtered && t->o.filter.unknown)
		return NULL;
	v = xcalloc(BT_NR_MAX, 1);
	for (int nr = 0; nr < BT_NR_MAX && nr < 1024; nr++) {
		const struct sc_entry *e = sc_lookup_nr(a, nr);
		if (!e)
			v[nr] = (unsigned char)t->o.filter.unknown;
		else
			v[nr] = t->o.filter.nr[a][nr];
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
struct bpftrace *bpf_open(const struct trace_session *t, const char **why)
{
	struct bpftrace_opts o;
	struct bpftrace *bt = NULL;
	int rfd[SC_MAX_FD_SET], wfd[SC_MAX_FD_SET];
	size_t nr = 0, nw = 0;
	unsigned char *traced = bpf_traced(t);

	memset(&o, 0, sizeof(o));
	for (int fd = 0; fd < SC_MAX_FD_SET; fd++) {
		if (t->o.filter.any_read && t->o.filter.read_fds[fd])
			rfd[nr++] = fd;
		if (t->o.filter.any_write && t->o.filter.write_fds[fd])
			wfd[nw++] = fd;
	}
	o.follow = t->o.follow > 0;
	o.env_strings = t->o.sco.verbose;
	o.buf_max = t->o.sco.strsize + 1 > 4096 ? 4096 : (unsigned)t->o.sco.strsize + 1;
	o.full_max = BT_CAP_SPACE - 1024;
	o.ring_bytes = t->o.bufsize;
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

int bpf_attach(struct trace_session *t, pid_t pid)
{
	pid_t tgid = tgid_of(pid), *tids = NULL;
	size_t nth = 0;
	int r = bpftrace_add(t->bt, tgid);

	if (r < 0)
		return error("attach %d: %s", (int)pid, strerror(-r));
	if (proc_list_tasks(tgid, &tids, &nth) < 0)
		nth = 1;
	free(tids);
	note_attached(t, pid, nth);
	if (bpf_is_stopped(pid)) {
		/* as ptrace reports a group-stop found at attach; which stop
		   signal it was, /proc does not say */
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		on_stopped(t, pid, &now, SIGSTOP);
	}
	return 0;
}

int bpf_launch(struct trace_session *t, const char *exe, char *const argv[])
{
	extern char **environ;
	pid_t pid;
	/* the programs are attached: the command's execve is seen */
	int r = bpftrace_launch(t->bt, exe, argv, environ, t->o.umask, &pid);

	if (r < 0)
		return error("cannot trace %s: %s", argv[0], strerror(-r));
	t->launched = pid;
	return 0;
}

int bpf_run(struct trace_session *t)
{
	int reaped = 0, rc = run_bpf(t, &reaped);

	if (trace_interrupted) {
		/* nothing was stopped: watching ends, lines still open say so */
		detach_lines(t);
		if (t->launched > 0)
			rc = 128 + trace_interrupted;
	} else {
		bpf_nanny(t, &reaped);
		if (t->launched > 0 && !reaped) {
			int st;
			if (waitpid(t->launched, &st, __WALL) == t->launched)
				t->launched_status =
				    WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		}
	}
	bpftrace_close(t->bt);
	t->bt = NULL;
	return rc;
}
