/* Unit tests for lib/trace/ptrace, the tracer: a tracee's memory, and a
 * launched program's calls and exit as events.  (Holding a whole process
 * is lib/hold/seize's; tests/unit/hold/test_hold.c.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <elf.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/trace/ptrace.h"
#include "lib/trace/syscall/syscall.h"

static const char secret[] = "the secret in the tracee";

static void *spin(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

/* a child with three threads, all sleeping */
static pid_t child(void)
{
	int p[2];
	pid_t pid;
	char c;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	if (pid == 0) {
		pthread_t t;
		pthread_create(&t, NULL, spin, NULL);
		pthread_create(&t, NULL, spin, NULL);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		spin(NULL);
	}
	close(p[1]);
	assert_int_equal(read(p[0], &c, 1), 1);
	close(p[0]);
	return pid;
}

static void test_mem_read(void **state)
{
	pid_t pid = child();
	char buf[sizeof(secret)];
	(void)state;

	/* the child's copy of the secret is at the same address as ours */
	assert_int_equal(ptrace_mem_read(pid, (unsigned long)secret, buf, sizeof(buf)),
			 (long)sizeof(buf));
	assert_string_equal(buf, secret);
	assert_true(ptrace_mem_read(pid, 0, buf, sizeof(buf)) < 0);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void test_spawn_events(void **state)
{
	struct ptrace_tracer *t = ptrace_tracer_new(0);
	char *argv[] = { "true", NULL };
	struct ptrace_event ev;
	const struct sc_entry *exec = sc_lookup_name("execve");
	int entries = 0, exits = 0, first = -1, exited = -1, r;
	pid_t pid;
	(void)state;

	assert_int_equal(ptrace_tracer_spawn(t, "/bin/true", argv, NULL, 0, 022, &pid), 0);
	while ((r = ptrace_tracer_next(t, &ev)) == 1) {
		assert_int_equal(ev.pid, pid);
		if (ev.kind == PTE_SYSCALL_ENTRY) {
			if (first < 0)
				first = (int)ev.nr;
			entries++;
		} else if (ev.kind == PTE_SYSCALL_EXIT) {
			exits++;
		} else if (ev.kind == PTE_EXITED) {
			exited = ev.status;
		}
	}
	assert_int_equal(r, 0);
	/* nothing before the program's own execve; exit_group never returns */
	assert_int_equal(first, exec->nr[sc_native_arch()]);
	assert_true(entries > 5);
	assert_int_equal(exits, entries - 1);
	assert_int_equal(exited, 0);
	ptrace_tracer_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mem_read),
		cmocka_unit_test(test_spawn_events),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
