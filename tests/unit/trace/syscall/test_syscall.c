/* Unit tests for lib/syscall: the table, the quoting, the hex dump, and
 * decoders fed a fake tracee memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "lib/trace/syscall/syscall.h"
#include "util/buf.h"

static void test_table(void **state)
{
	static const struct {
		const char *name;
		int x86, arm, nargs;
	} rows[] = {
		{ "read", 0, 63, 3 },	  { "write", 1, 64, 3 },   { "openat", 257, 56, 4 },
		{ "open", 2, -1, 3 },	  { "execve", 59, 221, 3 }, { "clone3", 435, 435, 2 },
		{ "exit_group", 231, 94, 1 }, { "mmap", 9, 222, 6 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct sc_entry *e = sc_lookup_name(rows[i].name);
		assert_non_null(e);
		assert_int_equal(e->nr[SC_ARCH_X86_64], rows[i].x86);
		assert_int_equal(e->nr[SC_ARCH_AARCH64], rows[i].arm);
		assert_int_equal(e->nargs, rows[i].nargs);
		assert_ptr_equal(sc_lookup_nr(SC_ARCH_X86_64, rows[i].x86), e);
	}
	assert_null(sc_lookup_name("no_such_call"));
	assert_null(sc_lookup_nr(SC_ARCH_X86_64, 100000));
	assert_null(sc_lookup_nr(SC_ARCH_X86_64, -1));
	assert_true(sc_lookup_name("openat")->classes & SC_CLASS_FILE);
	assert_true(sc_lookup_name("connect")->classes & SC_CLASS_NETWORK);
	assert_int_equal(sc_class_parse("%file"), SC_CLASS_FILE);
	assert_int_equal(sc_class_parse("%net"), SC_CLASS_NETWORK);
	assert_int_equal(sc_class_parse("%nonsense"), 0);
	assert_int_equal(sc_signal_parse("SIGINT"), 2);
	assert_int_equal(sc_signal_parse("term"), 15);
	assert_int_equal(sc_signal_parse("9"), 9);
	assert_int_equal(sc_signal_parse("SIGNOPE"), -1);
	assert_string_equal(sc_errname(2), "ENOENT");
	assert_string_equal(sc_signame(17), "SIGCHLD");
}

static const struct {
	const char *in;
	size_t n;
	int xflag;
	const char *out;
} quotes[] = {
	{ "hello", 5, 0, "\"hello\"" },
	{ "a\nb\tc\r\v\f", 8, 0, "\"a\\nb\\tc\\r\\v\\f\"" },
	{ "\"\\", 2, 0, "\"\\\"\\\\\"" },
	{ "\x01" "2", 2, 0, "\"\\0012\"" },     /* an octal digit follows: 3 digits */
	{ "\x01x", 2, 0, "\"\\1x\"" },
	{ "\x1b[31m", 5, 0, "\"\\33[31m\"" },
	{ "\xff\x80", 2, 0, "\"\\377\\200\"" },
	{ "\0", 1, 0, "\"\\0\"" },
	{ "ab", 2, 2, "\"\\x61\\x62\"" },
	{ "ab", 2, 1, "\"ab\"" },
	{ "a\x01", 2, 1, "\"\\x61\\x01\"" },
};

static void test_quote(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(quotes) / sizeof(quotes[0]); i++) {
		struct buf b = BUF_INIT;
		sc_quote(&b, (const unsigned char *)quotes[i].in, quotes[i].n, quotes[i].xflag);
		assert_string_equal(b.data, quotes[i].out);
		for (size_t k = 0; k < b.len; k++)
			assert_true(b.data[k] >= 0x20 && b.data[k] < 0x7f);
		buf_release(&b);
	}
}

static void test_hexdump(void **state)
{
	struct buf b = BUF_INIT;
	(void)state;
	sc_hexdump(&b, (const unsigned char *)"hello\x01world, this is a longer string with bytes\n", 48);
	assert_string_equal(b.data,
		" | 00000  68 65 6c 6c 6f 01 77 6f  72 6c 64 2c 20 74 68 69  hello.world, thi |\n"
		" | 00010  73 20 69 73 20 61 20 6c  6f 6e 67 65 72 20 73 74  s is a longer st |\n"
		" | 00020  72 69 6e 67 20 77 69 74  68 20 62 79 74 65 73 0a  ring with bytes. |\n");
	buf_reset(&b);
	sc_hexdump(&b, (const unsigned char *)"hi", 2);
	assert_string_equal(b.data,
		" | 00000  68 69                                             hi               |\n");
	buf_release(&b);
}

/* a fake tracee: its memory is this buffer, at address 0x1000 */
static unsigned char memory[256];

static long fake_mem(void *ctx, unsigned long long addr, void *dst, size_t n)
{
	(void)ctx;
	if (addr < 0x1000 || addr >= 0x1000 + sizeof(memory))
		return -14;
	size_t off = (size_t)(addr - 0x1000);
	if (n > sizeof(memory) - off)
		n = sizeof(memory) - off;
	memcpy(dst, memory + off, n);
	return (long)n;
}

static void decode(const char *name, const unsigned long long args[6], long long ret,
		   const char *want)
{
	struct sc_opts opts = { .strsize = 32, .column = 40 };
	struct sc_call c;
	struct buf b = BUF_INIT;

	memset(&c, 0, sizeof(c));
	c.arch = SC_ARCH_X86_64;
	c.nr = sc_lookup_name(name)->nr[SC_ARCH_X86_64];
	memcpy(c.args, args, sizeof(c.args));
	c.mem = fake_mem;
	c.opts = &opts;
	sc_decode_entry(&c, &b);
	c.ret = ret;
	sc_decode_exit(&c, &b, 1);
	assert_string_equal(b.data, want);
	buf_release(&b);
}

static void test_decoders(void **state)
{
	(void)state;
	memset(memory, 0, sizeof(memory));
	memcpy(memory, "/etc/hostname", 14);
	memcpy(memory + 64, "cleartext-password and more than thirty-two bytes", 49);
	decode("openat", (unsigned long long[6]){ (unsigned long long)-100, 0x1000, 0x80000 }, 3,
	       "openat(AT_FDCWD, \"/etc/hostname\", O_RDONLY|O_CLOEXEC) = 3");
	decode("openat", (unsigned long long[6]){ (unsigned long long)-100, 0x1000, 0101, 0644 }, -13,
	       "openat(AT_FDCWD, \"/etc/hostname\", O_WRONLY|O_CREAT, 0644) = -1 EACCES (Permission denied)");
	decode("read", (unsigned long long[6]){ 6, 0x1040, 1024 }, 49,
	       "read(6, \"cleartext-password and more than\"..., 1024) = 49");
	decode("read", (unsigned long long[6]){ 6, 0x1040, 1024 }, -11,
	       "read(6, 0x1040, 1024)                   = -1 EAGAIN (Resource temporarily unavailable)");
	decode("close", (unsigned long long[6]){ 3 }, 0,
	       "close(3)                                = 0");
	/* memory the tracee does not have: the address, not a crash */
	decode("openat", (unsigned long long[6]){ 3, 0xdead0000, 0 }, -14,
	       "openat(3, 0xdead0000, O_RDONLY)         = -1 EFAULT (Bad address)");
	decode("exit_group", (unsigned long long[6]){ 7 }, 0,
	       "exit_group(7)                           = ?");
	decode("mmap", (unsigned long long[6]){ 0, 8192, 3, 0x22, (unsigned long long)-1, 0 }, 0x7f0000000000,
	       "mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000");
}

/* the argument-shape table: one rule for int-sized arguments, decoded at
 * exit only where the row has an argument the kernel writes */
static void test_shapes(void **state)
{
	const unsigned long long J = 0xdefaced00000000ULL;
	const struct sc_shape *sh;
	(void)state;
	memset(memory, 0, sizeof(memory));
	memcpy(memory, "/etc/hostname", 14);
	sh = sc_shape_of(sc_lookup_name("read"));
	assert_int_equal(sh->a[0].kind, SCK_FD);
	assert_int_equal(sh->a[1].kind, SCK_OUT);
	assert_int_equal(sh->a[1].lenarg, SC_LEN_RET);
	assert_true(sh->flags & SC_SHAPE_READ);
	assert_true(sh->flags & SC_SHAPE_EXIT);
	sh = sc_shape_of(sc_lookup_name("openat"));
	assert_int_equal(sh->a[0].kind, SCK_DIRFD);
	assert_int_equal(sh->a[1].kind, SCK_PATH);
	assert_false(sh->flags & SC_SHAPE_EXIT);
	sh = sc_shape_of(sc_lookup_name("select"));
	assert_true(sh->flags & SC_SHAPE_ENTRY);
	/* a row without a shape: every argument unknown, never NULL */
	sh = sc_shape_of(sc_lookup_name("io_setup"));
	assert_non_null(sh);
	assert_int_equal(sh->a[0].kind, SCK_X);
	assert_non_null(sc_shape_of(NULL));
	assert_int_equal(sc_kind_int(SCK_FD), 1);
	assert_int_equal(sc_kind_int(SCK_UID), 2);
	assert_int_equal(sc_kind_int(SCK_PTR), 0);
	/* junk in the upper halves is cut where the kernel reads an int */
	decode("openat", (unsigned long long[6]){ J | (unsigned)-100, 0x1000, J | 0x80000, J | 0644 },
	       3, "openat(AT_FDCWD, \"/etc/hostname\", O_RDONLY|O_CLOEXEC) = 3");
	decode("setresuid", (unsigned long long[6]){ J | 0xffffffffU, J | 1, J | 0xffff0000U }, 0,
	       "setresuid(-1, 1, 4294901760)            = 0");
	decode("mkdir", (unsigned long long[6]){ 0x1000, J | 0755 }, -17,
	       "mkdir(\"/etc/hostname\", 0755)            = -1 EEXIST (File exists)");
	decode("kill", (unsigned long long[6]){ J | 0x7fffffff, J | 9 }, -3,
	       "kill(2147483647, SIGKILL)               = -1 ESRCH (No such process)");
	/* but not where it reads a long: lseek's offset */
	decode("lseek", (unsigned long long[6]){ 3, J | 5, 0 }, -22,
	       "lseek(3, 1004211375834136581, SEEK_SET) = -1 EINVAL (Invalid argument)");
	/* the simple decoder: a shape, no hand-written code */
	decode("readahead", (unsigned long long[6]){ J | 3, 100, 200 }, 0,
	       "readahead(3, 100, 200)                  = 0");
	decode("alarm", (unsigned long long[6]){ J | 5 }, 0,
	       "alarm(5)                                = 0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_hexdump),
		cmocka_unit_test(test_decoders),
		cmocka_unit_test(test_shapes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
