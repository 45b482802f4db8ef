#include "lib/proc/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

/* has_controller - is name one of the comma-separated list l[0..n)? */
static int has_controller(const char *l, size_t n, const char *name)
{
	size_t nl = strlen(name);

	for (const char *p = l, *end = l + n; p < end;) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		size_t len = c ? (size_t)(c - p) : (size_t)(end - p);
		if (len == nl && !memcmp(p, name, nl))
			return 1;
		p += len + 1;
	}
	return 0;
}

int cgroup_parse(const char *s, size_t n, const char *controller, struct buf *path)
{
	for (size_t pos = 0; pos < n;) {
		const char *line = s + pos, *nl = memchr(line, '\n', n - pos);
		size_t len = nl ? (size_t)(nl - line) : n - pos;
		const char *c1 = memchr(line, ':', len), *c2;
		int match;

		pos += len + 1;
		if (!c1 || !(c2 = memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - line))))
			continue;
		if (!controller)
			match = c2 == c1 + 1 && c1 - line == 1 && line[0] == '0';
		else
			match = has_controller(c1 + 1, (size_t)(c2 - c1 - 1), controller);
		if (match) {
			buf_add(path, c2 + 1, (size_t)(line + len - (c2 + 1)));
			return 0;
		}
	}
	return -ENOENT;
}

int cgroup_of(pid_t pid, const char *controller, struct buf *path)
{
	struct buf b = BUF_INIT;
	char file[64];
	int rc;

	if (pid)
		snprintf(file, sizeof(file), "/proc/%d/cgroup", (int)pid);
	else
		snprintf(file, sizeof(file), "/proc/self/cgroup");
	rc = buf_read_at(&b, AT_FDCWD, file, 0);
	if (rc == -ENOENT)
		rc = -ESRCH;
	if (!rc)
		rc = cgroup_parse(b.data, b.len, controller, path);
	buf_release(&b);
	return rc;
}
