#include "lib/hidden/hidden_tool.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/hidden/hidden.h"
#include "lib/proc/proc.h"
#include "lib/proc/sock.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/xalloc.h"

#define TOOL_OUT_MAX (64UL << 20)
#define TOOL_TIMEOUT_MS 10000

/* find_in_path - the first executable NAME in PATH, into out */
static int find_in_path(const char *name, struct buf *out)
{
	const char *path = getenv("PATH");
	struct stat st;

	if (strchr(name, '/')) {
		buf_addstr(out, name);
		return access(name, X_OK) ? -errno : 0;
	}
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		const char *colon = strchr(path, ':');
		size_t len = colon ? (size_t)(colon - path) : strlen(path);
		buf_reset(out);
		buf_add(out, len ? path : ".", len ? len : 1);
		buf_addc(out, '/');
		buf_addstr(out, name);
		if (!stat(out->data, &st) && S_ISREG(st.st_mode) && !access(out->data, X_OK))
			return 0;
		path += len + (colon ? 1 : 0);
	}
	buf_reset(out);
	return -ENOENT;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int hidden_tool_run(const char *const *argv, unsigned timeout_ms, struct buf *out, struct buf *path)
{
	struct buf exe = BUF_INIT;
	int pfd[2], status = 0, rc = 0;
	long long deadline;
	pid_t pid;

	if ((rc = find_in_path(argv[0], &exe))) {
		buf_release(&exe);
		return rc;
	}
	if (path)
		buf_addstr(path, exe.data);
	if (pipe2(pfd, O_CLOEXEC)) {
		buf_release(&exe);
		return -errno;
	}
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		close(pfd[0]);
		close(pfd[1]);
		buf_release(&exe);
		return rc;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null < 0 || dup2(null, 0) < 0 || dup2(pfd[1], 1) < 0 || dup2(null, 2) < 0)
			_exit(127);
		signal(SIGPIPE, SIG_DFL);
		execv(exe.data, (char *const *)argv);
		_exit(127);
	}
	close(pfd[1]);
	buf_release(&exe);
	deadline = now_ms() + timeout_ms;
	for (;;) {
		struct pollfd p = { pfd[0], POLLIN, 0 };
		long long left = deadline - now_ms();
		int n;
		if (left <= 0) {
			rc = -ETIMEDOUT;
			break;
		}
		n = poll(&p, 1, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n ? -errno : -ETIMEDOUT;
			break;
		}
		buf_grow(out, 65536);
		ssize_t got = read(pfd[0], out->data + out->len, 65536);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		buf_setlen(out, out->len + (size_t)got);
		if (out->len > TOOL_OUT_MAX) {
			rc = -EFBIG;
			break;
		}
	}
	close(pfd[0]);
	if (rc)
		kill(pid, SIGKILL); /* our own child, by its PID */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rc)
		return rc;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
	return (x > y) - (x < y);
}

size_t hidden_tool_parse_pids(const char *s, size_t n, pid_t **out)
{
	size_t i = 0, cnt = 0, cap = 0;
	pid_t *v = NULL;

	while (i < n) {
		long long pid = 0;
		size_t digits = 0;
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		while (i < n && s[i] >= '0' && s[i] <= '9' && digits < 12) {
			pid = pid * 10 + (s[i++] - '0');
			digits++;
		}
		if (digits && digits < 12 && pid > 0 && pid <= 0x7fffffff &&
		    (i == n || s[i] == '\n' || s[i] == ' ' || s[i] == '\t')) {
			if (cnt == cap) {
				cap = cap ? 2 * cap : 256;
				v = xreallocarray(v, cap, sizeof(*v));
			}
			v[cnt++] = (pid_t)pid;
		}
		while (i < n && s[i] != '\n')
			i++;
		i++;
	}
	if (cnt)
		qsort(v, cnt, sizeof(*v), cmp_pid);
	*out = v;
	return cnt;
}

size_t hidden_tool_parse_ports(const char *s, size_t n, unsigned local, unsigned long long *bits)
{
	size_t i = 0, cnt = 0;

	while (i < n) {
		const char *eol = memchr(s + i, '\n', n - i);
		size_t end = eol ? (size_t)(eol - s) : n;
		const char *tok[16];
		size_t tl[16], nt = 0, k = i;
		while (k < end && nt < 16) {
			while (k < end && (s[k] == ' ' || s[k] == '\t'))
				k++;
			if (k >= end)
				break;
			tok[nt] = s + k;
			while (k < end && s[k] != ' ' && s[k] != '\t')
				k++;
			tl[nt] = (size_t)(s + k - tok[nt]);
			nt++;
		}
		i = end + 1;
		if (nt <= local || tl[0] < 3)
			continue;
		int proto = !memcmp(tok[0], "tcp", 3) ? 0 : !memcmp(tok[0], "udp", 3) ? 1 : -1;
		if (proto < 0)
			continue;
		const char *a = tok[local];
		size_t al = tl[local], c = al;
		while (c && a[c - 1] != ':')
			c--;
		if (!c || c == al)
			continue;
		unsigned long port = 0;
		size_t d;
		for (d = c; d < al && a[d] >= '0' && a[d] <= '9' && port < 65536; d++)
			port = port * 10 + (unsigned long)(a[d] - '0');
		if (d != al || port == 0 || port > 65535)
			continue;
		bits[((unsigned long)proto * 65536 + port) / 64] |=
		    1ULL << ((proto * 65536 + port) % 64);
		cnt++;
	}
	return cnt;
}

static int has_pid(const pid_t *v, size_t n, pid_t p)
{
	return n && bsearch(&p, v, n, sizeof(*v), cmp_pid) != NULL;
}

static void argv_text(struct buf *b, const char *path, const char *const *argv)
{
	buf_addstr(b, "omitted by ");
	buf_addstr(b, path);
	for (size_t i = 1; argv[i]; i++) {
		buf_addc(b, ' ');
		buf_addstr(b, argv[i]);
	}
}

/*
 * run_pids - run a pid-listing tool; the pids listed by /proc before and
 * after that it did not show.  -errno if the tool could not run.
 */
static int run_pids(const char *const *argv, pid_t **missing, size_t *nmiss, struct buf *path)
{
	pid_t *before = NULL, *after = NULL, *shown = NULL;
	size_t nb = 0, na = 0, ns;
	struct buf out = BUF_INIT;
	int rc;

	*missing = NULL;
	*nmiss = 0;
	if ((rc = proc_list(&before, &nb)))
		return rc;
	buf_reset(path);
	rc = hidden_tool_run(argv, TOOL_TIMEOUT_MS, &out, path);
	if (rc < 0 || (rc && !out.len)) {
		free(before);
		buf_release(&out);
		return rc < 0 ? rc : -ENOEXEC;
	}
	if ((rc = proc_list(&after, &na))) {
		free(before);
		buf_release(&out);
		return rc;
	}
	ns = hidden_tool_parse_pids(out.data, out.len, &shown);
	for (size_t i = 0; i < nb; i++)
		if (has_pid(after, na, before[i]) && !has_pid(shown, ns, before[i])) {
			*missing = xreallocarray(*missing, *nmiss + 1, sizeof(pid_t));
			(*missing)[(*nmiss)++] = before[i];
		}
	free(before);
	free(after);
	free(shown);
	buf_release(&out);
	return 0;
}

static void comm_of(pid_t pid, struct buf *out)
{
	int fd = proc_open(pid);
	if (fd < 0)
		return;
	proc_read_at(fd, "comm", out);
	buf_rtrim(out);
	close(fd);
}

static void tool_pids(struct hidden_report *r, const char *view, const char *const *argv)
{
	pid_t *m1 = NULL, *m2 = NULL;
	size_t n1 = 0, n2 = 0;
	struct buf path = BUF_INIT;
	int rc = run_pids(argv, &m1, &n1, &path);

	if (rc == -ENOENT) {
		buf_release(&path);
		return; /* not installed: nothing to compare */
	}
	if (rc) {
		warning("%s: %s", argv[0], rc == -ENOEXEC ? "failed" : strerror(-rc));
		r->notes++;
		buf_release(&path);
		return;
	}
	/* What it left out once, it must leave out again. */
	if (n1 && !run_pids(argv, &m2, &n2, &path)) {
		for (size_t i = 0; i < n1; i++) {
			struct buf comm = BUF_INIT, why = BUF_INIT;
			if (!has_pid(m2, n2, m1[i]))
				continue;
			comm_of(m1[i], &comm);
			argv_text(&why, path.data, argv);
			hidden_add(r, HIDDEN_TOOL, m1[i], comm.data, "getdents", view, why.data);
			buf_release(&comm);
			buf_release(&why);
		}
	}
	free(m1);
	free(m2);
	buf_release(&path);
}

/* listening - bit per (proto, port) of the listeners both tables show */
static int listening(unsigned long long *bits)
{
	struct sock_table t;
	int rc;

	memset(bits, 0, 2 * 65536 / 8);
	sock_table_init(&t);
	rc = sock_table_load(&t);
	for (size_t i = 0; !rc && i < t.n; i++) {
		const struct sock_entry *e = &t.v[i];
		if ((e->family != AF_INET && e->family != AF_INET6) || !sock_is_listening(e) ||
		    e->lport > 65535)
			continue;
		unsigned k = (e->proto == IPPROTO_TCP ? 0 : 65536) + e->lport;
		bits[k / 64] |= 1ULL << (k % 64);
	}
	sock_table_release(&t);
	return rc;
}

static int run_ports(const char *const *argv, unsigned local, unsigned long long *missing,
		     struct buf *path)
{
	enum { WORDS = 2 * 65536 / 64 };
	unsigned long long *before = xcalloc(WORDS, 8), *after = xcalloc(WORDS, 8),
			   *shown = xcalloc(WORDS, 8);
	struct buf out = BUF_INIT;
	int rc;

	buf_reset(path);
	rc = listening(before);
	if (!rc) {
		rc = hidden_tool_run(argv, TOOL_TIMEOUT_MS, &out, path);
		if (rc > 0)
			rc = -ENOEXEC;
	}
	if (!rc)
		rc = listening(after);
	if (!rc) {
		hidden_tool_parse_ports(out.data, out.len, local, shown);
		for (size_t w = 0; w < WORDS; w++)
			missing[w] = before[w] & after[w] & ~shown[w];
	}
	free(before);
	free(after);
	free(shown);
	buf_release(&out);
	return rc;
}

static void tool_ports(struct hidden_report *r, const char *view, const char *const *argv,
		       unsigned local)
{
	enum { WORDS = 2 * 65536 / 64 };
	unsigned long long *m1 = xcalloc(WORDS, 8), *m2 = xcalloc(WORDS, 8);
	struct buf path = BUF_INIT;
	int rc = run_ports(argv, local, m1, &path), any = 0;

	if (rc && rc != -ENOENT) {
		warning("%s: %s", argv[0], rc == -ENOEXEC ? "failed" : strerror(-rc));
		r->notes++;
	}
	for (size_t w = 0; !rc && w < WORDS; w++)
		any |= m1[w] != 0;
	if (any && !run_ports(argv, local, m2, &path)) {
		for (unsigned k = 0; k < 2 * 65536; k++) {
			char obj[32];
			struct buf why = BUF_INIT;
			if (!((m1[k / 64] & m2[k / 64]) >> (k % 64) & 1))
				continue;
			snprintf(obj, sizeof(obj), "%s :%u", k < 65536 ? "tcp" : "udp", k % 65536);
			argv_text(&why, path.data, argv);
			hidden_add(r, HIDDEN_TOOL, 0, obj, "sock_diag", view, why.data);
			buf_release(&why);
		}
	}
	free(m1);
	free(m2);
	buf_release(&path);
}

int hidden_tool_scan(const struct hidden_opts *o, struct hidden_report *r)
{
	static const char *const ps[] = { "ps", "-e", "-o", "pid=", NULL };
	static const char *const ls[] = { "ls", "-1", "/proc", NULL };
	static const char *const ss[] = { "ss", "-t", "-u", "-l", "-n", "-H", NULL };
	static const char *const netstat[] = { "netstat", "-t", "-u", "-l", "-n", NULL };

	(void)o;
	tool_pids(r, "ps", ps);
	tool_pids(r, "ls", ls);
	tool_ports(r, "ss", ss, 4);
	tool_ports(r, "netstat", netstat, 3);
	return 0;
}
