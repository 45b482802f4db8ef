/* sc_net - decoders for sockets: socket/bind/listen/connect/accept with
 * decoded addresses, send/recv families, socket options. */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/trace/syscall/sc.h"

static const struct sc_named families[] = {
	{ AF_UNSPEC, "AF_UNSPEC" },
	{ AF_UNIX, "AF_UNIX" },
	{ AF_INET, "AF_INET" },
	{ AF_INET6, "AF_INET6" },
	{ AF_NETLINK, "AF_NETLINK" },
	{ AF_PACKET, "AF_PACKET" },
	{ AF_KEY, "AF_KEY" },
	{ AF_ALG, "AF_ALG" },
	{ AF_VSOCK, "AF_VSOCK" },
	{ AF_BLUETOOTH, "AF_BLUETOOTH" },
	{ 0, NULL },
};

static const struct sc_named types[] = {
	{ SOCK_STREAM, "SOCK_STREAM" },
	{ SOCK_DGRAM, "SOCK_DGRAM" },
	{ SOCK_RAW, "SOCK_RAW" },
	{ SOCK_RDM, "SOCK_RDM" },
	{ SOCK_SEQPACKET, "SOCK_SEQPACKET" },
	{ SOCK_PACKET, "SOCK_PACKET" },
	{ 0, NULL },
};

static const struct sc_named type_flags[] = {
	{ SOCK_CLOEXEC, "SOCK_CLOEXEC" },
	{ SOCK_NONBLOCK, "SOCK_NONBLOCK" },
	{ 0, NULL },
};

static const struct sc_named ip_protos[] = {
	{ IPPROTO_IP, "IPPROTO_IP" },
	{ IPPROTO_ICMP, "IPPROTO_ICMP" },
	{ IPPROTO_TCP, "IPPROTO_TCP" },
	{ IPPROTO_UDP, "IPPROTO_UDP" },
	{ IPPROTO_IPV6, "IPPROTO_IPV6" },
	{ IPPROTO_ICMPV6, "IPPROTO_ICMPV6" },
	{ IPPROTO_RAW, "IPPROTO_RAW" },
	{ IPPROTO_SCTP, "IPPROTO_SCTP" },
	{ 0, NULL },
};

static const struct sc_named msg_flags[] = {
	{ MSG_OOB, "MSG_OOB" },
	{ MSG_PEEK, "MSG_PEEK" },
	{ MSG_DONTROUTE, "MSG_DONTROUTE" },
	{ MSG_CTRUNC, "MSG_CTRUNC" },
	{ MSG_TRUNC, "MSG_TRUNC" },
	{ MSG_DONTWAIT, "MSG_DONTWAIT" },
	{ MSG_EOR, "MSG_EOR" },
	{ MSG_WAITALL, "MSG_WAITALL" },
	{ MSG_NOSIGNAL, "MSG_NOSIGNAL" },
	{ MSG_MORE, "MSG_MORE" },
	{ MSG_CMSG_CLOEXEC, "MSG_CMSG_CLOEXEC" },
	{ MSG_ERRQUEUE, "MSG_ERRQUEUE" },
	{ MSG_CONFIRM, "MSG_CONFIRM" },
	{ MSG_FASTOPEN, "MSG_FASTOPEN" },
	{ 0, NULL },
};

static void print_type(struct buf *o, unsigned long long t)
{
	sc_xlat(o, t & 0xf, types, 1);
	if (t & ~0xfULL) {
		buf_addc(o, '|');
		sc_flags(o, t & ~0xfULL, type_flags, NULL);
	}
}

static void dec_socket(struct sc_call *c, struct buf *o, int exiting)
{
	sc_arg(c, o);
	sc_xlat(o, (unsigned)c->args[0], families, 0);
	sc_arg(c, o);
	print_type(o, c->args[1]);
	sc_arg(c, o);
	if (c->args[0] == AF_INET || c->args[0] == AF_INET6)
		sc_xlat(o, (unsigned)c->args[2], ip_protos, 0);
	else
		sc_int(o, c->args[2]);
	c->rval = SC_RVAL_FD;
}

static void dec_socketpair(struct sc_call *c, struct buf *o, int exiting)
{
	int sv[2];
	if (!exiting) {
		dec_socket(c, o, 0);
		c->rval = SC_RVAL_DEC;
		return;
	}
	sc_arg(c, o);
	if (c->ret < 0 || sc_mem_read(c, c->args[3], sv, sizeof(sv)))
		sc_ptr(o, c->args[3]);
	else
		buf_addf(o, "[%d, %d]", sv[0], sv[1]);
}

/* bind/connect(fd, addr, len) */
static void dec_sockaddr_in(struct sc_call *c, struct buf *o, int exiting)
{
	sc_arg_fd0(c, o);
	sc_arg(c, o);
	sc_sockaddr(c, o, c->args[1], c->args[2]);
	sc_arg(c, o);
	sc_udec(o, (unsigned)c->args[2]);
}

static void dec_listen(struct sc_call *c, struct buf *o, int exiting)
{
	sc_arg_fd0(c, o);
	sc_arg(c, o);
	sc_int(o, c->args[1]);
}

/* accept/getsockname/getpeername(fd, addr, &len): addr filled at exit */
static void print_addr_out(struct sc_call *c, struct buf *o, unsigned long long addr,
			   unsigned long long lenp)
{
	unsigned len = 0;
	int have = lenp && !sc_mem_read(c, lenp, &len, sizeof(len));

	sc_arg(c, o);
	if (!addr)
		buf_addstr(o, "NULL");
	else if (c->ret < 0 || !have)
		sc_ptr(o, addr);
	else
		sc_sockaddr(c, o, addr, len < c->saved[0] ? len : c->saved[0]);
	sc_arg(c, o);
	if (!lenp)
		buf_addstr(o, "NULL");
	else if (!have)
		sc_ptr(o, lenp);
	else if (c->ret >= 0 && len != c->saved[0])
		buf_addf(o, "[%llu => %u]", c->saved[0], len);
	else
		buf_addf(o, "[%u]", len);
}

static void save_len(struct sc_call *c, unsigned long long lenp)
{
	unsigned len = 0;
	if (lenp && !sc_mem_read(c, lenp, &len, sizeof(len)))
		c->saved[0] = len;
}

static void dec_accept(struct sc_call *c, struct buf *o, int exiting)
{
	if (!exiting) {
		sc_arg_fd0(c, o);
		save_len(c, c->args[2]);
		return;
	}
	print_addr_out(c, o, c->args[1], c->args[2]);
	if (!strcmp(c->ent->name, "accept4")) {
		sc_arg(c, o);
		sc_flags(o, c->args[3], type_flags, "0");
	}
	if (c->ent->name[0] == 'a')
		c->rval = SC_RVAL_FD;
}

static void dec_sendto(struct sc_call *c, struct buf *o, int exiting)
{
	sc_arg_fd0(c, o);
	sc_arg(c, o);
	sc_bufn(c, o, c->args[1], c->args[2]);
	sc_arg(c, o);
	sc_udec(o, c->args[2]);
	sc_arg(c, o);
	sc_flags(o, (unsigned)c->args[3], msg_flags, "0");
	sc_arg(c, o);
	sc_sockaddr(c, o, c->args[4], c->args[5]);
	sc_arg(c, o);
	sc_udec(o, (unsigned)c->args[5]);
}

static void dec_recvfrom(struct sc_call *c, struct buf *o, int exiting)
{
	int out;

	if (!exiting)
		save_len(c, c->args[5]);
	out = sc_fd_then_out(c, o, exiting);
	if (out < 0)
		return;
	/* with MSG_TRUNC the result is the datagram's length, which may be
	 * more than the buffer holds */
	if (out)
		sc_bufn(c, o, c->args[1],
			(unsigned long long)c->ret < c->args[2] ? (unsigned long long)c->ret
								: c->args[2]);
	sc_arg(c, o);
	sc_udec(o, c->args[2]);
	sc_arg(c, o);
	sc_flags(o, (unsigned)c->args[3], msg_flags, "0");
	print_addr_out(c, o, c->args[4], c->args[5]);
}

/* struct msghdr on a 64-bit tracee: name, namelen, iov, iovlen, control,
 * controllen, flags */
static void print_msghdr(struct sc_call *c, struct buf *o, unsigned long long addr, long long data)
{
	unsigned long long m[7];
	if (sc_mem_read(c, addr, m, sizeof(m))) {
		sc_ptr(o, addr);
		return;
	}
	buf_addstr(o, "{msg_name=");
	if (m[0])
		sc_sockaddr(c, o, m[0], (unsigned)m[1]);
	else
		buf_addstr(o, "NULL");
	buf_addf(o, ", msg_namelen=%u, msg_iov=", (unsigned)m[1]);
	sc_iov(c, o, m[2], m[3], data);
	buf_addf(o, ", msg_iovlen=%llu, msg_controllen=%llu, msg_flags=", m[3], m[5]);
	sc_flags(o, (unsigned)m[6], msg_flags, "0");
	buf_addc(o, '}');
}

static void dec_sendmsg(struct sc_call *c, struct buf *o, int exiting)
{
	sc_arg_fd0(c, o);
	sc_arg(c, o);
	print_msghdr(c, o, c->args[1], 1LL << 40);
	sc_arg(c, o);
	sc_flags(o, (unsigned)c->args[2], msg_flags, "0");
}

static void dec_recvmsg(struct sc_call *c, struct buf *o, int exiting)
{
	int out = sc_fd_then_out(c, o, exiting);

	if (out < 0)
		return;
	if (out)
		print_msghdr(c, o, c->args[1], c->ret);
	sc_arg(c, o);
	sc_flags(o, (unsigned)c->args[2], msg_flags, "0");
}

static void dec_shutdown(struct sc_call *c, struct buf *o, int exiting)
{
	static const struct sc_named how[] = {
		{ SHUT_RD, "SHUT_RD" },
		{ SHUT_WR, "SHUT_WR" },
		{ SHUT_RDWR, "SHUT_RDWR" },
		{ 0, NULL },
	};
	sc_arg_fd0(c, o);
	sc_arg(c, o);
	sc_xlat(o, (unsigned)c->args[1], how, 0);
}

static const struct sc_named levels[] = {
	{ SOL_SOCKET, "SOL_SOCKET" }, { IPPROTO_IP, "SOL_IP" },	    { IPPROTO_TCP, "SOL_TCP" },
	{ IPPROTO_UDP, "SOL_UDP" },   { IPPROTO_IPV6, "SOL_IPV6" }, { 0, NULL },
};

static const struct sc_named so_names[] = {
	{ SO_DEBUG, "SO_DEBUG" },
	{ SO_REUSEADDR, "SO_REUSEADDR" },
	{ SO_TYPE, "SO_TYPE" },
	{ SO_ERROR, "SO_ERROR" },
	{ SO_DONTROUTE, "SO_DONTROUTE" },
	{ SO_BROADCAST, "SO_BROADCAST" },
	{ SO_SNDBUF, "SO_SNDBUF" },
	{ SO_RCVBUF, "SO_RCVBUF" },
	{ SO_KEEPALIVE, "SO_KEEPALIVE" },
	{ SO_OOBINLINE, "SO_OOBINLINE" },
	{ SO_LINGER, "SO_LINGER" },
	{ SO_REUSEPORT, "SO_REUSEPORT" },
	{ SO_PASSCRED, "SO_PASSCRED" },
	{ SO_PEERCRED, "SO_PEERCRED" },
	{ SO_RCVTIMEO, "SO_RCVTIMEO_OLD" },
	{ SO_SNDTIMEO, "SO_SNDTIMEO_OLD" },
	{ SO_BINDTODEVICE, "SO_BINDTODEVICE" },
	{ SO_ACCEPTCONN, "SO_ACCEPTCONN" },
	{ 0, NULL },
};

static const struct sc_named tcp_names[] = {
	{ TCP_NODELAY, "TCP_NODELAY" },	    { TCP_MAXSEG, "TCP_MAXSEG" },
	{ TCP_CORK, "TCP_CORK" },	    { TCP_KEEPIDLE, "TCP_KEEPIDLE" },
	{ TCP_KEEPINTVL, "TCP_KEEPINTVL" }, { TCP_KEEPCNT, "TCP_KEEPCNT" },
	{ TCP_INFO, "TCP_INFO" },	    { 0, NULL },
};

static void print_optname(struct buf *o, unsigned level, unsigned name)
{
	if (level == SOL_SOCKET)
		sc_xlat(o, name, so_names, 0);
	else if (level == IPPROTO_TCP)
		sc_xlat(o, name, tcp_names, 0);
	else
		sc_dec(o, name);
}

static void print_optval(struct sc_call *c, struct buf *o, unsigned long long addr,
			 unsigned long long len)
{
	int v;
	if (len == sizeof(int) && !sc_mem_read(c, addr, &v, sizeof(v)))
		buf_addf(o, "[%d]", v);
	else
		sc_bufn(c, o, addr, len > 4096 ? 4096 : len);
}

static void dec_setsockopt(struct sc_call *c, struct buf *o, int exiting)
{
	sc_arg_fd0(c, o);
	sc_arg(c, o);
	sc_xlat(o, (unsigned)c->args[1], levels, 0);
	sc_arg(c, o);
	print_optname(o, (unsigned)c->args[1], (unsigned)c->args[2]);
	sc_arg(c, o);
	print_optval(c, o, c->args[3], (unsigned)c->args[4]);
	sc_arg(c, o);
	sc_udec(o, (unsigned)c->args[4]);
}

static void dec_getsockopt(struct sc_call *c, struct buf *o, int exiting)
{
	unsigned len = 0;
	if (!exiting) {
		sc_arg_fd0(c, o);
		sc_arg(c, o);
		sc_xlat(o, (unsigned)c->args[1], levels, 0);
		sc_arg(c, o);
		print_optname(o, (unsigned)c->args[1], (unsigned)c->args[2]);
		return;
	}
	sc_arg(c, o);
	if (c->ret < 0 || sc_mem_read(c, c->args[4], &len, sizeof(len))) {
		sc_ptr(o, c->args[3]);
		sc_arg(c, o);
		sc_ptr(o, c->args[4]);
		return;
	}
	print_optval(c, o, c->args[3], len);
	sc_arg(c, o);
	buf_addf(o, "[%u]", len);
}

const struct sc_decoder sc_net_decoders[] = {
	{ "socket", dec_socket },
	{ "socketpair", dec_socketpair },
	{ "bind", dec_sockaddr_in },
	{ "connect", dec_sockaddr_in },
	{ "listen", dec_listen },
	{ "accept", dec_accept },
	{ "accept4", dec_accept },
	{ "getsockname", dec_accept },
	{ "getpeername", dec_accept },
	{ "sendto", dec_sendto },
	{ "recvfrom", dec_recvfrom },
	{ "sendmsg", dec_sendmsg },
	{ "recvmsg", dec_recvmsg },
	{ "shutdown", dec_shutdown },
	{ "setsockopt", dec_setsockopt },
	{ "getsockopt", dec_getsockopt },
	{ NULL, NULL },
};
