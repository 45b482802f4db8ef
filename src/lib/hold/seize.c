#include "lib/hold/seize.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/hold/freeze.h"
#include "lib/proc/cgroup.h"
#include "lib/proc/mounts.h"
#include "lib/proc/proc.h"
#include "util/xalloc.h"

#define STOP_WAIT_MS 2000   /* a running thread reaches its stop */
#define FROZEN_WAIT_MS 200  /* a cgroup-frozen one, before the thaw */
#define THAWED_WAIT_MS 5000 /* every task, while the cgroup is thawed */

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct seize_task *find(const struct seize *s, pid_t tid)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->t[i].tid == tid)
			return &s->t[i];
	return NULL;
}

/* grab - seize and interrupt one task; 0, -ESRCH (gone) or -errno */
static int grab(struct seize *s, pid_t tid, int helper)
{
	if (ptrace(PTRACE_SEIZE, tid, NULL, NULL))
		return -errno;
	if (ptrace(PTRACE_INTERRUPT, tid, NULL, NULL)) {
		int err = -errno;
		ptrace(PTRACE_DETACH, tid, NULL, NULL);
		return err;
	}
	if (s->n == s->alloc) {
		s->alloc = s->alloc ? 2 * s->alloc : 16;
		s->t = xreallocarray(s->t, s->alloc, sizeof(*s->t));
	}
	s->t[s->n++] = (struct seize_task){ tid, 0, 0, helper };
	return 0;
}

/* reap - collect the stops that have happened; 1 when none is pending */
static int reap(struct seize *s)
{
	int all = 1;

	for (size_t i = 0; i < s->n; i++) {
		struct seize_task *t = &s->t[i];
		int st;
		pid_t r;

		if (t->stopped || t->tid <= 0)
			continue;
		r = waitpid(t->tid, &st, __WALL | WNOHANG);
		if (r < 0 && errno == ECHILD) {
			t->tid = -t->tid; /* gone */
			continue;
		}
		if (r <= 0) {
			all = 0;
			continue;
		}
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			t->tid = -t->tid;
			continue;
		}
		if (WIFSTOPPED(st)) {
			t->stopped = 1;
			/* a signal-delivery stop: the signal goes back on detach */
			if ((st >> 16) != PTRACE_EVENT_STOP)
				t->sig = WSTOPSIG(st);
		}
	}
	return all;
}

static int wait_stops(struct seize *s, int ms)
{
	long long end = now_ms() + ms;

	for (;;) {
		if (reap(s))
			return 1;
		if (now_ms() >= end)
			return 0;
		usleep(1000);
	}
}

/* grab_threads - every thread of the process, until no new one appears */
static int grab_threads(struct seize *s, struct buf *why)
{
	for (int round = 0; round < 100; round++) {
		pid_t *tids = NULL;
		size_t n = 0, added = 0;
		int rc = proc_list_tasks(s->pid, &tids, &n);

		if (rc) {
			buf_addf(why, "cannot list threads: %s", strerror(-rc));
			return rc;
		}
		for (size_t i = 0; i < n; i++) {
			if (find(s, tids[i]))
				continue;
			rc = grab(s, tids[i], 0);
			if (rc == -ESRCH)
				continue;
			if (rc && !s->n) {
				free(tids);
				buf_addf(why, "ptrace refused: %s", strerror(-rc));
				if (rc == -EPERM) {
					struct buf st = BUF_INIT;
					struct proc_status ps;
					int fd = proc_open(s->pid);
					if (fd >= 0 && !proc_read_at(fd, "status", &st) &&
					    !proc_parse_status(st.data, st.len, &ps) &&
					    ps.tracer_pid)
						buf_addf(why, " (already traced by PID %d)",
							 (int)ps.tracer_pid);
					if (fd >= 0)
						close(fd);
					buf_release(&st);
				}
				return rc;
			}
			if (!rc)
				added++;
		}
		free(tids);
		if (!added)
			return 0;
		/* new threads may be created until the old ones stop */
		wait_stops(s, 50);
	}
	return 0;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t w;
	int err;

	if (fd < 0)
		return -errno;
	w = write(fd, text, strlen(text));
	err = w < 0 ? -errno : 0;
	close(fd);
	return err;
}

int seize_freezer_file(pid_t pid, int v1, struct buf *out)
{
	struct buf cg = BUF_INIT, v2m = BUF_INIT, v1m = BUF_INIT;
	int rc = mounts_cgroup(&v2m, &v1m);

	if (!rc && !(v1 ? v1m.len : v2m.len))
		rc = -ENOENT;
	if (!rc)
		rc = cgroup_of(pid, v1 ? "freezer" : NULL, &cg);
	if (!rc) {
		buf_reset(out);
		buf_add(out, v1 ? v1m.data : v2m.data, v1 ? v1m.len : v2m.len);
		buf_add(out, cg.data, cg.len);
		buf_addstr(out, v1 ? "/freezer.state" : "/cgroup.freeze");
	}
	buf_release(&cg);
	buf_release(&v2m);
	buf_release(&v1m);
	return rc;
}

/* frozen_again - wait until the freezer says the cgroup is frozen */
static int frozen_again(const char *ctl, int v1)
{
	struct buf b = BUF_INIT, ev = BUF_INIT;
	long long end = now_ms() + 5000;
	int ok = 0;

	buf_add(&ev, ctl, strlen(ctl));
	if (!v1) {
		char *slash = strrchr(ev.data, '/');
		buf_setlen(&ev, (size_t)(slash - ev.data));
		buf_addstr(&ev, "/cgroup.events");
	}
	while (!ok && now_ms() < end) {
		int fd = open(ev.data, O_RDONLY | O_CLOEXEC);
		buf_reset(&b);
		if (fd >= 0) {
			buf_read_fd(&b, fd);
			close(fd);
		}
		ok = v1 ? !strncmp(b.data, "FROZEN", 6) : !!strstr(b.data, "frozen 1");
		if (!ok)
			usleep(1000);
	}
	buf_release(&b);
	buf_release(&ev);
	return ok;
}

/*
 * thaw_into_stops - a cgroup-frozen process: hold every task of the
 * cgroup, thaw, let each enter its ptrace stop, freeze again.
 */
static int thaw_into_stops(struct seize *s, int v1, struct buf *why)
{
	struct buf ctl = BUF_INIT, tasks = BUF_INIT;
	int rc = seize_freezer_file(s->pid, v1, &ctl), fd;
	char *slash;

	if (rc) {
		buf_addf(why, "cannot find the freezer cgroup: %s", strerror(-rc));
		return rc;
	}
	buf_add(&tasks, ctl.data, ctl.len);
	slash = strrchr(tasks.data, '/');
	buf_setlen(&tasks, (size_t)(slash - tasks.data));
	buf_addstr(&tasks, v1 ? "/tasks" : "/cgroup.threads");
	fd = open(tasks.data, O_RDONLY | O_CLOEXEC);
	buf_reset(&tasks);
	if (fd < 0 || buf_read_fd(&tasks, fd)) {
		rc = -errno;
		if (fd >= 0)
			close(fd);
		buf_addf(why, "cannot list the freezer cgroup's tasks");
		goto out;
	}
	close(fd);
	for (char *p = tasks.data; *p;) {
		char *e;
		long tid = strtol(p, &e, 10);
		if (e == p)
			break;
		if (tid > 0 && !find(s, (pid_t)tid)) {
			rc = grab(s, (pid_t)tid, 1);
			if (rc && rc != -ESRCH) {
				/* a task that could run user code: do not thaw */
				buf_addf(why, "cannot hold task %ld of the frozen cgroup: %s", tid,
					 strerror(-rc));
				goto out;
			}
		}
		p = e;
		while (*p == '\n')
			p++;
	}
	rc = write_file(ctl.data, v1 ? "THAWED" : "0");
	if (rc) {
		buf_addf(why, "cannot thaw the freezer cgroup: %s", strerror(-rc));
		goto out;
	}
	s->thawed_cgroup = 1;
	wait_stops(s, THAWED_WAIT_MS);
	rc = write_file(ctl.data, v1 ? "FROZEN" : "1");
	if (rc || !frozen_again(ctl.data, v1)) {
		buf_addf(why, "the freezer cgroup did not freeze again");
		rc = rc ? rc : -EAGAIN;
	}
	/* the cgroup siblings stay frozen; only the process is held */
	for (size_t i = 0; i < s->n; i++)
		if (s->t[i].helper && s->t[i].stopped && s->t[i].tid > 0) {
			ptrace(PTRACE_DETACH, s->t[i].tid, NULL, (void *)(long)s->t[i].sig);
			s->t[i].stopped = 0;
			s->t[i].tid = -s->t[i].tid;
		}
out:
	buf_release(&ctl);
	buf_release(&tasks);
	return rc;
}

int seize_stop(struct seize *s, pid_t pid, struct buf *why)
{
	enum freeze_method m = FREEZE_NONE;
	int rc;

	memset(s, 0, sizeof(*s));
	s->pid = pid;
	freeze_query(pid, &m);
	rc = grab_threads(s, why);
	if (rc)
		return rc;
	if (wait_stops(s, m == FREEZE_CGROUP_V1 || m == FREEZE_CGROUP_V2 ? FROZEN_WAIT_MS
									 : STOP_WAIT_MS))
		return 0;
	if (m == FREEZE_CGROUP_V1 || m == FREEZE_CGROUP_V2) {
		rc = thaw_into_stops(s, m == FREEZE_CGROUP_V1, why);
		if (rc)
			return 0; /* threads without a stop have no registers */
	}
	return 0;
}

int seize_stopped(const struct seize *s, pid_t tid)
{
	const struct seize_task *t = find(s, tid);
	return t && t->stopped && !t->helper;
}

int seize_regset(const struct seize *s, pid_t tid, int type, void *buf, size_t *len)
{
	struct iovec iov = { buf, *len };

	if (!seize_stopped(s, tid))
		return -ESRCH;
	if (ptrace(PTRACE_GETREGSET, tid, (void *)(long)type, &iov))
		return -errno;
	*len = iov.iov_len;
	return 0;
}

void seize_release(struct seize *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct seize_task *t = &s->t[i];
		if (t->tid > 0 && t->stopped)
			ptrace(PTRACE_DETACH, t->tid, NULL, (void *)(long)t->sig);
	}
	free(s->t);
	s->t = NULL;
	s->n = s->alloc = 0;
}
