/*
 * sbtrace - what a sandboxed program did, read back from its trace.
 * See sbtrace.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/sandbox/sbtrace.h"
#include "util/buf.h"
#include "util/xalloc.h"

#define GROW(v, n)                                                                                 \
	((n) % 16 == 0 ? (void)((v) = xreallocarray((v), (n) + 16, sizeof(*(v)))) : (void)0)

struct pending {
	pid_t pid;
	char *text;
};

struct fork_ret {
	pid_t parent;
	long nspid; /* the child as the parent's namespace numbers it */
	char *time;
};

struct parser {
	struct sb_trace *t;
	struct fork_ret *forks;
	size_t nforks;
	struct pending *pend;
	size_t npend;
	struct sbt_net *binds; /* successful binds, for listen */
	size_t nbinds;
};

static char *dup_range(const char *a, const char *b)
{
	return xstrndup(a, (size_t)(b - a));
}

static struct sbt_proc *proc_get(struct sb_trace *t, pid_t pid, pid_t ppid, const char *time)
{
	for (size_t i = t->nprocs; i-- > 0;)
		if (t->procs[i].pid == pid && !t->procs[i].ended)
			return &t->procs[i];
	GROW(t->procs, t->nprocs);
	struct sbt_proc *p = &t->procs[t->nprocs++];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->ppid = ppid;
	p->start = xstrdup(time);
	return p;
}

const struct sbt_proc *sbtrace_proc(const struct sb_trace *t, pid_t pid)
{
	for (size_t i = t->nprocs; i-- > 0;)
		if (t->procs[i].pid == pid)
			return &t->procs[i];
	return NULL;
}

/* end of the quoted string starting at q ('"'), or NULL */
static const char *quoted_end(const char *q, const char *e)
{
	for (const char *s = q + 1; s < e; s++) {
		if (*s == '\\') {
			s++;
			continue;
		}
		if (*s == '"')
			return s + 1;
	}
	return NULL;
}

/* the next quoted string at or after s: [*qa, *qb) including quotes */
static int next_quoted(const char *s, const char *e, const char **qa, const char **qb)
{
	const char *q = memchr(s, '"', (size_t)(e - s));
	if (!q || !(*qb = quoted_end(q, e)))
		return -1;
	*qa = q;
	return 0;
}

/* the [ ... ] list at or after s, strings respected */
static int bracket_list(const char *s, const char *e, const char **la, const char **lb)
{
	const char *b = memchr(s, '[', (size_t)(e - s));
	if (!b)
		return -1;
	for (const char *p = b + 1; p < e; p++) {
		if (*p == '"') {
			p = quoted_end(p, e);
			if (!p)
				return -1;
			p--;
		} else if (*p == ']') {
			*la = b;
			*lb = p + 1;
			return 0;
		}
	}
	return -1;
}

static const char *find(const char *s, const char *e, const char *needle)
{
	size_t n = strlen(needle);
	for (const char *p = s; p + n <= e; p++)
		if (*p == needle[0] && !memcmp(p, needle, n))
			return p;
	return NULL;
}

/* parse a sockaddr "{sa_family=AF_X, ...}" in [s, e) into net */
static int sockaddr(const char *s, const char *e, struct sbt_net *n)
{
	const char *f = find(s, e, "{sa_family="), *p, *q, *qa, *qb;
	size_t k;
	if (!f)
		return -1;
	f += 11;
	for (p = f; p < e && *p != ',' && *p != '}'; p++)
		;
	k = (size_t)(p - f) < sizeof(n->family) - 1 ? (size_t)(p - f) : sizeof(n->family) - 1;
	memcpy(n->family, f, k);
	n->family[k] = '\0';
	if ((q = find(p, e, "_port=htons(")))
		n->port = (unsigned)strtoul(q + 12, NULL, 10) & 0xffff;
	if ((q = find(p, e, "inet_addr(")) || (q = find(p, e, "inet_pton(AF_INET6, ")) ||
	    (q = find(p, e, "sun_path="))) {
		if (!next_quoted(q, e, &qa, &qb))
			n->addr = dup_range(qa + 1, qb - 1);
	}
	if (!n->addr)
		n->addr = xstrdup("");
	return 0;
}

static void add_event(struct sbt_event **v, size_t *n, const char *time, pid_t pid, const char *a,
		      const char *b)
{
	GROW(*v, *n);
	(*v)[*n].time = xstrdup(time);
	(*v)[*n].pid = pid;
	(*v)[*n].text = dup_range(a, b);
	(*n)++;
}

static int name_in(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(name, *list))
			return 1;
	return 0;
}

static const char *const forks[] = { "clone", "clone3", "fork", "vfork", NULL };
static const char *const opens[] = { "open", "openat", "openat2", "creat", NULL };
static const char *const changes[] = {
	"unlink",	"unlinkat", "rmdir",	 "rename",   "renameat",  "renameat2",
	"mkdir",	"mkdirat",  "link",	 "linkat",   "symlink",	  "symlinkat",
	"chmod",	"fchmodat", "fchmodat2", "chown",    "lchown",	  "fchownat",
	"truncate",	"mknod",    "mknodat",	 "setxattr", "lsetxattr", "removexattr",
	"lremovexattr", NULL,
};
static const char *const reads[] = { "read", "recvfrom", "recv", NULL };
static const char *const writes[] = { "write", "sendto", "send", NULL };

static struct sbt_conv *conv_of(struct sb_trace *t, pid_t pid, int fd)
{
	for (size_t i = t->nconvs; i-- > 0;)
		if (t->convs[i].pid == pid && t->convs[i].fd == fd && t->convs[i].open)
			return &t->convs[i];
	return NULL;
}

static void conv_open(struct sb_trace *t, pid_t pid, int fd, const char *how, const char *time)
{
	struct sbt_conv *c = conv_of(t, pid, fd);
	if (c)
		c->open = 0;
	GROW(t->convs, t->nconvs);
	c = &t->convs[t->nconvs++];
	memset(c, 0, sizeof(*c));
	c->time = xstrdup(time);
	c->pid = pid;
	c->fd = fd;
	c->open = 1;
	snprintf(c->how, sizeof(c->how), "%s", how);
}

/*
 * append one call's data (its first quoted argument) to the conversation;
 * calls in the same direction run on in one string, as a reader wants it
 */
static void conv_add(struct sbt_conv *c, char dir, const char *a, const char *z)
{
	const char *qa, *qb;
	size_t n, need;
	int cut;
	if (next_quoted(a, z, &qa, &qb))
		return;
	cut = qb + 3 <= z && !memcmp(qb, "...", 3);
	n = (size_t)(qb - qa);
	need = 3 + n + 4;
	if (c->len + need > SBT_CONV_MAX) {
		c->cut = 1;
		return;
	}
	c->text = xrealloc(c->text, c->len + need + 1);
	if (c->last == dir && c->len >= 2 && c->text[c->len - 2] == '"') {
		c->len -= 2; /* reopen the last string */
		qa++;
		n--;
	} else {
		memcpy(c->text + c->len, dir == '<' ? "<- " : "-> ", 3);
		c->len += 3;
	}
	memcpy(c->text + c->len, qa, n);
	c->len += n;
	/* a string the tracer cut short ends in ... after its quote */
	if (cut) {
		memcpy(c->text + c->len, "...", 3);
		c->len += 3;
	}
	c->text[c->len++] = '\n';
	c->text[c->len] = '\0';
	c->last = cut ? 0 : dir;
}

static const char *const kills[] = { "kill", "tkill", "tgkill", "pidfd_send_signal", NULL };

/* one whole call: "name(args) = ret" in [s, e) */
static void call(struct parser *ps, pid_t pid, const char *time, const char *s, const char *e)
{
	struct sb_trace *t = ps->t;
	const char *lp = memchr(s, '(', (size_t)(e - s)), *eq = NULL, *ret;
	char name[32];
	size_t nl;
	long rv;

	if (!lp || lp == s || (size_t)(lp - s) >= sizeof(name)) {
		t->bad++;
		return;
	}
	/* the return value follows the last " = " */
	for (const char *p = lp; (p = find(p, e, " = ")); p += 3)
		eq = p;
	if (!eq) {
		t->bad++;
		return;
	}
	nl = (size_t)(lp - s);
	memcpy(name, s, nl);
	name[nl] = '\0';
	ret = eq + 3;
	rv = strtol(ret, NULL, 10);
	t->calls++;
	proc_get(t, pid, 0, time);

	if ((!strcmp(name, "execve") || !strcmp(name, "execveat")) && ret[0] == '0') {
		const char *qa, *qb, *la, *lb;
		struct sbt_proc *p = proc_get(t, pid, 0, time);
		char *path;
		if (bracket_list(lp, eq, &la, &lb))
			return;
		if (!strcmp(name, "execveat")) {
			/* execveat(FD, PATH, [argv] ...): the fd names the file */
			struct buf b = BUF_INIT;
			buf_addf(&b, "fd %d", atoi(lp + 1));
			if (!next_quoted(lp, la, &qa, &qb) && qb - qa > 2) {
				buf_addc(&b, ' ');
				buf_add(&b, qa, (size_t)(qb - qa));
			}
			path = buf_detach(&b, NULL);
		} else if (!next_quoted(lp, la, &qa, &qb)) {
			path = dup_range(qa, qb);
		} else {
			path = xstrdup("?");
		}
		GROW(p->exec, p->nexec);
		p->exec[p->nexec].time = xstrdup(time);
		p->exec[p->nexec].path = path;
		p->exec[p->nexec].argv = dup_range(la, lb);
		p->nexec++;
	} else if (name_in(name, forks) && rv > 0) {
		/* rv is the child's PID inside the sandbox; see link_forks */
		GROW(ps->forks, ps->nforks);
		ps->forks[ps->nforks].parent = pid;
		ps->forks[ps->nforks].nspid = rv;
		ps->forks[ps->nforks].time = xstrdup(time);
		ps->nforks++;
	} else if (!strcmp(name, "connect") || !strcmp(name, "sendto") || !strcmp(name, "bind")) {
		struct sbt_net n;
		memset(&n, 0, sizeof(n));
		if (sockaddr(lp, eq, &n))
			return;
		snprintf(n.call, sizeof(n.call), "%s", name);
		n.time = xstrdup(time);
		n.pid = pid;
		n.fd = atoi(lp + 1);
		n.result = dup_range(ret, e);
		if (!strcmp(name, "bind")) {
			if (ret[0] == '0') {
				GROW(ps->binds, ps->nbinds);
				ps->binds[ps->nbinds++] = n;
			} else {
				free(n.time);
				free(n.addr);
				free(n.result);
			}
			return;
		}
		if (!strcmp(name, "connect") &&
		    (ret[0] == '0' || !strncmp(ret, "-1 EINPROGRESS", 14)) &&
		    strcmp(n.family, "AF_UNIX"))
			conv_open(t, pid, n.fd, "connected", time);
		GROW(t->nets, t->nnets);
		t->nets[t->nnets++] = n;
	} else if (!strcmp(name, "listen") && ret[0] == '0') {
		int fd = atoi(lp + 1);
		for (size_t i = ps->nbinds; i-- > 0;)
			if (ps->binds[i].pid == pid && ps->binds[i].fd == fd) {
				struct sbt_net n = ps->binds[i];
				n.time = xstrdup(time);
				n.addr = xstrdup(n.addr);
				n.result = xstrdup(n.result);
				snprintf(n.call, sizeof(n.call), "listen");
				GROW(t->listens, t->nlistens);
				t->listens[t->nlistens++] = n;
				break;
			}
	} else if ((!strcmp(name, "accept") || !strcmp(name, "accept4")) && rv >= 0 &&
		   ret[0] != '-' && ret[0] != '?') {
		conv_open(t, pid, (int)rv, "accepted", time);
	} else if (!strcmp(name, "close")) {
		struct sbt_conv *c = conv_of(t, pid, atoi(lp + 1));
		if (c)
			c->open = 0;
	} else if ((name_in(name, reads) || name_in(name, writes)) && rv > 0) {
		struct sbt_conv *c = conv_of(t, pid, atoi(lp + 1));
		if (c)
			conv_add(c, name_in(name, reads) ? '<' : '-', lp, eq);
	} else if (name_in(name, kills)) {
		add_event(&t->signals, &t->nsignals, time, pid, s, e);
	}
	if (!strncmp(ret, "-1 ", 3)) {
		int changing = name_in(name, changes);
		if (name_in(name, opens)) {
			const char *a = lp, *z = eq;
			changing = find(a, z, "O_WRONLY") || find(a, z, "O_RDWR") ||
				   find(a, z, "O_CREAT") || find(a, z, "O_TRUNC") ||
				   !strcmp(name, "creat");
		}
		if (changing)
			add_event(&t->denied, &t->ndenied, time, pid, s, e);
		if (!strncmp(ret, "-1 EPERM", 8))
			add_event(&t->eperm, &t->neperm, time, pid, s, e);
	}
}

static struct pending *pending_of(struct parser *ps, pid_t pid)
{
	for (size_t i = 0; i < ps->npend; i++)
		if (ps->pend[i].pid == pid)
			return &ps->pend[i];
	return NULL;
}

static void line(struct parser *ps, const char *s, const char *e)
{
	struct sb_trace *t = ps->t;
	const char *p = s, *tm, *rest;
	char time[32];
	long pid;
	struct pending *pd;

	t->lines++;
	if (e - s >= 2 && s[0] == ' ' && s[1] == '|')
		return; /* wiretap dump */
	if (s == e)
		return;
	pid = 0;
	while (p < e && *p >= '0' && *p <= '9' && pid < 1 << 30)
		pid = pid * 10 + (*p++ - '0');
	if (p == s || p >= e || *p != ' ' || pid <= 0) {
		t->bad++;
		return;
	}
	while (p < e && *p == ' ')
		p++;
	tm = p;
	while (p < e && *p != ' ')
		p++;
	if (p >= e || (size_t)(p - tm) >= sizeof(time) || p == tm) {
		t->bad++;
		return;
	}
	memcpy(time, tm, (size_t)(p - tm));
	time[p - tm] = '\0';
	rest = p + 1;
	if (t->nprocs == 0)
		proc_get(t, (pid_t)pid, 0, time);

	if (e - rest > 4 && !memcmp(rest, "+++ ", 4)) {
		struct sbt_proc *pr = proc_get(t, (pid_t)pid, 0, time);
		const char *a = rest + 4, *z = e;
		size_t k;
		if (z - a > 4 && !memcmp(z - 4, " +++", 4))
			z -= 4;
		k = (size_t)(z - a) < sizeof(pr->end) - 1 ? (size_t)(z - a) : sizeof(pr->end) - 1;
		memcpy(pr->end, a, k);
		pr->end[k] = '\0';
		if (!strncmp(a, "exited with ", 12)) {
			pr->ended = 1;
			pr->code = atoi(a + 12);
		} else {
			pr->ended = 2;
		}
		return;
	}
	if (e - rest > 4 && !memcmp(rest, "--- ", 4)) {
		proc_get(t, (pid_t)pid, 0, time);
		add_event(&t->signals, &t->nsignals, time, (pid_t)pid, rest, e);
		return;
	}
	if (e - rest > 5 && !memcmp(rest, "<... ", 5)) {
		const char *r = find(rest, e, " resumed>");
		pd = pending_of(ps, (pid_t)pid);
		if (!r || !pd || !pd->text) {
			t->bad++;
			return;
		}
		{
			size_t a = strlen(pd->text), b = (size_t)(e - (r + 9));
			char *full = xmalloc(a + b + 1);
			memcpy(full, pd->text, a);
			memcpy(full + a, r + 9, b);
			full[a + b] = '\0';
			free(pd->text);
			pd->text = NULL;
			call(ps, (pid_t)pid, time, full, full + a + b);
			free(full);
		}
		return;
	}
	if (e - rest > 16 && !memcmp(e - 16, " <unfinished ...", 16)) {
		/* never: the tracer ends the marker with '>' */
		t->bad++;
		return;
	}
	if (e - rest > 17 && !memcmp(e - 17, " <unfinished ...>", 17)) {
		pd = pending_of(ps, (pid_t)pid);
		if (!pd) {
			GROW(ps->pend, ps->npend);
			pd = &ps->pend[ps->npend++];
			pd->pid = (pid_t)pid;
			pd->text = NULL;
		}
		free(pd->text);
		pd->text = dup_range(rest, e - 17);
		return;
	}
	call(ps, (pid_t)pid, time, rest, e);
}

static int cmp_fork(const void *a, const void *b)
{
	const struct fork_ret *x = a, *y = b;
	return (x->nspid > y->nspid) - (x->nspid < y->nspid);
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
	return (x > y) - (x < y);
}

/*
 * link_forks - parents for the processes.  The tracer prints a fork's
 * return value as the parent sees it (a PID inside the sandbox) and every
 * line with the host's PID.  A new process gets its number in both PID
 * namespaces at once, in the same order, so the n-th smallest child PID
 * inside is the n-th smallest PID on the host after the program's own.
 */
static void link_forks(struct parser *ps)
{
	struct sb_trace *t = ps->t;
	pid_t *host;
	size_t nh = 0;
	if (t->nprocs < 2 || !ps->nforks)
		return;
	host = xmallocarray(t->nprocs, sizeof(*host));
	for (size_t i = 1; i < t->nprocs; i++)
		host[nh++] = t->procs[i].pid;
	qsort(host, nh, sizeof(*host), cmp_pid);
	qsort(ps->forks, ps->nforks, sizeof(*ps->forks), cmp_fork);
	for (size_t i = 0; i < nh && i < ps->nforks; i++)
		for (size_t j = 1; j < t->nprocs; j++)
			if (t->procs[j].pid == host[i] && !t->procs[j].ppid) {
				t->procs[j].ppid = ps->forks[i].parent;
				free(t->procs[j].start);
				t->procs[j].start = xstrdup(ps->forks[i].time);
				break;
			}
	free(host);
}

void sbtrace_parse(const char *data, size_t n, struct sb_trace *t)
{
	struct parser ps = { .t = t };
	const char *s = data, *e = data + n;

	memset(t, 0, sizeof(*t));
	/* each line is parsed from a NUL-terminated copy, so that no number
	 * read (strtol) can run past its end */
	char *copy = NULL;
	size_t cap = 0;
	while (s < e) {
		const char *nl = memchr(s, '\n', (size_t)(e - s));
		size_t len = (size_t)((nl ? nl : e) - s);
		if (len + 1 > cap)
			copy = xrealloc(copy, cap = len + 1);
		memcpy(copy, s, len);
		copy[len] = '\0';
		line(&ps, copy, copy + len);
		s = nl ? nl + 1 : e;
	}
	free(copy);
	link_forks(&ps);
	for (size_t i = 0; i < ps.nforks; i++)
		free(ps.forks[i].time);
	free(ps.forks);
	for (size_t i = 0; i < ps.npend; i++)
		free(ps.pend[i].text);
	free(ps.pend);
	for (size_t i = 0; i < ps.nbinds; i++) {
		free(ps.binds[i].time);
		free(ps.binds[i].addr);
		free(ps.binds[i].result);
	}
	free(ps.binds);
}

static void nets_free(struct sbt_net *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].time);
		free(v[i].addr);
		free(v[i].result);
	}
	free(v);
}

static void events_free(struct sbt_event *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].time);
		free(v[i].text);
	}
	free(v);
}

void sbtrace_release(struct sb_trace *t)
{
	for (size_t i = 0; i < t->nprocs; i++) {
		struct sbt_proc *p = &t->procs[i];
		for (size_t j = 0; j < p->nexec; j++) {
			free(p->exec[j].time);
			free(p->exec[j].path);
			free(p->exec[j].argv);
		}
		free(p->exec);
		free(p->start);
	}
	free(t->procs);
	nets_free(t->nets, t->nnets);
	nets_free(t->listens, t->nlistens);
	events_free(t->signals, t->nsignals);
	events_free(t->denied, t->ndenied);
	events_free(t->eperm, t->neperm);
	for (size_t i = 0; i < t->nconvs; i++) {
		free(t->convs[i].time);
		free(t->convs[i].text);
	}
	free(t->convs);
	memset(t, 0, sizeof(*t));
}
