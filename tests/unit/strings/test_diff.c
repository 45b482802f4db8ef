/* Unit tests for lib/diff: the pool, diff_ids and diff_hunks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/strings/diff.h"

static void test_pool_interns(void **state)
{
	struct diff_pool p;
	uint32_t a, b, c;
	(void)state;
	diff_pool_init(&p);
	a = diff_pool_add(&p, 0, 10, "/bin/login", 10);
	b = diff_pool_add(&p, 1, 20, "/bin/csh", 8);
	c = diff_pool_add(&p, 1, 30, "/bin/login", 10);
	assert_int_equal(a, c);
	assert_int_not_equal(a, b);
	assert_int_equal(p.strs[a].count[0], 1);
	assert_int_equal(p.strs[a].count[1], 1);
	assert_int_equal(p.strs[a].first[1], 30);
	assert_memory_equal(diff_pool_text(&p, b), "/bin/csh", 8);
	for (int i = 0; i < 5000; i++) {
		char s[16];
		int n = snprintf(s, sizeof(s), "s%d", i);
		assert_int_equal(diff_pool_add(&p, 0, 0, s, (size_t)n), i + 2);
	}
	assert_int_equal(diff_pool_add(&p, 0, 0, "s4999", 5), 5001);
	diff_pool_release(&p);
}

/* sequences as strings of letters; want: the marks, '-'/'+' for changed */
static const struct {
	const char *a, *b, *amark, *bmark;
} cases[] = {
	{ "", "", "", "" },
	{ "abc", "abc", "...", "..." },
	{ "abc", "", "---", "" },
	{ "", "xy", "", "++" },
	{ "abcabba", "cbabac", "--...-.", ".+...+" },
	{ "login", "lcgin", ".-...", ".+..." },
	{ "aaaa", "aa", "--..", ".." },
};

static void test_diff_ids_table(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		size_t n = strlen(cases[k].a), m = strlen(cases[k].b), ch = 0;
		uint32_t a[16], b[16];
		unsigned char ac[16], bc[16];
		for (size_t i = 0; i < n; i++)
			a[i] = (uint32_t)cases[k].a[i];
		for (size_t j = 0; j < m; j++)
			b[j] = (uint32_t)cases[k].b[j];
		size_t got = diff_ids(a, n, b, m, ac, bc, 0);
		for (size_t i = 0; i < n; i++)
			ch += (cases[k].amark[i] == '-');
		for (size_t j = 0; j < m; j++)
			ch += (cases[k].bmark[j] == '+');
		/* the count is what must hold: several minimal scripts exist */
		assert_int_equal(got, ch);
	}
}

static void test_hunks_context(void **state)
{
	/* changes at 1 and 20 of 30: two hunks; at 1 and 7: one */
	unsigned char ac[30] = { 0 }, bc[30] = { 0 };
	struct diff_hunk *h;
	size_t nh;
	(void)state;
	ac[1] = bc[1] = 1;
	ac[20] = 1;
	h = diff_hunks(ac, 30, bc, 30, 3, &nh);
	assert_int_equal(nh, 2);
	assert_int_equal(h[0].a0, 0);
	assert_int_equal(h[0].a1, 5);
	assert_int_equal(h[1].a0, 17);
	assert_int_equal(h[1].a1, 24);
	assert_int_equal(h[1].b0, 17);
	assert_int_equal(h[1].b1, 23);
	free(h);
	memset(ac, 0, sizeof(ac));
	ac[1] = 1;
	ac[8] = 1;
	h = diff_hunks(ac, 30, bc, 30, 3, &nh);
	assert_int_equal(nh, 1);
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_interns),
		cmocka_unit_test(test_diff_ids_table),
		cmocka_unit_test(test_hunks_context),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
