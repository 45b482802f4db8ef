/*
 * sinkhole - every connection the sandboxed program makes ends here.
 * See sinkhole.h and sinkhole.bpf.c.
 */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/sandbox/dnsfake.h"
#include "lib/sandbox/sinkhole.h"
#include "util/bpfutil.h"
#include "util/xalloc.h"

#include "sinkhole.bpf.h"
#include "sinkhole.skel.h"

#define MAX_CONNS 64
#define MAX_RECS 4096
#define MAX_NAMES 4096

struct conn {
	int fd;
	size_t rec;
};

struct sinkhole {
	struct sinkhole_bpf *skel;
	struct bpf_link *links[8];
	int tcp, udp4, udp6;
	struct conn conns[MAX_CONNS];
	size_t nconns;
	char **names; /* DNS names answered, by address index */
	size_t nnames;
};

/* ---- the namespace's routes: every address is local ---- */

static int add_local_route(int family, int ifindex)
{
	struct {
		struct nlmsghdr n;
		struct rtmsg r;
		char attrs[32];
	} req;
	struct rtattr *a;
	char ans[512];
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE), rc = 0;
	ssize_t k;

	if (s < 0)
		return -errno;
	memset(&req, 0, sizeof(req));
	req.n.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	req.n.nlmsg_type = RTM_NEWROUTE;
	req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE | NLM_F_ACK;
	req.n.nlmsg_seq = 1;
	req.r.rtm_family = (unsigned char)family;
	req.r.rtm_table = RT_TABLE_LOCAL;
	req.r.rtm_protocol = RTPROT_BOOT;
	req.r.rtm_scope = RT_SCOPE_HOST;
	req.r.rtm_type = RTN_LOCAL;
	a = (struct rtattr *)((char *)&req + NLMSG_ALIGN(req.n.nlmsg_len));
	a->rta_type = RTA_OIF;
	a->rta_len = RTA_LENGTH(sizeof(int));
	memcpy(RTA_DATA(a), &ifindex, sizeof(int));
	req.n.nlmsg_len = NLMSG_ALIGN(req.n.nlmsg_len) + RTA_ALIGN(a->rta_len);
	if (send(s, &req, req.n.nlmsg_len, 0) < 0) {
		rc = -errno;
	} else if ((k = recv(s, ans, sizeof(ans), 0)) <
		   (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr))) {
		rc = k < 0 ? -errno : -EPROTO;
	} else {
		struct nlmsghdr *h = (struct nlmsghdr *)ans;
		if (h->nlmsg_type == NLMSG_ERROR)
			rc = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
	}
	close(s);
	return rc;
}

static int udp_socket(int family, int port, int *out_port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1, fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct sockaddr_in *in = (void *)&ss;
		in->sin_family = AF_INET;
		in->sin_port = htons((unsigned short)port);
		len = sizeof(*in);
		setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
	} else {
		struct sockaddr_in6 *in6 = (void *)&ss;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((unsigned short)port);
		len = sizeof(*in6);
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one));
	}
	if (bind(fd, (void *)&ss, len) || getsockname(fd, (void *)&ss, &len)) {
		int e = errno;
		close(fd);
		return -e;
	}
	*out_port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
					    : ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

static int tcp_listener(int *out_port)
{
	struct sockaddr_in6 in6;
	socklen_t len = sizeof(in6);
	int zero = 0, fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	memset(&in6, 0, sizeof(in6));
	in6.sin6_family = AF_INET6;
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (bind(fd, (void *)&in6, sizeof(in6)) || listen(fd, 128) ||
	    getsockname(fd, (void *)&in6, &len)) {
		int e = errno;
		close(fd);
		return -e;
	}
	*out_port = ntohs(in6.sin6_port);
	return fd;
}

/* sockets and routes, made inside the sandbox's network namespace */
static int inside(struct sinkhole *s, int netns_fd, int *tport, int *uport, char *why,
		  size_t whylen)
{
	int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC), rc = 0, p6;
	int lo;
	if (self < 0)
		return -errno;
	if (setns(netns_fd, CLONE_NEWNET)) {
		rc = -errno;
		snprintf(why, whylen, "entering the sandbox's network namespace");
		close(self);
		return rc;
	}
	lo = (int)if_nametoindex("lo");
	if (!lo || (rc = add_local_route(AF_INET, lo))) {
		snprintf(why, whylen, "route local 0.0.0.0/0");
		rc = rc ? rc : -ENODEV;
		goto back;
	}
	/* without IPv6 in the kernel, there is no IPv6 to catch */
	rc = add_local_route(AF_INET6, lo);
	if (rc && rc != -EAFNOSUPPORT) {
		snprintf(why, whylen, "route local ::/0");
		goto back;
	}
	rc = 0;
	s->tcp = tcp_listener(tport);
	if (s->tcp < 0) {
		rc = s->tcp;
		snprintf(why, whylen, "TCP listener");
		goto back;
	}
	s->udp4 = udp_socket(AF_INET, 0, uport);
	if (s->udp4 < 0) {
		rc = s->udp4;
		snprintf(why, whylen, "UDP socket");
		goto back;
	}
	s->udp6 = udp_socket(AF_INET6, *uport, &p6);
back:
	if (setns(self, CLONE_NEWNET) && !rc)
		rc = -errno;
	close(self);
	return rc;
}

int sinkhole_available(void)
{
	struct sinkhole_bpf *skel = sinkhole_bpf__open();
	int rc;
	if (!skel)
		return -errno ? -errno : -ENOENT;
	rc = sinkhole_bpf__load(skel);
	sinkhole_bpf__destroy(skel);
	return rc;
}

int sinkhole_new(int cgfd, int netns_fd, struct sinkhole **out, char *why, size_t whylen)
{
	struct sinkhole *s = xcalloc(1, sizeof(*s));
	struct bpf_program *progs[8];
	int tport = 0, uport = 0, rc;

	s->tcp = s->udp4 = s->udp6 = -1;
	*out = NULL;
	rc = inside(s, netns_fd, &tport, &uport, why, whylen);
	if (rc)
		goto fail;
	libbpf_set_print(bpfutil_print_quiet);
	s->skel = sinkhole_bpf__open();
	if (!s->skel) {
		rc = -errno ? -errno : -ENOENT;
		snprintf(why, whylen, "BPF hooks: open");
		goto fail;
	}
	s->skel->rodata->cfg_tcp_port = htons((unsigned short)tport);
	s->skel->rodata->cfg_udp_port = htons((unsigned short)uport);
	if ((rc = sinkhole_bpf__load(s->skel))) {
		snprintf(why, whylen, "BPF hooks: load");
		goto fail;
	}
	progs[0] = s->skel->progs.sh_connect4;
	progs[1] = s->skel->progs.sh_connect6;
	progs[2] = s->skel->progs.sh_sendmsg4;
	progs[3] = s->skel->progs.sh_sendmsg6;
	progs[4] = s->skel->progs.sh_recvmsg4;
	progs[5] = s->skel->progs.sh_recvmsg6;
	progs[6] = s->skel->progs.sh_getpeername4;
	progs[7] = s->skel->progs.sh_getpeername6;
	for (int i = 0; i < 8; i++) {
		s->links[i] = bpf_program__attach_cgroup(progs[i], cgfd);
		if (!s->links[i]) {
			rc = -errno ? -errno : -EINVAL;
			s->links[i] = NULL;
			snprintf(why, whylen, "BPF hooks: attach %s", bpf_program__name(progs[i]));
			goto fail;
		}
	}
	*out = s;
	return 0;
fail:
	sinkhole_free(s);
	return rc < 0 ? rc : -EIO;
}

size_t sinkhole_fds(struct sinkhole *s, int *fds, size_t max)
{
	size_t n = 0;
	if (s->tcp >= 0 && n < max)
		fds[n++] = s->tcp;
	if (s->udp4 >= 0 && n < max)
		fds[n++] = s->udp4;
	if (s->udp6 >= 0 && n < max)
		fds[n++] = s->udp6;
	for (size_t i = 0; i < s->nconns && n < max; i++)
		fds[n++] = s->conns[i].fd;
	return n;
}

/* the port the program asked for at addr (network order in, host order out) */
static unsigned asked_port(struct sinkhole *s, int family, const void *addr)
{
	struct sh_key k;
	struct sh_val v;
	memset(&k, 0, sizeof(k));
	k.family = (unsigned)family;
	memcpy(k.addr, addr, family == AF_INET ? 4 : 16);
	if (bpf_map__lookup_elem(s->skel->maps.dest, &k, sizeof(k), &v, sizeof(v), 0))
		return 0;
	return ntohs((unsigned short)v.port);
}

static struct sinkhole_rec *new_rec(struct sinkhole_log *log, double now, int proto)
{
	struct sinkhole_rec *r;
	if (log->n >= MAX_RECS) {
		log->dropped++;
		return NULL;
	}
	if (log->n % 64 == 0)
		log->v = xreallocarray(log->v, log->n + 64, sizeof(*log->v));
	r = &log->v[log->n++];
	memset(r, 0, sizeof(*r));
	r->time = now;
	r->proto = proto;
	return r;
}

/* a v4-mapped IPv6 address is the IPv4 address it maps */
static void set_addr(struct sinkhole_rec *r, const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET) {
		r->family = AF_INET;
		memcpy(r->addr, &((const struct sockaddr_in *)ss)->sin_addr, 4);
	} else {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)ss)->sin6_addr;
		if (IN6_IS_ADDR_V4MAPPED(a)) {
			r->family = AF_INET;
			memcpy(r->addr, a->s6_addr + 12, 4);
		} else {
			r->family = AF_INET6;
			memcpy(r->addr, a, 16);
		}
	}
}

static void accept_one(struct sinkhole *s, double now, struct sinkhole_log *log)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd = accept4(s->tcp, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	struct sinkhole_rec *r;
	if (fd < 0)
		return;
	r = new_rec(log, now, IPPROTO_TCP);
	if (!r || getsockname(fd, (void *)&ss, &len)) {
		close(fd);
		return;
	}
	set_addr(r, &ss);
	r->port = asked_port(s, r->family, r->addr);
	if (s->nconns == MAX_CONNS) {
		close(s->conns[0].fd);
		memmove(s->conns, s->conns + 1, (MAX_CONNS - 1) * sizeof(*s->conns));
		s->nconns--;
	}
	s->conns[s->nconns].fd = fd;
	s->conns[s->nconns].rec = log->n - 1;
	s->nconns++;
}

static void read_conn(struct sinkhole *s, size_t i, struct sinkhole_log *log)
{
	unsigned char b[4096];
	ssize_t k = read(s->conns[i].fd, b, sizeof(b));
	struct sinkhole_rec *r = &log->v[s->conns[i].rec];
	if (k > 0) {
		size_t room = SINKHOLE_FIRST_BYTES - r->nbytes;
		size_t c = (size_t)k < room ? (size_t)k : room;
		memcpy(r->bytes + r->nbytes, b, c);
		r->nbytes += c;
		r->total += (unsigned long long)k;
		return;
	}
	if (k < 0 && errno == EAGAIN)
		return;
	close(s->conns[i].fd);
	s->conns[i] = s->conns[--s->nconns];
}

/* the address answered for a name: one per name, 198.18.0.1 on */
static void answer_for(struct sinkhole *s, const char *name, unsigned char a[4])
{
	size_t i;
	for (i = 0; i < s->nnames; i++)
		if (!strcmp(s->names[i], name))
			break;
	if (i == s->nnames && s->nnames < MAX_NAMES) {
		if (s->nnames % 64 == 0)
			s->names = xreallocarray(s->names, s->nnames + 64, sizeof(*s->names));
		s->names[s->nnames++] = xstrdup(name);
	}
	i++;
	a[0] = 198;
	a[1] = 18;
	a[2] = (unsigned char)(i >> 8);
	a[3] = (unsigned char)i;
}

static void udp_one(struct sinkhole *s, int fd, double now, struct sinkhole_log *log)
{
	unsigned char b[4096], ans[4096];
	union {
		char buf[256];
		struct cmsghdr align;
	} cm;
	struct sockaddr_storage from, to;
	struct iovec iov = { b, sizeof(b) };
	struct msghdr mh = { 0 };
	struct sinkhole_rec *r;
	ssize_t k;
	char name[256];
	unsigned qtype;
	int n;

	mh.msg_name = &from;
	mh.msg_namelen = sizeof(from);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cm.buf;
	mh.msg_controllen = sizeof(cm.buf);
	k = recvmsg(fd, &mh, 0);
	if (k < 0)
		return;
	memset(&to, 0, sizeof(to));
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			to.ss_family = AF_INET;
			((struct sockaddr_in *)&to)->sin_addr = pi.ipi_addr;
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			to.ss_family = AF_INET6;
			((struct sockaddr_in6 *)&to)->sin6_addr = pi.ipi6_addr;
		}
	}
	r = new_rec(log, now, IPPROTO_UDP);
	if (!r || !to.ss_family)
		return;
	set_addr(r, &to);
	r->port = asked_port(s, r->family, r->addr);
	r->total = (unsigned long long)k;
	r->nbytes = (size_t)k < SINKHOLE_FIRST_BYTES ? (size_t)k : SINKHOLE_FIRST_BYTES;
	memcpy(r->bytes, b, r->nbytes);
	if (r->port != 53)
		return;
	/* a DNS query: answer it from the address it was sent to */
	{
		unsigned char a[4] = { 0 };
		n = dnsfake_answer(b, (size_t)k, a, ans, sizeof(ans), name, sizeof(name), &qtype);
		if (n < 0)
			return;
		answer_for(s, name, a);
		n = dnsfake_answer(b, (size_t)k, a, ans, sizeof(ans), name, sizeof(name), &qtype);
	}
	r->dns = 1;
	memcpy(r->name, name, sizeof(r->name));
	r->qtype = qtype;
	if (qtype == 1 || qtype == 255)
		answer_for(s, name, r->answer);
	{
		struct iovec rio = { ans, (size_t)n };
		struct msghdr rm = { 0 };
		rm.msg_name = &from;
		rm.msg_namelen = mh.msg_namelen;
		rm.msg_iov = &rio;
		rm.msg_iovlen = 1;
		memset(&cm, 0, sizeof(cm));
		rm.msg_control = cm.buf;
		if (to.ss_family == AF_INET) {
			struct in_pktinfo pi;
			struct cmsghdr *c;
			memset(&pi, 0, sizeof(pi));
			pi.ipi_spec_dst = ((struct sockaddr_in *)&to)->sin_addr;
			rm.msg_controllen = CMSG_SPACE(sizeof(pi));
			c = CMSG_FIRSTHDR(&rm);
			c->cmsg_level = IPPROTO_IP;
			c->cmsg_type = IP_PKTINFO;
			c->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		} else {
			struct in6_pktinfo pi;
			struct cmsghdr *c;
			memset(&pi, 0, sizeof(pi));
			pi.ipi6_addr = ((struct sockaddr_in6 *)&to)->sin6_addr;
			rm.msg_controllen = CMSG_SPACE(sizeof(pi));
			c = CMSG_FIRSTHDR(&rm);
			c->cmsg_level = IPPROTO_IPV6;
			c->cmsg_type = IPV6_PKTINFO;
			c->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		}
		sendmsg(fd, &rm, MSG_DONTWAIT);
	}
}

void sinkhole_serve(struct sinkhole *s, double now, struct sinkhole_log *log)
{
	/* everything is non-blocking: take what is there, leave the rest */
	for (int i = 0; i < 16; i++)
		accept_one(s, now, log);
	for (int i = 0; i < 64 && s->udp4 >= 0; i++)
		udp_one(s, s->udp4, now, log);
	for (int i = 0; i < 64 && s->udp6 >= 0; i++)
		udp_one(s, s->udp6, now, log);
	for (size_t i = s->nconns; i-- > 0;)
		read_conn(s, i, log);
}

void sinkhole_free(struct sinkhole *s)
{
	if (!s)
		return;
	for (int i = 0; i < 8; i++)
		if (s->links[i])
			bpf_link__destroy(s->links[i]);
	if (s->skel)
		sinkhole_bpf__destroy(s->skel);
	for (size_t i = 0; i < s->nconns; i++)
		close(s->conns[i].fd);
	if (s->tcp >= 0)
		close(s->tcp);
	if (s->udp4 >= 0)
		close(s->udp4);
	if (s->udp6 >= 0)
		close(s->udp6);
	for (size_t i = 0; i < s->nnames; i++)
		free(s->names[i]);
	free(s->names);
	free(s);
}

void sinkhole_log_release(struct sinkhole_log *log)
{
	free(log->v);
	log->v = NULL;
	log->n = 0;
}
