/*
 * sinkhole - every connection the sandboxed program makes ends here.
 *
 * The simplest thing that catches every address: cgroup BPF hooks on the
 * sandbox's own cgroup (sinkhole.bpf.c: connect4/6, sendmsg4/6,
 * recvmsg4/6, getpeername4/6).  A TCP connect or UDP send to any address
 * outside the loopback, IPv4 or IPv6, is rewritten in the kernel to
 * 127.1.X.Y (X.Y an index into a map that keeps the original address and
 * port; IPv6 as ::ffff:127.1.X.Y) at the sinkhole's port.  The sinkhole's
 * sockets are made by the supervisor inside the sandbox's network
 * namespace, which has nothing but a loopback: nothing can leave it, so a
 * miss is a refused connection, never a packet out.  The accepted
 * socket's local address gives the index back, so each connection is
 * recorded with the destination the program asked for, the time and its
 * first bytes.  UDP answers go out with the rewritten address as their
 * source, and the recvmsg/getpeername hooks show the program the address
 * it asked for.  DNS queries (UDP to port 53) are answered: A with
 * 198.18.0.N (RFC 2544's benchmark range; N numbers the names), anything
 * else with no records; each name is recorded.  Connections to loopback
 * addresses are left alone: they stay inside, reaching what the program
 * itself listens on there.
 *
 * Why not routes alone: `local 0.0.0.0/0 dev lo` makes every address
 * local but a listener still needs the exact port; catching every port
 * without BPF needs netfilter TPROXY, i.e. nf_tables rules over netlink.
 *
 * Limits: IPv6-only sockets (IPV6_V6ONLY) to non-loopback addresses fail
 * (the rewrite is to a v4-mapped address); raw sockets and ICMP find no
 * route; 65535 distinct destinations per run (the index then wraps).
 */
#ifndef STRANGER_LIB_SANDBOX_SINKHOLE_H
#define STRANGER_LIB_SANDBOX_SINKHOLE_H

#include <netinet/in.h>
#include <stddef.h>

#define SINKHOLE_FIRST_BYTES 512

struct sinkhole_rec {
	double time;		/* seconds since the run started */
	int proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	int family;		/* AF_INET or AF_INET6, as the program asked */
	unsigned char addr[16]; /* network order; 4 bytes for AF_INET */
	unsigned port;
	int dns;	/* a DNS query */
	char name[256]; /* its name (escaped), for DNS */
	unsigned qtype;
	unsigned char answer[4];
	unsigned char bytes[SINKHOLE_FIRST_BYTES];
	size_t nbytes;		  /* first bytes kept */
	unsigned long long total; /* bytes received in all */
};

struct sinkhole_log {
	struct sinkhole_rec *v;
	size_t n;
	unsigned long long dropped; /* connections and datagrams past the last record */
};

struct sinkhole;

/* sinkhole_available - 0 when the BPF hooks can be loaded, else -errno */
int sinkhole_available(void);
/*
 * sinkhole_new - load the hooks and attach them to the cgroup v2 folder
 * cgfd, and make the sockets inside the network namespace netns_fd.
 */
int sinkhole_new(int cgfd, int netns_fd, struct sinkhole **out, char *why, size_t whylen);
/* sinkhole_fds - the fds to poll (for reading); returns how many */
size_t sinkhole_fds(struct sinkhole *s, int *fds, size_t max);
/* sinkhole_serve - handle what is ready on any fd; `now` in run seconds */
void sinkhole_serve(struct sinkhole *s, double now, struct sinkhole_log *log);
void sinkhole_free(struct sinkhole *s);
void sinkhole_log_release(struct sinkhole_log *log);

#endif
