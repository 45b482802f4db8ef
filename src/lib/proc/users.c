#include "lib/proc/users.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/xalloc.h"

static int cmp_entry(const void *a, const void *b)
{
	const struct users_entry *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

void users_parse(struct users *u, const char *s, size_t n)
{
	const char *p = s, *end = s + n;
	size_t cap = 0;

	u->v = NULL;
	u->n = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *c1 = memchr(p, ':', (size_t)(le - p));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(le - c1 - 1)) : NULL;
		unsigned long long id = 0;
		const char *q;
		int ok = c1 && c2 && c1 > p && c2 + 1 < le;

		for (q = c2 ? c2 + 1 : le; ok && q < le && *q != ':'; q++) {
			if (*q < '0' || *q > '9' || id > 0xffffffffULL) {
				ok = 0;
				break;
			}
			id = id * 10 + (unsigned)(*q - '0');
		}
		if (ok && (q == c2 + 1 || id > 0xffffffffULL))
			ok = 0;
		if (ok) {
			if (u->n == cap) {
				cap = cap ? cap * 2 : 64;
				u->v = xreallocarray(u->v, cap, sizeof(*u->v));
			}
			u->v[u->n].id = (unsigned)id;
			u->v[u->n].name = xstrndup(p, (size_t)(c1 - p));
			u->n++;
		}
		p = nl ? nl + 1 : end;
	}
	if (u->n)
		qsort(u->v, u->n, sizeof(*u->v), cmp_entry);
}

void users_load(struct users *u, const char *path)
{
	struct buf b = BUF_INIT;
	buf_read_file(&b, path, 16 << 20);
	users_parse(u, b.data, b.len);
	buf_release(&b);
}

void users_release(struct users *u)
{
	for (size_t i = 0; i < u->n; i++)
		free(u->v[i].name);
	free(u->v);
	u->v = NULL;
	u->n = 0;
}

const char *users_name(const struct users *u, unsigned id)
{
	size_t lo = 0, hi = u->n;
	const char *found = NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (u->v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < u->n && u->v[lo].id == id)
		found = u->v[lo].name;
	return found;
}
