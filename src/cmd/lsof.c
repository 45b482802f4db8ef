/*
 * lsof - open files, sockets and mappings, as `lsof -n -P` shows them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmds.h"
#include "lib/files.h"
#include "lib/proc.h"
#include "lib/sock.h"
#include "lib/users.h"
#include "util/diag.h"
#include "util/escape.h"
#include "util/opt.h"
#include "util/table.h"

static const char *const lsof_usage[] = {
	"stranger lsof [--json] [PID...]",
	"",
	"List what processes hold open: cwd, root, executable, mapped files",
	"(mem; DEL when deleted), numbered fds with mode r/w/u, sockets as",
	"`lsof -n -P` names them.  No PID: every process.",
	NULL,
};

static const struct table_col cols[] = {
	{ "COMMAND", TABLE_LEFT }, { "PID", TABLE_RIGHT },
	{ "USER", TABLE_LEFT },    { "FD", TABLE_RIGHT },
	{ "TYPE", TABLE_RIGHT },   { "DEVICE", TABLE_RIGHT },
	{ "SIZE/OFF", TABLE_RIGHT }, { "NODE", TABLE_RIGHT },
	{ "NAME", TABLE_LEFT },
};

struct lsof_ctx {
	int json;
	struct users users;
	struct sock_table socks;
	struct table table;
	struct buf out;
};

/* Returns 0, or -ESRCH if the process is gone. */
static int lsof_one(struct lsof_ctx *c, pid_t pid)
{
	struct buf statb = BUF_INIT, comm = BUF_INIT, user = BUF_INIT;
	struct file_list fl;
	struct proc_stat st;
	struct stat pst;
	char pidstr[16];
	int procfd = proc_open(pid), rc;

	if (procfd < 0)
		return procfd;
	if (proc_read_at(procfd, "stat", &statb) ||
	    proc_parse_stat(statb.data, statb.len, &st) || fstat(procfd, &pst)) {
		close(procfd);
		buf_release(&statb);
		return -ESRCH;
	}
	/* lsof's USER is the owner of /proc/PID */
	escape_bytes_nospace(&comm, st.comm, st.comm_len);
	{
		const char *name = users_name(&c->users, pst.st_uid);
		if (name)
			escape_str(&user, name);
		else
			buf_addu(&user, pst.st_uid);
	}
	snprintf(pidstr, sizeof(pidstr), "%d", (int)pid);
	rc = files_list(procfd, FILES_ALL, &c->socks, &fl, NULL);
	if (rc == 0) {
		for (size_t i = 0; i < fl.n; i++) {
			const struct file_rec *r = &fl.v[i];
			if (c->json) {
				struct json j;
				json_begin(&j, &c->out);
				json_str(&j, "command", st.comm, st.comm_len);
				json_int(&j, "pid", pid);
				json_str(&j, "user", user.data, user.len);
				json_uint(&j, "uid", pst.st_uid);
				json_cstr(&j, "fd", r->fd);
				json_cstr(&j, "type", r->type);
				json_cstr(&j, "device", r->device);
				json_cstr(&j, "size_off", r->size_off);
				json_cstr(&j, "node", r->node);
				/* name is already escaped: JSON-quote it as is */
				struct buf q = BUF_INIT;
				escape_json(&q, r->name, strlen(r->name));
				json_raw(&j, "name", q.data);
				buf_release(&q);
				json_bool(&j, "deleted", r->deleted);
				json_end(&j);
			} else {
				const char *cells[] = { comm.data, pidstr, user.data,
							r->fd, r->type, r->device,
							r->size_off, r->node, r->name };
				table_add(&c->table, cells);
			}
		}
		files_release(&fl);
	}
	close(procfd);
	buf_release(&statb);
	buf_release(&comm);
	buf_release(&user);
	return rc;
}

int cmd_lsof(int argc, char **argv)
{
	struct lsof_ctx c;
	const struct opt opts[] = {
		{ OPT_BOOL, 0, "json", &c.json, NULL, "JSON Lines, one object per open file" },
		{ OPT_END },
	};
	pid_t *pids = NULL;
	size_t npids = 0;
	int rc = 0;

	memset(&c, 0, sizeof(c));
	argc = opt_parse(argc, argv, opts, lsof_usage, 0);
	if (argc) {
		pids = calloc((size_t)argc, sizeof(*pids));
		if (!pids)
			die("out of memory");
		for (int i = 0; i < argc; i++) {
			if (proc_parse_pid(argv[i], &pids[i])) {
				struct buf e = BUF_INIT;
				escape_bytes(&e, argv[i], strlen(argv[i]) > 64 ? 64 : strlen(argv[i]));
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
	table_init(&c.table, cols, sizeof(cols) / sizeof(cols[0]));
	buf_init(&c.out, 0);
	rc = 0;
	for (size_t i = 0; i < npids; i++) {
		int r = lsof_one(&c, pids[i]);
		if (r == -ESRCH || r == -ENOENT) {
			if (argc) {
				error("%d: no such process", (int)pids[i]);
				rc = 2;
			}
			/* without a PID list, a process that left is not news */
		} else if (r) {
			warning("%d: %s", (int)pids[i], strerror(-r));
		}
		if (c.json && c.out.len > (1 << 20)) {
			fwrite(c.out.data, 1, c.out.len, stdout);
			buf_reset(&c.out);
		}
	}
	if (c.json)
		fwrite(c.out.data, 1, c.out.len, stdout);
	else if (c.table.nrows)
		table_print(&c.table, stdout);
	table_release(&c.table);
	buf_release(&c.out);
	sock_table_release(&c.socks);
	users_release(&c.users);
	free(pids);
	return rc;
}
