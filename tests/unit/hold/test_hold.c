/* Unit tests for lib/hold/seize, the one process-hold engine (dump holds
 * a process through it): seize every thread, stop them, read registers and
 * memory (lib/proc/mem), let them go - and a process that was stopped
 * stays stopped. */
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

#include "lib/hold/seize.h"
#include "lib/proc/mem.h"
#include "util/buf.h"

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

static char state_of(pid_t pid)
{
	char path[64], buf[512];
	FILE *f;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return '?';
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	char *r = strrchr(buf, ')');
	return r && r[1] ? r[2] : '?';
}

static void test_seize_stop_regs_detach(void **state)
{
	struct seize s;
	struct buf why = BUF_INIT;
	struct mem m;
	unsigned long long bad = 0;
	pid_t pid = child();
	char buf[sizeof(secret)];
	(void)state;

	assert_int_equal(seize_stop(&s, pid, &why), 0);
	assert_int_equal(s.n, 3);
	for (size_t i = 0; i < s.n; i++) {
		struct user_regs_struct regs;
		size_t len = sizeof(regs);
		assert_true(seize_stopped(&s, s.t[i].tid));
		assert_int_equal(seize_regset(&s, s.t[i].tid, NT_PRSTATUS, &regs, &len), 0);
		assert_int_equal(len, sizeof(regs));
	}
	/* the child's copy of the secret is at the same address as ours */
	mem_init(&m, pid);
	assert_int_equal(mem_read(&m, (unsigned long)secret, buf, sizeof(buf), &bad), 0);
	assert_int_equal(bad, 0);
	mem_release(&m);
	assert_string_equal(buf, secret);
	seize_release(&s);
	buf_release(&why);
	usleep(100 * 1000);
	assert_int_equal(state_of(pid), 'S');
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void test_stopped_stays_stopped(void **state)
{
	struct seize s;
	struct buf why = BUF_INIT;
	pid_t pid = child();
	int st;
	(void)state;

	kill(pid, SIGSTOP);
	assert_int_equal(waitpid(pid, &st, WUNTRACED), pid);
	assert_int_equal(seize_stop(&s, pid, &why), 0);
	seize_release(&s);
	buf_release(&why);
	usleep(100 * 1000);
	assert_int_equal(state_of(pid), 'T');
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void test_no_such_process(void **state)
{
	struct seize s;
	struct buf why = BUF_INIT;
	(void)state;
	assert_true(seize_stop(&s, 999999999, &why) < 0);
	seize_release(&s);
	buf_release(&why);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seize_stop_regs_detach),
		cmocka_unit_test(test_stopped_stays_stopped),
		cmocka_unit_test(test_no_such_process),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
