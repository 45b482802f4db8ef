/* Unit tests for util/json_read: the bounded JSON reader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "util/json_read.h"

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

/* a flat object as stranger's --json writes it, as fleet reads it */
static void test_object_members(void **state)
{
	static const char line[] =
		" {\"pid\":-25,\"big\":18446744073709551616,\"f\":1.5e3,\"ok\":true,"
		"\"no\":false,\"nil\":null,\"s\":\"a\\u0000b\\ud83d\\ude00\\n\","
		"\"v\":[\"x\",2,{\"k\":[1]},\"y\"],\"o\":{\"a\":\"b\"}} ";
	struct jv *v;
	const struct jv **s;
	const char *str;
	size_t n;
	(void)state;

	assert_int_equal(jsonl_parse(line, sizeof(line) - 1, &v), 0);
	assert_int_equal(v->type, JV_OBJ);
	assert_int_equal(v->len, 9);
	assert_int_equal(jv_int(v, "pid", 0), -25);
	assert_int_equal(jv_get(v, "big")->type, JV_NUM);  /* clamped */
	assert_true(jv_int(v, "big", 0) == LLONG_MAX);
	assert_int_equal(jv_int(v, "f", 0), 1);
	assert_int_equal(jv_bool(v, "ok", -1), 1);
	assert_int_equal(jv_bool(v, "no", -1), 0);
	assert_int_equal(jv_bool(v, "pid", -1), -1);
	assert_int_equal(jv_get(v, "nil")->type, JV_NULL);
	assert_non_null(str = jv_str(v, "s", &n));
	assert_int_equal(n, 8);
	assert_memory_equal(str, "a\0b\xf0\x9f\x98\x80\n", 8);
	/* only the string elements of an array */
	assert_int_equal(jv_strs(v, "v", &s), 2);
	assert_string_equal(s[0]->str, "x");
	assert_string_equal(s[1]->str, "y");
	free(s);
	assert_int_equal(jv_strs(v, "s", &s), 0);
	assert_null(s);
	assert_int_equal(jv_strs(v, "missing", &s), 0);
	assert_null(s);
	assert_int_equal(jv_get(v, "o")->type, JV_OBJ);
	assert_null(jv_str(v, "pid", NULL));
	assert_null(jv_get(jv_get(v, "s"), "a"));  /* not an object */
	jv_free(v);
}

static void test_jsonl_rejects(void **state)
{
	static const char *const bad[] = {
		"", "{", "{\"a\":}", "{\"a\" 1}", "[1,]", "{\"a\":1,}", "\"\\x\"",
		"\"a\nb\"", "tru", "01x", "-", "1.", "1e", "{\"a\":1} x", "\"\\u12\"",
		"[1 2]", "01", "{\"a\":01}", "{\"a\"}", "{\"a\":\"\x01\"}",
		"{} {}", NULL,
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
	/* closed nesting: JSONL_MAX_DEPTH levels pass, one more does not */
	for (int d = JSONL_MAX_DEPTH; d <= JSONL_MAX_DEPTH + 1; d++) {
		memset(deep, '[', (size_t)d);
		deep[d] = '1';
		memset(deep + d + 1, ']', (size_t)d);
		assert_int_equal(jsonl_parse(deep, 2 * (size_t)d + 1, &v),
				 d > JSONL_MAX_DEPTH ? -22 : 0);
		jv_free(v);
	}
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jsonl_values),
		cmocka_unit_test(test_object_members),
		cmocka_unit_test(test_jsonl_rejects),
		cmocka_unit_test(test_jsonl_each_counts_bad_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
