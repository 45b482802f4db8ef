/*
 * Fuzz the package database parsers: the first byte picks status (also a
 * .deb's control file), md5sums, diversions or dpkg.cfg path filters.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/pkg/dpkg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data + 1;
	size_t n = size ? size - 1 : 0;

	if (!size)
		return 0;
	switch (data[0] & 3) {
	case 0: {
		struct dpkg_status st = { NULL, 0, 0, 0 };
		dpkg_parse_status(s, n, &st);
		for (size_t i = 0; i < st.n; i++) {
			char *info = dpkg_info_name(&st.p[i]);
			if (!strchr(st.p[i].name, ':') && st.p[i].installed &&
			    !dpkg_find(&st, st.p[i].name))
				abort();
			free(info);
		}
		dpkg_status_release(&st);
		break;
	}
	case 1: {
		struct dpkg_sums sums = { NULL, 0, 0, 0 };
		dpkg_parse_md5sums(s, n, &sums);
		for (size_t i = 0; i < sums.n; i++)
			if (sums.v[i].path[0] != '/')
				abort();
		dpkg_sums_release(&sums);
		break;
	}
	case 2: {
		struct dpkg_diversions d = { NULL, 0, 0 };
		dpkg_parse_diversions(s, n, &d);
		if (d.n)
			(void)dpkg_diverted(&d, d.v[0].from);
		dpkg_diversions_release(&d);
		break;
	}
	case 3: {
		struct dpkg_filters f = { NULL, 0 };
		dpkg_parse_cfg(s, n, &f);
		(void)dpkg_excluded(&f, "/usr/share/doc/x/copyright");
		dpkg_filters_release(&f);
		break;
	}
	}
	return 0;
}
