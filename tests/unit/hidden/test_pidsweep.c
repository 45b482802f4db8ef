/*
 * Unit tests for lib/pidsweep: the BTF walk on hand-made BTF (found,
 * absent, look-alike names, damage), then on the running kernel's, and
 * the sweep itself.  The live tests skip only when the kernel or
 * privileges deny BPF.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/btf.h>

#include "lib/hidden/pidsweep.h"
#include "util/buf.h"

static const char *const names[] = { "bpf_task_from_vpid", "bpf_task_release" };

/* a BTF image under construction: header, type section, string section */
struct img {
	unsigned char types[512], strs[256];
	size_t ntypes, nstrs;
};

static uint32_t add_str(struct img *m, const char *s)
{
	uint32_t off = (uint32_t)m->nstrs;
	size_t n = strlen(s) + 1;

	memcpy(m->strs + m->nstrs, s, n);
	m->nstrs += n;
	return off;
}

static void add_type(struct img *m, uint32_t name, unsigned kind, unsigned vlen,
		     uint32_t size_type, size_t extra)
{
	struct btf_type t = { .name_off = name,
			      .info = (kind << 24) | vlen,
			      .size = size_type };

	memcpy(m->types + m->ntypes, &t, sizeof(t));
	m->ntypes += sizeof(t);
	memset(m->types + m->ntypes, 0, extra);
	m->ntypes += extra;
}

static size_t finish(const struct img *m, unsigned char *out)
{
	struct btf_header h = { .magic = BTF_MAGIC, .version = BTF_VERSION,
				.hdr_len = sizeof(h), .type_off = 0,
				.type_len = (uint32_t)m->ntypes,
				.str_off = (uint32_t)m->ntypes,
				.str_len = (uint32_t)m->nstrs };

	memcpy(out, &h, sizeof(h));
	memcpy(out + sizeof(h), m->types, m->ntypes);
	memcpy(out + sizeof(h) + m->ntypes, m->strs, m->nstrs);
	return sizeof(h) + m->ntypes + m->nstrs;
}

/*
 * Types: [1] int, [2] struct of 2 members, [3] FUNC "bpf_task_from_vpid_x"
 * (a look-alike), [4] func proto of 1 param, [5] FUNC "bpf_task_from_vpid",
 * [6] enum64 of 2, [7] var "bpf_task_release" (not a FUNC), [8] FUNC
 * "bpf_task_release", whose name ends the string section.  bad_kind
 * replaces the kind of [4].
 */
static size_t build(unsigned char *out, unsigned bad_kind)
{
	struct img m = { .nstrs = 0 };
	uint32_t rel;

	add_str(&m, "");
	add_type(&m, add_str(&m, "int"), BTF_KIND_INT, 0, 4, 4);
	add_type(&m, add_str(&m, "task_struct"), BTF_KIND_STRUCT, 2, 16, 24);
	add_type(&m, add_str(&m, "bpf_task_from_vpid_x"), BTF_KIND_FUNC, 0, 4, 0);
	add_type(&m, 0, bad_kind ? bad_kind : BTF_KIND_FUNC_PROTO, 1, 1, 8);
	add_type(&m, add_str(&m, "bpf_task_from_vpid"), BTF_KIND_FUNC, 0, 4, 0);
	add_type(&m, add_str(&m, "e"), BTF_KIND_ENUM64, 2, 8, 24);
	rel = add_str(&m, "bpf_task_release");
	add_type(&m, rel, BTF_KIND_VAR, 0, 1, 4);
	add_type(&m, rel, BTF_KIND_FUNC, 0, 4, 0);
	return finish(&m, out);
}

static void test_btf_found(void **state)
{
	unsigned char b[1024];
	size_t n = build(b, 0);
	uint32_t ids[2];

	(void)state;
	assert_int_equal(pidsweep_btf_funcs(b, n, names, 2, ids), 0);
	assert_int_equal(ids[0], 5);
	assert_int_equal(ids[1], 8);
}

static void test_btf_absent(void **state)
{
	unsigned char b[1024];
	size_t n = build(b, 0);
	const char *const other[] = { "bpf_task_from_vpid", "bpf_task_from_pid" };
	uint32_t ids[2];

	(void)state;
	assert_int_equal(pidsweep_btf_funcs(b, n, other, 2, ids), -ENOENT);
	assert_int_equal(ids[0], 5);
	assert_int_equal(ids[1], 0);
}

static void test_btf_damaged(void **state)
{
	unsigned char b[1024];
	size_t n = build(b, 0);
	struct btf_header h;
	uint32_t ids[2];

	(void)state;
	/* cut anywhere: never a read beyond the data, never a wrong id */
	for (size_t k = 0; k < n; k++) {
		int rc = pidsweep_btf_funcs(b, k, names, 2, ids);
		assert_true(rc == -EINVAL || rc == -ENOENT);
	}
	/* an unknown kind stops the walk: the ids after it are unknowable */
	n = build(b, 31);
	assert_int_equal(pidsweep_btf_funcs(b, n, names, 2, ids), -EINVAL);
	/* bad magic; sections beyond the data */
	n = build(b, 0);
	b[0] ^= 0xff;
	assert_int_equal(pidsweep_btf_funcs(b, n, names, 2, ids), -EINVAL);
	b[0] ^= 0xff;
	memcpy(&h, b, sizeof(h));
	h.str_len += 1;
	memcpy(b, &h, sizeof(h));
	assert_int_equal(pidsweep_btf_funcs(b, n, names, 2, ids), -EINVAL);
	h.str_len -= 1;
	h.type_off = 0xfffffff0u;
	memcpy(b, &h, sizeof(h));
	assert_int_equal(pidsweep_btf_funcs(b, n, names, 2, ids), -EINVAL);
	/* the last name without its NUL: no match */
	n = build(b, 0);
	memcpy(&h, b, sizeof(h));
	h.str_len -= 1;
	memcpy(b, &h, sizeof(h));
	assert_int_equal(pidsweep_btf_funcs(b, n - 1, names, 2, ids), -ENOENT);
	assert_int_equal(ids[1], 0);
}

static void test_btf_kernel(void **state)
{
	struct buf b = BUF_INIT;
	uint32_t ids[2];
	int rc;

	(void)state;
	if (buf_read_at(&b, AT_FDCWD, "/sys/kernel/btf/vmlinux", 0)) {
		buf_release(&b);
		skip();
	}
	rc = pidsweep_btf_funcs(b.data, b.len, names, 2, ids);
	buf_release(&b);
	/* older kernels lack bpf_task_from_vpid (6.13) */
	assert_true(rc == 0 || rc == -ENOENT);
	assert_true(ids[1] > 0);
	if (!rc)
		assert_true(ids[0] > 0 && ids[0] != ids[1]);
}

/* ---- the sweep ---- */

static int bit(const uint64_t *b, long p)
{
	return (int)((b[p / 64] >> (p % 64)) & 1);
}

static void *idle(void *arg)
{
	int *fd = arg;
	char c;

	/* wait until the test closes the pipe */
	while (read(fd[0], &c, 1) < 0)
		;
	return NULL;
}

static void test_sweep(void **state)
{
	struct pidsweep *s;
	long max = 1L << 22;
	uint64_t *b;
	pthread_t t;
	pid_t self = getpid(), tid = -1;
	int fd[2], rc;

	(void)state;
	if (pidsweep_open(&s)) {
		print_message("# pidsweep: %s\n", pidsweep_strerror());
		skip();
	}
	assert_int_equal(pipe(fd), 0);
	assert_int_equal(pthread_create(&t, NULL, idle, fd), 0);
	/* the thread's id: a task of our thread group other than us */
	for (int i = 0; i < 100 && tid < 0; i++) {
		for (pid_t p = self + 1; p < self + 64; p++)
			if (syscall(SYS_tgkill, self, p, 0) == 0)
				tid = p;
		if (tid < 0)
			usleep(10000);
	}
	b = calloc((size_t)(max / 64 + 1), 8);
	assert_non_null(b);
	rc = pidsweep_run(s, max, 2, b);
	assert_int_equal(rc, 0);
	assert_true(bit(b, self));
	if (tid > 0)
		assert_true(bit(b, tid)); /* threads are tasks too */
	assert_false(bit(b, 0));
	assert_int_equal(pidsweep_one(s, self), 1);
	assert_int_equal(pidsweep_one(s, 0), 0);
	assert_int_equal(pidsweep_one(s, -1), 0);
	assert_int_equal(pidsweep_one(s, 4194303), bit(b, 4194303));
	/* a short range ends mid-word: nothing beyond it is set */
	rc = pidsweep_run(s, 100, 1, b);
	assert_int_equal(rc, 0);
	for (long p = 100; p < 128; p++)
		assert_false(bit(b, p));
	/* larger than the kernel's limit: clamped, not refused */
	free(b);
	b = calloc((size_t)(max * 2 / 64 + 1), 8);
	assert_non_null(b);
	assert_int_equal(pidsweep_run(s, max * 2, 3, b), 0);
	assert_true(bit(b, self));
	close(fd[1]);
	pthread_join(t, NULL);
	close(fd[0]);
	free(b);
	pidsweep_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_btf_found),
		cmocka_unit_test(test_btf_absent),
		cmocka_unit_test(test_btf_damaged),
		cmocka_unit_test(test_btf_kernel),
		cmocka_unit_test(test_sweep),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
