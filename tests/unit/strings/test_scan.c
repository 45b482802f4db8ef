/* Unit tests for lib/scan: scan_mem and scan_fd on hand-made inputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/strings/scan.h"
#include "util/buf.h"

static int collect(void *ctx, uint64_t off, const char *s, size_t len)
{
	struct buf *b = ctx;
	buf_addf(b, "%llu:", (unsigned long long)off);
	buf_add(b, s, len);
	buf_addc(b, '|');
	return 0;
}

static const struct {
	const char *in;
	size_t n;
	char enc;
	int ws;
	unsigned long min;
	const char *want;
} cases[] = {
	{ "", 0, 's', 0, 4, "" },
	{ "abc", 3, 's', 0, 4, "" },
	{ "abcd", 4, 's', 0, 4, "0:abcd|" },
	{ "\1abcd\2efghi", 11, 's', 0, 4, "1:abcd|6:efghi|" },
	{ "tab\there\nnext", 14, 's', 0, 4, "0:tab\there|9:next|" },
	{ "tab\there\nnext", 14, 's', 1, 4, "0:tab\there\nnext|" },
	{ "caf\xe9 ok", 8, 's', 0, 3, "0:caf|4: ok|" },
	{ "caf\xe9 ok", 8, 'S', 0, 3, "0:caf\xe9 ok|" },
	{ "a\0b\0c\0d\0\1x\0y\0z\0w\0", 17, 'l', 0, 4, "0:abcd|9:xyzw|" },
	{ "a\0b\0c\0d\0e\0\1\0x\0y\0z\0w\0v\0", 22, 'b', 0, 4, "1:bcde|11:xyzwv|" },
	{ "\0\0\0a\0\0\0b\0\0\0c", 12, 'B', 0, 3, "0:abc|" },
	{ "x\1yz", 4, 's', 0, 1, "0:x|2:yz|" },
};

static void test_scan_mem_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct scan_opts o = { cases[i].enc, cases[i].ws, cases[i].min };
		struct buf got = BUF_INIT;
		scan_mem(cases[i].in, cases[i].n, &o, collect, &got);
		assert_int_equal(got.len, strlen(cases[i].want));
		assert_memory_equal(got.data, cases[i].want, got.len);
		buf_release(&got);
	}
}

/* scan_fd: the format, and a string across every possible chunk split */
static void test_scan_fd_format_and_splits(void **state)
{
	static const char in[] = "\1\1hello world\0ab\0stranger in the night\1xyz";
	static const char want[] = "F:       2 hello world<>F:      11 stranger in the night<>";
	struct scan_opts o = { 's', 0, 5 };
	struct scan_fmt fmt = { "F", 16, "<>", 2 };
	int infd = memfd_create("in", 0), outfd = memfd_create("out", 0);
	(void)state;

	assert_true(infd >= 0 && outfd >= 0);
	assert_int_equal(write(infd, in, sizeof(in) - 1), sizeof(in) - 1);
	for (size_t chunk = 1; chunk <= sizeof(in); chunk++) {
		for (unsigned th = 1; th <= 3; th++) {
			struct scan_tune t = { th, chunk };
			struct scan_result res;
			char got[256];
			ssize_t n;
			assert_int_equal(ftruncate(outfd, 0), 0);
			lseek(outfd, 0, SEEK_SET);
			lseek(infd, 0, SEEK_SET);
			assert_int_equal(scan_fd(infd, &o, &fmt, &t, outfd, &res), 0);
			assert_int_equal(res.strings, 2);
			n = pread(outfd, got, sizeof(got), 0);
			assert_int_equal(n, sizeof(want) - 1);
			assert_memory_equal(got, want, sizeof(want) - 1);
		}
	}
	close(infd);
	close(outfd);
}

static void test_scan_fd_radix(void **state)
{
	char in[300];
	struct scan_opts o = { 's', 0, 4 };
	const struct { int radix; const char *want; } r[] = {
		{ 8, "    454 abcd\n" }, { 10, "    300 abcd\n" }, { 16, "    12c abcd\n" },
	};
	(void)state;
	memset(in, 0, sizeof(in));
	for (size_t i = 0; i < 3; i++) {
		struct scan_fmt fmt = { NULL, r[i].radix, NULL, 0 };
		int infd = memfd_create("in", 0), outfd = memfd_create("out", 0);
		char got[64] = "";
		assert_int_equal(write(infd, in, sizeof(in)), sizeof(in));
		assert_int_equal(write(infd, "abcd", 4), 4);
		lseek(infd, 0, SEEK_SET);
		assert_int_equal(scan_fd(infd, &o, &fmt, NULL, outfd, NULL), 0);
		assert_int_equal(pread(outfd, got, sizeof(got) - 1, 0), strlen(r[i].want));
		assert_string_equal(got, r[i].want);
		close(infd);
		close(outfd);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_mem_table),
		cmocka_unit_test(test_scan_fd_format_and_splits),
		cmocka_unit_test(test_scan_fd_radix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
