#include "lib/proc/sock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/escape.h"
#include "util/xalloc.h"

void sock_table_init(struct sock_table *t)
{
	memset(t, 0, sizeof(*t));
}

void sock_table_release(struct sock_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].path);
	free(t->v);
	sock_table_init(t);
}

static struct sock_entry *add(struct sock_table *t)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->v = xreallocarray(t->v, t->cap, sizeof(*t->v));
	}
	memset(&t->v[t->n], 0, sizeof(t->v[0]));
	return &t->v[t->n++];
}

static int cmp_inode(const void *a, const void *b)
{
	const struct sock_entry *x = a, *y = b;
	return (x->inode > y->inode) - (x->inode < y->inode);
}

void sock_table_sort(struct sock_table *t)
{
	if (t->n)
		qsort(t->v, t->n, sizeof(*t->v), cmp_inode);
}

const struct sock_entry *sock_find(const struct sock_table *t, unsigned long long inode)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->v[mid].inode < inode)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->n && t->v[lo].inode == inode ? &t->v[lo] : NULL;
}

static void parse_inet_msg(struct sock_table *t, const struct inet_diag_msg *m, int proto)
{
	struct sock_entry *e;
	if (!m->idiag_inode && !t->unowned)
		return; /* TIME_WAIT and other sockets without an owner */
	e = add(t);
	e->inode = m->idiag_inode;
	e->family = m->idiag_family;
	e->proto = proto;
	e->state = m->idiag_state;
	e->uid = m->idiag_uid;
	e->lport = ntohs(m->id.idiag_sport);
	e->rport = ntohs(m->id.idiag_dport);
	memcpy(e->laddr, m->id.idiag_src, 16);
	memcpy(e->raddr, m->id.idiag_dst, 16);
}

static void parse_unix_msg(struct sock_table *t, const struct unix_diag_msg *m, size_t len)
{
	struct sock_entry *e = add(t);
	size_t off = NLMSG_ALIGN(sizeof(*m));

	e->inode = m->udiag_ino;
	e->family = AF_UNIX;
	e->type = m->udiag_type;
	e->state = m->udiag_state;
	while (off + sizeof(struct rtattr) <= len) {
		const struct rtattr *a = (const void *)((const char *)m + off);
		size_t alen = a->rta_len;
		if (alen < sizeof(*a) || off + alen > len)
			break;
		const char *data = (const char *)a + RTA_ALIGN(sizeof(*a));
		size_t dlen = alen - RTA_ALIGN(sizeof(*a));
		if (a->rta_type == UNIX_DIAG_NAME && dlen && !e->path) {
			size_t l;
			e->path = xmalloc(dlen + 1);
			if (data[0] == '\0') { /* abstract: shown with '@' */
				e->path[0] = '@';
				memcpy(e->path + 1, data + 1, dlen - 1);
				l = dlen;
			} else {
				l = strnlen(data, dlen);
				memcpy(e->path, data, l);
			}
			e->path[l] = '\0';
			e->path_len = l;
		} else if (a->rta_type == UNIX_DIAG_PEER && dlen >= 4) {
			unsigned v;
			memcpy(&v, data, 4);
			e->peer = v;
		}
		off += RTA_ALIGN(alen);
	}
}

int sock_parse_nlmsgs(struct sock_table *t, const void *p, size_t n, int *done)
{
	const char *base = p;
	size_t off = 0;

	*done = 0;
	while (off + sizeof(struct nlmsghdr) <= n) {
		const struct nlmsghdr *h = (const void *)(base + off);
		size_t len = h->nlmsg_len;
		if (len < sizeof(*h) || off + len > n)
			return -EINVAL;
		if (h->nlmsg_type == NLMSG_DONE) {
			*done = 1;
			return 0;
		}
		if (h->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *err = NLMSG_DATA(h);
			*done = 1;
			if (len >= NLMSG_LENGTH(sizeof(*err)) && err->error)
				return err->error < 0 ? err->error : -EIO;
			return 0;
		}
		if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY) {
			size_t plen = len - NLMSG_HDRLEN;
			const unsigned char *d = NLMSG_DATA(h);
			if (plen >= sizeof(struct inet_diag_msg) &&
			    (d[0] == AF_INET || d[0] == AF_INET6))
				/* the protocol was set by the caller's request */
				parse_inet_msg(t, (const void *)d, -1);
			else if (plen >= sizeof(struct unix_diag_msg) && d[0] == AF_UNIX)
				parse_unix_msg(t, (const void *)d, plen);
		}
		off += NLMSG_ALIGN(len);
	}
	return 0;
}

static int dump(struct sock_table *t, int fd, const void *req, size_t reqlen, int proto)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct {
		struct nlmsghdr h;
		char body[64];
	} msg;
	static __thread char *rbuf;
	enum { RBUF = 256 * 1024 };
	size_t before = t->n;

	if (!rbuf)
		rbuf = xmalloc(RBUF);
	memset(&msg, 0, sizeof(msg));
	msg.h.nlmsg_len = (unsigned)NLMSG_LENGTH(reqlen);
	msg.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	msg.h.nlmsg_seq = 1;
	memcpy(msg.body, req, reqlen);
	if (sendto(fd, &msg, msg.h.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	for (;;) {
		int done, rc;
		ssize_t r = recv(fd, rbuf, RBUF, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EIO;
		rc = sock_parse_nlmsgs(t, rbuf, (size_t)r, &done);
		if (rc)
			return rc;
		if (done)
			break;
	}
	for (size_t i = before; i < t->n; i++)
		if (t->v[i].proto == -1)
			t->v[i].proto = proto;
	return 0;
}

int sock_table_load_netlink(struct sock_table *t)
{
	static const struct {
		int family, proto;
	} inet[] = {
		{ AF_INET, IPPROTO_TCP },
		{ AF_INET6, IPPROTO_TCP },
		{ AF_INET, IPPROTO_UDP },
		{ AF_INET6, IPPROTO_UDP },
	};
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	int rc = 0;

	if (fd < 0)
		return -errno;
	for (size_t i = 0; i < sizeof(inet) / sizeof(inet[0]) && !rc; i++) {
		struct inet_diag_req_v2 r;
		memset(&r, 0, sizeof(r));
		r.sdiag_family = (unsigned char)inet[i].family;
		r.sdiag_protocol = (unsigned char)inet[i].proto;
		r.idiag_states = ~0u;
		rc = dump(t, fd, &r, sizeof(r), inet[i].proto);
	}
	if (!rc) {
		struct unix_diag_req u;
		memset(&u, 0, sizeof(u));
		u.sdiag_family = AF_UNIX;
		u.udiag_states = ~0u;
		u.udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER;
		rc = dump(t, fd, &u, sizeof(u), 0);
	}
	close(fd);
	if (!rc)
		t->source = SOCK_SRC_NETLINK;
	return rc;
}

static int hexbytes(const char *s, size_t n, unsigned char *out, size_t outlen)
{
	if (n != outlen * 2)
		return -1;
	for (size_t i = 0; i < outlen; i++) {
		unsigned v = 0;
		for (int k = 0; k < 2; k++) {
			char c = s[2 * i + (size_t)k];
			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= (unsigned)(c - '0');
			else if (c >= 'A' && c <= 'F')
				v |= (unsigned)(c - 'A' + 10);
			else if (c >= 'a' && c <= 'f')
				v |= (unsigned)(c - 'a' + 10);
			else
				return -1;
		}
		out[i] = (unsigned char)v;
	}
	return 0;
}

/* Split a line into at most max whitespace-separated fields. */
static size_t fields(const char *p, const char *end, const char **f, size_t *fl, size_t max)
{
	size_t n = 0;
	while (p < end && n < max) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p >= end)
			break;
		f[n] = p;
		while (p < end && *p != ' ' && *p != '\t')
			p++;
		fl[n] = (size_t)(p - f[n]);
		n++;
	}
	return n;
}

static int parse_ull(const char *s, size_t n, int base, unsigned long long *v)
{
	char tmp[32];
	char *end;
	if (!n || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (tmp[0] == '-' || tmp[0] == '+' || tmp[0] == ' ')
		return -1;
	errno = 0;
	*v = strtoull(tmp, &end, base);
	return errno || *end ? -1 : 0;
}

/* "0100007F:1400": the kernel prints each 32-bit word in host order. */
static int parse_inet_addr(const char *s, size_t n, int family, unsigned char *addr, unsigned *port)
{
	const char *colon = memchr(s, ':', n);
	size_t alen = family == AF_INET ? 4 : 16;
	unsigned long long p;
	if (!colon || hexbytes(s, (size_t)(colon - s), addr, alen))
		return -1;
	/* the text is each word's value; store the value in host order */
	for (size_t w = 0; w < alen; w += 4) {
		uint32_t v;
		memcpy(&v, addr + w, 4);
		/* hexbytes read big-endian text; the kernel wrote host order */
		v = ntohl(v);
		memcpy(addr + w, &v, 4);
	}
	if (parse_ull(colon + 1, (size_t)(s + n - colon - 1), 16, &p) || p > 65535)
		return -1;
	*port = (unsigned)p;
	return 0;
}

int sock_parse_proc_inet(struct sock_table *t, const char *s, size_t n, int family, int proto)
{
	const char *p = s, *end = s + n;
	int first = 1;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *f[10];
		size_t fl[10];
		size_t nf = fields(p, le, f, fl, 10);
		unsigned long long st, uid, ino;
		struct sock_entry e;

		p = nl ? nl + 1 : end;
		if (first) { /* the header line */
			first = 0;
			continue;
		}
		memset(&e, 0, sizeof(e));
		if (nf < 10 || parse_inet_addr(f[1], fl[1], family, e.laddr, &e.lport) ||
		    parse_inet_addr(f[2], fl[2], family, e.raddr, &e.rport) ||
		    parse_ull(f[3], fl[3], 16, &st) || st > 255 ||
		    parse_ull(f[7], fl[7], 10, &uid) || uid > 0xffffffffULL ||
		    parse_ull(f[9], fl[9], 10, &ino))
			continue;
		if (!ino && !t->unowned)
			continue;
		e.inode = ino;
		e.family = family;
		e.proto = proto;
		e.state = (int)st;
		e.uid = (unsigned)uid;
		*add(t) = e;
	}
	return 0;
}

int sock_parse_proc_unix(struct sock_table *t, const char *s, size_t n)
{
	const char *p = s, *end = s + n;
	int first = 1;

	/* Num RefCount Protocol Flags Type St Inode Path */
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *f[8];
		size_t fl[8];
		size_t nf = fields(p, le, f, fl, 7);
		unsigned long long num, flags, type, st, ino;
		struct sock_entry *e;
		const char *path;

		p = nl ? nl + 1 : end;
		if (first) {
			first = 0;
			continue;
		}
		if (nf < 7 || fl[0] < 2 || f[0][fl[0] - 1] != ':' ||
		    parse_ull(f[0], fl[0] - 1, 16, &num) || parse_ull(f[3], fl[3], 16, &flags) ||
		    parse_ull(f[4], fl[4], 16, &type) || type > 16 ||
		    parse_ull(f[5], fl[5], 16, &st) || st > 16 || parse_ull(f[6], fl[6], 10, &ino))
			continue;
		e = add(t);
		e->inode = ino;
		e->family = AF_UNIX;
		e->type = (int)type;
		e->kaddr = num;
		/* St: 1 unconnected, 3 connected; flag 0x10000 = listening */
		e->state = flags & 0x10000 ? 10 : st == 3 ? 1 : 7;
		path = f[6] + fl[6];
		while (path < le && *path == ' ')
			path++;
		if (path < le) {
			e->path_len = (size_t)(le - path);
			e->path = xstrndup(path, e->path_len);
			e->path_len = strlen(e->path);
		}
	}
	return 0;
}

int sock_table_load_procfs(struct sock_table *t, const char *netdir)
{
	static const struct {
		const char *file;
		int family, proto;
	} files[] = {
		{ "tcp", AF_INET, IPPROTO_TCP },
		{ "tcp6", AF_INET6, IPPROTO_TCP },
		{ "udp", AF_INET, IPPROTO_UDP },
		{ "udp6", AF_INET6, IPPROTO_UDP },
	};
	struct buf b = BUF_INIT, path = BUF_INIT;
	int loaded = 0;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		buf_reset(&b);
		buf_reset(&path);
		buf_addf(&path, "%s/%s", netdir, files[i].file);
		if (buf_read_at(&b, AT_FDCWD, path.data, 0))
			continue;
		loaded++;
		sock_parse_proc_inet(t, b.data, b.len, files[i].family, files[i].proto);
	}
	buf_reset(&b);
	buf_reset(&path);
	buf_addf(&path, "%s/unix", netdir);
	if (!buf_read_at(&b, AT_FDCWD, path.data, 0)) {
		loaded++;
		sock_parse_proc_unix(t, b.data, b.len);
	}
	buf_release(&b);
	buf_release(&path);
	if (!loaded)
		return -ENOENT;
	t->source = SOCK_SRC_PROCFS;
	return 0;
}

int sock_table_load(struct sock_table *t)
{
	int rc = sock_table_load_netlink(t);
	if (rc) {
		sock_table_release(t);
		rc = sock_table_load_procfs(t, "/proc/net");
	}
	sock_table_sort(t);
	return rc;
}

const char *sock_state_name(int state)
{
	static const char *const names[] = {
		[TCP_ESTABLISHED] = "ESTABLISHED",
		[TCP_SYN_SENT] = "SYN_SENT",
		[TCP_SYN_RECV] = "SYN_RECV",
		[TCP_FIN_WAIT1] = "FIN_WAIT1",
		[TCP_FIN_WAIT2] = "FIN_WAIT2",
		[TCP_TIME_WAIT] = "TIME_WAIT",
		[TCP_CLOSE] = "CLOSE",
		[TCP_CLOSE_WAIT] = "CLOSE_WAIT",
		[TCP_LAST_ACK] = "LAST_ACK",
		[TCP_LISTEN] = "LISTEN",
		[TCP_CLOSING] = "CLOSING",
	};
	if (state > 0 && (size_t)state < sizeof(names) / sizeof(names[0]) && names[state])
		return names[state];
	return "UNKNOWN";
}

static int all_zero(const unsigned char *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i])
			return 0;
	return 1;
}

void sock_addr_format(struct buf *out, int family, const unsigned char *addr, unsigned port)
{
	char tmp[INET6_ADDRSTRLEN];
	size_t alen = family == AF_INET ? 4 : 16;

	if (all_zero(addr, alen))
		buf_addc(out, '*');
	else if (family == AF_INET && inet_ntop(AF_INET, addr, tmp, sizeof(tmp)))
		buf_addstr(out, tmp);
	else if (family == AF_INET6 && inet_ntop(AF_INET6, addr, tmp, sizeof(tmp)))
		buf_addf(out, "[%s]", tmp);
	else
		buf_addc(out, '?');
	if (port)
		buf_addf(out, ":%u", port);
	else
		buf_addstr(out, ":*");
}

static const char *unix_type_name(int type)
{
	switch (type) {
	case SOCK_STREAM:
		return "STREAM";
	case SOCK_DGRAM:
		return "DGRAM";
	case SOCK_SEQPACKET:
		return "SEQPACKET";
	case SOCK_RAW:
		return "RAW";
	case SOCK_RDM:
		return "RDM";
	}
	return "UNKNOWN";
}

void sock_describe(struct buf *out, const struct sock_entry *e)
{
	if (e->family == AF_UNIX) {
		if (e->path) {
			escape_bytes(out, e->path, e->path_len);
			buf_addc(out, ' ');
		}
		buf_addf(out, "type=%s (%s)", unix_type_name(e->type),
			 e->state == 10	 ? "LISTEN"
			 : e->state == 1 ? "CONNECTED"
					 : "UNCONNECTED");
		return;
	}
	sock_addr_format(out, e->family, e->laddr, e->lport);
	if (!all_zero(e->raddr, e->family == AF_INET ? 4 : 16) || e->rport) {
		buf_add(out, "->", 2);
		sock_addr_format(out, e->family, e->raddr, e->rport);
	}
	if (e->proto == IPPROTO_TCP)
		buf_addf(out, " (%s)", sock_state_name(e->state));
}

int sock_is_listening(const struct sock_entry *e)
{
	if (e->family == AF_UNIX)
		return 0;
	if (e->proto == IPPROTO_TCP)
		return e->state == TCP_LISTEN;
	/* UDP: bound, not connected */
	return e->proto == IPPROTO_UDP && e->lport && !e->rport;
}
