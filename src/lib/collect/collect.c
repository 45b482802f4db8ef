#include "lib/collect/collect.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/rtc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/collect/artifact.h"
#include "util/json_read.h"
#include "lib/collect/step.h"
#include "lib/evidence/evidence.h"
#include "util/buf.h"
#include "util/escape.h"
#include "util/table.h"
#include "util/xalloc.h"

#define KiB (1ULL << 10)
#define MiB (1ULL << 20)

struct ctx {
	const struct collect_opts *o;
	struct collect_summary *s;
	struct evidence *ev;
	struct buf cj; /* collect.json, one line per step */
	double t0;
	unsigned idx, nsteps;
	const char *skip[1];
	int full;
};

/* one line of collect.json and of case.log for a step that ran or not */
static void record(struct ctx *c, const char *step, int phase, const char *status,
		   const struct step_result *r, const char *output, const char *detail)
{
	struct json j;
	char secs[32];

	json_begin(&j, &c->cj);
	json_cstr(&j, "step", step);
	json_int(&j, "phase", phase);
	json_cstr(&j, "status", status);
	if (r) {
		json_cstr(&j, "started", r->started);
		snprintf(secs, sizeof(secs), "%.3f", r->seconds);
		json_raw(&j, "seconds", secs);
		if (r->signo)
			json_int(&j, "signal", r->signo);
		else if (r->exit_code >= 0)
			json_int(&j, "exit", r->exit_code);
		if (r->err.len)
			json_str(&j, "stderr", r->err.data, r->err.len);
		if (r->out_sha256[0] && output) {
			json_cstr(&j, "output", output);
			json_cstr(&j, "output_sha256", r->out_sha256);
			json_uint(&j, "output_bytes", r->out_size);
		} else if (output) {
			json_cstr(&j, "output", output);
		}
	}
	if (detail && *detail)
		json_str(&j, "detail", detail, strlen(detail));
	json_end(&j);
	c->s->steps++;
	if (!strcmp(status, "ok"))
		c->s->ok++;
	else if (!strcmp(status, "partial"))
		c->s->partial++;
	else if (!strcmp(status, "skipped"))
		c->s->skipped++;
	else
		c->s->failed++;
	if (r)
		evidence_log(c->ev, "step %s: %s in %.3f s%s%s", step, status, r->seconds,
			     detail && *detail ? ": " : "", detail ? detail : "");
	else
		evidence_log(c->ev, "step %s: %s%s%s", step, status, detail && *detail ? ": " : "",
			     detail ? detail : "");
	if (r && r->err.len) {
		/* the step's own messages, a line each, escaped */
		const char *p = r->err.data, *end = p + r->err.len;
		int lines = 0;
		while (p < end && lines < 20) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			struct buf e = BUF_INIT;
			size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
			escape_bytes(&e, p, n);
			evidence_log(c->ev, "step %s: stderr: %s", step, e.data);
			buf_release(&e);
			lines++;
			p = nl ? nl + 1 : end;
		}
	}
}

/* seconds left of the budget, or a large number without one */
static double left(struct ctx *c)
{
	if (c->o->budget <= 0)
		return 1e9;
	return c->o->budget - (step_now() - c->t0);
}

/* may the next step start?  If not, it is recorded as skipped */
static int may_start(struct ctx *c, const char *step, int phase)
{
	c->idx++;
	if (c->o->stop && *c->o->stop) {
		record(c, step, phase, "skipped", NULL, NULL, "interrupted");
		return 0;
	}
	if (left(c) <= 0) {
		record(c, step, phase, "skipped", NULL, NULL, "budget spent");
		return 0;
	}
	if (c->o->progress)
		c->o->progress(step, c->idx, c->nsteps, c->o->ctx);
	return 1;
}

static double limit_for(struct ctx *c, double own)
{
	double l = left(c);
	return l < own ? l : own;
}

/*
 * run_cmd - a stranger command as a step.  found1: exit 1 means "found
 * something" (ok), not "partial".  Returns the exit code, or -1.
 */
static int run_cmd(struct ctx *c, const char *step, int phase, double own, const char *out,
		   int found1, char *const argv[])
{
	struct step_result r;
	const char *status;
	int rc, code = -1;

	rc = step_run(c->ev, argv, out, limit_for(c, own), c->o->stop, &r);
	if (rc) {
		record(c, step, phase, "failed", NULL, out, strerror(-rc));
		return -1;
	}
	if (r.interrupted)
		status = "interrupted";
	else if (r.timed_out)
		status = "timeout";
	else if (r.signo)
		status = "failed";
	else if (r.exit_code == 0 || (r.exit_code == 1 && found1))
		status = "ok";
	else if (r.exit_code == 1)
		status = "partial";
	else
		status = "failed";
	if (!r.signo && !r.timed_out && !r.interrupted)
		code = r.exit_code;
	{
		char detail[96] = "";
		if (r.signo)
			snprintf(detail, sizeof(detail), "killed by signal %d", r.signo);
		else if (r.timed_out)
			snprintf(detail, sizeof(detail), "stopped after %.0f s", r.seconds);
		else if (r.out_err)
			snprintf(detail, sizeof(detail), "output partial: %s",
				 strerror(-r.out_err));
		record(c, step, phase, status, &r, out, detail);
	}
	step_result_release(&r);
	return code;
}

/* adopt_tree - every file a child wrote under rel joins the manifest */
static void adopt_tree(struct ctx *c, const char *rel, int depth)
{
	int fd =
	    openat(evidence_dirfd(c->ev), rel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d;
	struct dirent *e;

	if (fd < 0 || depth > 8) {
		if (fd >= 0)
			close(fd);
		return;
	}
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((e = readdir(d))) {
		struct buf name = BUF_INIT;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		buf_addf(&name, "%s/%s", rel, e->d_name);
		if (e->d_type == DT_DIR)
			adopt_tree(c, name.data, depth + 1);
		else if (evidence_adopt(c->ev, name.data, NULL, NULL))
			evidence_log(c->ev, "not sealed: %s", name.data);
		buf_release(&name);
	}
	closedir(d);
}

/* ---- phase 1: the system ---- */

static int read_rtc(long long *epoch, struct buf *src, struct buf *why)
{
	struct buf b = BUF_INIT;
	int rc = buf_read_at(&b, AT_FDCWD, "/sys/class/rtc/rtc0/since_epoch", 64);
	char *end;

	if (!rc) {
		long long v = strtoll(b.data, &end, 10);
		if (end != b.data) {
			*epoch = v;
			buf_addstr(src, "/sys/class/rtc/rtc0/since_epoch");
			buf_release(&b);
			return 0;
		}
		rc = -EINVAL;
	}
	buf_release(&b);
	buf_addf(why, "/sys/class/rtc/rtc0/since_epoch: %s", strerror(-rc));
	{
		int fd = open("/dev/rtc0", O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		struct rtc_time t;
		struct tm tm;
		if (fd < 0) {
			buf_addf(why, "; /dev/rtc0: %s", strerror(errno));
			return -errno;
		}
		if (ioctl(fd, RTC_RD_TIME, &t)) {
			rc = -errno;
			close(fd);
			buf_addf(why, "; /dev/rtc0: %s", strerror(-rc));
			return rc;
		}
		close(fd);
		memset(&tm, 0, sizeof(tm));
		tm.tm_sec = t.tm_sec;
		tm.tm_min = t.tm_min;
		tm.tm_hour = t.tm_hour;
		tm.tm_mday = t.tm_mday;
		tm.tm_mon = t.tm_mon;
		tm.tm_year = t.tm_year;
		*epoch = (long long)timegm(&tm); /* the RTC is taken to be UTC */
		buf_addstr(src, "/dev/rtc0 (taken as UTC)");
		return 0;
	}
}

static void step_system(struct ctx *c)
{
	static const struct {
		const char *path, *name;
	} files[] = {
		{ "/proc/uptime", "system/uptime" },
		{ "/proc/version", "system/version" },
		{ "/proc/cmdline", "system/cmdline" },
		{ "/proc/sys/kernel/hostname", "system/hostname" },
		{ "/proc/sys/kernel/tainted", "system/tainted" },
		{ "/proc/self/mountinfo", "system/mountinfo" },
		{ "/proc/modules", "system/modules" },
		{ "/proc/loadavg", "system/loadavg" },
	};
	struct step_result r;
	struct buf out = BUF_INIT, src = BUF_INIT, why = BUF_INIT, detail = BUF_INIT;
	struct json j;
	struct timespec rt, bt;
	long long rtc = 0;
	char when[32];
	double t0 = step_now();
	unsigned bad = 0;

	memset(&r, 0, sizeof(r));
	evidence_iso8601(r.started);
	/* the clock first: it is what every other time is read against */
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_BOOTTIME, &bt);
	json_begin(&j, &out);
	evidence_iso8601(when);
	json_cstr(&j, "system_time", when);
	json_int(&j, "system_epoch", (long long)rt.tv_sec);
	json_int(&j, "boottime_seconds", (long long)bt.tv_sec);
	json_int(&j, "boot_epoch", (long long)(rt.tv_sec - bt.tv_sec));
	if (!read_rtc(&rtc, &src, &why)) {
		json_int(&j, "rtc_epoch", rtc);
		json_cstr(&j, "rtc_source", src.data);
		json_int(&j, "drift_seconds", (long long)rt.tv_sec - rtc);
	} else {
		json_null(&j, "rtc_epoch");
		json_cstr(&j, "rtc_error", why.data);
		buf_addstr(&detail, "no hardware clock; ");
	}
	json_end(&j);
	if (evidence_add_buf(c->ev, "system/clock.json", out.data, out.len))
		bad++;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct buf b = BUF_INIT;
		/* until EOF: a sysctl file refuses a read of a huge count */
		int rc = buf_read_at(&b, AT_FDCWD, files[i].path, 0);
		if (rc) {
			bad++;
			buf_addf(&detail, "%s: %s; ", files[i].path, strerror(-rc));
		} else if (evidence_add_buf(c->ev, files[i].name, b.data, b.len)) {
			bad++;
		}
		buf_release(&b);
	}
	r.seconds = step_now() - t0;
	r.exit_code = -1;
	buf_rtrim(&detail);
	if (detail.len && detail.data[detail.len - 1] == ';')
		buf_setlen(&detail, detail.len - 1);
	record(c, "system", 1, bad ? "partial" : "ok", &r, "system/", detail.data);
	buf_release(&out);
	buf_release(&src);
	buf_release(&why);
	buf_release(&detail);
}

/* ---- phase 3: the suspects ---- */

struct suspect {
	pid_t pid;
	int score;
	char *exe;
};

struct suspects {
	struct suspect *v;
	size_t n, cap;
};

static void add_suspect(const struct jv *v, void *arg)
{
	struct suspects *s = arg;
	const struct jv *flags = jv_get(v, "flags");
	long long pid = jv_int(v, "pid", -1);
	const char *exe = jv_str(v, "exe", NULL);
	int score = 0;

	if (pid <= 0 || pid > 0x7fffffff)
		return;
	if (flags && flags->type == JV_ARR)
		for (size_t i = 0; i < flags->len; i++) {
			const struct jv *f = flags->items[i];
			if (f->type != JV_STR)
				continue;
			score += !strcmp(f->str, "hidden")	    ? 5
				 : !strcmp(f->str, "preload")	    ? 4
				 : !strcmp(f->str, "name_mismatch") ? 3
				 : !strcmp(f->str, "exe_deleted")   ? 2
								    : 1;
		}
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		s->v = xreallocarray(s->v, s->cap, sizeof(*s->v));
	}
	s->v[s->n].pid = (pid_t)pid;
	s->v[s->n].score = score;
	s->v[s->n].exe = exe ? xstrdup(exe) : NULL;
	s->n++;
}

static int cmp_suspect(const void *a, const void *b)
{
	const struct suspect *x = a, *y = b;
	if (x->score != y->score)
		return y->score - x->score;
	return x->pid < y->pid ? 1 : x->pid > y->pid ? -1 : 0;
}

static void load_suspects(struct ctx *c, struct suspects *s)
{
	struct buf b = BUF_INIT;
	size_t bad;

	if (buf_read_at(&b, evidence_dirfd(c->ev), "live/suspicious.jsonl", 64 * MiB)) {
		buf_release(&b);
		return;
	}
	bad = jsonl_each(b.data, b.len, add_suspect, s);
	if (bad)
		evidence_log(c->ev, "live/suspicious.jsonl: %zu unreadable lines", bad);
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), cmp_suspect);
	buf_release(&b);
}

/* the file now at the path the suspect was started from, if any */
static int reference_for(const char *exe, struct buf *out)
{
	static const char del[] = " (deleted)";
	size_t n = strlen(exe), dl = sizeof(del) - 1;
	struct stat st;

	if (n > dl && !strcmp(exe + n - dl, del))
		n -= dl;
	if (!n || exe[0] != '/' || !strncmp(exe, "/memfd:", 7))
		return 0;
	buf_add(out, exe, n);
	if (stat(out->data, &st) || !S_ISREG(st.st_mode))
		return 0;
	return 1;
}

static void step_suspects(struct ctx *c)
{
	struct suspects s = { 0 };
	size_t max = c->full ? 64 : 16;

	load_suspects(c, &s);
	c->s->suspects = (unsigned)s.n;
	if (c->o->nonly) {
		/* the responder named the suspects: those, flagged or not */
		struct suspects named = { 0 };
		named.v = xcalloc(c->o->nonly, sizeof(*named.v));
		for (size_t k = 0; k < c->o->nonly; k++) {
			named.v[k].pid = (pid_t)c->o->only[k];
			for (size_t i = 0; i < s.n; i++)
				if (s.v[i].pid == named.v[k].pid && s.v[i].exe)
					named.v[k].exe = xstrdup(s.v[i].exe);
		}
		named.n = named.cap = c->o->nonly;
		for (size_t i = 0; i < s.n; i++)
			free(s.v[i].exe);
		free(s.v);
		s = named;
		evidence_log(c->ev, "suspects: the %zu named with --suspect", s.n);
	}
	if (s.n > max) {
		evidence_log(c->ev,
			     "suspects: %zu flagged; the first %zu by their "
			     "flags are taken",
			     s.n, max);
		c->nsteps += (unsigned)max * 3;
	} else {
		c->nsteps += (unsigned)s.n * 3;
	}
	for (size_t i = 0; i < s.n && i < max; i++) {
		char pid[16], name[64];
		struct buf dir = BUF_INIT, rel = BUF_INIT, exe = BUF_INIT, ref = BUF_INIT,
			   out = BUF_INIT;
		int rrc;

		snprintf(pid, sizeof(pid), "%d", (int)s.v[i].pid);
		if (c->o->freeze_suspects) {
			char *av[] = { "freeze", pid, NULL };
			snprintf(name, sizeof(name), "freeze %s", pid);
			if (may_start(c, name, 3))
				run_cmd(c, name, 3, 30, NULL, 0, av);
		}
		buf_addf(&rel, "suspects/%s/recover", pid);
		buf_addf(&dir, "%s/%s", c->o->dir, rel.data);
		snprintf(name, sizeof(name), "recover %s", pid);
		if (may_start(c, name, 3)) {
			char *av[] = { "recover", pid, "-o", dir.data, NULL };
			buf_addf(&out, "suspects/%s/recover.txt", pid);
			rrc = run_cmd(c, name, 3, 60, out.data, 0, av);
			adopt_tree(c, rel.data, 0);
			(void)rrc;
		}
		if (c->o->dump_suspects) {
			buf_reset(&rel);
			buf_reset(&dir);
			buf_addf(&rel, "suspects/%s/dump", pid);
			buf_addf(&dir, "%s/%s", c->o->dir, rel.data);
			snprintf(name, sizeof(name), "dump %s", pid);
			if (may_start(c, name, 3)) {
				char *av[] = { "dump", pid, "-o", dir.data, NULL };
				run_cmd(c, name, 3, 120, NULL, 0, av);
				adopt_tree(c, rel.data, 0);
			}
		}
		buf_addf(&exe, "%s/suspects/%s/recover/exe", c->o->dir, pid);
		snprintf(name, sizeof(name), "strings %s", pid);
		if (access(exe.data, R_OK)) {
			c->idx++;
			record(c, name, 3, "skipped", NULL, NULL, "no recovered executable");
		} else if (may_start(c, name, 3)) {
			char *av[] = { "strings", "-a", "-t", "x", exe.data, NULL };
			buf_reset(&out);
			buf_addf(&out, "suspects/%s/strings.txt", pid);
			run_cmd(c, name, 3, 60, out.data, 0, av);
		}
		snprintf(name, sizeof(name), "sdiff %s", pid);
		if (access(exe.data, R_OK) || !s.v[i].exe || !reference_for(s.v[i].exe, &ref)) {
			c->idx++;
			record(c, name, 3, "skipped", NULL, NULL,
			       "no file at the executable's path to compare with");
		} else if (may_start(c, name, 3)) {
			char *av[] = { "sdiff", "--summary", "--json", ref.data, exe.data, NULL };
			buf_reset(&out);
			buf_addf(&out, "suspects/%s/sdiff.jsonl", pid);
			run_cmd(c, name, 3, 60, out.data, 1, av);
		}
		buf_release(&dir);
		buf_release(&rel);
		buf_release(&exe);
		buf_release(&ref);
		buf_release(&out);
	}
	for (size_t i = 0; i < s.n; i++)
		free(s.v[i].exe);
	free(s.v);
}

/* ---- phase 4 and 5: copies and listings ---- */

struct lister {
	struct ctx *c;
	struct evidence_file *lf;
	struct artifact_stats st;
	struct artifact_list_opts lo;
	struct buf detail;
	int stopped;
};

static void lister_begin(struct lister *l, struct ctx *c, const char *name, double own)
{
	memset(l, 0, sizeof(*l));
	l->c = c;
	buf_init(&l->detail, 0);
	l->lo.skip = c->skip;
	l->lo.nskip = 1;
	l->lo.stop = c->o->stop;
	l->lo.deadline = step_now() + limit_for(c, own);
	if (evidence_file_open(c->ev, name, &l->lf))
		l->lf = NULL;
}

static void lister_tree(struct lister *l, const char *root)
{
	int rc;

	if (!l->lf || l->stopped)
		return;
	rc = artifact_list(l->c->ev, l->lf, root, &l->lo, &l->st);
	if (rc == -EINTR || rc == -ETIME) {
		l->stopped = rc;
		buf_addf(&l->detail, "stopped in %s (%s); ", root,
			 rc == -EINTR ? "interrupted" : "time limit");
	} else if (rc && rc != -ENOENT) {
		l->st.errors++;
		buf_addf(&l->detail, "%s: %s; ", root, strerror(-rc));
	}
}

static void lister_end(struct lister *l, const char *step, int phase, const char *output, double t0,
		       const char *started)
{
	struct step_result r;
	const char *status = "ok";

	memset(&r, 0, sizeof(r));
	memcpy(r.started, started, sizeof(r.started));
	if (l->lf) {
		unsigned char d[HASH_LEN];
		if (evidence_file_close(l->lf, d, &r.out_size))
			status = "partial";
		hash_hex(d, r.out_sha256);
	} else {
		status = "failed";
		buf_addstr(&l->detail, "the listing could not be created; ");
	}
	if (l->st.errors) {
		buf_addf(&l->detail, "%llu paths could not be read; ", l->st.errors);
		status = "partial";
	}
	if (l->st.truncated)
		buf_addf(&l->detail, "%llu copies truncated at the size cap; ", l->st.truncated);
	buf_addf(&l->detail, "%llu listed, %llu copied (%llu bytes)", l->st.listed, l->st.copied,
		 l->st.bytes);
	if (l->stopped == -EINTR)
		status = "interrupted";
	else if (l->stopped)
		status = "timeout";
	r.seconds = step_now() - t0;
	r.exit_code = -1;
	record(l->c, step, phase, status, &r, output, l->detail.data);
	buf_release(&l->detail);
}

static void copy_one(struct lister *l, const char *path, unsigned long long cap)
{
	int rc;

	if (l->c->o->stop && *l->c->o->stop)
		return;
	rc = artifact_copy(l->c->ev, path, cap, &l->st);
	if (rc && rc != -ENOENT && rc != -ENOTDIR) {
		l->st.errors++;
		buf_addf(&l->detail, "%s: %s; ", path, strerror(-rc));
	}
}

static const char *const home_files[] = {
	".bash_history",
	".zsh_history",
	".history",
	".sh_history",
	".ash_history",
	".local/share/fish/fish_history",
	".python_history",
	".mysql_history",
	".psql_history",
	".lesshst",
	".viminfo",
	".ssh/authorized_keys",
	".ssh/authorized_keys2",
	".ssh/known_hosts",
	".ssh/config",
	".ssh/rc",
	".bashrc",
	".bash_profile",
	".bash_login",
	".bash_logout",
	".profile",
	".zshrc",
	".zprofile",
	".config/autostart",
	NULL,
};

static void step_users(struct ctx *c)
{
	static const char *const fixed[] = {
		"/run/utmp",	 "/var/run/utmp",    "/var/log/wtmp",
		"/var/log/btmp", "/var/log/lastlog", "/etc/passwd",
		"/etc/group",	 "/etc/sudoers",     "/etc/ssh/sshd_config",
		"/etc/hosts",	 "/etc/resolv.conf", NULL,
	};
	struct lister l;
	struct buf pw = BUF_INIT;
	struct {
		char **v;
		size_t n;
	} homes = { NULL, 0 };
	double t0 = step_now();
	char started[32];

	evidence_iso8601(started);
	lister_begin(&l, c, "users/homes.jsonl", 120);
	for (size_t i = 0; fixed[i]; i++)
		copy_one(&l, fixed[i], 64 * MiB);
	/* the homes, as /etc/passwd names them, read directly */
	if (!buf_read_at(&pw, AT_FDCWD, "/etc/passwd", 16 * MiB)) {
		const char *p = pw.data, *end = pw.data + pw.len;
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			const char *le = nl ? nl : end, *f = p;
			int field = 0;
			while (f < le && field < 5) {
				const char *col = memchr(f, ':', (size_t)(le - f));
				if (!col)
					break;
				f = col + 1;
				field++;
			}
			if (field == 5) {
				const char *col = memchr(f, ':', (size_t)(le - f));
				size_t n = col ? (size_t)(col - f) : 0;
				if (n > 1 && f[0] == '/') {
					char *h = xstrndup(f, n);
					size_t k;
					for (k = 0; k < homes.n; k++)
						if (!strcmp(homes.v[k], h))
							break;
					if (k == homes.n) {
						homes.v = xreallocarray(homes.v, homes.n + 1,
									sizeof(*homes.v));
						homes.v[homes.n++] = h;
					} else {
						free(h);
					}
				}
			}
			p = nl ? nl + 1 : end;
		}
	}
	for (size_t k = 0; k < homes.n; k++) {
		for (size_t i = 0; home_files[i]; i++) {
			struct buf path = BUF_INIT;
			struct stat st;
			buf_addf(&path, "%s/%s", homes.v[k], home_files[i]);
			if (!lstat(path.data, &st)) {
				if (S_ISDIR(st.st_mode))
					lister_tree(&l, path.data);
				else
					copy_one(&l, path.data, 64 * MiB);
			}
			buf_release(&path);
		}
		/* the folder's own listing shows new dot files, one level */
	}
	lister_end(&l, "users", 4, "users/homes.jsonl", t0, started);
	for (size_t k = 0; k < homes.n; k++)
		free(homes.v[k]);
	free(homes.v);
	buf_release(&pw);
}

static void step_persistence(struct ctx *c)
{
	static const char *const roots[] = {
		"/etc/crontab",	       "/etc/anacrontab",    "/etc/cron.d",
		"/etc/cron.hourly",    "/etc/cron.daily",    "/etc/cron.weekly",
		"/etc/cron.monthly",   "/var/spool/cron",    "/etc/systemd/system",
		"/run/systemd/system", "/etc/rc.local",	     "/etc/init.d",
		"/etc/ld.so.preload",  "/etc/ld.so.conf",    "/etc/ld.so.conf.d",
		"/etc/profile",	       "/etc/profile.d",     "/etc/bash.bashrc",
		"/etc/environment",    "/etc/update-motd.d", "/etc/xdg/autostart",
		"/etc/modules-load.d", "/etc/modprobe.d",    "/etc/sudoers.d",
		"/etc/pam.d",	       "/etc/ssh",	     NULL,
	};
	static const char *const full_roots[] = {
		"/usr/lib/systemd/system",
		"/usr/lib/systemd/user",
		"/etc/systemd/user",
		"/usr/local/lib/systemd",
		NULL,
	};
	struct lister l;
	double t0 = step_now();
	char started[32];

	evidence_iso8601(started);
	lister_begin(&l, c, "persist/persistence.jsonl", 120);
	l.lo.cap = 1 * MiB;
	l.lo.max_copies = c->full ? 20000 : 2000;
	for (size_t i = 0; roots[i]; i++)
		lister_tree(&l, roots[i]);
	if (c->full)
		for (size_t i = 0; full_roots[i]; i++)
			lister_tree(&l, full_roots[i]);
	lister_end(&l, "persistence", 4, "persist/persistence.jsonl", t0, started);
}

static void step_setid(struct ctx *c)
{
	/* where setuid programs live, and where an intruder leaves one */
	static const char *const quick[] = {
		"/usr/bin",	"/usr/sbin",	     "/usr/local", "/usr/lib/openssh",
		"/usr/libexec", "/usr/lib/dbus-1.0", "/bin",	   "/sbin",
		"/tmp",		"/var/tmp",	     "/dev/shm",   "/dev/mqueue",
		NULL,
	};
	/* big trees: their first levels only, in the quick profile */
	static const char *const shallow[] = { "/home", "/root", "/opt", "/srv", "/var/www", NULL };
	static const char *const full[] = { "/", NULL };
	struct lister l;
	double t0 = step_now();
	char started[32];

	evidence_iso8601(started);
	lister_begin(&l, c, "persist/setid.jsonl", c->full ? 150 : 20);
	l.lo.only_setid = 1;
	if (c->full) {
		lister_tree(&l, full[0]);
	} else {
		for (size_t i = 0; quick[i]; i++) {
			struct stat st;
			/* /bin is /usr/bin on a merged-/usr system: walk it once */
			if (!lstat(quick[i], &st) && S_ISLNK(st.st_mode))
				continue;
			lister_tree(&l, quick[i]);
		}
		l.lo.max_depth = 3;
		for (size_t i = 0; shallow[i]; i++)
			lister_tree(&l, shallow[i]);
	}
	lister_end(&l, "setid", 4, "persist/setid.jsonl", t0, started);
}

static void step_tmp(struct ctx *c)
{
	static const char *const roots[] = { "/tmp", "/var/tmp", "/dev/shm", NULL };
	struct lister l;
	double t0 = step_now();
	char started[32];

	evidence_iso8601(started);
	lister_begin(&l, c, "persist/tmp.jsonl", 60);
	l.lo.cap = c->full ? 16 * MiB : 256 * KiB;
	l.lo.max_copies = c->full ? 5000 : 200;
	for (size_t i = 0; roots[i]; i++)
		lister_tree(&l, roots[i]);
	lister_end(&l, "tmp", 4, "persist/tmp.jsonl", t0, started);
}

static void step_logs(struct ctx *c)
{
	struct lister l;
	double t0 = step_now();
	char started[32];

	evidence_iso8601(started);
	lister_begin(&l, c, "logs/varlog.jsonl", 120);
	l.lo.cap = c->full ? 64 * MiB : 1 * MiB;
	l.lo.max_copies = c->full ? 5000 : 200;
	lister_tree(&l, "/var/log");
	lister_end(&l, "logs", 5, "logs/varlog.jsonl", t0, started);
}

static int has_command(struct ctx *c, const char *cmd)
{
	struct step_result r;
	char *av[] = { (char *)cmd, "--help", NULL };
	int yes;

	if (step_run(c->ev, av, NULL, 10, c->o->stop, &r))
		return 0;
	yes = !r.signo && !r.timed_out && r.exit_code == 0;
	step_result_release(&r);
	return yes;
}

int collect_run(const struct collect_opts *o, struct collect_summary *s)
{
	struct ctx c = { .o = o, .s = s, .full = o->profile == COLLECT_FULL };
	int rc, status;

	memset(s, 0, sizeof(*s));
	rc = evidence_open(o->dir, o->argc, o->argv, &c.ev);
	if (rc)
		return rc;
	buf_init(&c.cj, 0);
	c.t0 = step_now();
	c.skip[0] = o->dir;
	c.nsteps = 12;
	evidence_log(c.ev, "profile: %s; budget: %.0f s%s%s", c.full ? "full" : "quick", o->budget,
		     o->dump_suspects ? "; dump suspects" : "",
		     o->freeze_suspects ? "; freeze suspects" : "");
	if ((rc = step_init()))
		evidence_log(c.ev, "the running binary cannot be opened: %s", strerror(-rc));

	/* 1: what changes fastest and says how to read the rest */
	if (may_start(&c, "system", 1))
		step_system(&c);
	/* 2: processes, open files, sockets, and what hides among them */
	{
		char *ps[] = { "ps", "--json", NULL };
		char *sus[] = { "ps", "--suspicious", "--json", NULL };
		char *lsof[] = { "lsof", "--json", NULL };
		char *hid[] = { "hidden", "--json", NULL };
		if (may_start(&c, "ps", 2))
			run_cmd(&c, "ps", 2, 60, "live/ps.jsonl", 0, ps);
		if (may_start(&c, "suspicious", 2))
			run_cmd(&c, "suspicious", 2, 60, "live/suspicious.jsonl", 1, sus);
		if (may_start(&c, "lsof", 2))
			run_cmd(&c, "lsof", 2, 120, "live/lsof.jsonl", 0, lsof);
		if (may_start(&c, "hidden", 2))
			run_cmd(&c, "hidden", 2, 120, "live/hidden.jsonl", 1, hid);
	}
	/* 3: the suspects, while they still run */
	step_suspects(&c);
	/* 4: users and persistence */
	if (may_start(&c, "users", 4))
		step_users(&c);
	if (may_start(&c, "persistence", 4))
		step_persistence(&c);
	if (may_start(&c, "setid", 4))
		step_setid(&c);
	if (may_start(&c, "tmp", 4))
		step_tmp(&c);
	/* 5: the disk against its packages, the file times, the logs */
	if (!c.full) {
		c.idx++;
		record(&c, "verify", 5, "skipped", NULL, NULL,
		       "profile quick (use --profile full)");
	} else if (may_start(&c, "verify", 5)) {
		char *av[] = { "verify", "--packages", "--json", NULL, NULL, NULL };
		if (o->from) {
			av[3] = "--from";
			av[4] = (char *)o->from;
		}
		run_cmd(&c, "verify", 5, 600, "check/verify-packages.jsonl", 1, av);
	}
	if (!c.full) {
		c.idx++;
		record(&c, "timeline", 5, "skipped", NULL, NULL,
		       "profile quick (use --profile full)");
	} else if (!has_command(&c, "timeline")) {
		c.idx++;
		record(&c, "timeline", 5, "skipped", NULL, NULL, "not available in this binary");
	} else if (may_start(&c, "timeline", 5)) {
		char *av[] = { "timeline",  "--format=jsonl", "/etc",
			       "/bin",	    "/sbin",	      "/usr/bin",
			       "/usr/sbin", "/usr/local",     "/usr/lib",
			       "/root",	    "/home",	      "/tmp",
			       "/var/tmp",  "/dev/shm",	      "/var/spool/cron",
			       NULL };
		run_cmd(&c, "timeline", 5, 300, "check/timeline.jsonl", 0, av);
	}
	if (may_start(&c, "logs", 5))
		step_logs(&c);

	if (o->stop && *o->stop)
		s->interrupted = 1;
	if (evidence_add_buf(c.ev, "collect.json", c.cj.data, c.cj.len))
		s->failed++;
	status = s->interrupted						  ? 130
		 : (s->failed || s->partial || s->skipped || s->suspects) ? 1
									  : 0;
	s->seal_err = evidence_close(c.ev, status);
	buf_release(&c.cj);
	return 0;
}
