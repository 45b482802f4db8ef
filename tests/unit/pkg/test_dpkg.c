/* Unit tests for src/lib/dpkg: status, md5sums, diversions, path filters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "lib/pkg/dpkg.h"

static const char status[] =
	"Package: coreutils\n"
	"Status: install ok installed\n"
	"Architecture: amd64\n"
	"Version: 9.1-1\n"
	"Description: GNU core utilities\n"
	" This package contains the basic file, shell and text manipulation\n"
	" .\n"
	"\n"
	"Package: libc6\n"
	"Status: install ok installed\n"
	"Multi-Arch: same\n"
	"Architecture: amd64\n"
	"Version: 2.36-9\n"
	"Conffiles:\n"
	" /etc/ld.so.conf.d/x86_64-linux-gnu.conf d4e7a7b88a71b5ffd9e2644e71a0cfab\n"
	" /etc/old file.conf 0123456789abcdef0123456789abcdef obsolete\n"
	" /etc/new.conf newconffile\n"
	"\n"
	"\n"
	"Package: gone\n"
	"Status: deinstall ok config-files\n"
	"Version: 1\n"
	"\n"
	"no colon here\n";

static void test_status(void **state)
{
	struct dpkg_status st = { NULL, 0, 0, 0 };
	const struct dpkg_pkg *p;
	char *info;
	(void)state;

	dpkg_parse_status(status, sizeof(status) - 1, &st);
	assert_int_equal(st.n, 3);
	assert_int_equal(st.bad, 1);
	p = dpkg_find(&st, "coreutils");
	assert_non_null(p);
	assert_string_equal(p->version, "9.1-1");
	assert_null(dpkg_find(&st, "gone"));
	assert_null(dpkg_find(&st, "libc6:i386"));
	p = dpkg_find(&st, "libc6:amd64");
	assert_non_null(p);
	assert_int_equal(p->nconf, 3);
	assert_string_equal(p->conf[0].path, "/etc/ld.so.conf.d/x86_64-linux-gnu.conf");
	assert_true(p->conf[0].has_md5 && !p->conf[0].obsolete);
	assert_string_equal(p->conf[1].path, "/etc/old file.conf");
	assert_true(p->conf[1].obsolete);
	assert_false(p->conf[2].has_md5);
	info = dpkg_info_name(p);
	assert_string_equal(info, "libc6:amd64");
	free(info);
	dpkg_status_release(&st);
}

static void test_md5sums(void **state)
{
	static const char sums[] =
		"7a4179e324c784b99e98fedee05260f7  bin/cat\n"
		"db0817401cfd9c5a818ae919d10ba7c5  usr/share/doc/a b\n"
		"zz  bad\n"
		"\n"
		"db0817401cfd9c5a818ae919d10ba7c5 *./usr/x";
	struct dpkg_sums s = { NULL, 0, 0, 0 };
	(void)state;
	dpkg_parse_md5sums(sums, sizeof(sums) - 1, &s);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.bad, 1);
	assert_int_equal(s.bad_line, 3);
	assert_string_equal(s.v[0].path, "/bin/cat");
	assert_int_equal(s.v[0].md5[0], 0x7a);
	assert_string_equal(s.v[1].path, "/usr/share/doc/a b");
	assert_string_equal(s.v[2].path, "/usr/x");
	dpkg_sums_release(&s);
}

static void test_diversions_and_filters(void **state)
{
	static const char div[] = "/bin/sh\n/bin/sh.distrib\ndash\n/x\n/y\n:\n/trailing\n";
	static const char cfg[] = "# comment\npath-exclude=/usr/share/doc/*\n"
				  "path-include /usr/share/doc/*/copyright\nforce-unsafe-io\n";
	struct dpkg_diversions d = { NULL, 0, 0 };
	struct dpkg_filters f = { NULL, 0 };
	const struct dpkg_diversion *v;
	(void)state;
	dpkg_parse_diversions(div, sizeof(div) - 1, &d);
	assert_int_equal(d.n, 2);
	assert_int_equal(d.bad, 1);
	v = dpkg_diverted(&d, "/bin/sh");
	assert_non_null(v);
	assert_string_equal(v->to, "/bin/sh.distrib");
	assert_string_equal(v->by, "dash");
	assert_null(dpkg_diverted(&d, "/bin/bash"));
	dpkg_parse_cfg(cfg, sizeof(cfg) - 1, &f);
	assert_int_equal(f.n, 2);
	assert_true(dpkg_excluded(&f, "/usr/share/doc/x/changelog.gz"));
	assert_false(dpkg_excluded(&f, "/usr/share/doc/x/copyright"));
	assert_false(dpkg_excluded(&f, "/usr/bin/x"));
	dpkg_diversions_release(&d);
	dpkg_filters_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_md5sums),
		cmocka_unit_test(test_diversions_and_filters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
