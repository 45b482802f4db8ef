/*
 * bindhook - let one socket test many ports.
 *
 * A BPF program on the post-bind hook of stranger's own cgroup (v2) refuses
 * the bind of chosen sockets after the kernel has reserved their port; the
 * kernel then releases the port and leaves the socket unbound.  So bind()
 * on such a socket answers EADDRINUSE when the port is taken (the hook never
 * runs: the kernel's own conflict check comes first) and EPERM when it was
 * free, and the socket can be bound again at once: one bind per port
 * instead of a socket, a bind and a close.  The check is the kernel's usual
 * one, unchanged; a port is reserved only for the length of the bind.
 *
 * Chosen sockets: those whose cookie (SO_COOKIE: unique, never reused while
 * the kernel runs) is in the program's map.  Every other socket's bind
 * passes untouched.  The program is attached through a BPF link, which goes
 * away with its file descriptor: when stranger exits, even killed, nothing
 * stays attached.  bpftool shows it meanwhile as "stranger_bind".
 *
 * Needs cgroup v2 mounted, root (CAP_BPF and CAP_NET_ADMIN), and a kernel
 * whose socket programs may read cookies (5.10+).  bindhook_open() makes
 * sure the hook refuses a bind of each protocol and that the socket can be
 * bound again before it hands the hook out.
 *
 * Errors: NULL with errno set, or -errno.
 */
#ifndef STRANGER_LIB_BINDHOOK_H
#define STRANGER_LIB_BINDHOOK_H

struct bindhook;

/* bindhook_open - the hook for sockets of family (AF_INET6 or AF_INET) */
struct bindhook *bindhook_open(int family);
/* bindhook_add - refuse the binds of socket fd from now on; 0 or -errno */
int bindhook_add(struct bindhook *h, int fd);
/* bindhook_del - forget fd (before closing it) */
void bindhook_del(struct bindhook *h, int fd);
void bindhook_close(struct bindhook *h);

#endif
