/*
 * sock - the kernel's socket tables, keyed by socket inode.
 *
 * Two sources, so that callers (lsof, ps, hidden) can use the best and
 * compare them:
 *   netlink   NETLINK_SOCK_DIAG dumps of TCP and UDP over IPv4 and IPv6
 *             (inet_diag) and of unix sockets (unix_diag, with names and
 *             peers).  Preferred: binary, complete, and not a text file a
 *             rootkit's hooked read() can edit.
 *   procfs    /proc/net/{tcp,tcp6,udp,udp6,unix}, or the same files under
 *             /proc/PID/net, which show the socket tables of PID's network
 *             namespace.
 *
 * Entries are sorted by inode after loading (sock_table_sort), so lookups
 * are a binary search.  Parsers are total on arbitrary bytes and fuzzed;
 * unix paths are raw bytes (escape before printing; an abstract name is
 * stored with a leading '@').
 *
 * Errors: 0 or -errno.
 */
#ifndef STRANGER_LIB_SOCK_H
#define STRANGER_LIB_SOCK_H

#include <stddef.h>
#include <sys/types.h>

#include "util/buf.h"

enum sock_source { SOCK_SRC_NETLINK = 1, SOCK_SRC_PROCFS = 2 };

struct sock_entry {
	unsigned long long inode;
	int family; /* AF_INET, AF_INET6, AF_UNIX */
	int proto;  /* IPPROTO_TCP, IPPROTO_UDP; 0 for unix */
	int state;  /* kernel TCP_* state number */
	int type;   /* unix: SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	unsigned char laddr[16], raddr[16];
	unsigned lport, rport;
	unsigned uid;
	unsigned long long peer;  /* unix: peer's inode */
	unsigned long long kaddr; /* unix (procfs): the kernel's "Num" */
	char *path;		  /* unix: bound name, or NULL */
	size_t path_len;
};

struct sock_table {
	struct sock_entry *v;
	size_t n, cap;
	int source;
	int unowned; /* set before loading: keep TIME_WAIT and orphans (inode 0) */
};

void sock_table_init(struct sock_table *t);
void sock_table_release(struct sock_table *t);
void sock_table_sort(struct sock_table *t);
/* sock_table_load - netlink, else procfs of our own namespace; sorted */
int sock_table_load(struct sock_table *t);
int sock_table_load_netlink(struct sock_table *t);
/* sock_table_load_procfs - netdir is "/proc/net" or "/proc/PID/net" */
int sock_table_load_procfs(struct sock_table *t, const char *netdir);
const struct sock_entry *sock_find(const struct sock_table *t, unsigned long long inode);

/* parsers (public for tests and fuzzing) */
int sock_parse_nlmsgs(struct sock_table *t, const void *p, size_t n, int *done);
int sock_parse_proc_inet(struct sock_table *t, const char *s, size_t n, int family, int proto);
int sock_parse_proc_unix(struct sock_table *t, const char *s, size_t n);

/* sock_state_name - lsof's name of a TCP state ("LISTEN", ...) */
const char *sock_state_name(int state);
/* sock_addr_format - "ADDR:PORT" as lsof -n -P writes it ("*:5120") */
void sock_addr_format(struct buf *out, int family, const unsigned char *addr, unsigned port);
/* sock_describe - the NAME column of lsof -n -P for this socket */
void sock_describe(struct buf *out, const struct sock_entry *e);
/* sock_is_listening - a listening TCP socket, or a bound unconnected UDP */
int sock_is_listening(const struct sock_entry *e);

#endif
