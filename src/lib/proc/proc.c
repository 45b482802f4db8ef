#include "lib/proc/proc.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/xalloc.h"

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
	return (x > y) - (x < y);
}

int proc_parse_pid(const char *s, pid_t *pid)
{
	long v = 0;
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (*s - '0');
		if (v > INT_MAX)
			return -EINVAL;
	}
	if (v <= 0)
		return -EINVAL;
	*pid = (pid_t)v;
	return 0;
}

static int list_numeric(int dirfd, int **ids, size_t *n, int allow_zero)
{
	enum { DBUF = 64 * 1024 };
	char *dbuf = xmalloc(DBUF);
	size_t cnt = 0, cap = 256;
	int *v = xmallocarray(cap, sizeof(*v));

	for (;;) {
		long got = syscall(SYS_getdents64, dirfd, dbuf, DBUF);
		if (got < 0) {
			int err = errno;
			free(dbuf);
			free(v);
			return -err;
		}
		if (got == 0)
			break;
		for (long off = 0; off < got;) {
			struct linux_dirent64 *d = (void *)(dbuf + off);
			pid_t pid;
			if (d->d_reclen == 0)
				break;
			off += d->d_reclen;
			if (allow_zero && !strcmp(d->d_name, "0"))
				pid = 0;
			else if (proc_parse_pid(d->d_name, &pid))
				continue;
			if (cnt == cap) {
				cap *= 2;
				v = xreallocarray(v, cap, sizeof(*v));
			}
			v[cnt++] = pid;
		}
	}
	free(dbuf);
	qsort(v, cnt, sizeof(*v), cmp_pid);
	*ids = v;
	*n = cnt;
	return 0;
}

int proc_list_dir(int dirfd, pid_t **ids, size_t *n)
{
	return list_numeric(dirfd, ids, n, 0);
}

int proc_list_fds(int dirfd, int **fds, size_t *n)
{
	return list_numeric(dirfd, fds, n, 1);
}

int proc_list(pid_t **pids, size_t *n)
{
	int fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;
	if (fd < 0)
		return -errno;
	rc = proc_list_dir(fd, pids, n);
	close(fd);
	return rc;
}

int proc_list_tasks(pid_t pid, pid_t **tids, size_t *n)
{
	char path[64];
	int fd, rc;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	rc = proc_list_dir(fd, tids, n);
	close(fd);
	return rc;
}

int proc_open(pid_t pid)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	return fd;
}

int proc_read_at(int procfd, const char *file, struct buf *out)
{
	int fd = openat(procfd, file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	int rc;
	if (fd < 0)
		return -errno;
	rc = buf_read_fd(out, fd);
	close(fd);
	return rc;
}

int proc_readlink_at(int procfd, const char *file, struct buf *out)
{
	size_t size = 256;
	for (;;) {
		ssize_t n;
		buf_grow(out, size);
		n = readlinkat(procfd, file, out->data + out->len, size);
		if (n < 0)
			return -errno;
		if ((size_t)n < size) {
			buf_setlen(out, out->len + (size_t)n);
			return 0;
		}
		if (size >= 1 << 20)
			return -ENAMETOOLONG;
		size *= 4;
	}
}

/* A small cursor for the numeric fields of /proc files. */
struct cur {
	const char *p, *end;
};

static void skip_spaces(struct cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

static int get_ull(struct cur *c, unsigned long long *v)
{
	unsigned long long x = 0;
	const char *start;

	skip_spaces(c);
	start = c->p;
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
		unsigned d = (unsigned)(*c->p - '0');
		if (x > (ULLONG_MAX - d) / 10)
			return -EINVAL;
		x = x * 10 + d;
		c->p++;
	}
	if (c->p == start)
		return -EINVAL;
	*v = x;
	return 0;
}

static int get_ll(struct cur *c, long long *v)
{
	unsigned long long u;
	int neg = 0;
	skip_spaces(c);
	if (c->p < c->end && *c->p == '-') {
		neg = 1;
		c->p++;
	}
	if (get_ull(c, &u) || u > (unsigned long long)LLONG_MAX)
		return -EINVAL;
	*v = neg ? -(long long)u : (long long)u;
	return 0;
}

static int get_hex(struct cur *c, unsigned long long *v)
{
	unsigned long long x = 0;
	const char *start = c->p;
	while (c->p < c->end && isxdigit((unsigned char)*c->p)) {
		int ch = *c->p;
		unsigned d = (unsigned)(ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10);
		if (x >> 60)
			return -EINVAL;
		x = x << 4 | d;
		c->p++;
	}
	if (c->p == start)
		return -EINVAL;
	*v = x;
	return 0;
}

static int skip_field(struct cur *c)
{
	skip_spaces(c);
	if (c->p >= c->end)
		return -EINVAL;
	while (c->p < c->end && *c->p != ' ' && *c->p != '\n')
		c->p++;
	return 0;
}

int proc_parse_stat(const char *s, size_t n, struct proc_stat *st)
{
	struct cur c = { s, s + n };
	const char *open, *close = NULL;
	long long v;
	unsigned long long u;

	memset(st, 0, sizeof(*st));
	if (get_ll(&c, &v) || v <= 0 || v > INT_MAX)
		return -EINVAL;
	st->pid = (pid_t)v;
	skip_spaces(&c);
	if (c.p >= c.end || *c.p != '(')
		return -EINVAL;
	open = c.p + 1;
	/* comm may contain ')' and spaces: the last ')' ends it */
	for (const char *q = c.end; q > open; q--)
		if (q[-1] == ')') {
			close = q - 1;
			break;
		}
	if (!close)
		return -EINVAL;
	st->comm_len = (size_t)(close - open);
	if (st->comm_len >= PROC_COMM_MAX)
		st->comm_len = PROC_COMM_MAX - 1;
	memcpy(st->comm, open, st->comm_len);
	st->comm[st->comm_len] = '\0';
	c.p = close + 1;
	skip_spaces(&c);
	if (c.p >= c.end)
		return -EINVAL;
	st->state = *c.p++;

	/* fields 4.. : ppid pgrp session tty_nr tpgid flags minflt cminflt
	 * majflt cmajflt utime stime cutime cstime priority nice num_threads
	 * itrealvalue starttime vsize rss */
	if (get_ll(&c, &v))
		return -EINVAL;
	st->ppid = (pid_t)v;
	if (get_ll(&c, &v))
		return -EINVAL;
	st->pgrp = (pid_t)v;
	if (get_ll(&c, &v))
		return -EINVAL;
	st->session = (pid_t)v;
	if (get_ll(&c, &v))
		return -EINVAL;
	st->tty_nr = (int)v;
	if (skip_field(&c) || get_ull(&c, &u))
		return -EINVAL;
	st->flags = (unsigned long)u;
	for (int i = 0; i < 4; i++)
		if (skip_field(&c))
			return -EINVAL;
	if (get_ull(&c, &st->utime) || get_ull(&c, &st->stime))
		return -EINVAL;
	if (skip_field(&c) || skip_field(&c) || skip_field(&c))
		return -EINVAL;
	if (get_ll(&c, &v))
		return -EINVAL;
	st->nice = (long)v;
	if (get_ll(&c, &v))
		return -EINVAL;
	st->num_threads = (long)v;
	if (skip_field(&c) || get_ull(&c, &st->starttime))
		return -EINVAL;
	if (get_ull(&c, &st->vsize) || get_ll(&c, &st->rss))
		return -EINVAL;
	return 0;
}

static int line_key(const char *line, size_t len, const char *key)
{
	size_t k = strlen(key);
	return len > k && !memcmp(line, key, k) && line[k] == ':';
}

static int get_ids(const char *p, const char *end, unsigned *out)
{
	struct cur c = { p, end };
	for (int i = 0; i < 4; i++) {
		unsigned long long v;
		if (get_ull(&c, &v) || v > UINT_MAX)
			return -EINVAL;
		out[i] = (unsigned)v;
	}
	return 0;
}

int proc_parse_status(const char *s, size_t n, struct proc_status *st)
{
	const char *p = s, *end = s + n;
	int seen = 0;

	memset(st, 0, sizeof(*st));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t len = (size_t)(le - p);
		const char *colon = memchr(p, ':', len);
		struct cur c = { colon ? colon + 1 : le, le };
		long long v;
		unsigned long long u;

		if (!colon)
			goto next;
		seen++;
		if (line_key(p, len, "Name")) {
			size_t l;
			skip_spaces(&c);
			l = (size_t)(le - c.p);
			if (l >= sizeof(st->name))
				l = sizeof(st->name) - 1;
			memcpy(st->name, c.p, l);
			st->name[l] = '\0';
		} else if (line_key(p, len, "Tgid") && !get_ll(&c, &v)) {
			st->tgid = (pid_t)v;
		} else if (line_key(p, len, "Pid") && !get_ll(&c, &v)) {
			st->pid = (pid_t)v;
		} else if (line_key(p, len, "PPid") && !get_ll(&c, &v)) {
			st->ppid = (pid_t)v;
		} else if (line_key(p, len, "TracerPid") && !get_ll(&c, &v)) {
			st->tracer_pid = (pid_t)v;
		} else if (line_key(p, len, "Uid")) {
			st->have_uid = !get_ids(c.p, le, st->uid);
		} else if (line_key(p, len, "Gid")) {
			st->have_gid = !get_ids(c.p, le, st->gid);
		} else if (line_key(p, len, "Threads") && !get_ll(&c, &v)) {
			st->threads = (long)v;
		} else if (line_key(p, len, "SigBlk")) {
			skip_spaces(&c);
			if (!get_hex(&c, &u))
				st->sig_blk = u;
		} else if (line_key(p, len, "SigIgn")) {
			skip_spaces(&c);
			if (!get_hex(&c, &u))
				st->sig_ign = u;
		} else if (line_key(p, len, "SigCgt")) {
			skip_spaces(&c);
			if (!get_hex(&c, &u))
				st->sig_cgt = u;
		} else if (line_key(p, len, "CapEff")) {
			skip_spaces(&c);
			if (!get_hex(&c, &u))
				st->cap_eff = u;
		}
	next:
		p = nl ? nl + 1 : end;
	}
	return seen && st->have_uid ? 0 : -EINVAL;
}

int proc_maps_next(const char *s, size_t n, size_t *pos, struct proc_map *m)
{
	const char *p = s + *pos, *end = s + n, *nl, *le;
	struct cur c;
	unsigned long long v;
	static const char del[] = " (deleted)";
	size_t dl = sizeof(del) - 1;

	if (*pos >= n)
		return 0;
	nl = memchr(p, '\n', (size_t)(end - p));
	le = nl ? nl : end;
	*pos = (size_t)((nl ? nl + 1 : end) - s);
	memset(m, 0, sizeof(*m));
	c.p = p;
	c.end = le;
	if (get_hex(&c, &m->start) || c.p >= le || *c.p++ != '-' || get_hex(&c, &m->end) ||
	    m->end < m->start)
		return -EINVAL;
	skip_spaces(&c);
	if (le - c.p < 4)
		return -EINVAL;
	memcpy(m->perms, c.p, 4);
	m->perms[4] = '\0';
	c.p += 4;
	skip_spaces(&c);
	if (get_hex(&c, &m->offset))
		return -EINVAL;
	skip_spaces(&c);
	if (get_hex(&c, &v) || v > 0xfffff || c.p >= le || *c.p++ != ':')
		return -EINVAL;
	m->dev_major = (unsigned)v;
	if (get_hex(&c, &v) || v > 0xfffff)
		return -EINVAL;
	m->dev_minor = (unsigned)v;
	if (get_ull(&c, &m->inode))
		return -EINVAL;
	skip_spaces(&c);
	m->path = c.p;
	m->path_len = (size_t)(le - c.p);
	if (m->path_len >= dl && !memcmp(le - dl, del, dl)) {
		m->deleted = 1;
		m->path_len -= dl;
	}
	return 1;
}

int proc_is_kthread(const struct proc_stat *st)
{
	return (st->flags & PF_KTHREAD_FLAG) || st->pid == 2 || st->ppid == 2;
}

long proc_clock_ticks(void)
{
	long t = sysconf(_SC_CLK_TCK);
	return t > 0 ? t : 100;
}

long long proc_boot_time(void)
{
	struct buf b = BUF_INIT;
	long long bt = 0;
	if (!buf_read_at(&b, AT_FDCWD, "/proc/stat", 0)) {
		const char *p = strstr(b.data, "\nbtime ");
		if (p)
			bt = strtoll(p + 7, NULL, 10);
	}
	buf_release(&b);
	return bt;
}

long proc_pid_max(void)
{
	struct buf b = BUF_INIT;
	long v = 32768;
	if (!buf_read_at(&b, AT_FDCWD, "/proc/sys/kernel/pid_max", 0)) {
		long x = strtol(b.data, NULL, 10);
		if (x > 0)
			v = x;
	}
	buf_release(&b);
	return v;
}
