/* sc_desc - decoders for data on descriptors: the read and write
 * families, poll/select/epoll, pipes, eventfd, sendfile. */
#include <poll.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>

#include "lib/trace/syscall/sc.h"

/* read(fd, buf, count), pread64(fd, buf, count, off): the data at exit */
static void dec_read(struct sc_call *c, struct buf *o, int exiting)
{
	int out = sc_fd_then_out(c, o, exiting);

	if (out < 0)
		return;
	if (out)
		sc_bufn(c, o, c->args[1], (unsigned long long)c->ret);
	sc_arg(c, o);
	sc_udec(o, c->args[2]);
	if (c->ent->nargs == 4) {
		sc_arg(c, o);
		sc_dec(o, (long long)c->args[3]);
	}
}

/* write(fd, buf, count): the data at entry */
static void dec_write(struct sc_call *c, struct buf *o, int exiting)
{
	sc_arg_fd0(c, o);
	sc_arg(c, o);
	sc_bufn(c, o, c->args[1], c->args[2]);
	sc_arg(c, o);
	sc_udec(o, c->args[2]);
	if (c->ent->nargs == 4) {
		sc_arg(c, o);
		sc_dec(o, (long long)c->args[3]);
	}
}

/* the offset of preadv/pwritev (the high half, args[4], is not shown)
 * and the RWF_* flags of the *v2 calls */
static void print_pos_flags(struct sc_call *c, struct buf *o)
{
	static const struct sc_named rwf[] = {
		{ 1, "RWF_HIPRI" },  { 2, "RWF_DSYNC" },     { 4, "RWF_SYNC" },
		{ 8, "RWF_NOWAIT" }, { 0x10, "RWF_APPEND" }, { 0, NULL },
	};
	if (c->ent->nargs < 4)
		return;
	sc_arg(c, o);
	sc_dec(o, (long long)c->args[3]);
	if (c->ent->nargs == 6) {
		sc_arg(c, o);
		sc_flags(o, (unsigned)c->args[5], rwf, "0");
	}
}

/* readv/preadv: iovecs filled at exit; writev/pwritev: at entry */
static void dec_readv(struct sc_call *c, struct buf *o, int exiting)
{
	int out = sc_fd_then_out(c, o, exiting);

	if (out < 0)
		return;
	if (out)
		sc_iov(c, o, c->args[1], c->args[2], c->ret);
	sc_arg(c, o);
	sc_udec(o, c->args[2]);
	print_pos_flags(c, o);
}

static void dec_writev(struct sc_call *c, struct buf *o, int exiting)
{
	sc_arg_fd0(c, o);
	sc_arg(c, o);
	sc_iov(c, o, c->args[1], c->args[2], 1LL << 40);
	sc_arg(c, o);
	sc_udec(o, c->args[2]);
	print_pos_flags(c, o);
}

static const struct sc_named poll_events[] = {
	{ POLLIN, "POLLIN" },	      { POLLPRI, "POLLPRI" },	    { POLLOUT, "POLLOUT" },
	{ POLLERR, "POLLERR" },	      { POLLHUP, "POLLHUP" },	    { POLLNVAL, "POLLNVAL" },
	{ POLLRDNORM, "POLLRDNORM" }, { POLLRDBAND, "POLLRDBAND" }, { POLLWRNORM, "POLLWRNORM" },
	{ POLLWRBAND, "POLLWRBAND" }, { 0x2000, "POLLRDHUP" },	    { 0, NULL },
};

static void print_pollfds(struct sc_call *c, struct buf *o, int revents)
{
	unsigned long long n = c->args[1];
	int any = 0;

	if (n > 1024 || !c->args[0]) {
		sc_ptr(o, c->args[0]);
		return;
	}
	buf_addc(o, '[');
	for (unsigned long long i = 0; i < n; i++) {
		struct pollfd p;
		if (sc_mem_read(c, c->args[0] + i * sizeof(p), &p, sizeof(p))) {
			buf_add(o, "...", 3);
			break;
		}
		if (revents && !p.revents)
			continue;
		if (any)
			buf_add(o, ", ", 2);
		if (any && i >= 32) {
			buf_add(o, "...", 3);
			break;
		}
		any = 1;
		buf_addf(o, "{fd=%d, %s=", p.fd, revents ? "revents" : "events");
		sc_flags(o, (unsigned short)(revents ? p.revents : p.events), poll_events, "0");
		buf_addc(o, '}');
	}
	buf_addc(o, ']');
}

static void rdecor_poll(struct sc_call *c, struct buf *o)
{
	if (c->ret > 0) {
		buf_add(o, " (", 2);
		print_pollfds(c, o, 1);
		buf_addc(o, ')');
	} else if (c->ret == 0) {
		buf_addstr(o, " (Timeout)");
	}
}

static void dec_poll(struct sc_call *c, struct buf *o, int exiting)
{
	if (exiting) {
		c->rdecor = rdecor_poll;
		return;
	}
	sc_arg(c, o);
	print_pollfds(c, o, 0);
	sc_arg(c, o);
	sc_udec(o, c->args[1]);
	sc_arg(c, o);
	if (!strcmp(c->ent->name, "poll")) {
		sc_int(o, c->args[2]);
		return;
	}
	/* ppoll(fds, n, tsp, sigmask, sigsetsize) */
	if (!c->args[2]) {
		buf_addstr(o, "NULL");
	} else {
		long long ts[2];
		if (sc_mem_read(c, c->args[2], ts, sizeof(ts)))
			sc_ptr(o, c->args[2]);
		else
			buf_addf(o, "{tv_sec=%lld, tv_nsec=%lld}", ts[0], ts[1]);
	}
	sc_arg(c, o);
	sc_sigset(c, o, c->args[3], c->args[4]);
	sc_arg(c, o);
	sc_udec(o, c->args[4]);
}

static void print_fdset(struct sc_call *c, struct buf *o, unsigned long long addr, int nfds)
{
	unsigned char set[128];
	size_t n = ((size_t)(nfds < 0 ? 0 : nfds > 1024 ? 1024 : nfds) + 7) / 8;
	int any = 0;

	if (!addr) {
		buf_addstr(o, "NULL");
		return;
	}
	if (sc_mem_read(c, addr, set, n)) {
		sc_ptr(o, addr);
		return;
	}
	buf_addc(o, '[');
	for (int fd = 0; fd < nfds && fd < 1024; fd++)
		if (set[fd / 8] & (1u << (fd % 8))) {
			if (any)
				buf_addc(o, ' ');
			sc_dec(o, fd);
			any = 1;
		}
	buf_addc(o, ']');
}

/* the note after select's result: "(Timeout)", "(in [3], left {...})" */
static void rdecor_select(struct sc_call *c, struct buf *o)
{
	static const char *const what[] = { "in", "out", "except" };
	int nfds = (int)c->args[0], any = 0;
	int ns = c->ent->nargs == 6;

	if (c->ret == 0) {
		buf_addstr(o, " (Timeout)");
		return;
	}
	buf_add(o, " (", 2);
	for (int i = 1; i <= 3; i++) {
		if (!c->args[i])
			continue;
		if (any)
			buf_add(o, ", ", 2);
		buf_addstr(o, what[i - 1]);
		buf_addc(o, ' ');
		print_fdset(c, o, c->args[i], nfds);
		any = 1;
	}
	if (c->args[4]) {
		long long tv[2];
		if (!sc_mem_read(c, c->args[4], tv, sizeof(tv))) {
			buf_addf(o, "%sleft {tv_sec=%lld, tv_%s=%lld}", any ? ", " : "", tv[0],
				 ns ? "nsec" : "usec", tv[1]);
			any = 1;
		}
	}
	if (!any)
		buf_setlen(o, o->len - 2);
	else
		buf_addc(o, ')');
}

static void dec_select(struct sc_call *c, struct buf *o, int exiting)
{
	int nfds = (int)c->args[0];
	if (exiting) {
		if (c->ret >= 0)
			c->rdecor = rdecor_select;
		return;
	}
	sc_arg(c, o);
	sc_dec(o, nfds);
	for (int i = 1; i <= 3; i++) {
		sc_arg(c, o);
		print_fdset(c, o, c->args[i], nfds);
	}
	sc_arg(c, o);
	if (!c->args[4]) {
		buf_addstr(o, "NULL");
	} else {
		long long tv[2];
		if (sc_mem_read(c, c->args[4], tv, sizeof(tv)))
			sc_ptr(o, c->args[4]);
		else
			buf_addf(o, "{tv_%s=%lld, tv_%s=%lld}", "sec", tv[0],
				 c->ent->nargs == 6 ? "nsec" : "usec", tv[1]);
	}
	if (c->ent->nargs == 6) {
		/* pselect6's sixth: { const sigset_t *ss; size_t ss_len; } */
		unsigned long long d[2];
		sc_arg(c, o);
		if (!c->args[5]) {
			buf_addstr(o, "NULL");
		} else if (sc_mem_read(c, c->args[5], d, sizeof(d))) {
			sc_ptr(o, c->args[5]);
		} else {
			buf_addstr(o, "{sigmask=");
			sc_sigset(c, o, d[0], d[1]);
			buf_addf(o, ", sigsetsize=%llu}", d[1]);
		}
	}
}

static const struct sc_named epoll_events[] = {
	{ EPOLLIN, "EPOLLIN" },		{ EPOLLPRI, "EPOLLPRI" },
	{ EPOLLOUT, "EPOLLOUT" },	{ EPOLLERR, "EPOLLERR" },
	{ EPOLLHUP, "EPOLLHUP" },	{ EPOLLRDNORM, "EPOLLRDNORM" },
	{ EPOLLRDBAND, "EPOLLRDBAND" }, { EPOLLWRNORM, "EPOLLWRNORM" },
	{ EPOLLWRBAND, "EPOLLWRBAND" }, { EPOLLMSG, "EPOLLMSG" },
	{ EPOLLRDHUP, "EPOLLRDHUP" },	{ EPOLLEXCLUSIVE, "EPOLLEXCLUSIVE" },
	{ EPOLLWAKEUP, "EPOLLWAKEUP" }, { EPOLLONESHOT, "EPOLLONESHOT" },
	{ EPOLLET, "EPOLLET" },		{ 0, NULL },
};

static void print_epoll_event(struct buf *o, const unsigned char *p)
{
	unsigned ev;
	unsigned long long data;
	memcpy(&ev, p, 4);
	memcpy(&data, p + 4, 8);
	buf_addstr(o, "{events=");
	sc_flags(o, ev, epoll_events, "0");
	buf_addf(o, ", data={u32=%u, u64=%llu}}", (unsigned)data, data);
}

static void dec_epoll_ctl(struct sc_call *c, struct buf *o, int exiting)
{
	static const struct sc_named ops[] = {
		{ EPOLL_CTL_ADD, "EPOLL_CTL_ADD" },
		{ EPOLL_CTL_DEL, "EPOLL_CTL_DEL" },
		{ EPOLL_CTL_MOD, "EPOLL_CTL_MOD" },
		{ 0, NULL },
	};
	unsigned char ev[12];
	sc_arg_fd0(c, o);
	sc_arg(c, o);
	sc_xlat(o, (unsigned)c->args[1], ops, 0);
	sc_arg(c, o);
	sc_fd(c, o, c->args[2]);
	sc_arg(c, o);
	if (!c->args[3])
		buf_addstr(o, "NULL");
	else if (sc_mem_read(c, c->args[3], ev, sizeof(ev)))
		sc_ptr(o, c->args[3]);
	else
		print_epoll_event(o, ev);
}

static void dec_epoll_wait(struct sc_call *c, struct buf *o, int exiting)
{
	if (!exiting) {
		sc_arg_fd0(c, o);
		return;
	}
	sc_arg(c, o);
	if (c->ret < 0 || c->ret > 1024) {
		sc_ptr(o, c->args[1]);
	} else {
		buf_addc(o, '[');
		for (long long i = 0; i < c->ret; i++) {
			unsigned char ev[12];
			if (i)
				buf_add(o, ", ", 2);
			if (sc_mem_read(c, c->args[1] + (unsigned long long)i * 12, ev, 12)) {
				buf_add(o, "...", 3);
				break;
			}
			print_epoll_event(o, ev);
		}
		buf_addc(o, ']');
	}
	sc_arg(c, o);
	sc_int(o, c->args[2]);
	sc_arg(c, o);
	sc_int(o, c->args[3]);
	if (c->ent->nargs == 6) {
		sc_arg(c, o);
		sc_sigset(c, o, c->args[4], c->args[5]);
		sc_arg(c, o);
		sc_udec(o, c->args[5]);
	}
}

static void dec_epoll_create(struct sc_call *c, struct buf *o, int exiting)
{
	static const struct sc_named fl[] = { { 02000000, "EPOLL_CLOEXEC" }, { 0, NULL } };
	sc_arg(c, o);
	if (!strcmp(c->ent->name, "epoll_create1"))
		sc_flags(o, c->args[0], fl, "0");
	else
		sc_int(o, c->args[0]);
	c->rval = SC_RVAL_FD;
}

static void dec_pipe(struct sc_call *c, struct buf *o, int exiting)
{
	int fds[2];
	if (!exiting)
		return;
	sc_arg(c, o);
	if (c->ret < 0 || sc_mem_read(c, c->args[0], fds, sizeof(fds)))
		sc_ptr(o, c->args[0]);
	else
		buf_addf(o, "[%d, %d]", fds[0], fds[1]);
	if (!strcmp(c->ent->name, "pipe2")) {
		sc_arg(c, o);
		sc_open_flags(o, c->args[1]);
	}
}

static void dec_sendfile(struct sc_call *c, struct buf *o, int exiting)
{
	long long off;
	if (!exiting) {
		sc_arg_fd0(c, o);
		sc_arg(c, o);
		sc_fd(c, o, c->args[1]);
		sc_arg(c, o);
		if (!c->args[2])
			buf_addstr(o, "NULL");
		else if (sc_mem_read(c, c->args[2], &off, sizeof(off)))
			sc_ptr(o, c->args[2]);
		else
			buf_addf(o, "[%lld]", off);
		return;
	}
	if (c->args[2] && c->ret >= 0 && !sc_mem_read(c, c->args[2], &off, sizeof(off))) {
		/* strace shows the offset the call left: [0] => [1234] */
		if (o->len && o->data[o->len - 1] == ']')
			buf_addf(o, " => [%lld]", off);
	}
	sc_arg(c, o);
	sc_udec(o, c->args[3]);
}

static void dec_eventfd(struct sc_call *c, struct buf *o, int exiting)
{
	static const struct sc_named fl[] = {
		{ 02000000, "EFD_CLOEXEC" },
		{ 04000, "EFD_NONBLOCK" },
		{ 1, "EFD_SEMAPHORE" },
		{ 0, NULL },
	};
	sc_arg(c, o);
	sc_udec(o, (unsigned)c->args[0]);
	if (c->ent->nargs == 2) {
		sc_arg(c, o);
		sc_flags(o, c->args[1], fl, "0");
	}
	c->rval = SC_RVAL_FD;
}

static void dec_memfd_create(struct sc_call *c, struct buf *o, int exiting)
{
	static const struct sc_named fl[] = {
		{ 1, "MFD_CLOEXEC" },	  { 2, "MFD_ALLOW_SEALING" }, { 4, "MFD_HUGETLB" },
		{ 8, "MFD_NOEXEC_SEAL" }, { 0x10, "MFD_EXEC" },	      { 0, NULL },
	};
	sc_args(c, o, 0, 1);
	sc_arg(c, o);
	sc_flags(o, c->args[1], fl, "0");
	c->rval = SC_RVAL_FD;
}

static const struct sc_named in_events[] = {
	{ 0x001, "IN_ACCESS" },
	{ 0x002, "IN_MODIFY" },
	{ 0x004, "IN_ATTRIB" },
	{ 0x008, "IN_CLOSE_WRITE" },
	{ 0x010, "IN_CLOSE_NOWRITE" },
	{ 0x020, "IN_OPEN" },
	{ 0x040, "IN_MOVED_FROM" },
	{ 0x080, "IN_MOVED_TO" },
	{ 0x100, "IN_CREATE" },
	{ 0x200, "IN_DELETE" },
	{ 0x400, "IN_DELETE_SELF" },
	{ 0x800, "IN_MOVE_SELF" },
	{ 0x2000, "IN_UNMOUNT" },
	{ 0x4000, "IN_Q_OVERFLOW" },
	{ 0x8000, "IN_IGNORED" },
	{ 0x1000000, "IN_ONLYDIR" },
	{ 0x2000000, "IN_DONT_FOLLOW" },
	{ 0x4000000, "IN_EXCL_UNLINK" },
	{ 0x10000000, "IN_MASK_CREATE" },
	{ 0x20000000, "IN_MASK_ADD" },
	{ 0x40000000, "IN_ISDIR" },
	{ 0x80000000, "IN_ONESHOT" },
	{ 0, NULL },
};

/* IN_NONBLOCK|IN_CLOEXEC, TFD_CLOEXEC|TFD_NONBLOCK, SFD_*: the same bits,
 * in the order strace names them */
static void print_cloexec_nonblock(struct buf *o, unsigned long long v, const char *pfx,
				   int cloexec_first)
{
	char a[32], b[32];
	struct sc_named t[3] = { { 0, NULL }, { 0, NULL }, { 0, NULL } };
	snprintf(a, sizeof(a), "%s_CLOEXEC", pfx);
	snprintf(b, sizeof(b), "%s_NONBLOCK", pfx);
	t[cloexec_first ? 0 : 1] = (struct sc_named){ 02000000, a };
	t[cloexec_first ? 1 : 0] = (struct sc_named){ 04000, b };
	sc_flags(o, v, t, "0");
}

static void dec_inotify_init1(struct sc_call *c, struct buf *o, int exiting)
{
	sc_arg(c, o);
	print_cloexec_nonblock(o, c->args[0], "IN", 0);
	c->rval = SC_RVAL_FD;
}

static void dec_inotify_add_watch(struct sc_call *c, struct buf *o, int exiting)
{
	sc_args(c, o, 0, 2);
	sc_arg(c, o);
	sc_flags(o, c->args[2], in_events, "0");
}

static void dec_timerfd_create(struct sc_call *c, struct buf *o, int exiting)
{
	sc_args(c, o, 0, 1);
	sc_arg(c, o);
	print_cloexec_nonblock(o, c->args[1], "TFD", 1);
	c->rval = SC_RVAL_FD;
}

static void print_itimerspec(struct sc_call *c, struct buf *o, unsigned long long addr)
{
	long long t[4];
	if (!addr)
		buf_addstr(o, "NULL");
	else if (sc_mem_read(c, addr, t, sizeof(t)))
		sc_ptr(o, addr);
	else
		buf_addf(o,
			 "{it_interval={tv_sec=%lld, tv_nsec=%lld}, it_value={tv_sec=%lld, "
			 "tv_nsec=%lld}}",
			 t[0], t[1], t[2], t[3]);
}

/* timerfd_settime(fd, flags, new, old): old at exit */
static void dec_timerfd_settime(struct sc_call *c, struct buf *o, int exiting)
{
	static const struct sc_named fl[] = {
		{ 1, "TFD_TIMER_ABSTIME" },
		{ 2, "TFD_TIMER_CANCEL_ON_SET" },
		{ 0, NULL },
	};
	if (exiting) {
		sc_arg(c, o);
		if (c->ret < 0)
			sc_ptr(o, c->args[3]);
		else
			print_itimerspec(c, o, c->args[3]);
		return;
	}
	sc_args(c, o, 0, 1);
	sc_arg(c, o);
	sc_flags(o, c->args[1], fl, "0");
	sc_arg(c, o);
	print_itimerspec(c, o, c->args[2]);
}

static void dec_timerfd_gettime(struct sc_call *c, struct buf *o, int exiting)
{
	if (!exiting) {
		sc_args(c, o, 0, 1);
		return;
	}
	sc_arg(c, o);
	if (c->ret < 0)
		sc_ptr(o, c->args[1]);
	else
		print_itimerspec(c, o, c->args[1]);
}

/* signalfd(fd, mask, size) and signalfd4(..., flags) */
static void dec_signalfd(struct sc_call *c, struct buf *o, int exiting)
{
	sc_args(c, o, 0, 1);
	sc_arg(c, o);
	sc_sigset(c, o, c->args[1], c->args[2]);
	sc_args(c, o, 2, 3);
	if (c->ent->nargs == 4) {
		sc_arg(c, o);
		print_cloexec_nonblock(o, c->args[3], "SFD", 1);
	}
	c->rval = SC_RVAL_FD;
}

const struct sc_decoder sc_desc_decoders[] = {
	{ "memfd_create", dec_memfd_create },
	{ "inotify_init1", dec_inotify_init1 },
	{ "inotify_add_watch", dec_inotify_add_watch },
	{ "timerfd_create", dec_timerfd_create },
	{ "timerfd_settime", dec_timerfd_settime },
	{ "timerfd_gettime", dec_timerfd_gettime },
	{ "signalfd", dec_signalfd },
	{ "signalfd4", dec_signalfd },
	{ "read", dec_read },
	{ "pread64", dec_read },
	{ "write", dec_write },
	{ "pwrite64", dec_write },
	{ "readv", dec_readv },
	{ "preadv", dec_readv },
	{ "preadv2", dec_readv },
	{ "writev", dec_writev },
	{ "pwritev", dec_writev },
	{ "pwritev2", dec_writev },
	{ "poll", dec_poll },
	{ "ppoll", dec_poll },
	{ "select", dec_select },
	{ "pselect6", dec_select },
	{ "epoll_ctl", dec_epoll_ctl },
	{ "epoll_wait", dec_epoll_wait },
	{ "epoll_pwait", dec_epoll_wait },
	{ "epoll_create", dec_epoll_create },
	{ "epoll_create1", dec_epoll_create },
	{ "pipe", dec_pipe },
	{ "pipe2", dec_pipe },
	{ "sendfile", dec_sendfile },
	{ "eventfd", dec_eventfd },
	{ "eventfd2", dec_eventfd },
	{ NULL, NULL },
};
