/*
 * hidden_port - listening ports, four ways:
 *
 *   sock_diag  the kernel's socket tables over netlink (lib/sock)
 *   proc_net   /proc/net/{tcp,tcp6,udp,udp6} (lib/sock)
 *   bind       binding every TCP and UDP port on IPv4 and IPv6 (released
 *              at once): EADDRINUSE means something holds it
 *   fd         the sockets processes hold open (/proc/PID/fd)
 *
 * An eBPF or kernel rootkit that filters one view rarely filters all
 * four.  Findings: a port some probe finds in use that no table shows; a
 * listening socket one table shows and the other does not; a listening
 * socket no listed process holds.  Every disagreement is checked again
 * after a pause, so connections that come and go are not findings.  A
 * TCP socket that is bound but neither listening nor connected is in no
 * table; it is recognised through its holder's fd (pidfd_getfd and
 * getsockname), which changes nothing in the holder.
 *
 * Limits: the caller's network namespace only.  Binding ports below 1024
 * needs root (or CAP_NET_BIND_SERVICE); without it those ports are not
 * probed.  Probe sockets never listen and never send.
 */
#ifndef STRANGER_LIB_HIDDEN_PORT_H
#define STRANGER_LIB_HIDDEN_PORT_H

#include <stdint.h>

struct hidden_opts;
struct hidden_report;

/*
 * One probe per protocol: an IPv6 wildcard socket that is not v6-only
 * meets every IPv4 and IPv6 socket on its port, so one bind judges both
 * families (an IPv4 socket where the kernel has no IPv6).
 */
enum { HP_TCP, HP_UDP, HP_NPROTO };

/* A bit per port, per protocol. */
struct hidden_port_map {
	uint64_t bits[HP_NPROTO][65536 / 64];
};

/*
 * hidden_port_probe - bind ports lo..hi (inclusive) of both protocols; set
 * the bit of each that is in use.  threads: parallel probes.
 * 0 or -errno (no socket could be made at all).
 */
int hidden_port_probe(struct hidden_port_map *m, unsigned lo, unsigned hi,
		      int threads);
/* hidden_port_probe_one - 1 in use, 0 free, -errno unknown */
int hidden_port_probe_one(int which, unsigned port);

/* hidden_scan_ports - the port cross-view; 0 or -errno */
int hidden_scan_ports(const struct hidden_opts *o, struct hidden_report *r);

/* hidden_port_name - "tcp", "udp" */
const char *hidden_port_name(int which);

#endif
