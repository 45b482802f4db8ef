#include "lib/proc/mounts.h"

#include <fcntl.h>
#include <string.h>

/* unoctal - append field p[0..n) with its \NNN escapes undone */
static void unoctal(struct buf *out, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\\' && i + 3 < n && p[i + 1] >= '0' && p[i + 1] <= '3' &&
		    p[i + 2] >= '0' && p[i + 2] <= '7' && p[i + 3] >= '0' && p[i + 3] <= '7') {
			buf_addc(out,
				 (p[i + 1] - '0') << 6 | (p[i + 2] - '0') << 3 | (p[i + 3] - '0'));
			i += 3;
		} else {
			buf_addc(out, p[i]);
		}
	}
}

int mounts_parse_cgroup(const char *s, size_t n, struct buf *v2, struct buf *v1freezer)
{
	const char *p = s, *end = s + n;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *f[6] = { 0 }, *dash;
		size_t fl[6] = { 0 }, nf = 0;
		const char *q = p;

		/* the first five fields: id parent dev root mountpoint */
		while (nf < 5 && q < le) {
			const char *sp = memchr(q, ' ', (size_t)(le - q));
			const char *fe = sp ? sp : le;
			f[nf] = q;
			fl[nf++] = (size_t)(fe - q);
			q = sp ? sp + 1 : le;
		}
		dash = nf == 5 ? memmem(q, (size_t)(le - q), " - ", 3) : NULL;
		if (dash) {
			const char *type = dash + 3;
			const char *sp = memchr(type, ' ', (size_t)(le - type));
			size_t tl = sp ? (size_t)(sp - type) : (size_t)(le - type);
			const char *opts = sp ? memchr(sp + 1, ' ', (size_t)(le - sp - 1)) : NULL;
			if (tl == 7 && !memcmp(type, "cgroup2", 7) && v2 && !v2->len)
				unoctal(v2, f[4], fl[4]);
			if (tl == 6 && !memcmp(type, "cgroup", 6) && opts && v1freezer &&
			    !v1freezer->len) {
				struct buf o = BUF_INIT;
				buf_add(&o, ",", 1);
				buf_add(&o, opts + 1, (size_t)(le - opts - 1));
				buf_add(&o, ",", 1);
				if (strstr(o.data, ",freezer,"))
					unoctal(v1freezer, f[4], fl[4]);
				buf_release(&o);
			}
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

int mounts_cgroup(struct buf *v2, struct buf *v1freezer)
{
	struct buf mi = BUF_INIT;
	int rc = buf_read_at(&mi, AT_FDCWD, "/proc/self/mountinfo", 0);

	if (!rc)
		rc = mounts_parse_cgroup(mi.data, mi.len, v2, v1freezer);
	buf_release(&mi);
	return rc;
}
