/*
 * libFuzzer harness: the Myers diff.  Two short sequences over a small
 * alphabet: what diff_ids leaves unchanged must be the same sequence on
 * both sides, and as long as a longest common subsequence (computed here
 * by dynamic programming) unless a tiny cost limit was asked for; the
 * hunks must cover every change, in order, without overlapping.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/strings/diff.h"

#define MAXN 300

static size_t lcs(const uint32_t *a, size_t n, const uint32_t *b, size_t m)
{
	static uint16_t row[2][MAXN + 1];
	memset(row, 0, sizeof(row));
	for (size_t i = 1; i <= n; i++)
		for (size_t j = 1; j <= m; j++) {
			uint16_t *cur = row[i & 1], *prev = row[!(i & 1)];
			if (a[i - 1] == b[j - 1])
				cur[j] = (uint16_t)(prev[j - 1] + 1);
			else
				cur[j] = prev[j] > cur[j - 1] ? prev[j] : cur[j - 1];
		}
	return row[n & 1][m];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t a[MAXN], b[MAXN];
	unsigned char ac[MAXN], bc[MAXN];
	size_t n = 0, m = 0, changed, nh, i, j;
	unsigned alpha;
	unsigned long cost;
	struct diff_hunk *h;

	if (size < 3)
		return 0;
	alpha = data[0] % 16 + 1;
	cost = data[1] & 1 ? (unsigned long)(data[1] >> 1) % 4 + 1 : 0;
	for (size_t k = 3; k < size; k++) {
		if (k - 3 < data[2] % (size - 2)) {
			if (n < MAXN)
				a[n++] = data[k] % alpha;
		} else if (m < MAXN) {
			b[m++] = data[k] % alpha;
		}
	}
	changed = diff_ids(a, n, b, m, ac, bc, cost);

	/* the unchanged elements pair up, equal */
	i = j = 0;
	for (;;) {
		while (i < n && ac[i])
			i++;
		while (j < m && bc[j])
			j++;
		if (i == n || j == m)
			break;
		if (a[i++] != b[j++])
			__builtin_trap();
	}
	if (i != n || j != m)
		__builtin_trap();
	if (!cost && changed != n + m - 2 * lcs(a, n, b, m))
		__builtin_trap();

	h = diff_hunks(ac, n, bc, m, 3, &nh);
	{
		size_t seen = 0, lasta = 0, lastb = 0;
		for (size_t k = 0; k < nh; k++) {
			size_t da = 0, db = 0;
			if (h[k].a0 < lasta || h[k].b0 < lastb || h[k].a1 > n ||
			    h[k].b1 > m || h[k].a0 > h[k].a1 || h[k].b0 > h[k].b1)
				__builtin_trap();
			for (i = h[k].a0; i < h[k].a1; i++)
				da += ac[i];
			for (j = h[k].b0; j < h[k].b1; j++)
				db += bc[j];
			if (h[k].a1 - h[k].a0 - da != h[k].b1 - h[k].b0 - db)
				__builtin_trap();
			seen += da + db;
			lasta = h[k].a1;
			lastb = h[k].b1;
		}
		if (seen != changed)
			__builtin_trap();
	}
	free(h);
	return 0;
}
