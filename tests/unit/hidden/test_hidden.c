/* Unit tests for the cross-view parsers: modules, kallsyms, taint,
 * ld.so.preload, environ, ELF dynamic sections, tool output, mountinfo. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "lib/hidden/hidden.h"
#include "lib/hidden/hidden_mod.h"
#include "lib/hidden/hidden_port.h"
#include "lib/hidden/portprobe.h"
#include "lib/hidden/hidden_tool.h"
#include "lib/hidden/preload.h"
#include "util/buf.h"

static const struct {
	const char *line;
	int rc;
	const char *name, *state, *taint;
} modlines[] = {
	{ "nf_tables 360448 0 - Live 0xffffffffc0a00000 (OE)", 0, "nf_tables", "Live", "OE" },
	{ "ext4 1015808 1 - Live 0x0000000000000000", 0, "ext4", "Live", "" },
	{ "rootkit 16384 0 - Loading 0xffffffffc0000000 (POE)\n", 0, "rootkit", "Loading", "POE" },
	{ "x_tables 53248 3 ip_tables,iptable_filter, Live 0xffff", 0, "x_tables", "Live", "" },
	{ "short 1 2", -1, NULL, NULL, NULL },
	{ "", -1, NULL, NULL, NULL },
	{ "bad/name 1 0 - Live 0x0", -1, NULL, NULL, NULL },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 1 0 - Live 0",
	  -1, NULL, NULL, NULL },
};

static void test_modules_lines(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(modlines) / sizeof(modlines[0]); i++) {
		struct hidden_mod_line m;
		int rc = hidden_mod_parse_modules_line(modlines[i].line,
						       strlen(modlines[i].line), &m);
		assert_int_equal(rc, modlines[i].rc);
		if (rc)
			continue;
		assert_string_equal(m.name, modlines[i].name);
		assert_string_equal(m.state, modlines[i].state);
		assert_string_equal(m.taint, modlines[i].taint);
	}
}

static const struct {
	const char *line;
	int rc;
	const char *name;
} symlines[] = {
	{ "ffffffffc0a01000 T nft_register_expr\t[nf_tables]", 1, "nf_tables" },
	{ "0000000000000000 t cleanup_module\t[rootkit]\n", 1, "rootkit" },
	{ "ffffffff81000000 T _stext", 0, "" },
	{ "ffffffffc0201000 t ftrace_trampoline\t[__builtin__ftrace]", 0, "" },
	{ "ffffffffc0000000 t bpf_prog_6deef7357e7b4530\t[bpf]", 0, "" },
	{ "ffffffffc0000000 t x\t[]", -1, "" },
	{ "ffffffffc0000000 t x\t[open", -1, "" },
	{ "garbage", -1, "" },
};

static void test_kallsyms_lines(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(symlines) / sizeof(symlines[0]); i++) {
		char name[HIDDEN_MOD_NAME_MAX];
		int rc = hidden_mod_parse_kallsyms_line(symlines[i].line,
							strlen(symlines[i].line), name);
		assert_int_equal(rc, symlines[i].rc);
		if (rc == 1)
			assert_string_equal(name, symlines[i].name);
	}
}

static void test_taint_decode(void **state)
{
	char letters[40];
	struct buf b = BUF_INIT;
	(void)state;

	hidden_mod_taint_decode(0, letters, NULL);
	assert_string_equal(letters, "");
	hidden_mod_taint_decode((1ULL << 0) | (1ULL << 12) | (1ULL << 13), letters, &b);
	assert_string_equal(letters, "POE");
	assert_string_equal(b.data, "P: proprietary module loaded, O: out-of-tree "
				    "module loaded, E: unsigned module loaded");
	hidden_mod_taint_decode(1ULL << 9, letters, NULL);
	assert_string_equal(letters, "W");
	buf_release(&b);
}

static void test_preload_list(void **state)
{
	static const char text[] = "# installed by nobody\n/usr/local/lib/libhide.so\n"
				   "  /lib/a.so:/lib/b.so\t#tail\n\n";
	struct buf out = BUF_INIT;
	(void)state;

	assert_int_equal(preload_parse_list(text, sizeof(text) - 1, &out), 3);
	assert_memory_equal(out.data, "/usr/local/lib/libhide.so\0/lib/a.so\0/lib/b.so\0",
			    out.len);
	buf_reset(&out);
	assert_int_equal(preload_parse_list("# only a comment", 16, &out), 0);
	buf_release(&out);
}

static void test_env_value(void **state)
{
	static const char env[] = "HOME=/root\0LD_PRELOADX=no\0LD_PRELOAD=/tmp/x.so\0PATH=/bin";
	const char *v;
	size_t n;
	(void)state;

	assert_int_equal(preload_env_value(env, sizeof(env) - 1, "LD_PRELOAD", &v, &n), 1);
	assert_int_equal(n, 9);
	assert_memory_equal(v, "/tmp/x.so", 9);
	assert_int_equal(preload_env_value(env, sizeof(env) - 1, "LD_AUDIT", &v, &n), 0);
	/* unterminated last entry */
	assert_int_equal(preload_env_value("LD_PRELOAD=a", 12, "LD_PRELOAD", &v, &n), 1);
	assert_int_equal(n, 1);
}

static void test_elf_self(void **state)
{
	struct buf img = BUF_INIT, needed = BUF_INIT;
	struct preload_elf e = { .needed = &needed };
	int fd = open("/proc/self/exe", O_RDONLY);
	int cmocka = 0;
	(void)state;

	assert_true(fd >= 0);
	assert_int_equal(buf_read_fd(&img, fd), 0);
	close(fd);
	assert_int_equal(preload_elf_parse((const unsigned char *)img.data, img.len, &e), 0);
	assert_true(e.is_elf && e.dynamic);
	assert_true(strstr(e.interp, "ld-linux") != NULL);
	for (const char *p = needed.data; p < needed.data + needed.len; p += strlen(p) + 1)
		cmocka |= !strcmp(p, "libcmocka.so.0");
	assert_true(cmocka);
	/* every truncation is refused or parsed, never read past */
	for (size_t n = 0; n < img.len && n < 8192; n += 7) {
		buf_reset(&needed);
		preload_elf_parse((const unsigned char *)img.data, n, &e);
	}
	assert_int_equal(preload_elf_parse((const unsigned char *)"\177ELF", 4, &e),
			 -22);
	buf_release(&img);
	buf_release(&needed);
}

static void test_tool_pids(void **state)
{
	static const char ps[] = "  PID\n    1\n  123\n 45 extra\nabc\n99999999999\n7";
	pid_t *p = NULL;
	(void)state;

	assert_int_equal(hidden_tool_parse_pids(ps, sizeof(ps) - 1, &p), 4);
	assert_int_equal(p[0], 1);
	assert_int_equal(p[1], 7);
	assert_int_equal(p[2], 45);
	assert_int_equal(p[3], 123);
	free(p);
}

static int bit(const unsigned long long *b, unsigned proto, unsigned port)
{
	unsigned k = proto * 65536 + port;
	return (int)((b[k / 64] >> (k % 64)) & 1);
}

static void test_tool_ports(void **state)
{
	static const char ss[] =
		"tcp   LISTEN 0      128          0.0.0.0:22        0.0.0.0:*\n"
		"udp   UNCONN 0      0               [::]:5353         [::]:*\n"
		"tcp   LISTEN 0      4096   [::ffff:127.0.0.1]:8080 *:*\n"
		"raw   UNCONN 0      0               *:1 *:*\n";
	static const char netstat[] =
		"Proto Recv-Q Send-Q Local Address           Foreign Address         State\n"
		"tcp6       0      0 :::5120                 :::*                    LISTEN\n"
		"udp        0      0 0.0.0.0:68              0.0.0.0:*\n";
	unsigned long long *b = calloc(2 * 65536 / 64, 8);
	(void)state;

	assert_int_equal(hidden_tool_parse_ports(ss, sizeof(ss) - 1, 4, b), 3);
	assert_true(bit(b, 0, 22) && bit(b, 1, 5353) && bit(b, 0, 8080));
	assert_false(bit(b, 0, 1) || bit(b, 1, 1));
	memset(b, 0, 2 * 65536 / 8);
	assert_int_equal(hidden_tool_parse_ports(netstat, sizeof(netstat) - 1, 3, b), 2);
	assert_true(bit(b, 0, 5120) && bit(b, 1, 68));
	free(b);
}

static void test_mounts(void **state)
{
	static const char mi[] =
		"25 1 0:22 / /proc rw,nosuid - proc proc rw\n"
		"36 25 0:5 / /proc/1234 rw,relatime shared:1 - tmpfs tmpfs rw\n"
		"37 25 8:1 /x /proc/55/cmdline rw - ext4 /dev/sda1 rw\n"
		"38 25 0:5 / /proc/sys/fs/binfmt_misc rw - binfmt_misc binfmt_misc rw\n"
		"39 25 0:5 / /proc/12a rw - tmpfs tmpfs rw\n";
	struct hidden_report r;
	(void)state;

	hidden_report_init(&r);
	hidden_mounts_parse(mi, sizeof(mi) - 1, &r);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.v[0].pid, 1234);
	assert_string_equal(r.v[0].detail, "mounted over /proc/1234: tmpfs tmpfs rw");
	assert_int_equal(r.v[1].pid, 55);
	assert_string_equal(r.v[1].seen_by, "mountinfo");
	assert_string_equal(r.v[1].missing, "procfs");
	hidden_report_release(&r);
}

static void test_port_probe_finds_a_listener(void **state)
{
	/* a real socket: the probe must call its port in use */
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	(void)state;

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 1), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	assert_int_equal(portprobe_one(PP_TCP, ntohs(a.sin_port)), 1);
	close(fd);
	assert_int_equal(portprobe_one(PP_TCP, ntohs(a.sin_port)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modules_lines),
		cmocka_unit_test(test_kallsyms_lines),
		cmocka_unit_test(test_taint_decode),
		cmocka_unit_test(test_preload_list),
		cmocka_unit_test(test_env_value),
		cmocka_unit_test(test_elf_self),
		cmocka_unit_test(test_tool_pids),
		cmocka_unit_test(test_tool_ports),
		cmocka_unit_test(test_mounts),
		cmocka_unit_test(test_port_probe_finds_a_listener),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
