/* Unit tests for src/lib/fleet: the JSON Lines reader and the scoring. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "lib/fleet/fleet.h"
#include "lib/fleet/jsonl.h"

static void test_parse_members(void **state)
{
	static const char line[] =
		" {\"pid\":-25,\"big\":18446744073709551616,\"f\":1.5e3,\"ok\":true,"
		"\"no\":false,\"nil\":null,\"s\":\"a\\u0000b\\ud83d\\ude00\\n\","
		"\"v\":[\"x\",2,{\"k\":[1]},\"y\"],\"o\":{\"a\":\"b\"}} ";
	struct jsonl_obj o;
	const struct jsonl_member *m;

	assert_int_equal(fleet_jsonl_parse(line, sizeof(line) - 1, &o), 0);
	assert_int_equal(o.n, 9);
	assert_non_null(m = fleet_jsonl_get(&o, "pid", JSONL_INT));
	assert_int_equal(m->num, -25);
	assert_non_null(fleet_jsonl_get(&o, "big", JSONL_NUMBER));
	assert_non_null(fleet_jsonl_get(&o, "f", JSONL_NUMBER));
	assert_int_equal(fleet_jsonl_get(&o, "ok", JSONL_BOOL)->num, 1);
	assert_int_equal(fleet_jsonl_get(&o, "no", JSONL_BOOL)->num, 0);
	assert_non_null(fleet_jsonl_get(&o, "nil", JSONL_NULL));
	assert_non_null(m = fleet_jsonl_get(&o, "s", JSONL_STRING));
	assert_int_equal(m->len, 8);
	assert_memory_equal(m->str, "a\0b\xf0\x9f\x98\x80\n", 8);
	assert_non_null(m = fleet_jsonl_get(&o, "v", JSONL_ARRAY));
	assert_int_equal(m->nv, 2);
	assert_string_equal(m->v[0], "x");
	assert_string_equal(m->v[1], "y");
	assert_non_null(fleet_jsonl_get(&o, "o", JSONL_OBJECT));
	assert_null(fleet_jsonl_get(&o, "pid", JSONL_STRING));
	fleet_jsonl_release(&o);
}

static void test_parse_rejects(void **state)
{
	static const char *const bad[] = {
		"", "[]", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{\"a\":01}",
		"{\"a\":\"\x01\"}", "{\"a\":\"\\x41\"}", "{\"a\":tru}", "{} {}",
		"{\"a\":[1,]}", "{\"a\":1.}", "{\"a\":-}", "{\"a\":\"\\u12\"}",
		"{\"a\":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}",
	};
	struct jsonl_obj o;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (!fleet_jsonl_parse(bad[i], strlen(bad[i]), &o))
			fail_msg("accepted: %s", bad[i]);
		assert_int_equal(o.n, 0);
	}
}

static void test_findings_ranked(void **state)
{
	static const char ps[] =
		"{\"pid\":1,\"cmdline\":\"sshd\",\"listening\":[\"tcp:0.0.0.0:22\"],\"flags\":[\"listening\"]}\n"
		"{\"pid\":2,\"cmdline\":\"ren\",\"flags\":[\"name_mismatch\"]}\n"
		"not json\n"
		"{\"pid\":3,\"cmdline\":\"a\\\\x1bb\",\"listening\":[\"tcp:127.0.0.1:5120\"],"
		"\"flags\":[\"exe_deleted\",\"listening\"]}\n";
	static const char hidden[] =
		"{\"kind\":\"process\",\"pid\":4,\"object\":\"x\",\"detail\":\"d\"}\n";
	struct fleet_host hosts[2] = { { .name = "a" }, { .name = "b" } };
	struct fleet_report r = { .hosts = hosts, .nhosts = 2 };

	fleet_read_jsonl(&r, 0, FLEET_PS, ps, sizeof(ps) - 1, 0);
	fleet_read_jsonl(&r, 1, FLEET_HIDDEN, hidden, sizeof(hidden) - 1, 0);
	fleet_sort(&r);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.v[0].pid, 4);
	assert_int_equal(r.v[0].host, 1);
	assert_string_equal(r.v[0].flags.data, "hidden:process");
	assert_int_equal(r.v[1].pid, 3);
	/* stranger's escaping undone: the raw byte, for the caller to escape */
	assert_int_equal(r.v[1].command.len, 3);
	assert_memory_equal(r.v[1].command.data, "a\x1b" "b", 3);
	assert_string_equal(r.v[1].listening.data, "tcp:127.0.0.1:5120");
	assert_int_equal(r.v[2].pid, 2);
	r.hosts = NULL;
	r.nhosts = 0;
	fleet_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_members),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_findings_ranked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
