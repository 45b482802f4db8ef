/* Unit tests for lib/collect: the manifest reader,
 * the mirror names of copies, and login records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utmp.h>

#include "lib/collect/artifact.h"
#include "lib/collect/manifest.h"
#include "lib/collect/report.h"

static void test_manifest_parse(void **state)
{
	char text[1024];
	struct manifest m = { 0 };
	const char *h = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	(void)state;

	snprintf(text, sizeof(text),
		 "%s  live/ps.jsonl\n"
		 "%s *case.log\n"
		 "\\%s  a\\\\b\\nc\n"
		 "%s  ../etc/passwd\n"
		 "%s  /etc/shadow\n"
		 "%s  a//b\n"
		 "%s  x/./y\n"
		 "0123  short\n"
		 "%s\tlive/tab\n",
		 h, h, h, h, h, h, h, h);
	assert_int_equal(manifest_parse(text, strlen(text), &m), 6);
	assert_int_equal(m.n, 3);
	assert_non_null(manifest_find(&m, "live/ps.jsonl"));
	assert_non_null(manifest_find(&m, "case.log"));
	assert_non_null(manifest_find(&m, "a\\b\nc"));
	assert_null(manifest_find(&m, "../etc/passwd"));
	assert_string_equal(manifest_find(&m, "case.log")->hex, h);
	manifest_release(&m);
	assert_true(manifest_name_ok("a/b.c", 5));
	assert_false(manifest_name_ok("a/..", 4));
	assert_false(manifest_name_ok("a/", 2));
	assert_false(manifest_name_ok("a\0b", 3));
}

static void test_mirror_names(void **state)
{
	struct buf b = BUF_INIT;
	(void)state;
	artifact_mirror_name(&b, "/etc/passwd");
	assert_string_equal(b.data, "files/etc/passwd");
	buf_reset(&b);
	artifact_mirror_name(&b, "//tmp//a b/\x1b[31m\n/x");
	assert_string_equal(b.data, "files/tmp/a\\x20b/\\x1b[31m\\n/x");
	buf_reset(&b);
	artifact_mirror_name(&b, "/tmp/../etc");
	assert_null(strstr(b.data, "/../"));
	buf_release(&b);
}

static void login_cb(const struct report_login *l, void *ctx)
{
	struct report_login *out = ctx;
	*out = *l;
}

static void test_utmp_records(void **state)
{
	struct utmp u[2];
	struct report_login l;
	(void)state;
	memset(u, 'A', sizeof(u)); /* no NUL anywhere: the fields are bounded */
	u[1].ut_type = USER_PROCESS;
	u[1].ut_tv.tv_sec = 1700000000;
	assert_int_equal(report_utmp_each(u, sizeof(u) - 1, login_cb, &l), 1);
	assert_int_equal(report_utmp_each(u, sizeof(u), login_cb, &l), 2);
	assert_int_equal(l.type, USER_PROCESS);
	assert_int_equal(l.when, 1700000000);
	assert_int_equal(strlen(l.user), sizeof(u[0].ut_user));
	assert_int_equal(strlen(l.host), sizeof(u[0].ut_host));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manifest_parse),
		cmocka_unit_test(test_mirror_names),
		cmocka_unit_test(test_utmp_records),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
