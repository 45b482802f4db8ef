/* Unit tests for src/lib/fleet: reading a host's findings and the scoring. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "lib/fleet/fleet.h"

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
		cmocka_unit_test(test_findings_ranked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
