#include "lib/hidden/hidden.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "lib/hidden/pidsweep.h"
#include "util/pool.h"
#include "lib/proc/proc.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/xalloc.h"

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

static const char *const kind_names[] = {
	[HIDDEN_PROCESS] = "process", [HIDDEN_THREAD] = "thread", [HIDDEN_MOUNT] = "mount",
	[HIDDEN_PORT] = "port",	      [HIDDEN_MODULE] = "module", [HIDDEN_TAINT] = "taint",
	[HIDDEN_PRELOAD] = "preload", [HIDDEN_TOOL] = "tool",	  [HIDDEN_BPF] = "bpf",
};

const char *hidden_kind_name(enum hidden_kind k)
{
	return (unsigned)k < sizeof(kind_names) / sizeof(kind_names[0]) ? kind_names[k] : "?";
}

void hidden_report_init(struct hidden_report *r)
{
	memset(r, 0, sizeof(*r));
}

void hidden_report_release(struct hidden_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].object);
		free(r->v[i].seen_by);
		free(r->v[i].missing);
		free(r->v[i].detail);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

void hidden_add(struct hidden_report *r, enum hidden_kind kind, pid_t pid, const char *object,
		const char *seen_by, const char *missing, const char *detail)
{
	struct hidden_finding *f;

	if (r->n == r->alloc) {
		r->alloc = r->alloc ? 2 * r->alloc : 16;
		r->v = xreallocarray(r->v, r->alloc, sizeof(*r->v));
	}
	f = &r->v[r->n++];
	f->kind = kind;
	f->pid = pid;
	f->object = xstrdup(object ? object : "");
	f->seen_by = xstrdup(seen_by ? seen_by : "");
	f->missing = xstrdup(missing ? missing : "");
	f->detail = xstrdup(detail ? detail : "");
}

void hidden_sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* ---- the pid probes ---------------------------------------------------- */

enum {
	V_KILL = 1,
	V_PGID = 2,
	V_STAT = 4,
	V_TABLE = 8,	/* the pidtable view (BPF) */
	V_NOTPROC = 16, /* /proc/PID is not procfs */
	V_SYSCALLS = V_KILL | V_PGID | V_STAT,
};

/*
 * One bitmap per view; a sweep thread owns whole words, so no locking.
 * `all` is the set of probe views in use: the system call probes, and the
 * pidtable when BPF is.
 */
struct sweep {
	long max;
	int procfd;
	dev_t procdev;
	unsigned all;
	struct pidsweep *bpf; /* NULL: no pidtable view */
	uint64_t *kill, *pgid, *stat, *notproc, *table;
	const uint64_t *targets; /* pids for the system call probes; NULL: all */
};

#define CHUNK 4096L /* pids per work item, a multiple of 64 */

static int utoa(char *out, unsigned long v)
{
	char tmp[24];
	int k = 0, n = 0;

	do
		tmp[k++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (k)
		out[n++] = tmp[--k];
	out[n] = '\0';
	return n;
}

/* probe_syscalls - which system call probes say pid exists (V_* bits) */
static unsigned probe_syscalls(int procfd, dev_t procdev, pid_t pid)
{
	unsigned m = 0;
	struct stat st;
	char name[24];

	if (syscall(SYS_kill, pid, 0) == 0 || errno == EPERM)
		m |= V_KILL;
	if (getpgid(pid) >= 0 || errno == EPERM)
		m |= V_PGID;
	utoa(name, (unsigned long)pid);
	if (fstatat(procfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		m |= V_STAT;
		if (st.st_dev != procdev)
			m |= V_NOTPROC;
	}
	return m;
}

/* probe_one - every view in use, for one pid (a re-probe) */
static unsigned probe_one(const struct sweep *s, pid_t pid)
{
	unsigned m = probe_syscalls(s->procfd, s->procdev, pid);

	/* a lookup that fails says nothing: no disagreement is made of it */
	if (s->bpf && pidsweep_one(s->bpf, pid) != 0)
		m |= V_TABLE;
	return m;
}

/* sweep_chunk - the system call probes of one CHUNK of pids (lib/pool) */
static void sweep_chunk(size_t i, unsigned worker, void *ctx)
{
	struct sweep *s = ctx;
	long lo = (long)i * CHUNK, hi = lo + CHUNK < s->max ? lo + CHUNK : s->max;

	(void)worker;
	for (long w = lo / 64; w * 64 < hi; w++) {
		uint64_t todo = s->targets ? s->targets[w] : ~0ULL;
		while (todo) {
			long p = w * 64 + __builtin_ctzll(todo);
			uint64_t bit = todo & -todo;
			unsigned m;
			todo &= todo - 1;
			if (p < 1 || p >= hi)
				continue;
			m = probe_syscalls(s->procfd, s->procdev, (pid_t)p);
			if (m & V_KILL)
				s->kill[w] |= bit;
			if (m & V_PGID)
				s->pgid[w] |= bit;
			if (m & V_STAT)
				s->stat[w] |= bit;
			if (m & V_NOTPROC)
				s->notproc[w] |= bit;
		}
	}
}

static int bit_get(const uint64_t *bm, long p)
{
	return (int)((bm[p >> 6] >> (p & 63)) & 1);
}

static void bit_set(uint64_t *bm, long p)
{
	bm[p >> 6] |= 1ULL << (p & 63);
}

static size_t words_of(long max)
{
	return (size_t)(max / 64 + 1);
}

static int nthreads(const struct hidden_opts *o)
{
	long n = o && o->threads > 0 ? o->threads : sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		n = 1;
	return n > 64 ? 64 : (int)n;
}

static long max_pid(const struct hidden_opts *o)
{
	long m = o && o->max_pid > 0 ? o->max_pid : proc_pid_max();

	if (m <= 1)
		m = 4194304; /* PID_MAX_LIMIT */
	return m;
}

static unsigned settle(const struct hidden_opts *o)
{
	return o && o->settle_ms ? o->settle_ms : 200;
}

static int sweep_init(struct sweep *s, long max)
{
	size_t words = words_of(max);
	struct stat st;

	memset(s, 0, sizeof(*s));
	s->max = max;
	s->all = V_SYSCALLS;
	s->procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->procfd < 0)
		return -errno;
	if (fstat(s->procfd, &st)) {
		int err = -errno;
		close(s->procfd);
		return err;
	}
	s->procdev = st.st_dev;
	s->kill = xcalloc(words, 8);
	s->pgid = xcalloc(words, 8);
	s->stat = xcalloc(words, 8);
	s->notproc = xcalloc(words, 8);
	s->table = xcalloc(words, 8);
	return 0;
}

/*
 * sweep_table - the pidtable view of every pid, by BPF.  With the default
 * sweep, BPF that cannot be used leaves the system call sweep to do it
 * (one warning for the hidden command, none for ps: r is NULL there);
 * with --sweep=bpf it is an error.
 */
static int sweep_table(struct sweep *s, const struct hidden_opts *o, struct hidden_report *r)
{
	enum hidden_sweep how = o ? o->sweep : HIDDEN_SWEEP_AUTO;
	int rc;

	if (how == HIDDEN_SWEEP_SYSCALLS)
		return 0;
	rc = pidsweep_open(&s->bpf);
	if (!rc) {
		rc = pidsweep_run(s->bpf, s->max, nthreads(o), s->table);
		if (rc) {
			pidsweep_close(s->bpf);
			s->bpf = NULL;
		}
	}
	if (!rc) {
		s->all |= V_TABLE;
		return 0;
	}
	if (how == HIDDEN_SWEEP_BPF) {
		if (r)
			r->why = pidsweep_strerror();
		return rc;
	}
	if (r)
		warning("BPF PID sweep unavailable (%s): probing every PID with "
			"system calls",
			pidsweep_strerror());
	return 0;
}

/* sweep_probe - the system call probes, of the targets or of every pid */
static void sweep_probe(struct sweep *s, const uint64_t *targets, int threads)
{
	s->targets = targets;
	pool_run((size_t)((s->max + CHUNK - 1) / CHUNK), (unsigned)threads, sweep_chunk, NULL, s);
	s->targets = NULL;
}

static void sweep_release(struct sweep *s)
{
	if (s->procfd >= 0)
		close(s->procfd);
	pidsweep_close(s->bpf);
	free(s->kill);
	free(s->pgid);
	free(s->stat);
	free(s->notproc);
	free(s->table);
	memset(s, 0, sizeof(*s));
	s->procfd = -1;
}

static unsigned sweep_mask(const struct sweep *s, long p)
{
	return (bit_get(s->kill, p) ? V_KILL : 0) | (bit_get(s->pgid, p) ? V_PGID : 0) |
	       (bit_get(s->stat, p) ? V_STAT : 0) | (bit_get(s->table, p) ? V_TABLE : 0) |
	       (bit_get(s->notproc, p) ? V_NOTPROC : 0);
}

/* ---- the listing side ---------------------------------------------------- */

static int has_pid(const pid_t *v, size_t n, pid_t p)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] == p)
			return 1;
		if (v[mid] < p)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* The listing view: listed pids, and every thread of them. */
struct listing {
	pid_t *pids;
	size_t n;
	uint64_t *known; /* listed pids and their tasks */
	long max;
};

static int listing_read(struct listing *l, long max)
{
	int rc;

	memset(l, 0, sizeof(*l));
	l->max = max;
	rc = proc_list(&l->pids, &l->n);
	if (rc)
		return rc;
	l->known = xcalloc((size_t)(max / 64 + 1), 8);
	for (size_t i = 0; i < l->n; i++) {
		pid_t *t = NULL;
		size_t nt = 0;
		if (l->pids[i] < max)
			bit_set(l->known, l->pids[i]);
		if (proc_list_tasks(l->pids[i], &t, &nt))
			continue;
		for (size_t k = 0; k < nt; k++)
			if (t[k] > 0 && t[k] < max)
				bit_set(l->known, t[k]);
		free(t);
	}
	return 0;
}

static void listing_release(struct listing *l)
{
	free(l->pids);
	free(l->known);
	memset(l, 0, sizeof(*l));
}

/* what we can learn of pid by name: its stat and status (may fail) */
struct byname {
	int have_stat, have_status;
	struct proc_stat st;
	struct proc_status ss;
};

static void read_byname(pid_t pid, struct byname *b)
{
	struct buf buf = BUF_INIT;
	int fd;

	memset(b, 0, sizeof(*b));
	fd = proc_open(pid);
	if (fd < 0)
		return;
	if (!proc_read_at(fd, "stat", &buf) && !proc_parse_stat(buf.data, buf.len, &b->st))
		b->have_stat = 1;
	buf_reset(&buf);
	if (!proc_read_at(fd, "status", &buf) && !proc_parse_status(buf.data, buf.len, &b->ss))
		b->have_status = 1;
	buf_release(&buf);
	close(fd);
}

/* probes_text - the probe views in `all`, split by whether m has them */
static void probes_text(unsigned m, unsigned all, struct buf *seen, struct buf *miss)
{
	static const struct {
		unsigned bit;
		const char *name;
	} v[] = { { V_TABLE, "pidtable" },
		  { V_KILL, "kill" },
		  { V_PGID, "getpgid" },
		  { V_STAT, "stat" } };

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct buf *b = (m & v[i].bit) ? seen : miss;
		if (!(all & v[i].bit))
			continue;
		if (b->len)
			buf_addc(b, ',');
		buf_addstr(b, v[i].name);
	}
}

static void views_text(unsigned m, unsigned all, struct buf *seen, struct buf *miss, int listed)
{
	buf_addstr(listed ? seen : miss, "getdents");
	probes_text(m, all, seen, miss);
}

static int task_has(pid_t tgid, pid_t tid)
{
	pid_t *t = NULL;
	size_t n = 0;
	int has;

	if (proc_list_tasks(tgid, &t, &n))
		return 0;
	has = has_pid(t, n, tid);
	free(t);
	return has;
}

/* /proc must be this PID namespace's, or every probe disagrees with it */
static int proc_is_ours(void)
{
	char link[32];
	ssize_t n = readlink("/proc/self", link, sizeof(link) - 1);
	pid_t p;

	if (n <= 0)
		return 0;
	link[n] = '\0';
	return !proc_parse_pid(link, &p) && p == getpid();
}

/* hidepid: other users' processes are hidden from us on purpose */
static int proc_hidepid(void)
{
	struct buf b = BUF_INIT;
	int hide = 0;

	if (!buf_read_at(&b, AT_FDCWD, "/proc/self/mountinfo", 0)) {
		const char *p = b.data;
		while ((p = strstr(p, " /proc "))) {
			const char *eol = strchr(p, '\n');
			const char *h = strstr(p, "hidepid=");
			if (h && (!eol || h < eol) && strncmp(h, "hidepid=0", 9) &&
			    strncmp(h, "hidepid=off", 11))
				hide = 1;
			p += 7;
		}
	}
	buf_release(&b);
	return hide && geteuid() != 0;
}

/* ---- mounts over /proc/PID ----------------------------------------------- */

void hidden_mounts_parse(const char *s, size_t n, struct hidden_report *r)
{
	const char *p = s, *end = s + n;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end, *f = p;
		int field = 0;
		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS ... - FSTYPE SOURCE ... */
		while (f < eol && field < 4) {
			const char *sp = memchr(f, ' ', (size_t)(eol - f));
			if (!sp)
				break;
			f = sp + 1;
			field++;
		}
		if (field == 4 && f < eol) {
			const char *sp = memchr(f, ' ', (size_t)(eol - f));
			const char *mp = f, *fe = sp ? sp : eol;
			size_t mplen = (size_t)(fe - f), k = 6;
			long pid = 0;
			if (mplen > 6 && !memcmp(mp, "/proc/", 6)) {
				while (k < mplen && mp[k] >= '0' && mp[k] <= '9' && pid < 100000000)
					pid = pid * 10 + (mp[k++] - '0');
			}
			if (k > 6 && (k == mplen || mp[k] == '/') && pid > 0 && pid <= 0x7fffffff) {
				char obj[24];
				struct buf why = BUF_INIT;
				const char *src = NULL;
				/* the optional fields end at " - " */
				for (const char *q = fe; q + 3 <= eol; q++)
					if (!memcmp(q, " - ", 3)) {
						src = q + 3;
						break;
					}
				snprintf(obj, sizeof(obj), "%ld", pid);
				buf_addstr(&why, "mounted over ");
				buf_add(&why, mp, mplen > 256 ? 256 : mplen);
				if (src) {
					buf_addstr(&why, ": ");
					buf_add(&why, src,
						(size_t)(eol - src) > 256 ? 256
									  : (size_t)(eol - src));
				}
				hidden_add(r, HIDDEN_MOUNT, (pid_t)pid, obj, "mountinfo", "procfs",
					   why.data);
				buf_release(&why);
			}
		}
		p = eol + 1;
	}
}

/* mounts_over_proc - mountinfo and the stat view, one finding per pid */
static void mounts_over_proc(struct hidden_report *r, const struct sweep *s)
{
	struct buf b = BUF_INIT;
	size_t first = r->n;

	if (!buf_read_at(&b, AT_FDCWD, "/proc/self/mountinfo", 0))
		hidden_mounts_parse(b.data, b.len, r);
	buf_release(&b);
	for (long p = 1; p < s->max; p++) {
		size_t i;
		if (!s->notproc[p >> 6]) {
			p |= 63; /* a word at a time where none is set */
			continue;
		}
		if (!bit_get(s->notproc, p))
			continue;
		for (i = first; i < r->n && r->v[i].pid != p; i++)
			;
		if (i < r->n) {
			free(r->v[i].seen_by);
			r->v[i].seen_by = xstrdup("mountinfo,stat");
		} else {
			char obj[24];
			snprintf(obj, sizeof(obj), "%ld", p);
			hidden_add(r, HIDDEN_MOUNT, (pid_t)p, obj, "stat", "procfs",
				   "/proc/PID is not procfs");
		}
	}
}

/* ---- the scan ------------------------------------------------------------ */

struct cand {
	pid_t pid;
	unsigned m;  /* probe mask at the sweep */
	int listed;  /* in the first listing (or its task lists) */
	int ppid_of; /* named as the parent of this listed pid, or 0 */
};

static void cand_add(struct cand **v, size_t *n, size_t *alloc, pid_t pid, unsigned m, int listed,
		     pid_t ppid_of)
{
	if (*n == *alloc) {
		*alloc = *alloc ? 2 * *alloc : 32;
		*v = xreallocarray(*v, *alloc, sizeof(**v));
	}
	(*v)[*n].pid = pid;
	(*v)[*n].m = m;
	(*v)[*n].listed = listed;
	(*v)[*n].ppid_of = ppid_of;
	(*n)++;
}

static void comm_of(pid_t pid, struct byname *b, char *out, size_t cap)
{
	if (b->have_stat) {
		size_t n = b->st.comm_len < cap - 1 ? b->st.comm_len : cap - 1;
		memcpy(out, b->st.comm, n);
		out[n] = '\0';
	} else {
		snprintf(out, cap, "?");
	}
	(void)pid;
}

/*
 * confirm - probe a candidate again: it exists (same start time) before
 * and after a fresh listing that does not show it.  For a thread, the
 * fresh listing is its thread group's task list.
 */
static int confirm_unlisted(struct sweep *s, pid_t pid, unsigned *m_out, struct byname *b,
			    pid_t *tgid_out)
{
	struct byname b2;
	unsigned m1, m2;
	pid_t *l = NULL;
	size_t n = 0;
	int listed;
	pid_t tgid;

	m1 = probe_one(s, pid) & s->all;
	read_byname(pid, b);
	if (!m1)
		return 0;
	tgid = b->have_status && b->ss.tgid > 0 ? b->ss.tgid : pid;
	if (proc_list(&l, &n))
		return 0;
	listed = has_pid(l, n, pid);
	if (!listed && tgid != pid)
		listed = has_pid(l, n, tgid) && task_has(tgid, pid);
	free(l);
	m2 = probe_one(s, pid) & s->all;
	read_byname(pid, &b2);
	if (listed || !m2)
		return 0;
	if (b->have_stat != b2.have_stat || (b->have_stat && b->st.starttime != b2.st.starttime))
		return 0; /* a different process took the pid */
	*m_out = m1 & m2;
	*tgid_out = tgid;
	return 1;
}

/* confirm_denied - listed both before and after probes that all deny it */
static int confirm_denied(struct sweep *s, pid_t pid, unsigned *m_out)
{
	for (int round = 0; round < 2; round++) {
		pid_t *l = NULL;
		size_t n = 0;
		unsigned m1 = probe_one(s, pid) & s->all;
		int listed;
		if (m1 == s->all || proc_list(&l, &n))
			return 0;
		listed = has_pid(l, n, pid);
		free(l);
		unsigned m2 = probe_one(s, pid) & s->all;
		if (!listed || m2 == s->all)
			return 0;
		*m_out = m1 & m2;
	}
	return 1;
}

static int scan(const struct hidden_opts *o, struct hidden_report *r, pid_t **hidden_out,
		size_t *nhidden)
{
	struct listing l;
	struct sweep s;
	struct cand *c = NULL;
	size_t nc = 0, ac = 0, nh = 0;
	pid_t *hid = NULL, *ppids;
	uint64_t *targets = NULL;
	long max = max_pid(o);
	int rc, hidepid;

	if (!proc_is_ours()) {
		warning("/proc is not this PID namespace's: process views skipped");
		if (r)
			r->notes++;
		return 0;
	}
	hidepid = proc_hidepid();
	rc = listing_read(&l, max);
	if (rc)
		return rc;
	rc = sweep_init(&s, max);
	if (rc) {
		listing_release(&l);
		return rc;
	}
	rc = sweep_table(&s, o, r);
	if (rc) {
		sweep_release(&s);
		listing_release(&l);
		return rc;
	}
	/* the parent each listed process names */
	ppids = xcalloc(l.n ? l.n : 1, sizeof(*ppids));
	for (size_t i = 0; i < l.n; i++) {
		struct byname b;
		read_byname(l.pids[i], &b);
		if (b.have_stat && b.st.ppid > 0 && b.st.ppid < max)
			ppids[i] = b.st.ppid;
	}
	/*
	 * With the pidtable, the system call probes ask about what some view
	 * shows; without it, about every pid.
	 */
	if (s.bpf) {
		size_t words = words_of(max);
		targets = xcalloc(words, 8);
		for (size_t w = 0; w < words; w++)
			targets[w] = s.table[w] | l.known[w];
		for (size_t i = 0; i < l.n; i++)
			if (ppids[i])
				bit_set(targets, ppids[i]);
	}
	sweep_probe(&s, targets, nthreads(o));
	free(targets);

	/* Every pid where the views disagree is a candidate. */
	for (long p = 1; p < max; p++) {
		long w = p >> 6;
		unsigned m;
		int listed;
		if (!(s.kill[w] | s.pgid[w] | s.stat[w] | s.table[w] | l.known[w])) {
			p |= 63; /* a word at a time where no view shows a pid */
			continue;
		}
		m = sweep_mask(&s, p) & s.all;
		listed = bit_get(l.known, p);
		if (m == 0 && !listed)
			continue;
		if (m == s.all && listed)
			continue;
		cand_add(&c, &nc, &ac, (pid_t)p, m, listed, 0);
	}
	/* Parents no view shows. */
	for (size_t i = 0; i < l.n; i++) {
		if (!ppids[i])
			continue;
		if (bit_get(l.known, ppids[i]) || (sweep_mask(&s, ppids[i]) & s.all))
			continue;
		cand_add(&c, &nc, &ac, ppids[i], 0, 0, l.pids[i]);
	}
	free(ppids);

	/*
	 * Drop at once what needs no second look: a pid no view shows any
	 * more, our own sweep threads, which the listing predates, and for
	 * hidden_pids() everything but unlisted pids.
	 */
	{
		size_t k = 0;
		for (size_t i = 0; i < nc; i++) {
			pid_t p = c[i].pid;
			if (c[i].listed || c[i].ppid_of) {
				if (!r)
					continue;
			} else if (syscall(SYS_tgkill, getpid(), p, 0) == 0 ||
				   !(probe_one(&s, p) & s.all)) {
				continue;
			}
			c[k++] = c[i];
		}
		nc = k;
	}
	if (nc)
		hidden_sleep_ms(settle(o)); /* let the short-lived go */
	for (size_t i = 0; i < nc; i++) {
		struct buf seen = BUF_INIT, miss = BUF_INIT;
		struct byname b;
		char comm[PROC_COMM_MAX + 1], obj[32];
		unsigned m = 0;
		pid_t tgid = c[i].pid;

		snprintf(obj, sizeof(obj), "%d", (int)c[i].pid);
		if (c[i].ppid_of) {
			/* still named as parent, and still denied by every view? */
			struct byname child;
			pid_t *lp = NULL;
			size_t ln = 0;
			int listed = 0;
			char why[96];
			if (!r)
				continue;
			read_byname(c[i].ppid_of, &child);
			if (!child.have_stat || child.st.ppid != c[i].pid)
				continue;
			m = probe_one(&s, c[i].pid) & s.all;
			if (!proc_list(&lp, &ln)) {
				listed = has_pid(lp, ln, c[i].pid);
				free(lp);
			}
			if (m || listed)
				continue;
			snprintf(why, sizeof(why), "parent of listed process %d",
				 (int)c[i].ppid_of);
			views_text(0, s.all, &seen, &miss, 0);
			hidden_add(r, HIDDEN_PROCESS, c[i].pid, "?", "ppid", miss.data, why);
			buf_release(&seen);
			buf_release(&miss);
			continue;
		}
		if (!c[i].listed) {
			if (!confirm_unlisted(&s, c[i].pid, &m, &b, &tgid))
				continue;
			if (hidepid && (m & V_KILL) && !(m & V_STAT))
				continue;
			comm_of(c[i].pid, &b, comm, sizeof(comm));
			if (tgid != c[i].pid) {
				/* a thread: hidden itself, or part of a hidden process */
				if (has_pid(l.pids, l.n, tgid)) {
					char why[96];
					struct buf no = BUF_INIT;
					probes_text(m, s.all, &seen, &no);
					buf_release(&no);
					buf_addstr(&miss, "task");
					snprintf(why, sizeof(why), "thread of process %d",
						 (int)tgid);
					if (r)
						hidden_add(r, HIDDEN_THREAD, tgid, comm, seen.data,
							   miss.data, why);
				}
				buf_release(&seen);
				buf_release(&miss);
				continue; /* the group leader is its own candidate */
			}
			views_text(m, s.all, &seen, &miss, 0);
			if (r)
				hidden_add(r, HIDDEN_PROCESS, c[i].pid, comm, seen.data, miss.data,
					   "running but missing from the /proc listing");
			hid = xreallocarray(hid, nh + 1, sizeof(*hid));
			hid[nh++] = c[i].pid;
		} else if (r) {
			/* listed: some or all probes deny it */
			if (!confirm_denied(&s, c[i].pid, &m))
				continue;
			if (hidepid && !(m & V_STAT))
				continue;
			/*
			 * Listed, and every system call finds it: nothing hides
			 * it from anyone.  Only the BPF table lookup, which
			 * must take a reference on the task, missed it; some
			 * hosts' init is such a task.  Not a finding.
			 */
			if (m == (s.all & ~V_TABLE))
				continue;
			read_byname(c[i].pid, &b);
			comm_of(c[i].pid, &b, comm, sizeof(comm));
			views_text(m, s.all, &seen, &miss, 1);
			hidden_add(r, HIDDEN_PROCESS, c[i].pid, comm, seen.data, miss.data,
				   !m ? "listed in /proc but every probe denies it"
				      : "system calls disagree about this pid");
		}
		buf_release(&seen);
		buf_release(&miss);
	}
	if (r)
		mounts_over_proc(r, &s);

	free(c);
	sweep_release(&s);
	listing_release(&l);
	if (hidden_out) {
		*hidden_out = hid;
		*nhidden = nh;
	} else {
		free(hid);
	}
	return 0;
}

int hidden_scan_processes(const struct hidden_opts *o, struct hidden_report *r)
{
	return scan(o, r, NULL, NULL);
}

int hidden_pids(const struct hidden_opts *o, pid_t **pids, size_t *n)
{
	*pids = NULL;
	*n = 0;
	return scan(o, NULL, pids, n);
}
