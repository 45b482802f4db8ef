/* Unit tests for lib/collect: the JSON Lines reader, the manifest reader,
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
#include "lib/collect/jsonl.h"
#include "lib/collect/manifest.h"
#include "lib/collect/report.h"

static void test_jsonl_values(void **state)
{
	const char *s = "{\"pid\":42,\"neg\":-7,\"f\":1.5e2,\"ok\":true,\"n\":null,"
			"\"s\":\"a\\\"b\\\\c\\n\\u00e9\\ud83d\\ude00\\u0000z\","
			"\"flags\":[\"exe_deleted\",\"listening\"],\"o\":{}}";
	struct jv *v;
	size_t n;
	const char *str;
	const struct jv *flags;
	(void)state;

	assert_int_equal(jsonl_parse(s, strlen(s), &v), 0);
	assert_int_equal(jv_int(v, "pid", -1), 42);
	assert_int_equal(jv_int(v, "neg", 0), -7);
	assert_int_equal(jv_int(v, "f", 0), 1);  /* truncated, not parsed as 150 */
	assert_int_equal(jv_bool(v, "ok", 0), 1);
	assert_int_equal(jv_int(v, "missing", 9), 9);
	assert_null(jv_str(v, "pid", NULL));
	str = jv_str(v, "s", &n);
	assert_non_null(str);
	assert_int_equal(n, 5 + 1 + 2 + 4 + 1 + 1);
	assert_memory_equal(str, "a\"b\\c\n\xc3\xa9\xf0\x9f\x98\x80\0z", n);
	flags = jv_get(v, "flags");
	assert_int_equal(flags->type, JV_ARR);
	assert_int_equal(flags->len, 2);
	assert_string_equal(flags->items[1]->str, "listening");
	jv_free(v);
}

static void test_jsonl_rejects(void **state)
{
	static const char *const bad[] = {
		"", "{", "{\"a\":}", "{\"a\" 1}", "[1,]", "{\"a\":1,}", "\"\\x\"",
		"\"a\nb\"", "tru", "01x", "-", "1.", "1e", "{\"a\":1} x", "\"\\u12\"",
		"[1 2]", NULL,
	};
	char deep[200];
	struct jv *v;
	(void)state;

	for (size_t i = 0; bad[i]; i++) {
		assert_int_equal(jsonl_parse(bad[i], strlen(bad[i]), &v), -22);
		assert_null(v);
	}
	memset(deep, '[', sizeof(deep));
	assert_int_equal(jsonl_parse(deep, sizeof(deep), &v), -22);
	/* a lone surrogate is kept as U+FFFD, not refused */
	assert_int_equal(jsonl_parse("\"\\ud800\"", 8, &v), 0);
	assert_memory_equal(v->str, "\xef\xbf\xbd", 3);
	jv_free(v);
}

static void count(const struct jv *v, void *ctx)
{
	(void)v;
	(*(int *)ctx)++;
}

static void test_jsonl_each_counts_bad_lines(void **state)
{
	const char *s = "{\"a\":1}\n\n{bad\r\n[2]\r\n{\"b\":2}";
	int good = 0;
	(void)state;
	assert_int_equal(jsonl_each(s, strlen(s), count, &good), 1);
	assert_int_equal(good, 3);
}

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
		cmocka_unit_test(test_jsonl_values),
		cmocka_unit_test(test_jsonl_rejects),
		cmocka_unit_test(test_jsonl_each_counts_bad_lines),
		cmocka_unit_test(test_manifest_parse),
		cmocka_unit_test(test_mirror_names),
		cmocka_unit_test(test_utmp_records),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
