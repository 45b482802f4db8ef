/* Unit tests for lib/evidence and the parsers of lib/elfcore. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/evidence/elfcore.h"
#include "lib/evidence/evidence.h"
#include "lib/baseline/hash.h"
#include "util/buf.h"
#include "util/diag.h"

static char *tmpdir(void)
{
	char *t = strdup("/tmp/stranger-unit.XXXXXX");
	assert_non_null(mkdtemp(t));
	return t;
}

static void rmtree(const char *dir)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static int run_in(const char *dir, const char *what)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "cd '%s' && %s >/dev/null 2>&1", dir, what);
	return system(cmd);
}

static void read_file(const char *dir, const char *name, struct buf *out)
{
	char path[512];
	int fd;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(buf_read_fd(out, fd), 0);
	close(fd);
}

static void test_folder_is_sealed(void **state)
{
	char *t = tmpdir(), dir[300], core[320];
	char *argv[] = { "dump", "42", "-o", "x y", NULL };
	struct evidence *ev;
	struct evidence_file *f;
	struct buf b = BUF_INIT;
	unsigned char d[HASH_LEN], want[HASH_LEN];
	unsigned long long size;
	static char big[3 * EVIDENCE_BUFSZ + 123];
	(void)state;

	snprintf(dir, sizeof(dir), "%s/case", t);
	assert_int_equal(evidence_open(dir, 4, argv, &ev), 0);
	assert_int_equal(evidence_add_buf(ev, "a/b/small", "hello\n", 6), 0);
	/* data, a hole, data, a trailing hole: hashed as the bytes on disk */
	assert_int_equal(evidence_file_open(ev, "core", &f), 0);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (i / 4096) % 3 ? 0 : (char)(i | 1);
	assert_int_equal(evidence_file_write(f, big, 100), 0);
	assert_int_equal(evidence_file_skip(f, 1 << 20), 0);
	memcpy(evidence_file_buffer(f), big, EVIDENCE_BUFSZ);
	assert_int_equal(evidence_file_commit(f, EVIDENCE_BUFSZ, 1), 0);
	assert_int_equal(evidence_file_write(f, big, sizeof(big)), 0);
	assert_int_equal(evidence_file_skip(f, 5000), 0);
	assert_int_equal(evidence_file_close(f, d, &size), 0);
	assert_int_equal(size, 100 + (1 << 20) + EVIDENCE_BUFSZ + sizeof(big) + 5000);
	snprintf(core, sizeof(core), "%s/core", dir);
	assert_int_equal(hash_file_at(AT_FDCWD, core, want, NULL), 0);
	assert_memory_equal(d, want, HASH_LEN);
	warning("a warning lands in case.log");
	assert_int_equal(evidence_close(ev, 1), 0);

	assert_int_equal(run_in(dir, "sha256sum -c --strict manifest.sha256"), 0);
	read_file(dir, "manifest.sha256", &b);
	assert_non_null(strstr(b.data, "  a/b/small\n"));
	assert_non_null(strstr(b.data, "  case.log\n"));
	assert_non_null(strstr(b.data, "  core\n"));
	buf_reset(&b);
	read_file(dir, "case.log", &b);
	assert_non_null(strstr(b.data, "command: stranger dump 42 -o x\\x20y\n"));
	assert_non_null(strstr(b.data, "warning: a warning lands in case.log\n"));
	assert_non_null(strstr(b.data, "end: exit status 1\n"));
	buf_release(&b);
	rmtree(t);
	free(t);
}

static void test_refuses_non_empty_and_bad_names(void **state)
{
	char *t = tmpdir(), dir[300], file[320];
	char *argv[] = { "recover", NULL };
	struct evidence *ev;
	struct evidence_file *f;
	(void)state;

	snprintf(dir, sizeof(dir), "%s/full", t);
	mkdir(dir, 0700);
	snprintf(file, sizeof(file), "%s/old", dir);
	close(open(file, O_CREAT | O_WRONLY, 0600));
	assert_int_equal(evidence_open(dir, 1, argv, &ev), -ENOTEMPTY);
	assert_int_equal(evidence_open(file, 1, argv, &ev), -ENOTDIR);

	snprintf(dir, sizeof(dir), "%s/empty", t);
	mkdir(dir, 0700);
	assert_int_equal(evidence_open(dir, 1, argv, &ev), 0);
	assert_int_equal(evidence_file_open(ev, "../escape", &f), -EINVAL);
	assert_int_equal(evidence_file_open(ev, "/abs", &f), -EINVAL);
	assert_int_equal(evidence_file_open(ev, "a//b", &f), -EINVAL);
	assert_int_equal(evidence_file_open(ev, "case.log", &f), -EEXIST);
	assert_int_equal(evidence_file_open(ev, "manifest.sha256", &f), -EEXIST);
	assert_int_equal(evidence_add_buf(ev, "x", "1", 1), 0);
	assert_int_equal(evidence_add_buf(ev, "x", "2", 1), -EEXIST);
	assert_int_equal(evidence_close(ev, 0), 0);
	assert_int_equal(run_in(dir, "sha256sum -c --strict manifest.sha256"), 0);
	rmtree(t);
	free(t);
}

static void test_copy_fd_streams(void **state)
{
	char *t = tmpdir(), dir[300], src[300];
	char *argv[] = { "recover", NULL };
	struct evidence *ev;
	unsigned char d[HASH_LEN], want[HASH_LEN];
	unsigned long long size;
	int fd;
	(void)state;

	snprintf(src, sizeof(src), "%s/src", t);
	fd = open(src, O_CREAT | O_RDWR, 0600);
	for (int i = 0; i < 3000; i++)
		assert_int_equal(write(fd, "0123456789abcdef", 16), 16);
	lseek(fd, 0, SEEK_SET);
	snprintf(dir, sizeof(dir), "%s/out", t);
	assert_int_equal(evidence_open(dir, 1, argv, &ev), 0);
	assert_int_equal(evidence_copy_fd(ev, "fd/3", fd, d, &size), 0);
	assert_int_equal(size, 48000);
	lseek(fd, 0, SEEK_SET);
	assert_int_equal(hash_fd(fd, want, NULL), 0);
	assert_memory_equal(d, want, HASH_LEN);
	close(fd);
	assert_int_equal(evidence_close(ev, 0), 0);
	assert_int_equal(run_in(dir, "sha256sum -c --strict manifest.sha256"), 0);
	rmtree(t);
	free(t);
}

static const struct {
	const char *in;
	int rc;
	long long nr;
	unsigned long long a0, sp, pc;
} syscalls[] = {
	{ "43 0x4 0x0 0x0 0x0 0x0 0x0 0x7ffd1e0 0x7f00aa\n", 0, 43, 4, 0x7ffd1e0, 0x7f00aa },
	{ "-1 0x7ffd1e0 0x7f00aa\n", 0, -1, 0, 0x7ffd1e0, 0x7f00aa },
	{ "running\n", -EINVAL, 0, 0, 0, 0 },
	{ "", -EINVAL, 0, 0, 0, 0 },
	{ "43 0x4", -EINVAL, 0, 0, 0, 0 },
	{ "43 0x4 0x0 0x0 0x0 0x0 0x0 0x7ffd1e0 0x7f00aa 0x1\n", -EINVAL, 0, 0, 0, 0 },
	{ "43 0xzz 0x0 0x0 0x0 0x0 0x0 0x1 0x2", -EINVAL, 0, 0, 0, 0 },
	{ "99999999999999999999 0x1 0x2", -EINVAL, 0, 0, 0, 0 },
	{ "1 0x11111111111111111111 0 0 0 0 0 0 0", -EINVAL, 0, 0, 0, 0 },
};

static void test_parse_syscall(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(syscalls) / sizeof(syscalls[0]); i++) {
		struct elfcore_syscall sc;
		int rc = elfcore_parse_syscall(syscalls[i].in, strlen(syscalls[i].in), &sc);
		assert_int_equal(rc, syscalls[i].rc);
		if (rc)
			continue;
		assert_int_equal(sc.nr, syscalls[i].nr);
		assert_int_equal(sc.args[0], syscalls[i].a0);
		assert_int_equal(sc.sp, syscalls[i].sp);
		assert_int_equal(sc.pc, syscalls[i].pc);
	}
}

static void test_file_note(void **state)
{
	static const char maps[] =
		"55d0c0a00000-55d0c0a01000 r--p 00000000 fe:01 1234  /usr/bin/x\n"
		"55d0c0a01000-55d0c0a03000 r-xp 00001000 fe:01 1234  /usr/bin/x\n"
		"55d0c1000000-55d0c1021000 rw-p 00000000 00:00 0     [heap]\n"
		"7f0000000000-7f0000001000 r-xp 00002000 08:02 99 /tmp/in.telnetd (deleted)\n"
		"7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0     [stack]\n";
	struct buf d = BUF_INIT;
	uint64_t v[3];
	const char *names;
	(void)state;

	assert_int_equal(elfcore_file_note(maps, sizeof(maps) - 1, &d), 3);
	memcpy(v, d.data, 16);
	assert_int_equal(v[0], 3);
	assert_int_equal(v[1], 4096);
	memcpy(v, d.data + 16 + 24, 24);
	assert_int_equal(v[0], 0x55d0c0a01000ULL);
	assert_int_equal(v[1], 0x55d0c0a03000ULL);
	assert_int_equal(v[2], 1);
	names = d.data + 16 + 3 * 24;
	assert_string_equal(names, "/usr/bin/x");
	names += strlen(names) + 1;
	assert_string_equal(names, "/usr/bin/x");
	names += strlen(names) + 1;
	assert_string_equal(names, "/tmp/in.telnetd (deleted)");
	buf_reset(&d);
	assert_true(elfcore_file_note("garbage\n", 8, &d) < 0);
	buf_release(&d);
}

static void test_note_padding(void **state)
{
	struct buf b = BUF_INIT;
	Elf64_Nhdr nh;
	(void)state;

	elfcore_note(&b, "LINUX", NT_X86_XSTATE, "abc", 3);
	assert_int_equal(b.len, sizeof(nh) + 8 + 4);
	memcpy(&nh, b.data, sizeof(nh));
	assert_int_equal(nh.n_namesz, 6);
	assert_int_equal(nh.n_descsz, 3);
	assert_int_equal(nh.n_type, NT_X86_XSTATE);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_folder_is_sealed),
		cmocka_unit_test(test_refuses_non_empty_and_bad_names),
		cmocka_unit_test(test_copy_fd_streams),
		cmocka_unit_test(test_parse_syscall),
		cmocka_unit_test(test_file_note),
		cmocka_unit_test(test_note_padding),
	};
	diag_quiet(1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
