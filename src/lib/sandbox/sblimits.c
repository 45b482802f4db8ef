/*
 * sblimits - the sandbox's cgroups.  See sblimits.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/sandbox/sblimits.h"
#include "util/xalloc.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int sblimits_write(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), rc = 0;
	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

int sblimits_read(const char *path, char *out, size_t n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t k;
	if (fd < 0)
		return -errno;
	k = read(fd, out, n - 1);
	close(fd);
	if (k < 0)
		return -errno;
	out[k] = '\0';
	return 0;
}

/* the number after `key ` in a "key value" file, or 0 */
static unsigned long long read_keyed(const char *path, const char *key)
{
	char b[4096], *p;
	size_t kl = strlen(key);
	if (sblimits_read(path, b, sizeof(b)))
		return 0;
	for (p = b; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, kl) && p[kl] == ' ')
			return strtoull(p + kl + 1, NULL, 10);
	return 0;
}

static unsigned long long read_num(const char *path)
{
	char b[64];
	if (sblimits_read(path, b, sizeof(b)))
		return 0;
	return strtoull(b, NULL, 10);
}

/* ---- cgroups ---- */

static const char *const cg_names[SBL_N] = { "memory", "pids", "cpu", "freezer" };

/* find cgroup mounts in /proc/self/mountinfo */
static void cg_mounts(char v1[SBL_N][256], char *v2, size_t v2len)
{
	struct buf mi = BUF_INIT;
	char *line, *nl;
	if (buf_read_at(&mi, AT_FDCWD, "/proc/self/mountinfo", 0))
		return;
	for (line = mi.data; line && *line; line = nl ? nl + 1 : NULL) {
		char *f[12], *sep, *save = NULL, *tok;
		int nf = 0;
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		sep = strstr(line, " - ");
		if (!sep)
			continue;
		*sep = '\0';
		for (tok = strtok_r(line, " ", &save); tok && nf < 6;
		     tok = strtok_r(NULL, " ", &save))
			f[nf++] = tok;
		if (nf < 5 || strchr(f[4], '\\'))
			continue;
		save = NULL;
		tok = strtok_r(sep + 3, " ", &save); /* fstype */
		if (!tok)
			continue;
		if (!strcmp(tok, "cgroup2")) {
			if (!*v2)
				snprintf(v2, v2len, "%s", f[4]);
			continue;
		}
		if (strcmp(tok, "cgroup"))
			continue;
		strtok_r(NULL, " ", &save);	  /* source */
		tok = strtok_r(NULL, " ", &save); /* super options */
		for (char *o = tok ? strtok_r(tok, ",", &save) : NULL; o;
		     o = strtok_r(NULL, ",", &save))
			for (int c = 0; c < SBL_N; c++)
				if (!strcmp(o, cg_names[c]) && !v1[c][0])
					snprintf(v1[c], 256, "%s", f[4]);
	}
	buf_release(&mi);
}

/*
 * A supervisor killed outright (SIGKILL) takes its sandbox with it (PID 1
 * has PR_SET_PDEATHSIG) but leaves the empty cgroups: remove those whose
 * supervisor is gone.
 */
static void cg_sweep(const char *mnt)
{
	DIR *d = opendir(mnt);
	struct dirent *de;
	char p[512];
	if (!d)
		return;
	while ((de = readdir(d))) {
		long pid;
		if (strncmp(de->d_name, "stranger.sandbox.", 17))
			continue;
		pid = strtol(de->d_name + 17, NULL, 10);
		if (pid <= 0 || (kill((pid_t)pid, 0) && errno == ESRCH)) {
			if (snprintf(p, sizeof(p), "%s/%s", mnt, de->d_name) < (int)sizeof(p))
				rmdir(p);
		}
	}
	closedir(d);
}

int sblimits_create(struct sblimits *cg, const struct sandbox_opts *o, struct buf *why)
{
	char mnt[SBL_N][256] = { { 0 } }, v2m[256] = "", name[64], p[512], v[64];
	int rc;

	memset(cg, 0, sizeof(*cg));
	cg_mounts(mnt, v2m, sizeof(v2m));
	for (int c = 0; c < SBL_N; c++)
		if (mnt[c][0])
			cg_sweep(mnt[c]);
	if (v2m[0])
		cg_sweep(v2m);
	snprintf(name, sizeof(name), "stranger.sandbox.%d.%ld", (int)getpid(),
		 (long)(now_s() * 1000) % 100000000);
	if (v2m[0]) {
		snprintf(cg->v2, sizeof(cg->v2), "%s/%s", v2m, name);
		if (mkdir(cg->v2, 0700)) {
			buf_addf(why, "%s: mkdir", cg->v2);
			return -errno;
		}
		cg->v2_made = 1;
	}
	if (mnt[SBL_MEMORY][0] && mnt[SBL_PIDS][0] && mnt[SBL_FREEZER][0]) {
		cg->v1 = 1;
		for (int c = 0; c < SBL_N; c++) {
			if (!mnt[c][0])
				continue;
			if (snprintf(cg->dir[c], sizeof(cg->dir[c]), "%s/%s", mnt[c], name) >=
			    (int)sizeof(cg->dir[c])) {
				buf_addf(why, "%s: path too long", mnt[c]);
				return -ENAMETOOLONG;
			}
			if (mkdir(cg->dir[c], 0700)) {
				buf_addf(why, "%s: mkdir", cg->dir[c]);
				return -errno;
			}
			cg->made[c] = 1;
		}
	} else if (cg->v2[0]) {
		/* v2 controllers: enable them for the children of the root */
		snprintf(p, sizeof(p), "%s/cgroup.subtree_control", v2m);
		sblimits_write(p, "+memory +pids +cpu");
		for (int c = 0; c < SBL_N; c++)
			snprintf(cg->dir[c], sizeof(cg->dir[c]), "%s", cg->v2);
	} else {
		buf_addstr(why, "no cgroup hierarchy is mounted");
		return -ENOENT;
	}

	if (o->memory) {
		snprintf(v, sizeof(v), "%llu", o->memory);
		snprintf(p, sizeof(p), "%s/%s", cg->dir[SBL_MEMORY],
			 cg->v1 ? "memory.limit_in_bytes" : "memory.max");
		if ((rc = sblimits_write(p, v))) {
			buf_addf(why, "%s", p);
			return rc;
		}
		/* no swapping around the limit */
		snprintf(p, sizeof(p), "%s/%s", cg->dir[SBL_MEMORY],
			 cg->v1 ? "memory.memsw.limit_in_bytes" : "memory.swap.max");
		sblimits_write(p, cg->v1 ? v : "0");
		if (cg->v1) {
			snprintf(p, sizeof(p), "%s/memory.swappiness", cg->dir[SBL_MEMORY]);
			sblimits_write(p, "0");
		}
	}
	if (o->pids) {
		snprintf(v, sizeof(v), "%ld", o->pids);
		snprintf(p, sizeof(p), "%s/pids.max", cg->dir[SBL_PIDS]);
		if ((rc = sblimits_write(p, v))) {
			buf_addf(why, "%s", p);
			return rc;
		}
	}
	if (o->cpu_percent && cg->dir[SBL_CPU][0]) {
		long quota = o->cpu_percent * 1000; /* of a 100 ms period */
		if (cg->v1) {
			snprintf(p, sizeof(p), "%s/cpu.cfs_period_us", cg->dir[SBL_CPU]);
			sblimits_write(p, "100000");
			snprintf(p, sizeof(p), "%s/cpu.cfs_quota_us", cg->dir[SBL_CPU]);
			snprintf(v, sizeof(v), "%ld", quota);
		} else {
			snprintf(p, sizeof(p), "%s/cpu.max", cg->dir[SBL_CPU]);
			snprintf(v, sizeof(v), "%ld 100000", quota);
		}
		if ((rc = sblimits_write(p, v))) {
			buf_addf(why, "%s", p);
			return rc;
		}
	}
	return 0;
}

int sblimits_join(struct sblimits *cg, pid_t pid, struct buf *why)
{
	char p[512], v[32];
	int rc;
	snprintf(v, sizeof(v), "%d", (int)pid);
	for (int c = 0; cg->v1 && c < SBL_N; c++) {
		if (!cg->dir[c][0])
			continue;
		snprintf(p, sizeof(p), "%s/cgroup.procs", cg->dir[c]);
		if ((rc = sblimits_write(p, v))) {
			buf_addf(why, "%s", p);
			return rc;
		}
	}
	if (cg->v2[0]) {
		snprintf(p, sizeof(p), "%s/cgroup.procs", cg->v2);
		if ((rc = sblimits_write(p, v))) {
			buf_addf(why, "%s", p);
			return rc;
		}
	}
	return 0;
}

void sblimits_sample(struct sblimits *cg, struct sandbox_result *r)
{
	char p[512];
	long n;
	snprintf(p, sizeof(p), "%s/pids.current", cg->dir[SBL_PIDS]);
	n = (long)read_num(p);
	if (n > r->pids_peak)
		r->pids_peak = n;
}

void sblimits_stats(struct sblimits *cg, struct sandbox_result *r)
{
	char p[512];
	unsigned long long v;
	snprintf(r->cgroup_kind, sizeof(r->cgroup_kind), "%s", cg->v1 ? "v1" : "v2");
	if (cg->v1) {
		snprintf(p, sizeof(p), "%s/memory.max_usage_in_bytes", cg->dir[SBL_MEMORY]);
		r->mem_peak = read_num(p);
		snprintf(p, sizeof(p), "%s/memory.failcnt", cg->dir[SBL_MEMORY]);
		r->mem_limit_hits = read_num(p);
		snprintf(p, sizeof(p), "%s/memory.oom_control", cg->dir[SBL_MEMORY]);
		r->oom_kills = read_keyed(p, "oom_kill");
	} else {
		snprintf(p, sizeof(p), "%s/memory.peak", cg->dir[SBL_MEMORY]);
		r->mem_peak = read_num(p);
		snprintf(p, sizeof(p), "%s/memory.events", cg->dir[SBL_MEMORY]);
		r->mem_limit_hits = read_keyed(p, "max");
		r->oom_kills = read_keyed(p, "oom_kill");
		snprintf(p, sizeof(p), "%s/pids.peak", cg->dir[SBL_PIDS]);
		v = read_num(p);
		if ((long)v > r->pids_peak)
			r->pids_peak = (long)v;
	}
	snprintf(p, sizeof(p), "%s/pids.events", cg->dir[SBL_PIDS]);
	r->pids_limit_hits = read_keyed(p, "max");
	/* sampling may miss the top; a refused fork says it was reached */
	if (r->pids_limit_hits) {
		snprintf(p, sizeof(p), "%s/pids.max", cg->dir[SBL_PIDS]);
		v = read_num(p);
		if ((long)v > r->pids_peak)
			r->pids_peak = (long)v;
	}
}

/* sblimits_freeze - freeze (on) or thaw the whole sandbox; 0 once it is so */
int sblimits_freeze(struct sblimits *cg, int on)
{
	char p[512], b[128];
	int rc;
	if (cg->v1) {
		snprintf(p, sizeof(p), "%s/freezer.state", cg->dir[SBL_FREEZER]);
		if ((rc = sblimits_write(p, on ? "FROZEN" : "THAWED")))
			return rc;
	} else {
		snprintf(p, sizeof(p), "%s/cgroup.freeze", cg->v2);
		if ((rc = sblimits_write(p, on ? "1" : "0")))
			return rc;
		snprintf(p, sizeof(p), "%s/cgroup.events", cg->v2);
	}
	for (int i = 0; on && i < 200; i++) {
		if (sblimits_read(p, b, sizeof(b)))
			return -EIO;
		if (cg->v1 ? !strncmp(b, "FROZEN", 6) : strstr(b, "frozen 1") != NULL)
			return 0;
		usleep(10000);
	}
	return on ? -ETIMEDOUT : 0;
}

/* every process in the sandbox's cgroup */
size_t sblimits_procs(struct sblimits *cg, pid_t **out)
{
	struct buf b = BUF_INIT;
	char p[512];
	size_t n = 0, cap = 0;
	pid_t *v = NULL;
	snprintf(p, sizeof(p), "%s/cgroup.procs", cg->v1 ? cg->dir[SBL_FREEZER] : cg->v2);
	if (!buf_read_at(&b, AT_FDCWD, p, 0))
		for (char *s = b.data, *e; *s; s = e) {
			long pid = strtol(s, &e, 10);
			if (e == s)
				break;
			if (n == cap)
				v = xreallocarray(v, cap = cap ? cap * 2 : 16, sizeof(*v));
			v[n++] = (pid_t)pid;
		}
	buf_release(&b);
	*out = v;
	return n;
}

void sblimits_remove(struct sblimits *cg)
{
	for (int i = 0; i < 100; i++) {
		int busy = 0;
		for (int c = 0; c < SBL_N; c++)
			if (cg->made[c]) {
				if (!rmdir(cg->dir[c]) || errno == ENOENT)
					cg->made[c] = 0;
				else
					busy = 1;
			}
		if (cg->v2_made) {
			if (!rmdir(cg->v2) || errno == ENOENT)
				cg->v2_made = 0;
			else
				busy = 1;
		}
		if (!busy)
			return;
		usleep(10000);
	}
}
