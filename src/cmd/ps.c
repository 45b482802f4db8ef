/*
 * ps - every process, with flags for what a responder should look at.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmds.h"
#include "lib/hidden/hidden.h"
#include "lib/hold/freeze.h"
#include "lib/proc/proc.h"
#include "lib/proc/suspect.h"
#include "lib/proc/sock.h"
#include "lib/proc/users.h"
#include "util/diag.h"
#include "util/escape.h"
#include "util/opt.h"
#include "util/table.h"
#include "util/xalloc.h"

static const char *const ps_usage[] = {
	"stranger ps [--suspicious] [--json]",
	"",
	"List every process (read with raw getdents64 on /proc, so a rootkit that",
	"hooks readdir hides nothing) with FLAGS: exe_deleted, name_mismatch,",
	"listening, preload, hidden (hidden also: something is mounted over its",
	"/proc/PID); frozen marks a process held by `stranger freeze` or stopped,",
	"unreadable one whose details could not be read (not root): its flags are",
	"unknown, null in --json.  --suspicious lists flagged processes only and",
	"exits 1 if there are any, 3 if none but some could not be checked.",
	NULL,
};

static const struct table_col cols[] = {
	{ "PID", TABLE_RIGHT },	 { "PPID", TABLE_RIGHT }, { "USER", TABLE_LEFT },
	{ "UID", TABLE_RIGHT },	 { "STAT", TABLE_LEFT },  { "START", TABLE_LEFT },
	{ "TIME", TABLE_RIGHT }, { "FLAGS", TABLE_LEFT }, { "COMMAND", TABLE_LEFT },
};

struct ps_ctx {
	int json, suspicious;
	struct users users;
	struct sock_table socks;
	long long boot;
	long ticks;
	struct table table;
	struct buf out;
	size_t flagged, unreadable;
	pid_t *covered; /* something mounted over /proc/PID */
	size_t ncovered;
};

static void fmt_start(struct buf *b, long long when, int iso)
{
	time_t t = (time_t)when, now = time(NULL);
	struct tm tm, tn;
	char tmp[32];
	gmtime_r(&t, &tm);
	gmtime_r(&now, &tn);
	if (iso)
		strftime(tmp, sizeof(tmp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	else if (tm.tm_yday == tn.tm_yday && tm.tm_year == tn.tm_year)
		strftime(tmp, sizeof(tmp), "%H:%M:%S", &tm);
	else
		strftime(tmp, sizeof(tmp), "%Y-%m-%d", &tm);
	buf_addstr(b, tmp);
}

/* ps_covered - the row of a process whose /proc/PID is covered by a mount */
static void ps_covered(struct ps_ctx *c, pid_t pid, unsigned f)
{
	char pidstr[16];

	c->flagged++;
	if (c->json) {
		struct json j;
		const char *fl[SUSPECT_NFLAGS];
		size_t nf = 0;
		for (int i = 0; i < SUSPECT_NFLAGS; i++)
			if (f & (1u << i))
				fl[nf++] = suspect_flag_names[i];
		json_begin(&j, &c->out);
		json_int(&j, "pid", pid);
		json_null(&j, "ppid");
		json_null(&j, "exe");
		json_null(&j, "exe_deleted");
		json_null(&j, "cmdline");
		json_strv(&j, "flags", fl, nf);
		json_end(&j);
	} else {
		const char *cells[9] = { pidstr,
					 "?",
					 "?",
					 "?",
					 "?",
					 "?",
					 "?",
					 "hidden,unreadable",
					 "? (something is mounted over /proc/PID)" };
		snprintf(pidstr, sizeof(pidstr), "%d", (int)pid);
		table_add(&c->table, cells);
	}
}

static void ps_one(struct ps_ctx *c, pid_t pid, unsigned f)
{
	struct buf statb = BUF_INIT, statusb = BUF_INIT, cmdline = BUF_INIT;
	struct buf cmd = BUF_INIT, user = BUF_INIT, flags = BUF_INIT, start = BUF_INIT;
	struct proc_stat st;
	struct proc_status sts;
	struct suspect sus;
	int procfd = proc_open(pid), kthread, checked = 0;
	unsigned uid;
	char pidstr[16], ppidstr[16], uidstr[16], statestr[4], timestr[32];

	if (procfd < 0)
		return;
	for (size_t i = 0; i < c->ncovered; i++)
		if (c->covered[i] == pid)
			f |= SUSPECT_HIDDEN;
	if (proc_read_at(procfd, "stat", &statb) || proc_parse_stat(statb.data, statb.len, &st) ||
	    proc_read_at(procfd, "status", &statusb) ||
	    proc_parse_status(statusb.data, statusb.len, &sts)) {
		/* gone while we looked; or hidden under a mount: said */
		if ((f & SUSPECT_HIDDEN) && (!kill(pid, 0) || errno == EPERM))
			ps_covered(c, pid, f | SUSPECT_UNREADABLE);
		goto out;
	}
	kthread = proc_is_kthread(&st);
	uid = sts.uid[0];
	proc_read_at(procfd, "cmdline", &cmdline);
	suspect_check(&sus, pid, procfd, &st, &cmdline, &c->socks);
	checked = 1;
	f |= sus.flags;
	{
		enum freeze_method fm;
		if (!freeze_query(pid, &fm) && fm != FREEZE_NONE)
			f |= SUSPECT_FROZEN;
	}
	if (f & SUSPECT_UNREADABLE)
		c->unreadable++;
	if (c->suspicious && !(f & SUSPECT_SUSPICIOUS))
		goto out;
	if (f & SUSPECT_SUSPICIOUS)
		c->flagged++;

	/* COMMAND: argv joined by spaces, or [comm] when there is none */
	if (kthread || !cmdline.len) {
		buf_addc(&cmd, '[');
		escape_bytes(&cmd, st.comm, st.comm_len);
		buf_addc(&cmd, ']');
	} else {
		size_t len = cmdline.len;
		while (len && cmdline.data[len - 1] == '\0')
			len--;
		for (size_t i = 0; i < len; i++) {
			if (cmdline.data[i] == '\0')
				buf_addc(&cmd, ' ');
			else
				escape_bytes(&cmd, cmdline.data + i, 1);
		}
	}
	{
		const char *nm = users_name(&c->users, uid);
		if (nm)
			escape_str(&user, nm);
		else
			buf_addu(&user, uid);
	}
	for (int i = 0; i < SUSPECT_NFLAGS; i++)
		if (f & (1u << i)) {
			if (flags.len)
				buf_addc(&flags, ',');
			buf_addstr(&flags, suspect_flag_names[i]);
		}
	{
		unsigned long long secs = (st.utime + st.stime) / (unsigned long long)c->ticks;
		snprintf(timestr, sizeof(timestr), "%02llu:%02llu:%02llu", secs / 3600,
			 secs / 60 % 60, secs % 60);
	}
	if (c->json) {
		struct json j;
		const char *fl[SUSPECT_NFLAGS];
		size_t nf = 0;
		for (int i = 0; i < SUSPECT_NFLAGS; i++)
			if (f & (1u << i))
				fl[nf++] = suspect_flag_names[i];
		fmt_start(&start,
			  c->boot + (long long)(st.starttime / (unsigned long long)c->ticks), 1);
		json_begin(&j, &c->out);
		json_int(&j, "pid", pid);
		json_int(&j, "ppid", st.ppid);
		json_uint(&j, "uid", uid);
		{
			/* json_str escapes: the raw bytes, not the table's */
			const char *nm = users_name(&c->users, uid);
			if (nm)
				json_cstr(&j, "user", nm);
			else
				json_null(&j, "user");
		}
		json_str(&j, "comm", st.comm, st.comm_len);
		if (sus.exe.len)
			json_str(&j, "exe", sus.exe.data, sus.exe.len);
		else
			json_null(&j, "exe");
		if (f & SUSPECT_UNREADABLE)
			json_null(&j, "exe_deleted"); /* unknown, not false */
		else
			json_bool(&j, "exe_deleted", sus.exe_deleted);
		{
			/* the raw bytes (json_str escapes them once): cmdline
			 * joined by spaces, argv one string each */
			struct buf raw = BUF_INIT;
			const char **av = NULL;
			size_t na = 0, len = cmdline.len;
			while (len && cmdline.data[len - 1] == '\0')
				len--;
			for (size_t i = 0; i < len; i++)
				buf_addc(&raw, cmdline.data[i] ? cmdline.data[i] : ' ');
			if (kthread || !len)
				json_null(&j, "cmdline");
			else
				json_str(&j, "cmdline", raw.data, raw.len);
			if (len)
				cmdline.data[len] = '\0';
			for (size_t i = 0; i < len; i += strlen(cmdline.data + i) + 1) {
				av = xreallocarray(av, na + 1, sizeof(*av));
				av[na++] = cmdline.data + i;
			}
			json_strv(&j, "argv", av, na);
			free(av);
			buf_release(&raw);
		}
		json_raw(
		    &j, "state",
		    (char[]){ '"', st.state >= 'A' && st.state <= 'z' ? st.state : '?', '"', 0 });
		json_cstr(&j, "start", start.data);
		json_uint(&j, "cpu_seconds", (st.utime + st.stime) / (unsigned long long)c->ticks);
		json_int(&j, "threads", st.num_threads);
		json_bool(&j, "kernel_thread", kthread);
		json_strv(&j, "listening", (const char *const *)sus.listening, sus.nlisten);
		json_strv(&j, "flags", fl, nf);
		json_end(&j);
	} else {
		const char *cells[9];
		fmt_start(&start,
			  c->boot + (long long)(st.starttime / (unsigned long long)c->ticks), 0);
		snprintf(pidstr, sizeof(pidstr), "%d", (int)pid);
		snprintf(ppidstr, sizeof(ppidstr), "%d", (int)st.ppid);
		snprintf(uidstr, sizeof(uidstr), "%u", uid);
		statestr[0] = st.state >= 'A' && st.state <= 'z' ? st.state : '?';
		statestr[1] = '\0';
		cells[0] = pidstr;
		cells[1] = ppidstr;
		cells[2] = user.data;
		cells[3] = uidstr;
		cells[4] = statestr;
		cells[5] = start.data;
		cells[6] = timestr;
		cells[7] = flags.len ? flags.data : "-";
		cells[8] = cmd.data;
		table_add(&c->table, cells);
	}
out:
	if (checked)
		suspect_release(&sus);
	close(procfd);
	buf_release(&statb);
	buf_release(&statusb);
	buf_release(&cmdline);
	buf_release(&cmd);
	buf_release(&user);
	buf_release(&flags);
	buf_release(&start);
}

int cmd_ps(int argc, char **argv)
{
	struct ps_ctx c;
	const struct opt opts[] = {
		OPT_BOOL(0, "suspicious", &c.suspicious, "only flagged processes; exit 1 if any"),
		OPT_BOOL(0, "json", &c.json, "JSON Lines, one object per process"),
		OPT_END(),
	};
	pid_t *pids;
	size_t n;
	int rc;

	memset(&c, 0, sizeof(c));
	argc = opt_parse(argc, argv, opts, ps_usage, 0);
	if (argc)
		opt_usage_error(ps_usage, "unexpected argument");
	if ((rc = proc_list(&pids, &n)))
		die("/proc: %s", strerror(-rc));
	users_load(&c.users, "/etc/passwd");
	{
		/* a mount over /proc/PID hides a process from what reads it */
		struct hidden_report r;
		struct buf mi = BUF_INIT;
		hidden_report_init(&r);
		if (!buf_read_at(&mi, AT_FDCWD, "/proc/self/mountinfo", 0))
			hidden_mounts_parse(mi.data, mi.len, &r);
		for (size_t i = 0; i < r.n; i++)
			if (r.v[i].pid) {
				c.covered = xreallocarray(c.covered, c.ncovered + 1, sizeof(pid_t));
				c.covered[c.ncovered++] = r.v[i].pid;
			}
		hidden_report_release(&r);
		buf_release(&mi);
	}
	if (sock_table_load(&c.socks))
		warning("socket tables unreadable; the listening flag may be missing");
	c.boot = proc_boot_time();
	c.ticks = proc_clock_ticks();
	table_init(&c.table, cols, sizeof(cols) / sizeof(cols[0]));
	buf_init(&c.out, 0);
	for (size_t i = 0; i < n; i++)
		ps_one(&c, pids[i], 0);
	{
		/* processes the probes find and the /proc listing does not */
		pid_t *hid = NULL;
		size_t nh = 0;
		if (!hidden_pids(NULL, &hid, &nh))
			for (size_t i = 0; i < nh; i++)
				ps_one(&c, hid[i], SUSPECT_HIDDEN);
		free(hid);
	}
	if (c.json)
		fwrite(c.out.data, 1, c.out.len, stdout);
	else if (c.table.nrows || !c.suspicious)
		table_print(&c.table, stdout);
	table_release(&c.table);
	buf_release(&c.out);
	sock_table_release(&c.socks);
	users_release(&c.users);
	free(pids);
	free(c.covered);
	if (!c.suspicious)
		return 0; /* a listing: the rows say `unreadable` */
	if (c.unreadable)
		warning("%zu process(es) could not be checked (permission denied)", c.unreadable);
	if (c.flagged)
		return 1;
	return c.unreadable ? 3 : 0;
}
