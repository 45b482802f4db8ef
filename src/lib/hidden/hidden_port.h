/*
 * hidden_port - listening ports, four ways:
 *
 *   sock_diag  the kernel's socket tables over netlink (lib/sock)
 *   proc_net   /proc/net/{tcp,tcp6,udp,udp6} (lib/sock)
 *   bind       binding every TCP and UDP port on IPv4 and IPv6 (released
 *              at once): EADDRINUSE means something holds it (lib/portprobe)
 *   fd         the sockets processes hold open (/proc/PID/fd)
 *
 * An eBPF or kernel rootkit that filters one view rarely filters all
 * four.  Findings: a port some probe finds in use that no table shows
 * (with the process that holds it, when one does); a listening socket one
 * table shows and the other does not; a listening socket no listed
 * process holds.  Every disagreement is checked again after a pause, so
 * connections that come and go are not findings.  A TCP socket that is
 * bound but neither listening nor connected is in no table (/proc/net
 * never lists one, sock_diag only since Linux 6.9); it is recognised
 * through its holder's fd (pidfd_getfd, getsockname, SO_ACCEPTCONN,
 * getpeername), which changes nothing in the holder.
 *
 * Limits: the caller's network namespace only.  Binding ports below 1024
 * needs root (or CAP_NET_BIND_SERVICE); without it those ports are not
 * probed.  Probe sockets never listen and never send.
 */
#ifndef STRANGER_LIB_HIDDEN_PORT_H
#define STRANGER_LIB_HIDDEN_PORT_H

struct hidden_opts;
struct hidden_report;

/*
 * hidden_scan_ports - the port cross-view; 0 or -errno.  The bind probes
 * use o->port_probe (lib/portprobe); when that method was named and cannot
 * run, the error is printed and returned.
 */
int hidden_scan_ports(const struct hidden_opts *o, struct hidden_report *r);

#endif
