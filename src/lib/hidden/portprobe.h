/*
 * portprobe - is TCP (or UDP) port P in use, on any address of either
 * family?  Asked the way any program asks: bind it.  EADDRINUSE means
 * something holds it: a listener, a connection, a socket bound and nothing
 * more, a port in TIME_WAIT (no SO_REUSEADDR here, so TIME_WAIT counts).
 * The kernel answers from its bind hash, which neither /proc/net nor
 * sock_diag is, so a rootkit that edits those tables is not believed here.
 *
 * One probe per protocol and port: an IPv6 socket that is not v6-only
 * meets every IPv4 and IPv6 socket on its port (an IPv4 socket where the
 * kernel has no IPv6).  Probe sockets never listen and never send.
 *
 * Methods, all asking the same question of the same kernel code:
 *   syscalls   a socket per free port: socket, bind, close, one system call
 *              at a time (a socket is kept while its binds fail)
 *   uring      the same three steps as io_uring operations (socket into a
 *              fixed slot, bind, close), hundreds per system call
 *   bpf        one socket per protocol and thread, bound again and again:
 *              a BPF post-bind hook refuses each bind once the kernel has
 *              found the port free, and the kernel releases it (bindhook.h)
 *   bpf-uring  bpf, its binds in io_uring batches: the fastest
 *   auto       the first of bpf-uring, bpf, uring, syscalls that works
 * uring needs io_uring with IORING_OP_SOCKET and IORING_OP_BIND (kernel
 * 6.11), not switched off by kernel.io_uring_disabled; bpf needs root and
 * cgroup v2.  A method asked for by name that cannot run is an error; auto
 * falls back quietly, and a thread that cannot set up its ring probes by
 * system calls instead: every method gives the same answer.
 *
 * A port is reserved only for the length of a bind (of a bind and a close
 * for syscalls and uring), so a program binding the same port at that
 * instant could see EADDRINUSE.  Without root, ports below 1024 answer
 * EACCES: not probed, counted as free.
 *
 * Errors: 0 or -errno.
 */
#ifndef STRANGER_LIB_PORTPROBE_H
#define STRANGER_LIB_PORTPROBE_H

#include <stdint.h>

enum { PP_TCP, PP_UDP, PP_NPROTO };

enum portprobe_method {
	PORTPROBE_AUTO,
	PORTPROBE_BPF_URING,
	PORTPROBE_BPF,
	PORTPROBE_URING,
	PORTPROBE_SYSCALLS,
	PORTPROBE_NMETHODS,
};

/* A bit per port, per protocol: set when in use. */
struct portprobe_map {
	uint64_t bits[PP_NPROTO][65536 / 64];
};

static inline int portprobe_used(const struct portprobe_map *m, int which, unsigned port)
{
	return (int)((m->bits[which][port >> 6] >> (port & 63)) & 1);
}

/* portprobe_method_parse - a method's name to its number; -1 if unknown */
int portprobe_method_parse(const char *name);
const char *portprobe_method_name(int method);
/* portprobe_proto_name - "tcp", "udp" */
const char *portprobe_proto_name(int which);

/*
 * portprobe_all - probe ports lo..hi (inclusive) of both protocols on
 * `threads` threads; set the bit of each that is in use.  *ran (if not
 * NULL): the method used.  -errno when the method cannot run, or when no
 * socket could be made at all.
 */
int portprobe_all(struct portprobe_map *m, unsigned lo, unsigned hi, int threads, int method,
		  int *ran);
/* portprobe_one - 1 in use, 0 free, -errno unknown (a fresh socket) */
int portprobe_one(int which, unsigned port);

#endif
