#include "lib/timeline/live.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <netinet/in.h>
#include <unistd.h>

#include "lib/proc/files.h"
#include "lib/proc/proc.h"
#include "lib/proc/sock.h"
#include "lib/timeline/files.h"
#include "util/escape.h"
#include "util/xalloc.h"

struct live {
	int (*emit)(const struct tl_event *e, void *ctx);
	void *ctx;
	struct buf *notes;
	unsigned *partial;
	long long boot;
	long hz;
	struct sock_table socks;
	int have_socks;
};

static void note(struct live *l, const char *fmt, const char *what, int err)
{
	buf_addf(l->notes, fmt, what);
	buf_addf(l->notes, ": %s\n", strerror(-err));
	(*l->partial)++;
}

static const char suffix[] = " (deleted)";

/* a deleted file held by the process: emit its inode times */
static int held(struct live *l, int procfd, const char *link_at, const struct buf *target,
		pid_t pid, unsigned long long *seen, size_t *nseen)
{
	struct statx sx;
	struct tl_event e;
	size_t n = target->len, sl = sizeof(suffix) - 1;

	if (statx(procfd, link_at, AT_STATX_DONT_SYNC, STATX_BASIC_STATS | STATX_BTIME, &sx))
		return 0;
	if (!S_ISREG(sx.stx_mode) || sx.stx_nlink != 0)
		return 0;
	for (size_t i = 0; i < *nseen; i++)
		if (seen[i] == sx.stx_ino)
			return 0;
	if (*nseen < 256)
		seen[(*nseen)++] = sx.stx_ino;
	if (n >= sl && !memcmp(target->data + n - sl, suffix, sl))
		n -= sl;
	memset(&e, 0, sizeof(e));
	tl_event_from_statx(&e, &sx);
	e.name = target->data;
	e.name_len = n;
	e.deleted = 1;
	e.pid = pid;
	return l->emit(&e, l->ctx);
}

static int deleted_files(struct live *l, int procfd, pid_t pid)
{
	unsigned long long seen[256];
	size_t nseen = 0;
	struct buf link = BUF_INIT, maps = BUF_INIT;
	int rc = 0, dfd, *fds = NULL;
	size_t nfds = 0;
	char at[64];

	if (!proc_readlink_at(procfd, "exe", &link))
		rc = held(l, procfd, "exe", &link, pid, seen, &nseen);
	dfd = openat(procfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0 && !proc_list_fds(dfd, &fds, &nfds)) {
		for (size_t i = 0; i < nfds && !rc; i++) {
			snprintf(at, sizeof(at), "fd/%d", fds[i]);
			buf_reset(&link);
			if (!proc_readlink_at(procfd, at, &link) && link.len && link.data[0] == '/')
				rc = held(l, procfd, at, &link, pid, seen, &nseen);
		}
	}
	free(fds);
	if (dfd >= 0)
		close(dfd);
	if (!rc && !proc_read_at(procfd, "maps", &maps)) {
		struct proc_map m;
		size_t pos = 0;
		while (!rc && proc_maps_next(maps.data, maps.len, &pos, &m) == 1) {
			if (!m.deleted || !m.path_len || m.path[0] != '/')
				continue;
			snprintf(at, sizeof(at), "map_files/%llx-%llx", m.start, m.end);
			buf_reset(&link);
			buf_add(&link, m.path, m.path_len);
			rc = held(l, procfd, at, &link, pid, seen, &nseen);
		}
	}
	buf_release(&link);
	buf_release(&maps);
	return rc;
}

static int listening(struct live *l, int procfd, pid_t pid, const struct proc_stat *st,
		     const struct tl_time *start, long long uid)
{
	unsigned long long *ino = NULL;
	size_t n = 0;
	int rc = 0;
	struct buf msg = BUF_INIT;

	if (!l->have_socks || files_socket_inodes(procfd, &ino, &n))
		return 0;
	for (size_t i = 0; i < n && !rc; i++) {
		const struct sock_entry *se = sock_find(&l->socks, ino[i]);
		if (!se || !sock_is_listening(se) || se->family == AF_UNIX)
			continue;
		struct tl_event e;
		buf_reset(&msg);
		buf_addf(&msg, "listen %s ", se->proto == IPPROTO_UDP ? "udp" : "tcp");
		sock_addr_format(&msg, se->family, se->laddr, se->lport);
		buf_addf(&msg, " by %d ", (int)pid);
		buf_add(&msg, st->comm, st->comm_len);
		memset(&e, 0, sizeof(e));
		e.kind = TL_LISTEN;
		e.t[TL_M] = *start;
		e.name = msg.data;
		e.name_len = msg.len;
		e.inode = se->inode;
		e.desc = "Listening Socket Holder Start";
		e.pid = pid;
		e.uid = uid;
		e.gid = -1;
		rc = l->emit(&e, l->ctx);
	}
	free(ino);
	buf_release(&msg);
	return rc;
}

static int one_process(struct live *l, pid_t pid)
{
	struct buf b = BUF_INIT, exe = BUF_INIT, msg = BUF_INIT;
	struct proc_stat st;
	struct proc_status ps;
	struct tl_event e;
	int procfd, rc = 0;
	char name[32];

	procfd = proc_open(pid);
	if (procfd < 0)
		return 0; /* gone */
	if (proc_read_at(procfd, "stat", &b) || proc_parse_stat(b.data, b.len, &st)) {
		close(procfd);
		buf_release(&b);
		return 0;
	}
	buf_reset(&b);
	long long uid = -1;
	if (!proc_read_at(procfd, "status", &b) && !proc_parse_status(b.data, b.len, &ps) &&
	    ps.have_uid)
		uid = ps.uid[0];
	int ek = proc_readlink_at(procfd, "exe", &exe);
	struct tl_time start = { l->boot + (long long)(st.starttime / (unsigned long long)l->hz),
				 (long)(st.starttime % (unsigned long long)l->hz) *
				     (1000000000L / l->hz),
				 1 };
	snprintf(name, sizeof(name), "process start %d ", (int)pid);
	buf_addstr(&msg, name);
	buf_add(&msg, st.comm, st.comm_len);
	if (!ek) {
		buf_addc(&msg, ' ');
		buf_add(&msg, exe.data, exe.len);
	}
	memset(&e, 0, sizeof(e));
	e.kind = TL_PROCESS;
	e.t[TL_M] = start;
	e.name = msg.data;
	e.name_len = msg.len;
	e.desc = "Process Start";
	e.pid = pid;
	e.uid = uid;
	e.gid = -1;
	rc = l->emit(&e, l->ctx);
	if (!rc && !proc_is_kthread(&st)) {
		rc = deleted_files(l, procfd, pid);
		if (!rc)
			rc = listening(l, procfd, pid, &st, &start, uid);
	}
	close(procfd);
	buf_release(&b);
	buf_release(&exe);
	buf_release(&msg);
	return rc;
}

int tl_live(int (*emit)(const struct tl_event *e, void *ctx), void *ctx, struct buf *notes,
	    unsigned *partial)
{
	struct live l;
	struct tl_event e;
	struct utsname u;
	struct buf msg = BUF_INIT;
	pid_t *pids = NULL;
	size_t n = 0;
	int rc;

	memset(&l, 0, sizeof(l));
	l.emit = emit;
	l.ctx = ctx;
	l.notes = notes;
	l.partial = partial;
	l.boot = proc_boot_time();
	l.hz = proc_clock_ticks();
	if (l.hz <= 0)
		l.hz = 100;
	if (!l.boot) {
		note(&l, "%s", "boot time (/proc/stat)", -ENODATA);
	} else {
		buf_addstr(&msg, "boot");
		if (!uname(&u)) {
			buf_addstr(&msg, " Linux ");
			buf_addstr(&msg, u.release);
		}
		memset(&e, 0, sizeof(e));
		e.kind = TL_BOOT;
		e.t[TL_M].sec = l.boot;
		e.t[TL_M].set = 1;
		e.name = msg.data;
		e.name_len = msg.len;
		e.desc = "Boot Time";
		e.uid = e.gid = -1;
		if ((rc = emit(&e, ctx)))
			goto out;
	}
	sock_table_init(&l.socks);
	rc = sock_table_load(&l.socks);
	if (rc)
		note(&l, "%s", "socket tables", rc);
	else
		l.have_socks = 1;
	rc = proc_list(&pids, &n);
	if (rc) {
		note(&l, "%s", "process list (/proc)", rc);
		rc = 0;
	}
	for (size_t i = 0; i < n && !rc; i++)
		rc = one_process(&l, pids[i]);
	free(pids);
	sock_table_release(&l.socks);
out:
	buf_release(&msg);
	return rc;
}
