#include "lib/collect/manifest.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/baseline/hash.h"
#include "util/buf.h"
#include "util/pool.h"
#include "util/xalloc.h"

int manifest_name_ok(const char *name, size_t n)
{
	size_t i = 0;

	if (!n || name[0] == '/' || memchr(name, '\0', n))
		return 0;
	while (i <= n) {
		size_t j = i;
		while (j < n && name[j] != '/')
			j++;
		if (j == i || (j - i == 1 && name[i] == '.') ||
		    (j - i == 2 && name[i] == '.' && name[i + 1] == '.'))
			return 0;
		i = j + 1;
	}
	return 1;
}

static int is_hex(const char *p)
{
	for (int i = 0; i < 64; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return 0;
	return 1;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct manifest_entry_r *)a)->name,
		      ((const struct manifest_entry_r *)b)->name);
}

size_t manifest_parse(const char *p, size_t n, struct manifest *m)
{
	const char *end = p + n;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *s = p;
		struct buf name = BUF_INIT;
		int escaped = 0, ok = 1;

		if (le == p) {
			p = nl ? nl + 1 : end;
			continue;
		}
		if (*s == '\\') {
			escaped = 1;
			s++;
		}
		if (le - s < 67 || !is_hex(s) || s[64] != ' ' || (s[65] != ' ' && s[65] != '*')) {
			m->bad_lines++;
			p = nl ? nl + 1 : end;
			continue;
		}
		for (const char *q = s + 66; q < le; q++) {
			if (escaped && *q == '\\') {
				if (q + 1 < le && q[1] == '\\')
					buf_addc(&name, '\\');
				else if (q + 1 < le && q[1] == 'n')
					buf_addc(&name, '\n');
				else {
					ok = 0;
					break;
				}
				q++;
			} else {
				buf_addc(&name, *q);
			}
		}
		if (ok && manifest_name_ok(name.data, name.len)) {
			if (m->n == m->cap) {
				m->cap = m->cap ? 2 * m->cap : 64;
				m->v = xreallocarray(m->v, m->cap, sizeof(*m->v));
			}
			memset(&m->v[m->n], 0, sizeof(m->v[m->n]));
			memcpy(m->v[m->n].hex, s, 64);
			m->v[m->n].name = buf_detach(&name, NULL);
			m->n++;
		} else {
			m->bad_lines++;
		}
		buf_release(&name);
		p = nl ? nl + 1 : end;
	}
	/* sorted, whatever order the file had, for manifest_find */
	if (m->n)
		qsort(m->v, m->n, sizeof(*m->v), cmp_name);
	return m->bad_lines;
}

int manifest_open_at(int dirfd, const char *name)
{
	struct open_how how = {
		.flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY,
		.resolve =
		    RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	char *copy, *p, *slash;
	int fd, next;
	static int no_openat2;

	/* one call where the kernel has openat2 (5.6), a walk elsewhere */
	if (!__atomic_load_n(&no_openat2, __ATOMIC_RELAXED)) {
		fd = (int)syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
		if (fd >= 0)
			return fd;
		if (errno != ENOSYS && errno != EPERM)
			return errno == EXDEV || errno == ELOOP ? -ELOOP : -errno;
		/* ENOSYS, or a seccomp filter that says EPERM */
		__atomic_store_n(&no_openat2, 1, __ATOMIC_RELAXED);
	}
	copy = xstrdup(name);
	p = copy;
	fd = dup(dirfd);

	if (fd < 0) {
		free(copy);
		return -errno;
	}
	while ((slash = strchr(p, '/'))) {
		*slash = '\0';
		next = openat(fd, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		if (next < 0) {
			int err = -errno;
			free(copy);
			return err;
		}
		fd = next;
		p = slash + 1;
	}
	next = openat(fd, p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (next < 0)
		next = -errno;
	close(fd);
	free(copy);
	return next;
}

struct check {
	int dirfd;
	struct manifest *m;
};

static void check_one(size_t i, unsigned worker, void *arg)
{
	struct check *c = arg;
	struct manifest_entry_r *e = &c->m->v[i];
	unsigned char d[HASH_LEN];
	char hex[HASH_HEX_LEN + 1];
	int fd = manifest_open_at(c->dirfd, e->name);

	(void)worker;
	if (fd < 0) {
		e->state = fd == -ENOENT ? MANIFEST_MISSING : MANIFEST_UNREADABLE;
		return;
	}
	if (hash_fd(fd, d, &e->size)) {
		e->state = MANIFEST_UNREADABLE;
	} else {
		hash_hex(d, hex);
		e->state = strcmp(hex, e->hex) ? MANIFEST_CHANGED : MANIFEST_OK;
	}
	close(fd);
}

void manifest_check(int dirfd, struct manifest *m)
{
	struct check c = { dirfd, m };

	/* every core: a full case holds hundreds of megabytes */
	pool_run(m->n, 0, check_one, NULL, &c);
}

const struct manifest_entry_r *manifest_find(const struct manifest *m, const char *name)
{
	struct manifest_entry_r key = { .name = (char *)name };
	if (!m->n)
		return NULL;
	return bsearch(&key, m->v, m->n, sizeof(*m->v), cmp_name);
}

const char *manifest_state_name(enum manifest_state s)
{
	switch (s) {
	case MANIFEST_OK:
		return "ok";
	case MANIFEST_CHANGED:
		return "changed since sealing";
	case MANIFEST_MISSING:
		return "missing";
	case MANIFEST_UNREADABLE:
		return "unreadable";
	default:
		return "not checked";
	}
}

void manifest_release(struct manifest *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].name);
	free(m->v);
	memset(m, 0, sizeof(*m));
}
