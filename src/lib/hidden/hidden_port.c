#include "lib/hidden/hidden_port.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/hidden/hidden.h"
#include "lib/hidden/portprobe.h"
#include "lib/proc/proc.h"
#include "lib/proc/sock.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/xalloc.h"

static int hp_tcp(int which)
{
	return which == PP_TCP;
}

/* ---- the tables ------------------------------------------------------- */

struct views {
	struct sock_table nl, pf;
	int have_nl, have_pf;
	/* every local port any socket of either table uses, tcp (0) and udp (1) */
	uint64_t used[2][65536 / 64];
};

static int proto_ix(int proto)
{
	return proto == IPPROTO_TCP ? 0 : proto == IPPROTO_UDP ? 1 : -1;
}

static void mark_used(struct views *v, const struct sock_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		int k = proto_ix(t->v[i].proto);
		unsigned p = t->v[i].lport;
		if (k >= 0 && p < 65536)
			v->used[k][p >> 6] |= 1ULL << (p & 63);
	}
}

static void views_load(struct views *v)
{
	memset(v, 0, sizeof(*v));
	sock_table_init(&v->nl);
	sock_table_init(&v->pf);
	/* every port in use counts, also TIME_WAIT and closing ones */
	v->nl.unowned = v->pf.unowned = 1;
	if (!sock_table_load_netlink(&v->nl)) {
		v->have_nl = 1;
		sock_table_sort(&v->nl);
		mark_used(v, &v->nl);
	}
	if (!sock_table_load_procfs(&v->pf, "/proc/net")) {
		v->have_pf = 1;
		sock_table_sort(&v->pf);
		mark_used(v, &v->pf);
	}
}

static void views_release(struct views *v)
{
	sock_table_release(&v->nl);
	sock_table_release(&v->pf);
}

static int used(const struct views *v, int which, unsigned port)
{
	int k = which == PP_TCP ? 0 : 1;
	return (int)((v->used[k][port >> 6] >> (port & 63)) & 1);
}

static int is_inet_listener(const struct sock_entry *e)
{
	return (e->family == AF_INET || e->family == AF_INET6) && e->inode && sock_is_listening(e);
}

/* ---- sockets held by processes ------------------------------------------ */

struct held {
	unsigned long long *ino;
	pid_t *pid;
	int *fd;
	size_t n, alloc;
	size_t unreadable; /* processes whose fds could not be read */
};

static void held_add(struct held *h, unsigned long long ino, pid_t pid, int fd)
{
	if (h->n == h->alloc) {
		h->alloc = h->alloc ? 2 * h->alloc : 256;
		h->ino = xreallocarray(h->ino, h->alloc, sizeof(*h->ino));
		h->pid = xreallocarray(h->pid, h->alloc, sizeof(*h->pid));
		h->fd = xreallocarray(h->fd, h->alloc, sizeof(*h->fd));
	}
	h->ino[h->n] = ino;
	h->pid[h->n] = pid;
	h->fd[h->n] = fd;
	h->n++;
}

static void held_release(struct held *h)
{
	free(h->ino);
	free(h->pid);
	free(h->fd);
	memset(h, 0, sizeof(*h));
}

static int held_has(const struct held *h, unsigned long long ino)
{
	for (size_t i = 0; i < h->n; i++)
		if (h->ino[i] == ino)
			return 1;
	return 0;
}

static int cmp_ino(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a;
	unsigned long long y = *(const unsigned long long *)b;
	return x < y ? -1 : x > y;
}

/*
 * The inodes to look for: listeners in the tables.  Once each has been
 * seen held, the other processes need not be read; on a host with
 * thousands of processes, most never are.
 */
struct wanted {
	unsigned long long *ino; /* sorted, unique */
	unsigned char *seen;
	size_t n, left;
};

static void wanted_init(struct wanted *w, const struct views *v)
{
	size_t k = 0;

	memset(w, 0, sizeof(*w));
	for (int t = 0; t < 2; t++) {
		const struct sock_table *x = t ? &v->pf : &v->nl;
		for (size_t i = 0; i < x->n; i++) {
			if (!is_inet_listener(&x->v[i]))
				continue;
			w->ino = xreallocarray(w->ino, k + 1, sizeof(*w->ino));
			w->ino[k++] = x->v[i].inode;
		}
	}
	if (k)
		qsort(w->ino, k, sizeof(*w->ino), cmp_ino);
	for (size_t i = 0; i < k; i++)
		if (!w->n || w->ino[w->n - 1] != w->ino[i])
			w->ino[w->n++] = w->ino[i];
	w->seen = xcalloc(w->n ? w->n : 1, 1);
	w->left = w->n;
}

static void wanted_release(struct wanted *w)
{
	free(w->ino);
	free(w->seen);
}

static void wanted_mark(struct wanted *w, unsigned long long ino)
{
	const unsigned long long *p = bsearch(&ino, w->ino, w->n, sizeof(*w->ino), cmp_ino);
	size_t i = p ? (size_t)(p - w->ino) : 0;

	if (p && !w->seen[i]) {
		w->seen[i] = 1;
		w->left--;
	}
}

/*
 * held_load - every socket fd of every listed process; with `want`, only
 * until each of its inodes has been seen held (none: nothing is read).
 */
static void held_load(struct held *h, struct wanted *want)
{
	pid_t *pids = NULL;
	size_t n = 0;

	memset(h, 0, sizeof(*h));
	if ((want && !want->left) || proc_list(&pids, &n))
		return;
	for (size_t i = 0; i < n && !(want && !want->left); i++) {
		char path[64];
		int fdd;
		pid_t *fds = NULL;
		size_t nfds = 0;
		snprintf(path, sizeof(path), "/proc/%d/fd", (int)pids[i]);
		fdd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fdd < 0 && errno != ENOENT)
			h->unreadable++;
		if (fdd >= 0 && !proc_list_dir(fdd, &fds, &nfds)) {
			for (size_t k = 0; k < nfds; k++) {
				char name[16], link[64];
				ssize_t len;
				unsigned long long ino;
				snprintf(name, sizeof(name), "%d", (int)fds[k]);
				len = readlinkat(fdd, name, link, sizeof(link) - 1);
				if (len < 0 && errno == EACCES) {
					h->unreadable++;
					break;
				}
				if (len <= 8 || memcmp(link, "socket:[", 8))
					continue;
				link[len] = '\0';
				ino = strtoull(link + 8, NULL, 10);
				if (!ino)
					continue;
				held_add(h, ino, pids[i], (int)fds[k]);
				if (want)
					wanted_mark(want, ino);
			}
			free(fds);
		}
		if (fdd >= 0)
			close(fdd);
	}
	free(pids);
}

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

/* A held socket on a port that no table lists. */
struct holder {
	pid_t pid;
	int fd;
	int bound_only; /* TCP, bound, neither listening nor connected */
};

/*
 * find_holder - is port held by a socket that no table lists?  Looks at
 * the held sockets the tables do not know, through a duplicate of the
 * holder's fd (which changes nothing in the holder).  A TCP socket bound
 * and nothing more is legitimately absent (/proc/net never lists one,
 * sock_diag only since Linux 6.9); anything else, a listener or a UDP
 * socket, should have been listed.  1 when found, filling *out.
 */
static int find_holder(const struct held *h, const struct views *v, int which, unsigned port,
		       struct holder *out)
{
	for (size_t i = 0; i < h->n; i++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss), tl = sizeof(int), al = sizeof(int);
		int type = 0, listening = 0, pfd, fd, hit = 0;
		if ((v->have_nl && sock_find(&v->nl, h->ino[i])) ||
		    (v->have_pf && sock_find(&v->pf, h->ino[i])))
			continue;
		pfd = (int)syscall(SYS_pidfd_open, h->pid[i], 0);
		if (pfd < 0)
			continue;
		fd = (int)syscall(SYS_pidfd_getfd, pfd, h->fd[i], 0);
		close(pfd);
		if (fd < 0)
			continue;
		if (!getsockname(fd, (struct sockaddr *)&ss, &sl) &&
		    !getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) &&
		    (type == SOCK_STREAM) == hp_tcp(which)) {
			if (ss.ss_family == AF_INET)
				hit = ntohs(((struct sockaddr_in *)&ss)->sin_port) == port;
			else if (ss.ss_family == AF_INET6)
				hit = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port) == port;
		}
		if (hit) {
			struct sockaddr_storage peer;
			socklen_t pl = sizeof(peer);
			out->pid = h->pid[i];
			out->fd = h->fd[i];
			out->bound_only =
			    type == SOCK_STREAM &&
			    !getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &al) &&
			    !listening && getpeername(fd, (struct sockaddr *)&peer, &pl) &&
			    errno == ENOTCONN;
		}
		close(fd);
		if (hit)
			return 1;
	}
	return 0;
}

/* ---- the scan ----------------------------------------------------------- */

static void describe(struct buf *b, const struct sock_entry *e)
{
	buf_addstr(b, e->proto == IPPROTO_TCP ? "tcp" : "udp");
	if (e->family == AF_INET6)
		buf_addc(b, '6');
	buf_addc(b, ' ');
	sock_addr_format(b, e->family, e->laddr, e->lport);
}

static int same_listener(const struct sock_table *t, const struct sock_entry *e)
{
	const struct sock_entry *f = sock_find(t, e->inode);
	return f && f->proto == e->proto && f->lport == e->lport && is_inet_listener(f);
}

int hidden_scan_ports(const struct hidden_opts *o, struct hidden_report *r)
{
	struct portprobe_map *map = xcalloc(1, sizeof(*map));
	struct views a, b, c;
	struct wanted want;
	struct held h;
	int threads = o && o->threads > 0 ? o->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
	unsigned settle = o && o->settle_ms ? o->settle_ms : 200;
	struct cand {
		int which;
		unsigned port;
		struct holder by; /* by.pid 0: no process holds it */
	} *cand = NULL;
	size_t ncand = 0;
	int method = o ? o->port_probe : PORTPROBE_AUTO;
	int rc, tables_disagree = 0, unheld = 0;

	if (threads < 1)
		threads = 1;
	views_load(&a);
	if (!a.have_nl && !a.have_pf) {
		views_release(&a);
		free(map);
		return -ENOENT;
	}
	rc = portprobe_all(map, 1, 65535, threads, method, NULL);
	if (rc && method != PORTPROBE_AUTO) {
		/* a method asked for by name: the scan is not what was asked */
		error("bind probes by %s: %s", portprobe_method_name(method), strerror(-rc));
		views_release(&a);
		free(map);
		return rc;
	}
	views_load(&b);
	wanted_init(&want, &b);
	held_load(&h, &want);
	wanted_release(&want);
	if (rc) {
		warning("bind probes: %s", strerror(-rc));
		r->notes++;
	}

	/* ports in use that neither table showed before or after the probe */
	for (int w = 0; !rc && w < PP_NPROTO; w++)
		for (unsigned p = 1; p < 65536; p++)
			if (portprobe_used(map, w, p) && !used(&a, w, p) && !used(&b, w, p)) {
				cand = xreallocarray(cand, ncand + 1, sizeof(*cand));
				memset(&cand[ncand], 0, sizeof(*cand));
				cand[ncand].which = w;
				cand[ncand].port = p;
				ncand++;
			}
	/* listeners one table shows and the other does not */
	if (a.have_nl && a.have_pf) {
		for (int k = 0; k < 2; k++) {
			const struct sock_table *x = k ? &a.pf : &a.nl, *y = k ? &a.nl : &a.pf;
			for (size_t i = 0; i < x->n; i++)
				if (is_inet_listener(&x->v[i]) && !same_listener(y, &x->v[i]))
					tables_disagree = 1;
		}
	}
	/* listeners no process holds: only when every process's fds were read */
	if (h.unreadable) {
		warning("the open files of %zu processes are unreadable: "
			"sockets are not matched with their holders",
			h.unreadable);
		r->notes++;
	}
	for (size_t i = 0; !h.unreadable && i < b.nl.n + b.pf.n; i++) {
		const struct sock_entry *e = i < b.nl.n ? &b.nl.v[i] : &b.pf.v[i - b.nl.n];
		if (is_inet_listener(e) && e->inode && !held_has(&h, e->inode))
			unheld = 1;
	}
	if (!ncand && !tables_disagree && !unheld)
		goto out;

	hidden_sleep_ms(settle);
	views_load(&c);
	struct held h2;
	held_load(&h2, NULL);
	/*
	 * Ports: still in use by a fresh bind, and in no table loaded before
	 * or after that bind, nor held by a socket the tables cannot show.
	 * Tables are loaded once per round, not per port: they can be huge.
	 */
	{
		struct views d;
		int have_d = 0;
		/* two rounds: a port that busy clients reuse rarely lies twice */
		for (int round = 0; round < 2 && ncand; round++) {
			size_t k = 0;
			if (have_d)
				views_release(&d);
			for (size_t i = 0; i < ncand; i++)
				if (!used(&c, cand[i].which, cand[i].port) &&
				    portprobe_one(cand[i].which, cand[i].port) == 1)
					cand[k++] = cand[i];
			ncand = k;
			views_load(&d);
			have_d = 1;
			k = 0;
			for (size_t i = 0; i < ncand; i++) {
				struct holder by = { 0 };
				if (used(&d, cand[i].which, cand[i].port))
					continue;
				if (find_holder(&h2, &d, cand[i].which, cand[i].port, &by) &&
				    by.bound_only)
					continue;
				cand[i].by = by;
				cand[k++] = cand[i];
			}
			ncand = k;
			if (round == 0 && ncand)
				hidden_sleep_ms(settle / 2 + 1);
		}
		for (size_t i = 0; i < ncand; i++) {
			const struct holder *by = &cand[i].by;
			char obj[32], why[96];
			snprintf(obj, sizeof(obj), "%s :%u", portprobe_proto_name(cand[i].which),
				 cand[i].port);
			if (by->pid)
				snprintf(why, sizeof(why),
					 "port in use, but in no socket table; held as fd %d",
					 by->fd);
			else
				snprintf(why, sizeof(why), "port in use, but in no socket table");
			hidden_add(r, HIDDEN_PORT, by->pid, obj, by->pid ? "bind,fd" : "bind",
				   d.have_nl && d.have_pf ? "sock_diag,proc_net"
				   : d.have_nl		  ? "sock_diag"
							  : "proc_net",
				   why);
		}
		if (have_d)
			views_release(&d);
	}
	if (tables_disagree && c.have_nl && c.have_pf) {
		for (int k = 0; k < 2; k++) {
			const struct sock_table *x = k ? &c.pf : &c.nl, *y = k ? &c.nl : &c.pf;
			const struct sock_table *xa = k ? &a.pf : &a.nl, *ya = k ? &a.nl : &a.pf;
			for (size_t i = 0; i < x->n; i++) {
				const struct sock_entry *e = &x->v[i];
				struct buf obj = BUF_INIT;
				if (!is_inet_listener(e) || same_listener(y, e) ||
				    !same_listener(xa, e) || same_listener(ya, e))
					continue;
				describe(&obj, e);
				hidden_add(r, HIDDEN_PORT, 0, obj.data,
					   k ? "proc_net" : "sock_diag",
					   k ? "sock_diag" : "proc_net",
					   "listening socket missing from one socket table");
				buf_release(&obj);
			}
		}
	}
	if (unheld) {
		for (size_t i = 0; i < c.nl.n + c.pf.n; i++) {
			const struct sock_entry *e = i < c.nl.n ? &c.nl.v[i] : &c.pf.v[i - c.nl.n];
			struct buf obj = BUF_INIT, why = BUF_INIT;
			if (!is_inet_listener(e) || !e->inode || h2.unreadable ||
			    held_has(&h2, e->inode) || held_has(&h, e->inode))
				continue;
			/* one finding per socket, even when both tables list it */
			if (i >= c.nl.n && c.have_nl && sock_find(&c.nl, e->inode))
				continue;
			describe(&obj, e);
			buf_addf(&why,
				 "listening socket (inode %llu) that no listed "
				 "process holds",
				 e->inode);
			hidden_add(r, HIDDEN_PORT, 0, obj.data,
				   c.have_nl && sock_find(&c.nl, e->inode) && c.have_pf &&
					   sock_find(&c.pf, e->inode)
				       ? "sock_diag,proc_net"
				   : i < c.nl.n ? "sock_diag"
						: "proc_net",
				   "fd", why.data);
			buf_release(&obj);
			buf_release(&why);
		}
	}
	held_release(&h2);
	views_release(&c);
out:
	free(cand);
	held_release(&h);
	views_release(&a);
	views_release(&b);
	free(map);
	return 0;
}
