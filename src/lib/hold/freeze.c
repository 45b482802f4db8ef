#include "lib/hold/freeze.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/proc/cgroup.h"
#include "lib/proc/mounts.h"
#include "lib/proc/proc.h"
#include "util/escape.h"
#include "util/xalloc.h"

#define CG_PREFIX "stranger.freeze."
#define WAIT_MS 5000

const char *freeze_method_name(enum freeze_method m)
{
	switch (m) {
	case FREEZE_CGROUP_V2:
		return "cgroup-v2";
	case FREEZE_CGROUP_V1:
		return "cgroup-v1";
	case FREEZE_SIGNAL:
		return "signal";
	case FREEZE_AUTO:
		return "auto";
	case FREEZE_NONE:
		break;
	}
	return "none";
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int err;
	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	err = n < 0 ? -errno : 0;
	close(fd);
	return err;
}

unsigned freeze_available(void)
{
	struct buf v2 = BUF_INIT, v1 = BUF_INIT;
	unsigned m = 1u << FREEZE_SIGNAL;
	struct buf p = BUF_INIT;

	mounts_cgroup(&v2, &v1);
	if (v2.len) {
		/* cgroup.freeze exists in non-root cgroups only: probe via a
		 * subtree file that every v2 root has */
		buf_addf(&p, "%s/cgroup.subtree_control", v2.data);
		if (!access(p.data, F_OK) && !access(v2.data, W_OK))
			m |= 1u << FREEZE_CGROUP_V2;
	}
	if (v1.len && !access(v1.data, W_OK))
		m |= 1u << FREEZE_CGROUP_V1;
	buf_release(&p);
	buf_release(&v2);
	buf_release(&v1);
	return m;
}

static int read_stat(pid_t pid, struct proc_stat *st)
{
	struct buf b = BUF_INIT;
	char path[64];
	int rc;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	rc = buf_read_at(&b, AT_FDCWD, path, 0);
	if (!rc)
		rc = proc_parse_stat(b.data, b.len, st);
	else if (rc == -ENOENT)
		rc = -ESRCH;
	buf_release(&b);
	return rc;
}

static int is_ancestor_of_self(pid_t pid)
{
	pid_t p = getpid();
	for (int depth = 0; p > 1 && depth < 4096; depth++) {
		struct proc_stat st;
		if (p == pid)
			return 1;
		if (read_stat(p, &st))
			return 0;
		p = st.ppid;
	}
	return 0;
}

/* Descendants of root not yet in *v, appended; returns how many. */
static size_t add_descendants(pid_t **v, size_t *n)
{
	pid_t *all;
	size_t nall, added = 0;
	struct proc_stat *sts;

	if (proc_list(&all, &nall))
		return 0;
	sts = xcalloc(nall, sizeof(*sts));
	for (size_t i = 0; i < nall; i++)
		if (read_stat(all[i], &sts[i]))
			sts[i].pid = 0;
	for (int changed = 1; changed;) {
		changed = 0;
		for (size_t i = 0; i < nall; i++) {
			int in = 0, parent_in = 0;
			if (!sts[i].pid)
				continue;
			for (size_t k = 0; k < *n; k++) {
				if ((*v)[k] == sts[i].pid)
					in = 1;
				if ((*v)[k] == sts[i].ppid)
					parent_in = 1;
			}
			if (!in && parent_in) {
				*v = xreallocarray(*v, *n + 1, sizeof(**v));
				(*v)[(*n)++] = sts[i].pid;
				added++;
				changed = 1;
			}
		}
	}
	free(sts);
	free(all);
	return added;
}

static void state_path(pid_t pid, char *out, size_t n)
{
	snprintf(out, n, FREEZE_STATE_DIR "/%d", (int)pid);
}

static int mkdir_p(const char *path)
{
	char tmp[512];
	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(tmp, 0700) && errno != EEXIST)
				return -errno;
			*p = '/';
		}
	if (mkdir(tmp, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

/*
 * The state file is a journal, appended to before each step is taken:
 *
 *   method cgroup-v2          \  one write, before anything is done
 *   cgroup /sys/fs/cgroup/... /
 *   pid 1234 /user.slice/...  before 1234 moves (or is sent SIGSTOP)
 *   ...
 *   done                      the freeze is confirmed
 *
 * So whenever freeze stops (Ctrl-C, SIGKILL, a crash), the file names every
 * process it may have touched and where each came from: thaw undoes it and
 * a second freeze resumes it.  Each record is one write(2) to an O_APPEND
 * file on a tmpfs; a record cut short is ignored.
 */
static int journal_add(int fd, const struct buf *rec)
{
	ssize_t n = write(fd, rec->data, rec->len);
	if (n < 0)
		return -errno;
	return (size_t)n == rec->len ? 0 : -EIO;
}

static int journal_pid(int fd, pid_t pid, const char *origin)
{
	struct buf s = BUF_INIT;
	int rc;
	buf_addf(&s, "pid %d ", (int)pid);
	escape_str(&s, origin);
	buf_addc(&s, '\n');
	rc = journal_add(fd, &s);
	buf_release(&s);
	return rc;
}

static int journal_create(pid_t root, enum freeze_method m, const char *cg)
{
	char path[128];
	struct buf s = BUF_INIT;
	int fd, rc;

	if ((rc = mkdir_p(FREEZE_STATE_DIR)))
		return rc;
	state_path(root, path, sizeof(path));
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	buf_addf(&s, "method %s\ncgroup ", freeze_method_name(m));
	escape_str(&s, cg);
	buf_addc(&s, '\n');
	rc = journal_add(fd, &s);
	buf_release(&s);
	if (rc) {
		close(fd);
		unlink(path);
		return rc;
	}
	return fd;
}

static int journal_reopen(pid_t root)
{
	char path[128];
	int fd;
	state_path(root, path, sizeof(path));
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

struct state {
	enum freeze_method method;
	int complete; /* the "done" record is there */
	struct buf cgroup;
	pid_t *pids;
	struct buf *origins;
	size_t n;
};

static void state_release(struct state *st)
{
	buf_release(&st->cgroup);
	for (size_t i = 0; i < st->n; i++)
		buf_release(&st->origins[i]);
	free(st->origins);
	free(st->pids);
	memset(st, 0, sizeof(*st));
}

static int state_read(pid_t root, struct state *st)
{
	char path[128];
	struct buf b = BUF_INIT;
	int rc;

	memset(st, 0, sizeof(*st));
	buf_init(&st->cgroup, 0);
	state_path(root, path, sizeof(path));
	rc = buf_read_at(&b, AT_FDCWD, path, 1 << 24);
	if (rc) {
		buf_release(&b);
		return rc;
	}
	rc = -EINVAL;
	for (char *line = b.data, *nl; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (!nl)
			break; /* a record cut short: never acted upon */
		*nl = '\0';
		if (!strncmp(line, "method ", 7)) {
			for (int m = FREEZE_CGROUP_V2; m <= FREEZE_SIGNAL; m++)
				if (!strcmp(line + 7, freeze_method_name(m)))
					st->method = m;
		} else if (!strncmp(line, "cgroup ", 7)) {
			buf_reset(&st->cgroup);
			escape_unescape(&st->cgroup, line + 7, strlen(line + 7));
		} else if (!strcmp(line, "done")) {
			st->complete = 1;
		} else if (!strncmp(line, "pid ", 4)) {
			char *sp = strchr(line + 4, ' ');
			pid_t pid;
			if (!sp)
				continue;
			*sp = '\0';
			if (proc_parse_pid(line + 4, &pid))
				continue;
			st->pids = xreallocarray(st->pids, st->n + 1, sizeof(pid_t));
			st->origins = xreallocarray(st->origins, st->n + 1, sizeof(struct buf));
			st->pids[st->n] = pid;
			buf_init(&st->origins[st->n], 0);
			escape_unescape(&st->origins[st->n], sp + 1, strlen(sp + 1));
			st->n++;
		}
	}
	if (st->method != FREEZE_NONE && (st->method == FREEZE_SIGNAL || st->cgroup.len))
		rc = 0;
	buf_release(&b);
	if (rc)
		state_release(st);
	return rc;
}

static size_t count_threads(pid_t pid)
{
	pid_t *t;
	size_t n;
	if (proc_list_tasks(pid, &t, &n))
		return 0;
	free(t);
	return n;
}

/* Every thread of pid in state T (stopped) or t? */
static int all_stopped(pid_t pid)
{
	pid_t *t;
	size_t n;
	int ok = 1;
	if (proc_list_tasks(pid, &t, &n))
		return 1; /* gone: nothing left running */
	for (size_t i = 0; i < n && ok; i++) {
		char path[96];
		struct buf b = BUF_INIT;
		struct proc_stat st;
		snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)t[i]);
		if (!buf_read_at(&b, AT_FDCWD, path, 0) && !proc_parse_stat(b.data, b.len, &st) &&
		    st.state != 'T' && st.state != 't' && st.state != 'Z' && st.state != 'X')
			ok = 0;
		buf_release(&b);
	}
	free(t);
	return ok;
}

static int cgroup_frozen(enum freeze_method m, const char *cg)
{
	struct buf b = BUF_INIT, p = BUF_INIT;
	int frozen = 0;
	if (m == FREEZE_CGROUP_V2) {
		buf_addf(&p, "%s/cgroup.events", cg);
		if (!buf_read_at(&b, AT_FDCWD, p.data, 0))
			frozen = strstr(b.data, "frozen 1") != NULL;
	} else {
		buf_addf(&p, "%s/freezer.state", cg);
		if (!buf_read_at(&b, AT_FDCWD, p.data, 0))
			frozen = !strncmp(b.data, "FROZEN", 6);
	}
	buf_release(&b);
	buf_release(&p);
	return frozen;
}

static int cgroup_move(const char *cg, pid_t pid)
{
	char path[600], num[24];
	snprintf(path, sizeof(path), "%s/cgroup.procs", cg);
	snprintf(num, sizeof(num), "%d", (int)pid);
	return write_file(path, num);
}

static int cgroup_set(enum freeze_method m, const char *cg, int on)
{
	char path[600];
	if (m == FREEZE_CGROUP_V2) {
		snprintf(path, sizeof(path), "%s/cgroup.freeze", cg);
		return write_file(path, on ? "1" : "0");
	}
	snprintf(path, sizeof(path), "%s/freezer.state", cg);
	return write_file(path, on ? "FROZEN" : "THAWED");
}

static int check_target(pid_t pid, struct buf *why)
{
	struct proc_stat st;
	int rc = read_stat(pid, &st);
	if (rc)
		return rc;
	if (pid == 1) {
		buf_addstr(why, "refusing to freeze PID 1 (init)");
		return -EPERM;
	}
	if (pid == getpid() || is_ancestor_of_self(pid)) {
		buf_addstr(why, "refusing to freeze stranger itself or its parents");
		return -EPERM;
	}
	if (proc_is_kthread(&st)) {
		buf_addstr(why, "refusing to freeze a kernel thread");
		return -EPERM;
	}
	if (st.state == 'Z') {
		buf_addstr(why, "is a zombie: no memory left");
		return -EINVAL;
	}
	return 0;
}

/*
 * A test hook, read only when the variable is set: STRANGER_TEST_FREEZE_KILL
 * = "N:SIG" makes freeze send itself signal SIG once N processes have been
 * moved or stopped, so that the tests can interrupt it at an exact point.
 */
static void test_interrupt(size_t moved)
{
	const char *e = getenv("STRANGER_TEST_FREEZE_KILL");
	unsigned long n;
	int sig;
	if (!e || sscanf(e, "%lu:%d", &n, &sig) != 2)
		return;
	if (n == moved) {
		signal(sig, SIG_DFL); /* as a signal from outside would end it */
		raise(sig);
	}
}

static int pid_in_list(const pid_t *v, size_t n, pid_t pid)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == pid)
			return 1;
	return 0;
}

/* The cgroup path relative to the hierarchy's mount point, or NULL. */
static const char *cgroup_rel(const char *cg, const char *mnt)
{
	size_t ml = strlen(mnt);
	if (strncmp(cg, mnt, ml) || (cg[ml] != '/' && cg[ml] != '\0'))
		return NULL;
	return cg[ml] ? cg + ml : "/";
}

/*
 * Undo whatever the journal st records: processes recorded and found in the
 * freezer cgroup go home, the cgroup thaws, what is still inside (children
 * born there) goes to the root's home, the cgroup is removed.
 */
static void undo_state(const struct state *st, size_t *gone, struct buf *why)
{
	struct buf v2 = BUF_INIT, v1 = BUF_INIT;
	const char *mnt, *rel, *home;

	for (size_t i = 0; i < st->n; i++)
		if (kill(st->pids[i], 0) && errno == ESRCH)
			(*gone)++;
	if (st->method == FREEZE_SIGNAL) {
		for (size_t i = 0; i < st->n; i++)
			if (strcmp(st->origins[i].data, "stopped"))
				kill(st->pids[i], SIGCONT);
		return;
	}
	mounts_cgroup(&v2, &v1);
	mnt = st->method == FREEZE_CGROUP_V2 ? v2.data : v1.data;
	rel = mnt ? cgroup_rel(st->cgroup.data, mnt) : NULL;
	home = st->n && st->origins[0].len ? st->origins[0].data : "/";
	/* back home first, so nothing runs in a foreign cgroup */
	for (size_t i = 0; rel && i < st->n; i++) {
		struct buf cur = BUF_INIT, dst = BUF_INIT;
		if (!cgroup_of(st->pids[i], (st->method == FREEZE_CGROUP_V1) ? "freezer" : NULL,
			       &cur) &&
		    !strcmp(cur.data, rel)) {
			buf_addf(&dst, "%s%s", mnt,
				 st->origins[i].len ? st->origins[i].data : home);
			if (cgroup_move(dst.data, st->pids[i]))
				cgroup_move(mnt, st->pids[i]); /* home is gone */
		}
		buf_release(&cur);
		buf_release(&dst);
	}
	cgroup_set(st->method, st->cgroup.data, 0);
	/* whatever is still inside (new children) must run at home too */
	if (rmdir(st->cgroup.data) && errno != ENOENT) {
		struct buf procs = BUF_INIT, p = BUF_INIT, dst = BUF_INIT;
		buf_addf(&p, "%s/cgroup.procs", st->cgroup.data);
		buf_addf(&dst, "%s%s", mnt ? mnt : "", home);
		buf_read_at(&procs, AT_FDCWD, p.data, 0);
		for (char *s = procs.data, *nl; s && *s; s = nl ? nl + 1 : NULL) {
			pid_t pid;
			nl = strchr(s, '\n');
			if (nl)
				*nl = '\0';
			if (!proc_parse_pid(s, &pid))
				cgroup_move(dst.data, pid);
		}
		if (rmdir(st->cgroup.data) && errno != ENOENT)
			buf_addf(why, "%s still holds processes; left thawed in place",
				 st->cgroup.data);
		buf_release(&procs);
		buf_release(&p);
		buf_release(&dst);
	}
	buf_release(&v2);
	buf_release(&v1);
}

static int freeze_cgroup(pid_t root, enum freeze_method m, int tree, struct state *st,
			 struct freeze_result *res, struct buf *why)
{
	struct buf v2 = BUF_INIT, v1 = BUF_INIT;
	const char *mnt;
	int rc, fd = -1;
	size_t done = 0, moved = 0;

	mounts_cgroup(&v2, &v1);
	mnt = m == FREEZE_CGROUP_V2 ? v2.data : v1.data;
	if (!(m == FREEZE_CGROUP_V2 ? v2.len : v1.len)) {
		buf_addf(why, "no %s hierarchy mounted", freeze_method_name(m));
		rc = -ENOTSUP;
		goto out;
	}
	snprintf(res->cgroup, sizeof(res->cgroup), "%s/" CG_PREFIX "%d", mnt, (int)root);
	/* the intent first: which cgroup, by which method */
	fd = st->method ? journal_reopen(root) : journal_create(root, m, res->cgroup);
	if (fd < 0) {
		rc = fd;
		buf_addstr(why, "cannot record the freeze under " FREEZE_STATE_DIR);
		goto out;
	}
	/* EEXIST: an interrupted freeze of this target made it */
	if (mkdir(res->cgroup, 0700) && errno != EEXIST) {
		rc = -errno;
		buf_addf(why, "cannot create %s", res->cgroup);
		goto undo;
	}
	/*
	 * Freeze the empty cgroup first: whatever moves in is frozen on
	 * arrival, and a child forked by a member is born inside.
	 */
	if ((rc = cgroup_set(m, res->cgroup, 1))) {
		buf_addf(why, "cannot set the freezer of %s", res->cgroup);
		goto undo;
	}
	res->pids = xmalloc(sizeof(pid_t));
	res->pids[0] = root;
	res->npids = 1;
	for (;;) {
		for (; done < res->npids; done++) {
			pid_t pid = res->pids[done];
			struct buf origin = BUF_INIT;
			test_interrupt(moved);
			if (pid_in_list(st->pids, st->n, pid)) {
				rc = 0; /* recorded by the interrupted run */
			} else {
				const char *rel = cgroup_rel(res->cgroup, mnt);
				rc = cgroup_of(pid, (m == FREEZE_CGROUP_V1) ? "freezer" : NULL,
					       &origin);
				/* already inside, from a run that left no record:
				 * its home is unknown, the root's will do */
				if (!rc && rel && !strcmp(origin.data, rel))
					buf_reset(&origin);
				if (!rc)
					rc = journal_pid(fd, pid, origin.data);
			}
			if (!rc)
				rc = cgroup_move(res->cgroup, pid);
			buf_release(&origin);
			if (!rc)
				moved++;
			if (rc && done == 0) {
				buf_addf(why, "cannot move %d into %s", (int)root, res->cgroup);
				goto undo;
			}
		}
		if (!tree || !add_descendants(&res->pids, &res->npids))
			break;
	}
	for (int waited = 0; !cgroup_frozen(m, res->cgroup); waited += 10) {
		if (waited >= WAIT_MS) {
			rc = -ETIMEDOUT;
			buf_addstr(why, "the freezer did not confirm the freeze");
			goto undo;
		}
		sleep_ms(10);
	}
	for (size_t i = 0; i < res->npids; i++)
		res->nthreads += count_threads(res->pids[i]);
	res->method = m;
	{
		struct buf d = BUF_INIT;
		buf_addstr(&d, "done\n");
		rc = journal_add(fd, &d);
		buf_release(&d);
	}
	if (rc) {
		buf_addstr(why, "cannot record the freeze under " FREEZE_STATE_DIR);
		goto undo;
	}
	goto out;
undo : {
	struct state now;
	size_t gone = 0;
	char path[128];
	if (!state_read(root, &now)) {
		undo_state(&now, &gone, why);
		state_release(&now);
	} else {
		cgroup_set(m, res->cgroup, 0);
		rmdir(res->cgroup);
	}
	state_path(root, path, sizeof(path));
	unlink(path);
}
out:
	if (fd >= 0)
		close(fd);
	buf_release(&v2);
	buf_release(&v1);
	return rc;
}

static int freeze_signal(pid_t root, int tree, struct state *st, struct freeze_result *res,
			 struct buf *why)
{
	size_t done = 0, moved = 0;
	int fd, rc = 0;
	char path[128];

	fd = st->method ? journal_reopen(root) : journal_create(root, FREEZE_SIGNAL, "");
	if (fd < 0) {
		buf_addstr(why, "cannot record the freeze under " FREEZE_STATE_DIR);
		return fd;
	}
	res->pids = xmalloc(sizeof(pid_t));
	res->pids[0] = root;
	res->npids = 1;
	for (;;) {
		for (; done < res->npids; done++) {
			pid_t pid = res->pids[done];
			test_interrupt(moved);
			if (!pid_in_list(st->pids, st->n, pid)) {
				struct proc_stat ps;
				/* one stopped by someone else stays stopped */
				int was = !read_stat(pid, &ps) && ps.state == 'T';
				if ((rc = journal_pid(fd, pid, was ? "stopped" : "")))
					break;
			}
			if (kill(pid, SIGSTOP) && done == 0) {
				rc = -errno;
				buf_addstr(why, "cannot send SIGSTOP");
				goto undo;
			}
			moved++;
		}
		if (rc) {
			buf_addstr(why, "cannot record the freeze under " FREEZE_STATE_DIR);
			goto undo;
		}
		if (!tree || !add_descendants(&res->pids, &res->npids))
			break;
	}
	for (size_t i = 0; i < res->npids; i++)
		for (int waited = 0; !all_stopped(res->pids[i]); waited += 10) {
			if (waited >= WAIT_MS) {
				buf_addf(why, "process %d did not stop", (int)res->pids[i]);
				rc = -ETIMEDOUT;
				goto undo;
			}
			sleep_ms(10);
		}
	for (size_t i = 0; i < res->npids; i++)
		res->nthreads += count_threads(res->pids[i]);
	res->method = FREEZE_SIGNAL;
	res->cgroup[0] = '\0';
	{
		struct buf d = BUF_INIT;
		buf_addstr(&d, "done\n");
		rc = journal_add(fd, &d);
		buf_release(&d);
	}
	if (!rc) {
		close(fd);
		return 0;
	}
	buf_addstr(why, "cannot record the freeze under " FREEZE_STATE_DIR);
undo:
	close(fd);
	{
		struct state now;
		size_t gone = 0;
		if (!state_read(root, &now)) {
			undo_state(&now, &gone, why);
			state_release(&now);
		}
	}
	state_path(root, path, sizeof(path));
	unlink(path);
	return rc;
}

int freeze_pid(pid_t pid, enum freeze_method m, int tree, struct freeze_result *res,
	       struct buf *why)
{
	char path[128];
	struct state st;
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&st, 0, sizeof(st));
	if ((rc = check_target(pid, why)))
		return rc;
	state_path(pid, path, sizeof(path));
	if (!access(path, F_OK)) {
		if (state_read(pid, &st)) {
			/* cut short before its first record: nothing was done */
			unlink(path);
		} else if (st.complete) {
			state_release(&st);
			buf_addstr(why, "already frozen by stranger");
			return -EALREADY;
		} else {
			/* an interrupted freeze of this target: resume it,
			 * by the method it began with */
			res->resumed = 1;
			m = st.method;
			tree = tree || st.n > 1;
		}
	}
	if (m == FREEZE_AUTO) {
		unsigned av = freeze_available();
		m = av & (1u << FREEZE_CGROUP_V2)   ? FREEZE_CGROUP_V2
		    : av & (1u << FREEZE_CGROUP_V1) ? FREEZE_CGROUP_V1
						    : FREEZE_SIGNAL;
	}
	if (m == FREEZE_SIGNAL)
		rc = freeze_signal(pid, tree, &st, res, why);
	else
		rc = freeze_cgroup(pid, m, tree, &st, res, why);
	state_release(&st);
	return rc;
}

int freeze_thaw(pid_t pid, struct freeze_result *res, size_t *gone, struct buf *why)
{
	struct state st;
	char path[128];
	int rc;

	memset(res, 0, sizeof(*res));
	*gone = 0;
	rc = state_read(pid, &st);
	if (rc) {
		buf_addstr(why, "not frozen by stranger");
		return -ENOENT;
	}
	res->method = st.method;
	res->resumed = !st.complete;
	snprintf(res->cgroup, sizeof(res->cgroup), "%s", st.cgroup.data);
	undo_state(&st, gone, why);
	for (size_t i = 0; i < st.n; i++)
		res->nthreads += count_threads(st.pids[i]);
	state_path(pid, path, sizeof(path));
	unlink(path);
	res->pids = st.pids;
	res->npids = st.n;
	st.pids = NULL; /* now owned by res */
	state_release(&st);
	return 0;
}

int freeze_query(pid_t pid, enum freeze_method *m)
{
	struct state st;
	struct proc_stat ps;
	*m = FREEZE_NONE;
	if (!state_read(pid, &st)) {
		*m = st.method;
		state_release(&st);
		return 0;
	}
	if (read_stat(pid, &ps))
		return -ESRCH;
	if (ps.state == 'T')
		*m = FREEZE_SIGNAL;
	return 0;
}

void freeze_result_release(struct freeze_result *res)
{
	free(res->pids);
	res->pids = NULL;
	res->npids = 0;
}
