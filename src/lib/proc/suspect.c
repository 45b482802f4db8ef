#include "lib/proc/suspect.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/hidden/preload.h"
#include "lib/proc/files.h"
#include "lib/proc/proc.h"
#include "lib/proc/sock.h"

const char *const suspect_flag_names[SUSPECT_NFLAGS] = {
	"exe_deleted", "name_mismatch", "listening", "preload", "hidden", "frozen", "unreadable",
};

static const char *base_name(const char *s, size_t n, size_t *len)
{
	const char *b = s;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '/')
			b = s + i + 1;
	*len = (size_t)(s + n - b);
	return b;
}

/* Does argv[0] name the executable (a symlink such as cc -> gcc-12)? */
static int argv0_is_exe(int procfd, const char *a0, size_t len)
{
	static const char *const dirs[] = { "/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
					    "/usr/bin",	       "/sbin",		 "/bin" };
	struct stat exe, st;
	char path[4200];

	if (!len || len > 4000 || memchr(a0, '\0', len) != NULL || fstatat(procfd, "exe", &exe, 0))
		return 0;
	if (memchr(a0, '/', len)) {
		/* relative to the process's own cwd, absolute as is */
		snprintf(path, sizeof(path), "%s%.*s", a0[0] == '/' ? "" : "cwd/", (int)len, a0);
		return !fstatat(a0[0] == '/' ? AT_FDCWD : procfd, path, &st, 0) &&
		       st.st_dev == exe.st_dev && st.st_ino == exe.st_ino;
	}
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%.*s", dirs[i], (int)len, a0);
		if (!stat(path, &st) && st.st_dev == exe.st_dev && st.st_ino == exe.st_ino)
			return 1;
	}
	return 0;
}

/*
 * The names a process shows, comm (cut at 15 bytes) and argv[0], should be
 * its executable's.  Honest exceptions: a script shows the script's name
 * (argv[1]) with an interpreter as exe; a program started through a
 * symlink (cc -> gcc-12) shows the link's name, which must then lead to
 * the very inode that is running; a login shell's argv[0] starts with '-';
 * and a daemon that rewrites its title ("sshd: root@pts/0") shows words,
 * not a program's name.  A bare argv[0] that names another program
 * ("exec -a kworker ./sshd") is what an intruder's renamed copy looks like.
 */
int suspect_name_mismatch(int procfd, const struct proc_stat *st, const struct buf *exe,
			  const struct buf *cmdline)
{
	size_t el, a0l, a1l = 0, cl = st->comm_len;
	const char *eb, *a0, *a1 = NULL;
	size_t a0full = strnlen(cmdline->data, cmdline->len);
	int comm_ok = 0;

	if (!exe->len)
		return 0;
	eb = base_name(exe->data, exe->len, &el);
	a0 = base_name(cmdline->data, a0full, &a0l);
	if (a0full + 1 < cmdline->len) {
		const char *arg1 = cmdline->data + a0full + 1;
		a1 = base_name(arg1, strnlen(arg1, cmdline->len - a0full - 1), &a1l);
	}
	if (cl > 15)
		cl = 15;
	if ((el >= cl && !memcmp(eb, st->comm, cl)) ||
	    (a1 && a1l >= cl && !memcmp(a1, st->comm, cl)))
		comm_ok = 1;
	else if (a0l >= cl && !memcmp(a0, st->comm, cl) &&
		 argv0_is_exe(procfd, cmdline->data, a0full))
		return 0;
	if (!comm_ok)
		return 1;
	/* comm is honest; is argv[0]? */
	if (a0l && a0[0] == '-' && a0 == cmdline->data) {
		a0++;
		a0l--;
	}
	if (!a0l || memchr(cmdline->data, ' ', a0full) || memchr(cmdline->data, ':', a0full))
		return 0;
	if ((a0l >= cl && !memcmp(a0, st->comm, cl)) || (a0l == el && !memcmp(a0, eb, el)) ||
	    argv0_is_exe(procfd, cmdline->data, a0full))
		return 0;
	return 1;
}

void suspect_check(struct suspect *s, pid_t pid, int procfd, const struct proc_stat *st,
		   const struct buf *cmdline, const struct sock_table *socks)
{
	static const char sfx[] = " (deleted)";
	unsigned long long *inodes = NULL;
	size_t ninodes = 0;
	struct stat est;
	int xrc;

	memset(s, 0, sizeof(*s));
	buf_init(&s->exe, 0);
	buf_init(&s->preload_why, 0);
	if (proc_is_kthread(st))
		return;
	xrc = proc_readlink_at(procfd, "exe", &s->exe);
	if (xrc == -EACCES || xrc == -EPERM)
		s->flags |= SUSPECT_UNREADABLE; /* another user's: unknown */
	if (!xrc && !fstatat(procfd, "exe", &est, 0) && est.st_nlink == 0) {
		s->exe_deleted = 1;
		if (s->exe.len >= sizeof(sfx) - 1 &&
		    !memcmp(s->exe.data + s->exe.len - (sizeof(sfx) - 1), sfx, sizeof(sfx) - 1))
			buf_setlen(&s->exe, s->exe.len - (sizeof(sfx) - 1));
	}
	if (s->exe_deleted)
		s->flags |= SUSPECT_EXE_DELETED;
	if (suspect_name_mismatch(procfd, st, &s->exe, cmdline))
		s->flags |= SUSPECT_NAME_MISMATCH;
	if (!files_socket_inodes(procfd, &inodes, &ninodes)) {
		for (size_t i = 0; i < ninodes; i++) {
			const struct sock_entry *e = sock_find(socks, inodes[i]);
			struct buf a = BUF_INIT;
			if (!e || !sock_is_listening(e) || s->nlisten >= SUSPECT_MAX_LISTEN)
				continue;
			buf_addstr(&a, e->proto == IPPROTO_TCP ? "tcp:" : "udp:");
			sock_addr_format(&a, e->family, e->laddr, e->lport);
			s->listening[s->nlisten++] = buf_detach(&a, NULL);
		}
	}
	free(inodes);
	if (s->nlisten)
		s->flags |= SUSPECT_LISTENING;
	{
		struct preload_proc pp = { .why = &s->preload_why };
		if (preload_check(pid, &pp) == 1)
			s->flags |= SUSPECT_PRELOAD;
	}
}

void suspect_release(struct suspect *s)
{
	for (size_t i = 0; i < s->nlisten; i++)
		free(s->listening[i]);
	s->nlisten = 0;
	buf_release(&s->exe);
	buf_release(&s->preload_why);
}
