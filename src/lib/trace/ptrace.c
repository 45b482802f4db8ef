#include "lib/trace/ptrace.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/proc/proc.h"
#include "lib/trace/syscall/syscall.h"
#include "util/buf.h"
#include "util/xalloc.h"

#define EVENT(status) ((unsigned)(status) >> 16)

static int is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* ---- small helpers ---- */

long ptrace_mem_read(pid_t pid, unsigned long long addr, void *dst, size_t n)
{
	struct iovec local = { dst, n }, remote = { (void *)(unsigned long)addr, n };
	ssize_t r = process_vm_readv(pid, &local, 1, &remote, 1, 0);

	if (r >= 0)
		return (long)r;
	if (errno != ENOSYS && errno != EPERM)
		return -errno;
	/* fall back on /proc/PID/mem, which a tracer may always read */
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = pread(fd, dst, n, (off_t)addr);
	int err = errno;
	close(fd);
	return r < 0 ? -err : (long)r;
}

static int contains(const pid_t *v, size_t n, pid_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return 1;
	return 0;
}

/*
 * Seize every thread of pid, calling add() for each new one; list the
 * tasks again until a round finds none new (threads may be born while we
 * work).  The first failure on the thread group leader is the answer.
 */
static int seize_all(pid_t pid, unsigned options, void (*add)(void *ctx, pid_t tid), void *ctx,
		     pid_t **seen, size_t *nseen)
{
	size_t cap = 0;

	*seen = NULL;
	*nseen = 0;
	for (int round = 0; round < 100; round++) {
		pid_t *tids;
		size_t n, fresh = 0;
		int r = proc_list_tasks(pid, &tids, &n);
		if (r < 0)
			return *nseen ? 0 : r;
		for (size_t i = 0; i < n; i++) {
			if (contains(*seen, *nseen, tids[i]))
				continue;
			if (ptrace(PTRACE_SEIZE, tids[i], 0, (void *)(unsigned long)options) < 0) {
				int err = errno;
				if (tids[i] == pid && !*nseen) {
					free(tids);
					return -err;
				}
				continue; /* a thread that just exited */
			}
			if (*nseen == cap) {
				cap = cap ? 2 * cap : 8;
				*seen = xrealloc(*seen, cap * sizeof(**seen));
			}
			(*seen)[(*nseen)++] = tids[i];
			fresh++;
			if (add)
				add(ctx, tids[i]);
		}
		free(tids);
		if (!fresh)
			break;
	}
	return *nseen ? 0 : -ESRCH;
}

/* ---- layer 1 ---- */

static long ms_since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/* ---- the tracer ---- */

enum resume { RES_NONE, RES_SYSCALL, RES_CONT, RES_LISTEN };

struct tracee {
	pid_t pid;
	pid_t tgid;    /* for telling threads from children without -f */
	int hide;      /* launched child before its execve */
	int want_exit; /* seccomp mode: a traced call is in flight */
	int filtered;  /* runs under our seccomp filter (the launched
			  command and what it starts), so it stops only
			  at the traced calls; an attached process never */
	int listening; /* group-stopped, PTRACE_LISTEN */
	int deferred;  /* a wait status seen at attach, not yet handled */
	int dstatus;
};

struct ptrace_tracer {
	unsigned flags;
	struct tracee *v;
	size_t n, cap;
	/* the tracee stopped at the last event, and how to let it go */
	pid_t cur;
	enum resume cur_res;
	int cur_sig;
	int (*idle)(void *ctx, int run);
	void *idle_ctx;
};

void ptrace_tracer_set_idle(struct ptrace_tracer *t, int (*fn)(void *ctx, int run), void *ctx)
{
	t->idle = fn;
	t->idle_ctx = ctx;
}

struct ptrace_tracer *ptrace_tracer_new(unsigned flags)
{
	struct ptrace_tracer *t = xcalloc(1, sizeof(*t));
	t->flags = flags;
	return t;
}

void ptrace_tracer_free(struct ptrace_tracer *t)
{
	if (!t)
		return;
	free(t->v);
	free(t);
}

size_t ptrace_tracer_count(const struct ptrace_tracer *t)
{
	return t->n;
}

static struct tracee *find(struct ptrace_tracer *t, pid_t pid)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].pid == pid)
			return &t->v[i];
	return NULL;
}

static struct tracee *add(struct ptrace_tracer *t, pid_t pid, pid_t tgid)
{
	struct tracee *e = find(t, pid);
	if (e)
		return e;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
	}
	e = &t->v[t->n++];
	memset(e, 0, sizeof(*e));
	e->pid = pid;
	e->tgid = tgid;
	return e;
}

static void drop(struct ptrace_tracer *t, pid_t pid)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].pid == pid) {
			t->v[i] = t->v[--t->n];
			return;
		}
}

static unsigned options(const struct ptrace_tracer *t)
{
	unsigned o = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC | PTRACE_O_TRACECLONE;
	if (t->flags & PTRACER_FOLLOW)
		o |= PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK;
	if (t->flags & PTRACER_SECCOMP)
		o |= PTRACE_O_TRACESECCOMP;
	return o;
}

static enum resume running_mode(const struct ptrace_tracer *t, const struct tracee *e)
{
	if ((t->flags & PTRACER_SECCOMP) && e->filtered && !e->want_exit)
		return RES_CONT;
	return RES_SYSCALL;
}

struct attach_ctx {
	struct ptrace_tracer *t;
	pid_t tgid;
};

static void attach_one(void *ctx, pid_t tid)
{
	struct attach_ctx *a = ctx;
	add(a->t, tid, a->tgid);
	ptrace(PTRACE_INTERRUPT, tid, 0, 0);
}

int ptrace_tracer_attach(struct ptrace_tracer *t, pid_t pid, size_t *nthreads)
{
	struct attach_ctx a = { t, pid };
	pid_t *seen;
	size_t n;
	int r;

	/* never the seccomp option here: no filter is installed in a stranger */
	unsigned o = options(t) & ~(unsigned)PTRACE_O_TRACESECCOMP;
	struct timespec t0;
	size_t left;

	r = seize_all(pid, o, attach_one, &a, &seen, &n);
	if (nthreads)
		*nthreads = n;
	if (r < 0) {
		free(seen);
		return r;
	}
	/*
	 * Wait (briefly) for each thread's first stop, so that when this
	 * returns the process is traced from its next call on.  A plain
	 * interrupt stop is resumed at once; anything else (a group-stop, a
	 * signal) is kept for ptrace_tracer_next to report.  A thread that
	 * does not stop in time is handled there too.
	 */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	left = n;
	while (left && ms_since(&t0) < 500) {
		int progress = 0;
		for (size_t i = 0; i < n; i++) {
			int st;
			if (!seen[i])
				continue;
			pid_t w = waitpid(seen[i], &st, __WALL | WNOHANG);
			if (w == 0)
				continue;
			struct tracee *e = find(t, seen[i]);
			seen[i] = 0;
			left--;
			progress = 1;
			if (w < 0 || !e)
				continue;
			if (WIFSTOPPED(st) && EVENT(st) == PTRACE_EVENT_STOP &&
			    !is_stop_signal(WSTOPSIG(st))) {
				ptrace(PTRACE_SYSCALL, w, 0, 0);
				continue;
			}
			e->deferred = 1;
			e->dstatus = st;
		}
		if (!progress)
			usleep(500);
	}
	free(seen);
	return 0;
}

/* The seccomp filter: RET_TRACE for the listed calls, ALLOW otherwise. */
static int install_filter(const int *nrs, size_t n)
{
	size_t len = n + 5, k = 0;
	struct sock_filter *f;
	struct sock_fprog prog;
	unsigned arch =
#if defined(__aarch64__)
	    AUDIT_ARCH_AARCH64;
#else
	    AUDIT_ARCH_X86_64;
#endif

	if (n > 1000)
		return -E2BIG;
	f = xcalloc(len, sizeof(*f));
	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, arch));
	/* another ABI (i386 on x86_64): trace everything it does */
	f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch, 1, 0);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, nr));
	for (size_t i = 0; i < n; i++)
		f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nrs[i],
						      (unsigned char)(n - i), 0);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	/* every match jumps here */
	f = xrealloc(f, (k + 1) * sizeof(*f));
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE);
	prog.len = (unsigned short)k;
	prog.filter = f;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog)) {
		free(f);
		return -errno;
	}
	free(f);
	return 0;
}

int ptrace_tracer_spawn(struct ptrace_tracer *t, const char *path, char *const argv[],
			const int *nrs, size_t n, mode_t mask, pid_t *pidp)
{
	pid_t pid;
	struct tracee *e;
	int st;

	if ((t->flags & PTRACER_SECCOMP) && n > 250)
		t->flags &= ~(unsigned)PTRACER_SECCOMP; /* too many: stop at all */
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		umask(mask);
		/* the child stops itself so the tracer can seize it */
		if ((t->flags & PTRACER_SECCOMP) && install_filter(nrs, n) < 0)
			_exit(127);
		raise(SIGSTOP);
		execv(path, argv);
		_exit(127);
	}
	if (waitpid(pid, &st, WUNTRACED) != pid || !WIFSTOPPED(st)) {
		int err = errno ? errno : ECHILD;
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		return -err;
	}
	if (ptrace(PTRACE_SEIZE, pid, 0, (void *)(unsigned long)options(t)) < 0) {
		int err = errno;
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		return -err;
	}
	e = add(t, pid, pid);
	e->hide = 1;
	e->filtered = (t->flags & PTRACER_SECCOMP) != 0;
	kill(pid, SIGCONT);
	*pidp = pid;
	return 0;
}

static void resume(struct ptrace_tracer *t)
{
	long r = 0;
	pid_t pid = t->cur;

	if (!pid)
		return;
	switch (t->cur_res) {
	case RES_SYSCALL:
		r = ptrace(PTRACE_SYSCALL, pid, 0, (void *)(long)t->cur_sig);
		break;
	case RES_CONT:
		r = ptrace(PTRACE_CONT, pid, 0, (void *)(long)t->cur_sig);
		break;
	case RES_LISTEN:
		r = ptrace(PTRACE_LISTEN, pid, 0, 0);
		break;
	case RES_NONE:
		break;
	}
	(void)r; /* ESRCH: it died meanwhile, its exit comes through waitpid */
	t->cur = 0;
	t->cur_sig = 0;
	t->cur_res = RES_NONE;
}

static int arch_of(unsigned audit)
{
	switch (audit) {
	case AUDIT_ARCH_X86_64:
		return SC_ARCH_X86_64;
	case AUDIT_ARCH_AARCH64:
		return SC_ARCH_AARCH64;
	default:
		return -1;
	}
}

static int is_exec_nr(int arch, long nr)
{
	const struct sc_entry *e = arch >= 0 ? sc_lookup_nr((enum sc_arch)arch, nr) : NULL;
	return e && (!strcmp(e->name, "execve") || !strcmp(e->name, "execveat"));
}

/* is tid a thread of tgid (not a child process)? */
static int is_thread_of(pid_t tgid, pid_t tid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task/%d", (int)tgid, (int)tid);
	return access(path, F_OK) == 0;
}

/*
 * parent_filtered - whether the thread or process that created pid runs
 * under our seccomp filter (then pid does too); for a child seen before
 * its creator's clone event.
 */
static int parent_filtered(struct ptrace_tracer *t, pid_t pid)
{
	struct buf b = BUF_INIT;
	struct proc_status st;
	int fd = proc_open(pid), r = -1;
	pid_t parent;

	if (!(t->flags & PTRACER_SECCOMP) || fd < 0) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	if (proc_read_at(fd, "status", &b) == 0)
		r = proc_parse_status(b.data, b.len, &st);
	close(fd);
	buf_release(&b);
	if (r < 0)
		return 0;
	parent = st.tgid != pid ? st.tgid : st.ppid;
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].pid == parent || (t->v[i].tgid && t->v[i].tgid == parent))
			return t->v[i].filtered;
	return 0;
}

int ptrace_tracer_next(struct ptrace_tracer *t, struct ptrace_event *ev)
{
	for (;;) {
		int st;
		pid_t pid;
		struct tracee *e;

		resume(t);
		if (!t->n)
			return 0;
		pid = 0;
		for (size_t i = 0; i < t->n; i++)
			if (t->v[i].deferred) {
				t->v[i].deferred = 0;
				pid = t->v[i].pid;
				st = t->v[i].dstatus;
				break;
			}
		if (!pid) {
			int busy = t->idle && t->idle(t->idle_ctx, 0);
			pid = waitpid(-1, &st, __WALL | (busy ? WNOHANG : 0));
			if (pid == 0) {
				t->idle(t->idle_ctx, 1);
				pid = waitpid(-1, &st, __WALL);
			}
		}
		if (pid < 0) {
			if (errno == EINTR)
				return -EINTR;
			if (errno == ECHILD) {
				t->n = 0;
				return 0;
			}
			return -errno;
		}
		memset(ev, 0, sizeof(*ev));
		clock_gettime(CLOCK_REALTIME, &ev->when);
		ev->pid = pid;
		e = find(t, pid);
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			int hidden = e && e->hide;
			drop(t, pid);
			if (!e)
				continue;
			if (WIFEXITED(st)) {
				ev->kind = PTE_EXITED;
				ev->status = WEXITSTATUS(st);
			} else {
				ev->kind = PTE_KILLED;
				ev->sig = WTERMSIG(st);
				ev->core = WCOREDUMP(st) ? 1 : 0;
			}
			(void)hidden;
			return 1;
		}
		if (!WIFSTOPPED(st))
			continue;
		if (!e) {
			/* an auto-attached child whose stop beat its parent's event */
			e = add(t, pid, 0);
			e->filtered = parent_filtered(t, pid);
			ev->kind = PTE_ATTACHED;
			t->cur = pid;
			t->cur_res = running_mode(t, e);
			if (EVENT(st) != PTRACE_EVENT_STOP) {
				t->cur_sig = WSTOPSIG(st) == SIGTRAP ? 0 : WSTOPSIG(st);
			}
			return 1;
		}
		t->cur = pid;
		t->cur_res = running_mode(t, e);
		int sig = WSTOPSIG(st);
		unsigned event = EVENT(st);

		if (sig == (SIGTRAP | 0x80) || event == PTRACE_EVENT_SECCOMP) {
			struct __ptrace_syscall_info info;
			memset(&info, 0, sizeof(info));
			if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof(info), &info) <= 0)
				continue;
			ev->arch = arch_of(info.arch);
			if (info.op == PTRACE_SYSCALL_INFO_ENTRY ||
			    info.op == PTRACE_SYSCALL_INFO_SECCOMP) {
				ev->kind = PTE_SYSCALL_ENTRY;
				ev->nr = (long)info.entry.nr;
				memcpy(ev->args, info.entry.args, sizeof(ev->args));
				if (info.op == PTRACE_SYSCALL_INFO_SECCOMP) {
					e->want_exit = 1;
					t->cur_res = RES_SYSCALL;
				}
				if (e->hide && is_exec_nr(ev->arch, ev->nr))
					e->hide = 0;
			} else if (info.op == PTRACE_SYSCALL_INFO_EXIT) {
				ev->kind = PTE_SYSCALL_EXIT;
				ev->ret = info.exit.rval;
				if (e->want_exit) {
					e->want_exit = 0;
					t->cur_res = running_mode(t, e);
				}
			} else {
				continue;
			}
			if (e->hide)
				continue;
			return 1;
		}
		switch (event) {
		case 0:
			break;
		case PTRACE_EVENT_STOP:
			if (is_stop_signal(sig)) {
				/* group-stop: keep it stopped until someone sends SIGCONT */
				t->cur_res = RES_LISTEN;
				e->listening = 1;
				if (e->hide)
					continue;
				ev->kind = PTE_GROUP_STOP;
				ev->sig = sig;
				return 1;
			}
			e->listening = 0;
			continue; /* the stop after seize/interrupt, or SIGCONT */
		case PTRACE_EVENT_FORK:
		case PTRACE_EVENT_VFORK:
		case PTRACE_EVENT_CLONE: {
			unsigned long child = 0;
			ptrace(PTRACE_GETEVENTMSG, pid, 0, &child);
			if (!child)
				continue;
			struct tracee *c = find(t, (pid_t)child);
			int thread = is_thread_of(e->tgid ? e->tgid : pid, (pid_t)child);
			if (!(t->flags & PTRACER_FOLLOW) && !thread) {
				/* TRACECLONE caught a child process we were not asked to follow */
				if (!c) {
					int cs;
					if (waitpid((pid_t)child, &cs, __WALL) == (pid_t)child &&
					    WIFSTOPPED(cs))
						ptrace(PTRACE_DETACH, (pid_t)child, 0, 0);
				} else {
					ptrace(PTRACE_DETACH, (pid_t)child, 0, 0);
					drop(t, (pid_t)child);
				}
				continue;
			}
			if (!c) {
				c = add(t, (pid_t)child, thread ? e->tgid : (pid_t)child);
				c->hide = 0;
				c->filtered = e->filtered; /* the filter is inherited */
				ev->kind = PTE_ATTACHED;
				ev->pid = (pid_t)child;
				return 1;
			}
			if (!c->tgid)
				c->tgid = thread ? e->tgid : (pid_t)child;
			c->filtered = e->filtered;
			continue;
		}
		case PTRACE_EVENT_EXEC:
			e->hide = 0;
			continue;
		default:
			continue;
		}
		/* signal-delivery-stop */
		if (ptrace(PTRACE_GETSIGINFO, pid, 0, &ev->si) < 0) {
			t->cur_sig = 0;
			continue;
		}
		t->cur_sig = sig;
		if (e->hide)
			continue;
		ev->kind = PTE_SIGNAL;
		ev->sig = sig;
		return 1;
	}
}

/* detach one stopped tracee, letting a signal it was about to get through */
static void detach_stopped(pid_t pid, int st)
{
	int sig = 0;
	if (!EVENT(st) && WSTOPSIG(st) != (SIGTRAP | 0x80) && WSTOPSIG(st) != SIGTRAP)
		sig = WSTOPSIG(st);
	ptrace(PTRACE_DETACH, pid, 0, (void *)(long)sig);
}

void ptrace_tracer_detach_all(struct ptrace_tracer *t)
{
	struct timespec t0;

	/* the tracee of the last event is stopped: let it go directly */
	if (t->cur) {
		int sig = t->cur_res == RES_LISTEN ? 0 : t->cur_sig;
		ptrace(PTRACE_DETACH, t->cur, 0, (void *)(long)sig);
		drop(t, t->cur);
		t->cur = 0;
	}
	/* those whose first stop we hold are stopped: let them go now */
	for (size_t i = 0; i < t->n;) {
		if (t->v[i].deferred) {
			detach_stopped(t->v[i].pid, t->v[i].dstatus);
			drop(t, t->v[i].pid);
			continue;
		}
		i++;
	}
	for (size_t i = 0; i < t->n; i++)
		ptrace(PTRACE_INTERRUPT, t->v[i].pid, 0, 0); /* ESRCH: gone */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (t->n && ms_since(&t0) < 2000) {
		int st;
		pid_t pid = waitpid(-1, &st, __WALL | WNOHANG);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pid == 0) {
			usleep(1000);
			continue;
		}
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			drop(t, pid);
			continue;
		}
		if (!WIFSTOPPED(st))
			continue;
		if (EVENT(st) == PTRACE_EVENT_FORK || EVENT(st) == PTRACE_EVENT_VFORK ||
		    EVENT(st) == PTRACE_EVENT_CLONE) {
			unsigned long child = 0;
			ptrace(PTRACE_GETEVENTMSG, pid, 0, &child);
			if (child && !find(t, (pid_t)child)) {
				add(t, (pid_t)child, 0);
			}
		}
		detach_stopped(pid, st);
		drop(t, pid);
	}
	/* whatever did not stop in time (frozen, uninterruptible) is detached
	 * by the kernel when we exit, and left as it is */
}
