/*
 * Unit tests for lib/trace/filter: strace's -e expressions.  What each
 * expression selects, against the system call table, and that every bad
 * item is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/trace/filter.h"

static int nr_of(const char *name)
{
	const struct sc_entry *e = sc_lookup_name(name);
	assert_non_null(e);
	return e->nr[sc_native_arch()];
}

static int shown(const struct trace_filter *f, const char *name)
{
	return trace_filter_selected(f, (int)sc_native_arch(), nr_of(name));
}

/* refuse - the expression is refused, with one line on stderr */
static void refuse(const char *expr)
{
	struct trace_filter f;
	trace_filter_init(&f);
	assert_int_equal(trace_filter_expr(&f, expr), -1);
}

static void test_default_is_everything(void **state)
{
	struct trace_filter f;
	(void)state;
	trace_filter_init(&f);
	assert_true(shown(&f, "openat"));
	assert_true(shown(&f, "read"));
	assert_true(f.unknown);
	assert_false(f.filtered);
	assert_true(f.sig[SIGINT] && f.sig[SIGCHLD]);
	assert_false(f.any_read || f.any_write);
	/* a number the table does not know is shown while everything is */
	assert_true(trace_filter_selected(&f, (int)sc_native_arch(), 1000));
	assert_true(trace_filter_selected(&f, -1, 5));
}

static void test_names_and_negation(void **state)
{
	struct trace_filter f;
	(void)state;
	trace_filter_init(&f);
	assert_int_equal(trace_filter_expr(&f, "trace=openat,read"), 0);
	assert_true(f.filtered);
	assert_true(shown(&f, "openat"));
	assert_true(shown(&f, "read"));
	assert_false(shown(&f, "write"));
	assert_false(trace_filter_selected(&f, (int)sc_native_arch(), 1000));

	trace_filter_init(&f);
	assert_int_equal(trace_filter_expr(&f, "!write"), 0); /* -e NAME: trace= */
	assert_false(shown(&f, "write"));
	assert_true(shown(&f, "read"));
	assert_true(f.unknown);

	trace_filter_init(&f);
	assert_int_equal(trace_filter_expr(&f, "t=none"), 0);
	assert_false(shown(&f, "read"));
	assert_int_equal(trace_filter_trace(&f, "all"), 0);
	assert_true(shown(&f, "read"));
	assert_false(f.filtered);
	/* a later trace= replaces an earlier one, as strace's does */
	assert_int_equal(trace_filter_trace(&f, "read"), 0);
	assert_int_equal(trace_filter_trace(&f, "write"), 0);
	assert_false(shown(&f, "read"));
	assert_true(shown(&f, "write"));
}

static void test_classes(void **state)
{
	struct trace_filter f;
	(void)state;
	trace_filter_init(&f);
	assert_int_equal(trace_filter_expr(&f, "trace=%file"), 0);
	assert_true(shown(&f, "openat"));
	assert_true(shown(&f, "execve"));
	assert_false(shown(&f, "read"));

	trace_filter_init(&f);
	assert_int_equal(trace_filter_expr(&f, "trace=%network,%process"), 0);
	assert_true(shown(&f, "connect"));
	assert_true(shown(&f, "clone"));
	assert_false(shown(&f, "openat"));

	trace_filter_init(&f);
	assert_int_equal(trace_filter_expr(&f, "trace=desc"), 0); /* without % */
	assert_true(shown(&f, "read"));
	assert_false(shown(&f, "getpid"));
}

static void test_optional_names(void **state)
{
	struct trace_filter f;
	(void)state;
	trace_filter_init(&f);
	assert_int_equal(trace_filter_expr(&f, "trace=?nosuchcall,read"), 0);
	assert_true(shown(&f, "read"));
}

static void test_fd_sets(void **state)
{
	struct trace_filter f;
	(void)state;
	trace_filter_init(&f);
	assert_int_equal(trace_filter_expr(&f, "read=3,5"), 0);
	assert_true(f.any_read);
	assert_false(f.any_write);
	assert_true(f.read_fds[3] && f.read_fds[5]);
	assert_false(f.read_fds[4]);
	assert_int_equal(trace_filter_expr(&f, "w=!1"), 0);
	assert_true(f.any_write);
	assert_false(f.write_fds[1]);
	assert_true(f.write_fds[2] && f.write_fds[SC_MAX_FD_SET - 1]);
	assert_int_equal(trace_filter_expr(&f, "write=none"), 0);
	assert_false(f.any_write);
	/* the call filter is untouched by the wiretap */
	assert_false(f.filtered);
}

static void test_signal_sets(void **state)
{
	struct trace_filter f;
	(void)state;
	trace_filter_init(&f);
	assert_int_equal(trace_filter_expr(&f, "signal=SIGINT,term,9"), 0);
	assert_true(f.sig[SIGINT] && f.sig[SIGTERM] && f.sig[SIGKILL]);
	assert_false(f.sig[SIGCHLD]);
	assert_int_equal(trace_filter_signals(&f, "!SIGCHLD"), 0);
	assert_false(f.sig[SIGCHLD]);
	assert_true(f.sig[SIGINT]);
	assert_int_equal(trace_filter_expr(&f, "s=none"), 0);
	assert_false(f.sig[SIGINT]);
}

static void test_strace_qualifiers_accepted(void **state)
{
	struct trace_filter f;
	(void)state;
	trace_filter_init(&f);
	assert_int_equal(trace_filter_expr(&f, "abbrev=none"), 0);
	assert_int_equal(trace_filter_expr(&f, "verbose=all"), 0);
	assert_int_equal(trace_filter_expr(&f, "raw=none"), 0);
	assert_false(f.filtered);
}

static void test_bad_items(void **state)
{
	(void)state;
	refuse("trace=nosuchcall");
	refuse("trace=%nosuchclass");
	refuse("trace=read,,\x1b[31m");
	refuse("read=-1");
	refuse("read=1024");
	refuse("write=x");
	refuse("signal=SIGNOPE");
	refuse("signal=65");
	refuse("bogus=1");
	refuse("=read");
}

static void test_stops(void **state)
{
	struct trace_filter f;
	size_t n, i;
	int *v, has_open = 0, has_exec = 0, has_read = 0;
	(void)state;

	trace_filter_init(&f);
	assert_int_equal(trace_filter_expr(&f, "trace=openat"), 0);
	v = trace_filter_stops(&f, &n);
	for (i = 0; i < n; i++) {
		has_open |= v[i] == nr_of("openat");
		has_exec |= v[i] == nr_of("execve");
		has_read |= v[i] == nr_of("read");
	}
	free(v);
	assert_true(has_open);
	assert_true(has_exec); /* the tracer needs every execve */
	assert_false(has_read);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_is_everything),
		cmocka_unit_test(test_names_and_negation),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_optional_names),
		cmocka_unit_test(test_fd_sets),
		cmocka_unit_test(test_signal_sets),
		cmocka_unit_test(test_strace_qualifiers_accepted),
		cmocka_unit_test(test_bad_items),
		cmocka_unit_test(test_stops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
