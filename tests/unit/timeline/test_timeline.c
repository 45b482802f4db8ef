/*
 * Unit tests for src/lib/timeline: dates, mode strings, the body file's
 * name encoding and reader, syslog lines and connections, the sorter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/timeline/event.h"
#include "lib/timeline/logs.h"
#include "lib/timeline/xsort.h"
#include "util/buf.h"

static void test_dates(void **state)
{
	struct tl_time t;

	(void)state;
	assert_int_equal(tl_parse_date("2001-09-09T01:46:40Z", &t), 0);
	assert_int_equal(t.sec, 1000000000);
	assert_int_equal(tl_parse_date("2001-09-09 01:46:40.5", &t), 0);
	assert_int_equal(t.nsec, 500000000);
	assert_int_equal(tl_parse_date("2001-09-09", &t), 0);
	assert_int_equal(t.sec, 999993600);
	assert_int_equal(tl_parse_date("@-5", &t), 0);
	assert_int_equal(t.sec, -5);
	assert_int_equal(tl_parse_date("yesterday", &t), -1);
	assert_int_equal(tl_parse_date("2001-13-01", &t), -1);
	assert_int_equal(tl_parse_date("2001-09-09T01:46:40.1234567890", &t), -1);
	assert_int_equal(tl_parse_date("@", &t), -1);
}

static void test_modes(void **state)
{
	char m[13];

	(void)state;
	tl_mode_string(m, S_IFREG | 04755);
	assert_string_equal(m, "r/rrwsr-xr-x");
	tl_mode_string(m, S_IFDIR | 01777);
	assert_string_equal(m, "d/drwxrwxrwt");
	tl_mode_string(m, S_IFLNK | 0777);
	assert_string_equal(m, "l/lrwxrwxrwx");
	tl_mode_string(m, S_IFIFO | 02644);
	assert_string_equal(m, "p/prw-r-Sr--");
}

static void test_body_names(void **state)
{
	struct buf b = BUF_INIT, scratch = BUF_INIT;
	struct tl_event e;
	char line[256];

	(void)state;
	tl_body_name(&b, "a|b%c\nd\xff", 8);
	assert_string_equal(b.data, "a%7Cb%25c\\nd\\xff");
	/* and back: mactime's split, then %XX */
	snprintf(line, sizeof(line), "0|%s|5|r/r|0|0|1|2|3|4|-1", b.data);
	assert_int_equal(tl_body_parse(line, strlen(line), &scratch, &e), 1);
	assert_int_equal(e.name_len, 12);
	assert_memory_equal(e.name, "a|b%c\\nd\\xff", 12);
	assert_int_equal(e.t[TL_A].sec, 2);
	assert_int_equal(e.t[TL_M].sec, 3);
	assert_int_equal(e.t[TL_C].sec, 4);
	assert_int_equal(e.t[TL_B].sec, -1);
	/* what mactime skips */
	assert_int_equal(tl_body_parse("# x", 3, &scratch, &e), 0);
	assert_int_equal(tl_body_parse("0|a|1|r|0|0|0|0|0|0|0", 21, &scratch, &e), 0);
	assert_int_equal(tl_body_parse("0|a|1|r|0|0|0|1|2", 17, &scratch, &e), 0);
	assert_int_equal(tl_body_parse("0|a|x|r|0|0|0|1|2|3|4", 21, &scratch, &e), 0);
	assert_int_equal(tl_body_parse("0|a|1|r|0|0|0|1.75|2|3|4", 24, &scratch, &e), 1);
	assert_int_equal(e.t[TL_A].sec, 1);
	assert_int_equal(e.t[TL_A].nsec, 750000000);
	buf_release(&b);
	buf_release(&scratch);
}

static void test_syslog(void **state)
{
	struct tl_syslog l;
	struct tl_conn c;
	const char *a = "Feb 13 23:05:34 wsbs01 in.fingerd[7948]: connect from root@wsbs03";
	const char *b = "2026-03-01T11:00:00.250000+01:00 hostc sshd[300]: Accepted publickey for bob from 10.1.0.2 port 5 ssh2";

	(void)state;
	assert_int_equal(tl_syslog_parse(a, strlen(a), 1996, 0, &l), 0);
	assert_int_equal(l.year_known, 0);
	assert_int_equal(l.when.sec, 824252734);
	assert_int_equal(l.pid, 7948);
	assert_memory_equal(l.host, "wsbs01", 6);
	assert_memory_equal(l.prog, "in.fingerd", l.prog_len);
	assert_int_equal(tl_conn_parse(&l, &c), 1);
	assert_int_equal(c.kind, TL_CONN_TCPD);
	assert_memory_equal(c.ruser, "root", c.ruser_len);
	assert_memory_equal(c.from, "wsbs03", c.from_len);
	assert_int_equal(tl_syslog_parse(b, strlen(b), 0, 0, &l), 0);
	assert_int_equal(l.year_known, 1);
	assert_int_equal(l.when.sec, 1772359200);
	assert_int_equal(l.when.nsec, 250000000);
	assert_int_equal(tl_conn_parse(&l, &c), 1);
	assert_int_equal(c.kind, TL_CONN_SSH_ACCEPT);
	assert_int_equal(c.luser_len, 3);
	assert_memory_equal(c.luser, "bob", 3);
	assert_int_equal(tl_syslog_parse("Feb 30", 6, 2026, 0, &l), -1);
	assert_int_equal(tl_syslog_parse("", 0, 2026, 0, &l), -1);
}

struct collect {
	struct buf out;
};

static int collect(const void *k, size_t kl, const void *v, size_t vl, void *ctx)
{
	struct collect *c = ctx;
	buf_add(&c->out, k, kl);
	buf_addc(&c->out, '=');
	buf_add(&c->out, v, vl);
	buf_addc(&c->out, ' ');
	return 0;
}

static void test_xsort_runs(void **state)
{
	struct xsort *s = xsort_new(4096, NULL);
	struct collect c = { BUF_INIT };
	char k[16], v[16];

	(void)state;
	/* 3000 records in a 4 KiB budget: many runs, merged; equal keys keep order */
	for (int i = 0; i < 3000; i++) {
		snprintf(k, sizeof(k), "%04d", (i * 7919) % 1000);
		snprintf(v, sizeof(v), "%d", i);
		assert_int_equal(xsort_add(s, k, 4, v, strlen(v)), 0);
	}
	assert_true(xsort_runs(s) > 10);
	assert_int_equal(xsort_each(s, collect, &c), 0);
	assert_true(c.out.len > 0);
	assert_memory_equal(c.out.data, "0000=0 0000=1000 0000=2000 0001=", 32);
	const char *last = strstr(c.out.data, "0999=");
	assert_non_null(last);
	buf_release(&c.out);
	xsort_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_body_names),
		cmocka_unit_test(test_syslog),
		cmocka_unit_test(test_xsort_runs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
