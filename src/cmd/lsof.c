/*
 * lsof - open files, sockets and mappings, as `lsof -n -P` shows them.
 */
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmds.h"
#include "lib/proc/files.h"
#include "lib/proc/proc.h"
#include "lib/proc/sock.h"
#include "lib/proc/users.h"
#include "util/diag.h"
#include "util/escape.h"
#include "util/opt.h"
#include "util/table.h"
#include "util/xalloc.h"

static const char *const lsof_usage[] = {
	"stranger lsof [--json] [PID...]",
	"",
	"List what processes hold open: cwd, root, executable, mapped files",
	"(mem; DEL when deleted), numbered fds with mode r/w/u, sockets as",
	"`lsof -n -P` names them.  No PID: every process.",
	NULL,
};

static const struct table_col cols[] = {
	{ "COMMAND", TABLE_LEFT },   { "PID", TABLE_RIGHT },  { "USER", TABLE_LEFT },
	{ "FD", TABLE_RIGHT },	     { "TYPE", TABLE_RIGHT }, { "DEVICE", TABLE_RIGHT },
	{ "SIZE/OFF", TABLE_RIGHT }, { "NODE", TABLE_RIGHT }, { "NAME", TABLE_LEFT },
};

struct lsof_ctx {
	int json;
	struct users users;
	struct sock_table socks;
};

/* What one process holds, collected by a worker, printed in PID order. */
struct lsof_proc {
	pid_t pid;
	char pidstr[16];
	int rc;
	unsigned uid;
	struct buf comm, comm_raw, user;
	struct file_list files;
};

static void lsof_collect(const struct lsof_ctx *c, struct lsof_proc *p)
{
	struct buf statb = BUF_INIT;
	struct proc_stat st;
	struct stat pst;
	int procfd = proc_open(p->pid);

	buf_init(&p->comm, 0);
	buf_init(&p->comm_raw, 0);
	buf_init(&p->user, 0);
	if (procfd < 0) {
		p->rc = procfd;
		return;
	}
	if (proc_read_at(procfd, "stat", &statb) || proc_parse_stat(statb.data, statb.len, &st) ||
	    fstat(procfd, &pst)) {
		p->rc = -ESRCH;
		goto out;
	}
	/* lsof's USER is the owner of /proc/PID */
	p->uid = pst.st_uid;
	escape_bytes_nospace(&p->comm, st.comm, st.comm_len);
	buf_add(&p->comm_raw, st.comm, st.comm_len);
	{
		const char *name = users_name(&c->users, pst.st_uid);
		if (name)
			escape_str(&p->user, name);
		else
			buf_addu(&p->user, pst.st_uid);
	}
	p->rc = files_list(procfd, FILES_ALL, &c->socks, &p->files, NULL);
out:
	close(procfd);
	buf_release(&statb);
}

static void lsof_emit(struct lsof_proc *p, int json, struct table *t, struct buf *out)
{
	const char *pidstr = p->pidstr;
	snprintf(p->pidstr, sizeof(p->pidstr), "%d", (int)p->pid);
	for (size_t i = 0; i < p->files.n; i++) {
		const struct file_rec *r = &p->files.v[i];
		if (json) {
			struct json j;
			struct buf q = BUF_INIT;
			json_begin(&j, out);
			json_str(&j, "command", p->comm_raw.data, p->comm_raw.len);
			json_int(&j, "pid", p->pid);
			json_str(&j, "user", p->user.data, p->user.len);
			json_uint(&j, "uid", p->uid);
			json_cstr(&j, "fd", r->fd);
			json_cstr(&j, "type", r->type);
			json_cstr(&j, "device", r->device);
			json_cstr(&j, "size_off", r->size_off);
			json_cstr(&j, "node", r->node);
			/* name is already escaped: JSON-quote it as is */
			escape_json(&q, r->name, strlen(r->name));
			json_raw(&j, "name", q.data);
			buf_release(&q);
			json_bool(&j, "deleted", r->deleted);
			json_end(&j);
		} else {
			const char *cells[] = { p->comm.data, pidstr,  p->user.data,
						r->fd,	      r->type, r->device,
						r->size_off,  r->node, r->name };
			table_add(t, cells);
		}
	}
}

static void lsof_proc_release(struct lsof_proc *p)
{
	files_release(&p->files);
	buf_release(&p->comm);
	buf_release(&p->comm_raw);
	buf_release(&p->user);
}

/* Workers take batches of processes from a shared counter. */
struct lsof_work {
	const struct lsof_ctx *c;
	struct lsof_proc *procs;
	size_t n;
	size_t next; /* atomic */
};

enum { LSOF_BATCH = 16 };

static void *lsof_worker(void *arg)
{
	struct lsof_work *w = arg;
	for (;;) {
		size_t i = __atomic_fetch_add(&w->next, LSOF_BATCH, __ATOMIC_RELAXED);
		if (i >= w->n)
			break;
		for (size_t k = i; k < i + LSOF_BATCH && k < w->n; k++)
			lsof_collect(w->c, &w->procs[k]);
	}
	return NULL;
}

int cmd_lsof(int argc, char **argv)
{
	struct lsof_ctx c;
	const struct opt opts[] = {
		OPT_BOOL(0, "json", &c.json, "JSON Lines, one object per open file"),
		OPT_END(),
	};
	pid_t *pids = NULL;
	size_t npids = 0, ndenied = 0;
	int rc = 0;

	memset(&c, 0, sizeof(c));
	argc = opt_parse(argc, argv, opts, lsof_usage, 0);
	if (argc) {
		pids = xcalloc((size_t)argc, sizeof(*pids));
		if (!pids)
			die("out of memory");
		for (int i = 0; i < argc; i++) {
			if (proc_parse_pid(argv[i], &pids[i])) {
				struct buf e = BUF_INIT;
				escape_bytes(&e, argv[i],
					     strlen(argv[i]) > 64 ? 64 : strlen(argv[i]));
				die("'%s': not a process ID", e.data);
			}
		}
		npids = (size_t)argc;
	} else if ((rc = proc_list(&pids, &npids))) {
		die("/proc: %s", strerror(-rc));
	}
	users_load(&c.users, "/etc/passwd");
	if (sock_table_load(&c.socks))
		warning("socket tables unreadable; sockets shown by inode only");

	/* one worker per online CPU (at most 4): /proc reads are independent */
	{
		struct lsof_work w = { &c, xcalloc(npids, sizeof(struct lsof_proc)), npids, 0 };
		long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		pthread_t th[4];
		int nth = ncpu > 4 ? 4 : ncpu < 1 ? 1 : (int)ncpu;
		int started = 0;
		struct table table;
		struct buf out = BUF_INIT;

		if (npids < 2 * LSOF_BATCH)
			nth = 1;
		for (size_t i = 0; i < npids; i++)
			w.procs[i].pid = pids[i];
		files_map_cache(1);
		for (int t = 1; t < nth; t++)
			if (!pthread_create(&th[started], NULL, lsof_worker, &w))
				started++;
		lsof_worker(&w);
		for (int t = 0; t < started; t++)
			pthread_join(th[t], NULL);
		files_map_cache(0);

		table_init(&table, cols, sizeof(cols) / sizeof(cols[0]));
		/* the rows point into the records, which live until printed */
		table_borrow(&table);
		rc = 0;
		for (size_t i = 0; i < npids; i++) {
			struct lsof_proc *p = &w.procs[i];
			if (p->files.denied)
				ndenied++;
			if (p->rc == -ESRCH || p->rc == -ENOENT) {
				if (argc) {
					error("%d: no such process", (int)p->pid);
					rc = 2;
				}
				/* without a PID list, a process that left is not news */
			} else if (p->rc) {
				warning("%d: %s", (int)p->pid, strerror(-p->rc));
			}
			lsof_emit(p, c.json, &table, &out);
			if (c.json)
				lsof_proc_release(p);
			if (c.json && out.len > (1 << 20)) {
				fwrite(out.data, 1, out.len, stdout);
				buf_reset(&out);
			}
		}
		if (c.json)
			fwrite(out.data, 1, out.len, stdout);
		else if (table.nrows)
			table_print(&table, stdout);
		table_release(&table);
		if (!c.json)
			for (size_t i = 0; i < npids; i++)
				lsof_proc_release(&w.procs[i]);
		buf_release(&out);
		free(w.procs);
	}
	if (ndenied && argc) {
		/* processes asked for by PID: unknown is not clean (a listing
		 * of every process says it in its rows only) */
		warning("%zu process(es) could not be read fully (permission denied)", ndenied);
		if (!rc)
			rc = 3;
	}
	sock_table_release(&c.socks);
	users_release(&c.users);
	free(pids);
	return rc;
}
