/* Unit tests for src/lib/basedb: format round trip, parse errors, diff. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "lib/baseline/basedb.h"
#include "util/xalloc.h"

static void add(struct basedb *db, const char *path, size_t n, char type)
{
	struct basedb_entry *e;
	db->e = xreallocarray(db->e, db->n + 1, sizeof(*db->e));
	e = &db->e[db->n++];
	memset(e, 0, sizeof(*e));
	e->path = xmemdup(path, n + 1);
	e->path_len = n;
	e->type = type;
	e->mode = 04755;
	e->uid = 1000;
	e->size = 7;
	e->mtime_sec = -5;
	e->mtime_nsec = 999999999;
	if (type == 'f') {
		e->sha_state = BASEDB_SHA_OK;
		memset(e->sha, 0xab, sizeof(e->sha));
	}
	if (type == 'l') {
		e->target = xstrdup("-");
		e->target_len = 1;
	}
	db->alloc = db->n;
}

static void test_round_trip(void **state)
{
	static const struct {
		const char *p;
		size_t n;
		char type;
	} names[] = {
		/* sorted by raw bytes, as a DB must be */
		{ "/", 1, 'd' },
		{ "/a\tb|c\\d", 8, 'f' },
		{ "/a\nb", 4, 'l' },
		{ "/a b", 4, 'f' },
		{ "/x\0y", 4, 'p' },
		{ "/\xff\x1b", 3, 'f' },
	};
	struct basedb db, back;
	struct basedb_error err;
	struct buf text = BUF_INIT, again = BUF_INIT;
	(void)state;

	basedb_init(&db);
	basedb_add_root(&db, "/ro ot");
	basedb_add_exclude(&db, "*.log");
	db.host = xstrdup("host\nname");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		add(&db, names[i].p, names[i].n, names[i].type);
	basedb_format(&db, &text);
	for (size_t i = 0; i < text.len; i++)
		assert_true(text.data[i] == '\n' ||
			    (text.data[i] >= 0x20 && text.data[i] < 0x7f));
	basedb_init(&back);
	assert_int_equal(basedb_parse(text.data, text.len, &back, &err), 0);
	assert_int_equal(back.n, db.n);
	assert_string_equal(back.host, "host\nname");
	assert_string_equal(back.roots.v[0], "/ro ot");
	assert_string_equal(back.excludes.v[0], "*.log");
	for (size_t i = 0; i < db.n; i++) {
		assert_int_equal(back.e[i].path_len, db.e[i].path_len);
		assert_memory_equal(back.e[i].path, db.e[i].path, db.e[i].path_len);
		assert_int_equal(basedb_diff(&back.e[i], &db.e[i]), 0);
	}
	basedb_format(&back, &again);
	assert_int_equal(again.len, text.len);
	assert_memory_equal(again.data, text.data, text.len);
	buf_release(&text);
	buf_release(&again);
	basedb_release(&db);
	basedb_release(&back);
}

static void test_parse_errors(void **state)
{
	static const struct {
		const char *body;
		size_t line;
		const char *msg;
	} bad[] = {
		{ "#stranger-baseline 1\n#root /\n/ d 0755 0 0 1 2 1 1.000000000 1.000000000 - -\n#sha256 00\n",
		  4, "bad checksum line" },
		{ "#stranger-baseline 2\n#root /\n", 2, "no checksum" },
		{ "#stranger-baseline 1\n#root /\n/ d 0755 0 0 1 2 1 1.000000000 1.000000000 - -", 3,
		  "incomplete" },
		{ "#stranger-baseline 1\n#root /\n/ d 0755 0 0 1 2 1 1.000000000 1.000000000 - -\n", 3,
		  "no checksum" },
		{ "", 1, "empty" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct basedb db;
		struct basedb_error err;
		basedb_init(&db);
		assert_int_equal(basedb_parse(bad[i].body, strlen(bad[i].body), &db, &err), -1);
		assert_int_equal(err.line, bad[i].line);
		assert_non_null(strstr(err.msg, bad[i].msg));
		basedb_release(&db);
	}
}

static void test_fields(void **state)
{
	unsigned bits;
	struct basedb_entry a, b;
	(void)state;
	assert_int_equal(basedb_parse_fields("mtime,ctime", &bits), 0);
	assert_int_equal(bits, BASEDB_MTIME | BASEDB_CTIME);
	assert_int_equal(basedb_parse_fields("sha256,bogus", &bits), -1);
	memset(&a, 0, sizeof(a));
	a.type = 'f';
	a.sha_state = BASEDB_SHA_OK;
	b = a;
	b.sha[0] = 1;
	b.mode = 04000;
	assert_int_equal(basedb_diff(&a, &b), BASEDB_SHA256 | BASEDB_MODE);
	assert_string_equal(basedb_field_name(BASEDB_SHA256), "sha256");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
