/*
 * Unit tests for lib/bpftrace: the memory lookup on hand-made events, and
 * the real thing on the bpfcalls fixture (launch, filters, -f, full data
 * of chosen fds, lost events with a tiny ring buffer, no tracer mark).
 * The live tests skip only when the kernel or privileges deny BPF.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/trace/bpftrace.h"
#include "util/xalloc.h"

extern char **environ;

/* ---- bpftrace_mem on a hand-made event ---- */

static size_t put_chunk(unsigned char *p, unsigned long long addr,
			const char *data, unsigned len, unsigned flags)
{
	struct bt_chunk ch = { .addr = addr, .len = len, .argi = 1, .flags = flags };

	memcpy(p, &ch, sizeof(ch));
	memcpy(p + sizeof(ch), data, len);
	return sizeof(ch) + ((len + 7) & ~7u);
}

static void test_mem_lookup(void **state)
{
	unsigned char raw[256];
	struct bpftrace_event ev = { 0 }, other = { 0 };
	char out[32];
	size_t n = 0;

	(void)state;
	n += put_chunk(raw + n, 0x1000, "hello", 6, BT_CH_STR);
	n += put_chunk(raw + n, 0x2000, "", 0, BT_CH_FAULT);
	n += put_chunk(raw + n, 0x3000, "0123456789", 10, BT_CH_TRUNC);
	ev.chunks = raw;
	ev.nchunks = 3;
	ev.chunk_bytes = n;

	assert_int_equal(bpftrace_mem(&ev, 0x1000, out, sizeof(out)), 6);
	assert_string_equal(out, "hello");
	assert_int_equal(bpftrace_mem(&ev, 0x1002, out, 2), 2);
	assert_memory_equal(out, "ll", 2);
	/* a faulted chunk is no memory */
	assert_int_equal(bpftrace_mem(&ev, 0x2000, out, 4), -EFAULT);
	/* a read past what was captured is short */
	assert_int_equal(bpftrace_mem(&ev, 0x3004, out, sizeof(out)), 6);
	assert_memory_equal(out, "456789", 6);
	assert_int_equal(bpftrace_mem(&ev, 0x300a, out, 1), -EFAULT);
	assert_int_equal(bpftrace_mem(&ev, 0xfff, out, 1), -EFAULT);
	/* the second event answers what the first lacks */
	assert_int_equal(bpftrace_mem2(&other, &ev, 0x1000, out, 6), 6);
	assert_int_equal(bpftrace_mem2(&ev, NULL, 0x5000, out, 6), -EFAULT);

	/* a chunk claiming more bytes than the event has is ignored */
	ev.chunk_bytes = sizeof(struct bt_chunk) + 3;
	assert_int_equal(bpftrace_mem(&ev, 0x1000, out, 6), -EFAULT);
}

/* ---- live traces of the fixture ---- */

struct run {
	struct bpftrace_event **ev;
	size_t n;
	pid_t pid;
	int status;
	unsigned long long lost_events, lost_bytes;
};

static int keep(const struct bpftrace_event *ev, void *ctx)
{
	struct run *r = ctx;

	r->ev = xreallocarray(r->ev, r->n + 1, sizeof(*r->ev));
	r->ev[r->n++] = bpftrace_event_dup(ev);
	return 0;
}

static const char *fixture(void)
{
	static char path[4096];
	const char *build = getenv("BUILD");

	snprintf(path, sizeof(path), "%s/fixtures/bpfcalls", build ? build : "build");
	return path;
}

/* run the fixture under o; poll_late: do not read events until it ended */
static int run_fixture(const struct bpftrace_opts *o, struct run *r, int poll_late)
{
	struct bpftrace *bt;
	char *argv[] = { (char *)fixture(), NULL };
	int rc;

	memset(r, 0, sizeof(*r));
	rc = bpftrace_open(&bt, o);
	if (rc == -EPERM || rc == -ENOSYS || rc == -EACCES)
		return rc;
	assert_int_equal(rc, 0);
	assert_int_equal(bpftrace_launch(bt, argv[0], argv, environ, 022, &r->pid), 0);
	if (poll_late)
		assert_int_equal(waitpid(r->pid, &r->status, 0), r->pid);
	while (bpftrace_alive(bt))
		assert_true(bpftrace_poll(bt, 20, keep, r) >= 0);
	while (bpftrace_poll(bt, 0, keep, r) > 0)
		;
	if (!poll_late)
		assert_int_equal(waitpid(r->pid, &r->status, 0), r->pid);
	bpftrace_lost(bt, &r->lost_events, &r->lost_bytes);
	bpftrace_close(bt);
	return 0;
}

static void run_release(struct run *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->ev[i]);
	free(r->ev);
}

/* the i-th event from index *from on of type/nr (nr -1: any); NULL if none */
static const struct bpftrace_event *find(struct run *r, size_t *from, int type,
					 long nr, pid_t tgid)
{
	for (size_t i = *from; i < r->n; i++) {
		const struct bpftrace_event *e = r->ev[i];
		if (e->type == type && (nr < 0 || e->nr == nr) &&
		    (!tgid || e->tgid == tgid)) {
			*from = i + 1;
			return e;
		}
	}
	return NULL;
}

static size_t count(struct run *r, int type, long nr, pid_t tgid)
{
	size_t n = 0, from = 0;

	while (find(r, &from, type, nr, tgid))
		n++;
	return n;
}

/* the data of ev's first chunk for argument argi */
static const unsigned char *chunk_of(const struct bpftrace_event *ev, int argi,
				     struct bt_chunk *ch)
{
	const unsigned char *d;

	for (size_t i = 0; !bpftrace_chunk(ev, i, ch, &d); i++)
		if (ch->argi == argi)
			return d;
	return NULL;
}

#define SKIP_IF_DENIED(rc) \
	do { \
		if (rc) { \
			print_message("BPF denied here (%s), skipped\n", \
				      bpftrace_strerror()); \
			skip(); \
		} \
	} while (0)

static void test_launch_sees_known_calls(void **state)
{
	struct bpftrace_opts o = { .follow = 1 };
	const struct bpftrace_event *e, *x;
	struct bt_chunk ch;
	const unsigned char *d;
	struct run r;
	size_t at = 0;
	char path[4096];
	pid_t child;

	(void)state;
	SKIP_IF_DENIED(run_fixture(&o, &r, 0));
	assert_true(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0);
	assert_int_equal(r.lost_events, 0);

	/* the command's first call is its execve, argv and all */
	e = find(&r, &at, BT_ENTER, -1, r.pid);
	assert_non_null(e);
	assert_int_equal(e->nr, SYS_execve);
	assert_true(bpftrace_mem(e, e->args[0], path, sizeof(path)) > 0);
	assert_string_equal(path, fixture());
	d = chunk_of(e, 1, &ch);
	assert_non_null(d);
	assert_int_equal(ch.len, 16); /* argv[0], NULL */
	x = find(&r, &at, BT_EXIT, SYS_execve, r.pid);
	assert_non_null(x);
	assert_int_equal(x->ret, 0);

	/* openat(AT_FDCWD, "/dev/null", O_WRONLY) = 3 */
	do {
		e = find(&r, &at, BT_ENTER, SYS_openat, r.pid);
		assert_non_null(e);
		x = find(&r, &at, BT_EXIT, SYS_openat, r.pid);
		assert_non_null(x);
		/* a path not resident at entry is copied at exit */
		assert_true(bpftrace_mem2(e, x, e->args[1], path, sizeof(path)) > 0);
	} while (strcmp(path, "/dev/null"));
	assert_int_equal(x->ret, 3);
	assert_int_equal(x->args[1], e->args[1]);
	assert_true(x->mono >= e->mono);

	/* write(3, "stranger in the night\n", 22) = 22: all of it */
	e = find(&r, &at, BT_ENTER, SYS_write, r.pid);
	assert_non_null(e);
	assert_int_equal(e->args[0], 3);
	assert_int_equal(e->args[2], 22);
	d = chunk_of(e, 1, &ch);
	assert_non_null(d);
	assert_int_equal(ch.len, 22);
	assert_int_equal(ch.flags & BT_CH_TRUNC, 0);
	assert_memory_equal(d, "stranger in the night\n", 22);

	/* a 100-byte write: the first 33 bytes (-s 32 + 1), marked cut */
	e = find(&r, &at, BT_ENTER, SYS_write, r.pid);
	assert_non_null(e);
	d = chunk_of(e, 1, &ch);
	assert_non_null(d);
	assert_int_equal(ch.len, 33);
	assert_true(ch.flags & BT_CH_TRUNC);

	/* pipe2 fills two fds; read copies what it read, at exit */
	x = find(&r, &at, BT_EXIT, SYS_pipe2, r.pid);
	assert_non_null(x);
	d = chunk_of(x, 0, &ch);
	assert_non_null(d);
	assert_int_equal(ch.len, 8);
	x = find(&r, &at, BT_EXIT, SYS_read, r.pid);
	assert_non_null(x);
	assert_int_equal(x->ret, 3);
	d = chunk_of(x, 1, &ch);
	assert_non_null(d);
	assert_int_equal(ch.len, 3);
	assert_memory_equal(d, "abc", 3);

	/* writev: the iovec array and both buffers */
	e = find(&r, &at, BT_ENTER, SYS_writev, r.pid);
	assert_non_null(e);
	assert_int_equal(e->nchunks, 3);
	{
		unsigned long long iov[4];
		assert_int_equal(bpftrace_mem(e, e->args[1], iov, sizeof(iov)), 32);
		assert_int_equal(bpftrace_mem(e, iov[0], path, 6), 6);
		assert_memory_equal(path, "first ", 6);
		assert_int_equal(bpftrace_mem(e, iov[2], path, 7), 7);
		assert_memory_equal(path, "second\n", 7);
	}

	/* access() of a missing path: the path, and -ENOENT */
	e = find(&r, &at, BT_ENTER, SYS_access, r.pid);
	assert_non_null(e);
	x = find(&r, &at, BT_EXIT, SYS_access, r.pid);
	assert_non_null(x);
	assert_int_equal(x->ret, -ENOENT);
	assert_true(bpftrace_mem2(e, x, e->args[0], path, sizeof(path)) > 0);
	assert_string_equal(path, "/nonexistent/stranger");

	/* what the tracee saw of itself while traced: no tracer */
	do {
		e = find(&r, &at, BT_ENTER, SYS_write, r.pid);
		assert_non_null(e);
	} while (e->args[0] != 1);
	d = chunk_of(e, 1, &ch);
	assert_non_null(d);
	assert_memory_equal(d, "TracerPid:\t0\n", 13);

	/* -f: the child is traced from its first call, its exit is seen */
	e = find(&r, &at, BT_FORK, -1, r.pid);
	assert_non_null(e);
	child = (pid_t)e->ret;
	assert_int_equal(e->nr, child);
	assert_true(count(&r, BT_ENTER, SYS_write, child) == 1);
	at = 0;
	e = find(&r, &at, BT_TASKEXIT, -1, child);
	assert_non_null(e);
	assert_int_equal(e->nr, 3 << 8);
	assert_int_equal(e->ret, 1);
	/* ignored by default, SIGCHLD still shows, as ptrace would show it */
	at = 0;
	e = find(&r, &at, BT_SIGNAL, SIGCHLD, r.pid);
	assert_non_null(e);
	d = chunk_of(e, BT_ARG_SIGINFO, &ch);
	assert_non_null(d);
	assert_int_equal(((const int *)d)[0], SIGCHLD);

	/* every one of the 20000 getppid calls, entry and exit */
	assert_int_equal(count(&r, BT_ENTER, SYS_getppid, r.pid), 20000);
	assert_int_equal(count(&r, BT_EXIT, SYS_getppid, r.pid), 20000);

	/* exit_group has no exit; the task's end closes the trace */
	assert_int_equal(count(&r, BT_ENTER, SYS_exit_group, r.pid), 1);
	assert_int_equal(count(&r, BT_EXIT, SYS_exit_group, r.pid), 0);
	at = 0;
	e = find(&r, &at, BT_TASKEXIT, -1, r.pid);
	assert_non_null(e);
	assert_int_equal(e->nr, 0);
	assert_int_equal(e->ret, 1);
	run_release(&r);
}

static void test_filter_and_no_follow(void **state)
{
	unsigned char traced[BT_NR_MAX] = { 0 };
	struct bpftrace_opts o = { .traced = traced };
	struct run r;

	(void)state;
	traced[SYS_write] = 1;
	SKIP_IF_DENIED(run_fixture(&o, &r, 0));
	assert_true(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0);
	assert_int_equal(count(&r, BT_ENTER, -1, 0), count(&r, BT_ENTER, SYS_write, r.pid));
	assert_int_equal(count(&r, BT_ENTER, SYS_write, r.pid), 4);
	assert_int_equal(count(&r, BT_EXIT, SYS_write, r.pid), 4);
	assert_int_equal(count(&r, BT_ENTER, SYS_getppid, 0), 0);
	/* without -f the child is not traced */
	assert_int_equal(count(&r, BT_FORK, -1, 0), 0);
	assert_int_equal(count(&r, BT_TASKEXIT, -1, 0), 1);
	run_release(&r);
}

static void test_full_data_of_chosen_fds(void **state)
{
	int fds[] = { 3 };
	struct bpftrace_opts o = { .write_fds = fds, .nwrite_fds = 1 };
	const struct bpftrace_event *e;
	struct bt_chunk ch;
	const unsigned char *d;
	struct run r;
	size_t at = 0;

	(void)state;
	SKIP_IF_DENIED(run_fixture(&o, &r, 0));
	e = find(&r, &at, BT_ENTER, SYS_write, r.pid);
	assert_non_null(e);
	e = find(&r, &at, BT_ENTER, SYS_write, r.pid);
	assert_non_null(e);
	d = chunk_of(e, 1, &ch);
	assert_non_null(d);
	assert_int_equal(ch.len, 100);
	assert_int_equal(ch.flags & BT_CH_TRUNC, 0);
	/* a write to another fd keeps the short limit: "abc" fits anyway,
	   the TracerPid line is longer than nothing */
	run_release(&r);
}

static void test_lost_events_are_counted(void **state)
{
	struct bpftrace_opts o = { .ring_bytes = 4096 };
	struct run r;
	size_t seen;

	(void)state;
	SKIP_IF_DENIED(run_fixture(&o, &r, 1));
	seen = count(&r, BT_ENTER, SYS_getppid, r.pid) +
	       count(&r, BT_EXIT, SYS_getppid, r.pid);
	assert_true(seen < 40000);
	assert_true(r.lost_events > 0);
	assert_true(r.lost_events >= 40000 - seen);
	run_release(&r);
}

static void test_bad_options(void **state)
{
	struct bpftrace_opts o = { .ring_bytes = 5000 };
	struct bpftrace *bt = (void *)1;

	(void)state;
	assert_int_equal(bpftrace_open(&bt, &o), -EINVAL);
	assert_null(bt);
	assert_true(strlen(bpftrace_strerror()) > 0);
}

/* the state field of /proc/PID/stat and the TracerPid of status */
static void stealth_check(pid_t pid)
{
	char path[64], buf[4096], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	assert_non_null(p);
	/* never a trace stop (t), never stopped (T) */
	assert_true(p[2] != 't' && p[2] != 'T');
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "\nTracerPid:\t0\n"));
}

/* attach to a running process: its calls are seen, it is never stopped
   and never marked traced, and the trace ends when it does */
static void test_attach_leaves_no_mark(void **state)
{
	struct bpftrace_opts o = { 0 };
	struct bpftrace *bt;
	struct run r;
	int rc, status;
	pid_t pid;

	(void)state;
	memset(&r, 0, sizeof(r));
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		execl(fixture(), fixture(), "loop", (char *)NULL);
		_exit(127);
	}
	rc = bpftrace_open(&bt, &o);
	if (rc) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		SKIP_IF_DENIED(rc);
	}
	assert_int_equal(bpftrace_add(bt, pid), 0);
	for (int i = 0; i < 20; i++) {
		assert_true(bpftrace_poll(bt, 10, keep, &r) >= 0);
		stealth_check(pid);
	}
	assert_true(count(&r, BT_ENTER, SYS_write, pid) >= 3);
	assert_int_equal(bpftrace_alive(bt), 1);
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	while (bpftrace_poll(bt, 0, keep, &r) > 0)
		;
	assert_int_equal(bpftrace_alive(bt), 0);
	assert_int_equal(count(&r, BT_TASKEXIT, -1, pid), 1);
	bpftrace_close(bt);
	run_release(&r);
}

/* where the bpf() call is refused, open says EPERM so the caller can
   fall back to ptrace */
static void test_denied_bpf_says_eperm(void **state)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_bpf, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };
	struct bpftrace_opts o = { 0 };
	int status;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		struct bpftrace *bt;
		int rc;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
			_exit(3);
		rc = bpftrace_open(&bt, &o);
		_exit(rc == -EPERM && !bt && *bpftrace_strerror() ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* the capture plan follows the argument-shape table of lib/trace/syscall */
static void test_capture_plan(void **state)
{
	struct bt_spec sp;
	(void)state;
	bpftrace_plan(SYS_read, &sp);
	assert_true(sp.flags & BT_SPEC_READ);
	assert_int_equal(sp.a[0].kind, BT_CAP_NONE);
	assert_int_equal(sp.a[1].kind, BT_CAP_BUF | BT_OUT);
	assert_int_equal(sp.a[1].lenarg, BT_LEN_RET);
	bpftrace_plan(SYS_openat, &sp);
	assert_int_equal(sp.a[1].kind, BT_CAP_STR | BT_IN);
	/* a count the kernel reads as an int is cut like the decoders cut it */
	bpftrace_plan(SYS_setgroups, &sp);
	assert_int_equal(sp.a[1].kind, BT_CAP_ARRAY | BT_IN);
	assert_int_equal(sp.a[1].lenarg, 0 | BT_LEN_32);
	assert_int_equal(sp.a[1].size, 4);
	bpftrace_plan(SYS_mincore, &sp);
	assert_int_equal(sp.a[2].kind, BT_CAP_BUF | BT_OUT);
	assert_int_equal(sp.a[2].lenarg, 1 | BT_LEN_PAGES);
	/* what the kernel writes is copied at exit */
	bpftrace_plan(SYS_rt_sigpending, &sp);
	assert_int_equal(sp.a[0].kind, BT_CAP_FIXED | BT_OUT);
	assert_int_equal(sp.a[0].size, 8);
	bpftrace_plan(SYS_accept4, &sp);
	assert_int_equal(sp.a[1].kind, BT_CAP_PLEN | BT_OUT);
	assert_int_equal(sp.a[1].lenarg, 2);
	assert_int_equal(sp.a[2].kind, BT_CAP_FIXED | BT_IN | BT_OUT);
	bpftrace_plan(SYS_getpid, &sp);
	for (int i = 0; i < 6; i++)
		assert_int_equal(sp.a[i].kind, BT_CAP_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mem_lookup),
		cmocka_unit_test(test_capture_plan),
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_denied_bpf_says_eperm),
		cmocka_unit_test(test_launch_sees_known_calls),
		cmocka_unit_test(test_filter_and_no_follow),
		cmocka_unit_test(test_full_data_of_chosen_fds),
		cmocka_unit_test(test_lost_events_are_counted),
		cmocka_unit_test(test_attach_leaves_no_mark),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
