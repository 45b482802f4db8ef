/* Unit tests for src/util: buf, escape, table/JSON, opt. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "lib/baseline/hash.h"
#include "util/buf.h"
#include "util/escape.h"
#include "util/table.h"

static void test_buf_grows_and_terminates(void **state)
{
	struct buf b = BUF_INIT;
	(void)state;
	assert_string_equal(b.data, "");
	for (int i = 0; i < 1000; i++)
		buf_addf(&b, "%d,", i);
	assert_int_equal(b.len, strlen(b.data));
	assert_memory_equal(b.data, "0,1,2,", 6);
	buf_add(&b, "\0x", 2);
	assert_int_equal(b.data[b.len], '\0');
	buf_reset(&b);
	buf_addu(&b, 18446744073709551615ULL);
	assert_string_equal(b.data, "18446744073709551615");
	buf_release(&b);
}

static const struct {
	const char *in;
	size_t n;
	const char *out;
} escapes[] = {
	{ "plain text", 10, "plain text" },
	{ "a\nb\tc\\d", 7, "a\\nb\\tc\\\\d" },
	{ "\x1b[31mred", 8, "\\x1b[31mred" },
	{ "\0\x7f\x80\xff", 4, "\\x00\\x7f\\x80\\xff" },
	{ "<defunct>", 9, "<defunct>" },
	{ "\xc3\xa9", 2, "\\xc3\\xa9" },
};

static void test_escape_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(escapes) / sizeof(escapes[0]); i++) {
		struct buf out = BUF_INIT, back = BUF_INIT;
		escape_bytes(&out, escapes[i].in, escapes[i].n);
		assert_string_equal(out.data, escapes[i].out);
		assert_int_equal(escape_unescape(&back, out.data, out.len), 0);
		assert_int_equal(back.len, escapes[i].n);
		assert_memory_equal(back.data, escapes[i].in, escapes[i].n);
		buf_release(&out);
		buf_release(&back);
	}
}

static void test_escape_rejects_malformed(void **state)
{
	struct buf b = BUF_INIT;
	(void)state;
	assert_int_equal(escape_unescape(&b, "\\x4", 3), -1);
	assert_int_equal(escape_unescape(&b, "\\q", 2), -1);
	assert_int_equal(escape_unescape(&b, "\\", 1), -1);
	buf_release(&b);
}

static void test_json_line(void **state)
{
	struct buf b = BUF_INIT;
	struct json j;
	const char *v[] = { "tcp:*:5120", "a\"b" };
	(void)state;
	json_begin(&j, &b);
	json_int(&j, "pid", 42);
	json_str(&j, "comm", "x\x1b\"\\", 4);
	json_bool(&j, "exe_deleted", 1);
	json_strv(&j, "listening", v, 2);
	json_end(&j);
	assert_string_equal(b.data,
		"{\"pid\":42,\"comm\":\"x\\\\x1b\\\"\\\\\\\\\",\"exe_deleted\":true,"
		"\"listening\":[\"tcp:*:5120\",\"a\\\"b\"]}\n");
	buf_release(&b);
}

static void test_sha256(void **state)
{
	unsigned char d[HASH_LEN];
	char hex[HASH_HEX_LEN + 1];
	(void)state;
	hash_buf("abc", 3, d);
	hash_hex(d, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
				 "b00361a396177a9cb410ff61f20015ad");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_grows_and_terminates),
		cmocka_unit_test(test_escape_table),
		cmocka_unit_test(test_escape_rejects_malformed),
		cmocka_unit_test(test_json_line),
		cmocka_unit_test(test_sha256),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
