/*
 * portprobe - bind every port, by system calls, io_uring or a BPF hook.
 * See portprobe.h.
 */
#include "lib/hidden/portprobe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/hidden/bindhook.h"
#include "util/uring.h"
#include "util/xalloc.h"

#define PBLOCK 1024u /* ports per job a thread takes */
#define BATCH 512u   /* ports per io_uring submission */
#define NO_RESULT 1  /* no completion came for the port */

static const char *const method_names[PORTPROBE_NMETHODS] = {
	[PORTPROBE_AUTO] = "auto",   [PORTPROBE_BPF_URING] = "bpf-uring", [PORTPROBE_BPF] = "bpf",
	[PORTPROBE_URING] = "uring", [PORTPROBE_SYSCALLS] = "syscalls",
};

int portprobe_method_parse(const char *name)
{
	for (int i = 0; i < PORTPROBE_NMETHODS; i++)
		if (!strcmp(name, method_names[i]))
			return i;
	return -1;
}

const char *portprobe_method_name(int method)
{
	return method >= 0 && method < PORTPROBE_NMETHODS ? method_names[method] : "?";
}

const char *portprobe_proto_name(int which)
{
	return which == PP_TCP ? "tcp" : which == PP_UDP ? "udp" : "?";
}

static int sock_type(int which)
{
	return which == PP_TCP ? SOCK_STREAM : SOCK_DGRAM;
}

/*
 * A probe socket: IPv6, not v6-only, so that it meets the sockets of both
 * families; IPv4 where there is no IPv6.  No SO_REUSEADDR: a port in
 * TIME_WAIT counts as in use, and the tables list it, so it is explained.
 */
/* 1 when new IPv6 sockets are dual-stack already (net.ipv6.bindv6only 0) */
static int dual_default;
static pthread_once_t dual_once = PTHREAD_ONCE_INIT;

static void read_dual_default(void)
{
	char c = '1';
	int fd = open("/proc/sys/net/ipv6/bindv6only", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (read(fd, &c, 1) != 1)
			c = '1';
		close(fd);
	}
	dual_default = c == '0';
}

static int probe_socket(int which, int *family)
{
	int type = sock_type(which) | SOCK_CLOEXEC;
	int zero = 0, fd;

	pthread_once(&dual_once, read_dual_default);
	fd = socket(AF_INET6, type, 0);
	if (fd >= 0 &&
	    (dual_default || setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)) == 0)) {
		*family = AF_INET6;
		return fd;
	}
	if (fd >= 0)
		close(fd);
	fd = socket(AF_INET, type, 0);
	*family = AF_INET;
	return fd < 0 ? -errno : fd;
}

union pp_addr {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};

/* pp_addr_set - the wildcard address of family on port; its length */
static socklen_t pp_addr_set(union pp_addr *a, int family, unsigned port)
{
	memset(a, 0, sizeof(*a));
	if (family == AF_INET) {
		a->in.sin_family = AF_INET;
		a->in.sin_port = htons((uint16_t)port);
		a->in.sin_addr.s_addr = htonl(INADDR_ANY);
		return sizeof(a->in);
	}
	a->in6.sin6_family = AF_INET6;
	a->in6.sin6_port = htons((uint16_t)port);
	a->in6.sin6_addr = in6addr_any;
	return sizeof(a->in6);
}

static int try_bind(int fd, int family, unsigned port)
{
	union pp_addr a;
	socklen_t len = pp_addr_set(&a, family, port);

	return bind(fd, &a.sa, len) ? -errno : 0;
}

int portprobe_one(int which, unsigned port)
{
	int family, fd = probe_socket(which, &family), rc;

	if (fd < 0)
		return fd;
	rc = try_bind(fd, family, port);
	close(fd);
	return rc == -EADDRINUSE ? 1 : rc == 0 ? 0 : rc;
}

/* ---- the threads ---------------------------------------------------------- */

struct run {
	struct portprobe_map *m;
	unsigned lo, hi;
	unsigned next; /* next job: which * (65536 / PBLOCK) + port block */
	int method;    /* never PORTPROBE_AUTO here */
	int family;    /* of every probe socket */
	struct bindhook *hook;
	int made; /* some socket could be made */
};

struct worker {
	struct run *run;
	int fd[PP_NPROTO];	/* the socket kept between binds, or -1 */
	int in_slot[PP_NPROTO]; /* bpf-uring: fd[which] is in fixed slot which */
	int have_ring;
	struct uring ring;
	union pp_addr addr[BATCH];
	int res[BATCH];
};

static void mark(struct worker *w, int which, unsigned port)
{
	w->run->m->bits[which][port >> 6] |= 1ULL << (port & 63);
}

static int worker_socket(struct worker *w, int which)
{
	int family, fd = probe_socket(which, &family);

	if (fd < 0)
		return fd;
	if (family != w->run->family) {
		close(fd);
		return -EAFNOSUPPORT;
	}
	__atomic_store_n(&w->run->made, 1, __ATOMIC_RELAXED);
	/* without the hook's word on it, the socket is spent by its first bind */
	if (w->run->hook)
		bindhook_add(w->run->hook, fd);
	w->fd[which] = fd;
	w->in_slot[which] = 0;
	return 0;
}

static void worker_drop(struct worker *w, int which)
{
	if (w->fd[which] < 0)
		return;
	if (w->in_slot[which])
		uring_files_set(&w->ring, (unsigned)which, -1);
	if (w->run->hook)
		bindhook_del(w->run->hook, w->fd[which]);
	close(w->fd[which]);
	w->fd[which] = -1;
	w->in_slot[which] = 0;
}

/* probe_port - one port by system calls, on the kept socket or a new one */
static void probe_port(struct worker *w, int which, unsigned port)
{
	int rc;

	if (w->fd[which] < 0 && worker_socket(w, which))
		return;
	rc = try_bind(w->fd[which], w->run->family, port);
	if (rc == 0)
		worker_drop(w, which); /* bound: the port was free; the socket is spent */
	else if (rc == -EADDRINUSE)
		mark(w, which, port);
	/* other errors (EPERM from the hook, EACCES below 1024): not in use */
}

static struct io_uring_sqe *prep_bind(struct worker *w, unsigned i, unsigned port, int slot)
{
	struct io_uring_sqe *s = uring_sqe(&w->ring);

	if (!s)
		return NULL;
	s->opcode = URING_OP_BIND;
	s->fd = slot;
	s->flags = IOSQE_FIXED_FILE;
	s->addr = (uint64_t)(uintptr_t)&w->addr[i];
	s->off = pp_addr_set(&w->addr[i], w->run->family, port);
	s->user_data = port;
	return s;
}

/*
 * prep_fresh - socket into slot i, bind it, close the slot.  Hard links
 * run each step even when the one before failed, so the slot is always
 * emptied; only the bind reports success (the others' CQEs are skipped).
 */
static int prep_fresh(struct worker *w, int which, unsigned i, unsigned port)
{
	struct io_uring_sqe *s = uring_sqe(&w->ring);

	if (!s)
		return -EBUSY;
	s->opcode = URING_OP_SOCKET;
	s->fd = w->run->family;
	s->off = (uint64_t)sock_type(which);
	s->file_index = i + 1;
	s->flags = IOSQE_IO_HARDLINK | IOSQE_CQE_SKIP_SUCCESS;
	s = prep_bind(w, i, port, (int)i);
	if (!s)
		return -EBUSY;
	s->flags |= IOSQE_IO_HARDLINK;
	s = uring_sqe(&w->ring);
	if (!s)
		return -EBUSY;
	s->opcode = IORING_OP_CLOSE;
	s->file_index = i + 1;
	s->flags = IOSQE_CQE_SKIP_SUCCESS;
	return 0;
}

/*
 * uring_batch - ports base..base+n-1 through the ring; w->res[i] gets the
 * bind's result, NO_RESULT where none came.  -errno: the ring failed.
 */
static int uring_batch(struct worker *w, int which, unsigned base, unsigned n)
{
	int fresh = w->run->method == PORTPROBE_URING, rc = 0;
	unsigned got = 0;

	for (unsigned i = 0; i < n; i++)
		w->res[i] = NO_RESULT;
	for (unsigned i = 0; !rc && i < n; i++)
		rc = fresh				? prep_fresh(w, which, i, base + i)
		     : prep_bind(w, i, base + i, which) ? 0
							: -EBUSY;
	if (rc)
		return rc;
	while (got < n) {
		struct io_uring_cqe *c;
		rc = uring_submit(&w->ring, n - got);
		while ((c = uring_cqe(&w->ring))) {
			/* the socket and close steps carry user_data 0 */
			if (c->user_data >= base && c->user_data < base + n) {
				w->res[c->user_data - base] = c->res;
				got++;
			}
			uring_cqe_seen(&w->ring);
		}
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * ring_end - close what the fixed slots still hold, then the ring: the
 * kernel would otherwise close them later, in the background, and a probe
 * socket still bound would be seen by the views that come next.
 */
static void ring_end(struct worker *w)
{
	if (!w->have_ring)
		return;
	uring_files_unregister(&w->ring);
	uring_release(&w->ring);
	w->have_ring = 0;
	w->in_slot[PP_TCP] = w->in_slot[PP_UDP] = 0;
}

static void probe_block_uring(struct worker *w, int which, unsigned lo, unsigned hi)
{
	int fresh = w->run->method == PORTPROBE_URING;

	for (unsigned base = lo; base <= hi; base += BATCH) {
		unsigned n = hi - base + 1 < BATCH ? hi - base + 1 : BATCH;
		int spent = 0;
		if (!fresh && w->fd[which] < 0 && worker_socket(w, which))
			return;
		if (!fresh && !w->in_slot[which]) {
			if (uring_files_set(&w->ring, (unsigned)which, w->fd[which])) {
				lo = base;
				goto by_syscalls;
			}
			w->in_slot[which] = 1;
		}
		if (uring_batch(w, which, base, n))
			ring_end(w); /* a ring that failed once is not trusted again */
		for (unsigned i = 0; i < n; i++) {
			int r = w->res[i];
			if (r == -EADDRINUSE)
				mark(w, which, base + i);
			else if (r == 0)
				spent = !fresh; /* the hook did not refuse: a free port */
			if (r == 0 || r == -EADDRINUSE || r == -EPERM)
				__atomic_store_n(&w->run->made, 1, __ATOMIC_RELAXED);
		}
		if (spent)
			worker_drop(w, which);
		/* ports with no clear answer (a spent socket, a failed step): again */
		for (unsigned i = 0; i < n; i++) {
			int r = w->res[i];
			if (r != 0 && r != -EADDRINUSE && r != -EPERM && r != -EACCES)
				probe_port(w, which, base + i);
		}
		if (!w->have_ring) {
			lo = base + n;
			goto by_syscalls;
		}
	}
	return;
by_syscalls:
	for (unsigned p = lo; p <= hi; p++)
		probe_port(w, which, p);
}

static void worker_start(struct worker *w)
{
	int fresh = w->run->method == PORTPROBE_URING;

	w->fd[PP_TCP] = w->fd[PP_UDP] = -1;
	if (!fresh && w->run->method != PORTPROBE_BPF_URING)
		return;
	/* fresh: socket, bind and close per port, a slot per port in flight */
	if (uring_init(&w->ring, fresh ? 3 * BATCH : BATCH))
		return;
	if (uring_files_sparse(&w->ring, fresh ? BATCH : PP_NPROTO)) {
		uring_release(&w->ring);
		return;
	}
	w->have_ring = 1;
}

static void worker_end(struct worker *w)
{
	worker_drop(w, PP_TCP);
	worker_drop(w, PP_UDP);
	ring_end(w);
}

static void *probe_thread(void *arg)
{
	struct worker *w = arg;
	struct run *run = w->run;

	worker_start(w);
	for (;;) {
		unsigned job = __atomic_fetch_add(&run->next, 1, __ATOMIC_RELAXED);
		unsigned which = job / (65536 / PBLOCK), lo, hi;
		if (which >= PP_NPROTO)
			break;
		lo = (job % (65536 / PBLOCK)) * PBLOCK;
		hi = lo + PBLOCK - 1;
		if (lo < run->lo)
			lo = run->lo;
		if (hi > run->hi)
			hi = run->hi;
		if (lo > hi)
			continue;
		if (w->have_ring)
			probe_block_uring(w, (int)which, lo, hi);
		else
			for (unsigned p = lo; p <= hi; p++)
				probe_port(w, (int)which, p);
	}
	worker_end(w);
	return NULL;
}

/* ---- choosing the method -------------------------------------------------- */

/* uring_check - can this kernel run the method's io_uring steps? */
static int uring_check(int fresh, int family)
{
	static const unsigned char ops[] = { URING_OP_BIND, URING_OP_SOCKET, IORING_OP_CLOSE };
	struct uring u;
	int rc;

	/* fresh sockets cannot be made dual-stack by a setsockopt */
	if (fresh && family == AF_INET6 && !dual_default)
		return -EOPNOTSUPP;
	rc = uring_init(&u, 8);
	if (rc)
		return rc;
	rc = uring_has_ops(&u, ops, fresh ? 3 : 1);
	uring_release(&u);
	return rc < 0 ? rc : rc ? 0 : -EOPNOTSUPP;
}

static int choose(struct run *run, int method)
{
	int rc = 0;

	if (method == PORTPROBE_AUTO || method == PORTPROBE_BPF || method == PORTPROBE_BPF_URING) {
		run->hook = bindhook_open(run->family);
		if (!run->hook && method != PORTPROBE_AUTO)
			return errno ? -errno : -EOPNOTSUPP;
	}
	if (method == PORTPROBE_AUTO) {
		if (run->hook)
			method = uring_check(0, run->family) ? PORTPROBE_BPF : PORTPROBE_BPF_URING;
		else
			method = uring_check(1, run->family) ? PORTPROBE_SYSCALLS : PORTPROBE_URING;
	} else if (method == PORTPROBE_BPF_URING || method == PORTPROBE_URING) {
		rc = uring_check(method == PORTPROBE_URING, run->family);
	}
	run->method = method;
	return rc;
}

int portprobe_all(struct portprobe_map *m, unsigned lo, unsigned hi, int threads, int method,
		  int *ran)
{
	struct run run = { .m = m, .lo = lo ? lo : 1, .hi = hi > 65535 ? 65535 : hi };
	pthread_t tid[64];
	struct worker *w;
	int started = 0, rc, fd;

	memset(m, 0, sizeof(*m));
	if (method < 0 || method >= PORTPROBE_NMETHODS)
		return -EINVAL;
	fd = probe_socket(PP_TCP, &run.family);
	if (fd < 0)
		return fd;
	close(fd);
	rc = choose(&run, method);
	if (rc) {
		bindhook_close(run.hook);
		return rc;
	}
	if (ran)
		*ran = run.method;
	if (threads < 1)
		threads = 1;
	if (threads > 64)
		threads = 64;
	/* made here: a thread's first malloc would set up an arena of its own */
	w = xcalloc((size_t)threads, sizeof(*w));
	for (int t = 0; t < threads; t++)
		w[t].run = &run;
	for (int t = 1; t < threads; t++)
		if (!pthread_create(&tid[started], NULL, probe_thread, &w[t]))
			started++;
	probe_thread(&w[0]);
	for (int t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	free(w);
	bindhook_close(run.hook);
	return run.made ? 0 : -EAFNOSUPPORT;
}
