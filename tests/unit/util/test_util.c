/* Unit tests for src/util: buf, escape, table/JSON, opt. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/baseline/hash.h"
#include "util/buf.h"
#include "util/escape.h"
#include "util/noatime.h"
#include "util/opt.h"
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

/* a temp folder holding file "f" (the bytes "evidence"), a symlink "l" to
 * it and a symlink "d" to the folder itself */
static void make_tree(char *dir, size_t size)
{
	char p[512];
	int fd;
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, size, "%s/buftest.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/f", dir);
	fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "evidence", 8), 8);
	close(fd);
	snprintf(p, sizeof(p), "%s/l", dir);
	assert_int_equal(symlink("f", p), 0);
	snprintf(p, sizeof(p), "%s/d", dir);
	assert_int_equal(symlink(".", p), 0);
}

static void remove_tree(const char *dir)
{
	char p[512];
	static const char *const names[] = { "f", "l", "d" };

	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
}

/* buf_read_at keeps its promise: a final symlink is not followed, one
 * earlier in the path is; buf_read_file follows */
static void test_buf_read_at_nofollow(void **state)
{
	char dir[256], p[512];
	struct buf b = BUF_INIT;
	int dfd;
	(void)state;

	make_tree(dir, sizeof(dir));
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(dfd >= 0);
	assert_int_equal(buf_read_at(&b, dfd, "f", 0), 0);
	assert_string_equal(b.data, "evidence");
	buf_reset(&b);
	assert_int_equal(buf_read_at(&b, dfd, "l", 0), -ELOOP);
	assert_int_equal(b.len, 0);
	assert_int_equal(buf_read_at(&b, dfd, "d/f", 4), 0);
	assert_string_equal(b.data, "evid");
	buf_reset(&b);
	snprintf(p, sizeof(p), "%s/l", dir);
	assert_int_equal(buf_read_at(&b, AT_FDCWD, p, 0), -ELOOP);
	assert_int_equal(buf_read_file(&b, p, 0), 0);
	assert_string_equal(b.data, "evidence");
	close(dfd);
	buf_release(&b);
	remove_tree(dir);
}

/* noatime_open leaves the access time alone where a plain open would not */
static void test_noatime_open(void **state)
{
	char dir[256], p[512], c;
	struct timespec old[2] = { { 1000000000, 0 }, { 0, UTIME_OMIT } };
	struct stat st;
	int fd;
	(void)state;

	make_tree(dir, sizeof(dir));
	snprintf(p, sizeof(p), "%s/f", dir);
	/* control: does a plain read move an old atime on this filesystem? */
	assert_int_equal(utimensat(AT_FDCWD, p, old, 0), 0);
	fd = open(p, O_RDONLY);
	assert_int_equal(read(fd, &c, 1), 1);
	close(fd);
	assert_int_equal(stat(p, &st), 0);
	if (st.st_atim.tv_sec == old[0].tv_sec) {
		remove_tree(dir);
		skip(); /* mounted noatime: nothing to tell apart */
	}
	assert_int_equal(utimensat(AT_FDCWD, p, old, 0), 0);
	fd = noatime_open(AT_FDCWD, p, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, &c, 1), 1);
	close(fd);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_atim.tv_sec, old[0].tv_sec);
	remove_tree(dir);
}

/* the typed rows fill variables of their own types */
static void test_opt_rows(void **state)
{
	static const char *const usage[] = { "test [options] ARG", NULL };
	int flag = 0, count = 0, small = 0;
	long big = 0;
	const char *str = NULL;
	struct strlist list = { NULL, 0 };
	const struct opt opts[] = {
		OPT_BOOL('b', "bool", &flag, "a flag"),
		OPT_COUNT('v', NULL, &count, "more"),
		OPT_STRING('s', "str", &str, "S", "a string"),
		OPT_INT('i', "int", &small, "N", "an int", -5, 100),
		OPT_LONG(0, "long", &big, "N", "a long", 0, 0),
		OPT_LIST('l', NULL, &list, "X", "a list"),
		OPT_END(),
	};
	char *argv[] = { "test", "-bvv", "--str=x", "-i", "-5", "--long",
			 "0x100000000", "arg", "-la", "-l", "b", NULL };
	int argc = (int)(sizeof(argv) / sizeof(argv[0])) - 1;
	(void)state;

	argc = opt_parse(argc, argv, opts, usage, 0);
	assert_int_equal(argc, 1);
	assert_string_equal(argv[0], "arg");
	assert_int_equal(flag, 1);
	assert_int_equal(count, 2);
	assert_string_equal(str, "x");
	assert_int_equal(small, -5);
	assert_int_equal(big, 0x100000000L);
	assert_int_equal(list.n, 2);
	assert_string_equal(list.v[0], "a");
	assert_string_equal(list.v[1], "b");
	strlist_release(&list);
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
		cmocka_unit_test(test_buf_read_at_nofollow),
		cmocka_unit_test(test_noatime_open),
		cmocka_unit_test(test_opt_rows),
		cmocka_unit_test(test_escape_table),
		cmocka_unit_test(test_escape_rejects_malformed),
		cmocka_unit_test(test_json_line),
		cmocka_unit_test(test_sha256),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
