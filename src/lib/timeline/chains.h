/*
 * chains - connection chains across hosts, from their logs (Figure 1 of
 * the article: wsbs03 -> wsbs01 -> wsbs06 -> wsbs06's loopback).
 *
 * A log is syslog text (rsyslog's formats, `journalctl -o
 * short-iso-precise`), a systemd journal file or a folder of them (read
 * by lib/timeline/logs' journal reader), or a journal export (`journalctl -o export`, whose
 * entries are read as the syslog lines they stand for: __REALTIME_TIMESTAMP,
 * _HOSTNAME, SYSLOG_IDENTIFIER, _PID, MESSAGE).
 * Each log belongs to one host: the host field of its syslog lines, else
 * the NAME the caller gave it, else the file's name up to its first dot.
 * A connection into that host comes from a TCP Wrapper line ("connect
 * from [USER@]HOST", "refused connect from ..."), an xinetd line ("START:
 * SERVICE pid=N from=ADDR", "FAIL: ..."), or from sshd
 * ("Connection from ADDR port P on LADDR port Q", then "Accepted METHOD for
 * USER from ADDR ..." or "Failed ..." of the same sshd PID; a lone
 * Accepted line counts too).  Where a connection came from is resolved to
 * a host by: loopback (localhost, 127.x, ::1) is the host itself; an
 * address some host's sshd said it was connected on (LADDR) or listens
 * on ("Server listening on ADDR port P."), or one the caller declared
 * (ch_addr); a host name equal to a log's host, or to its
 * first label.  Anything else stays the address it was logged as.
 *
 * Connection b follows connection a when b comes from a's host, within
 * `window` seconds after a (never before), and not from another user
 * where both logs say: a's user on its host (sshd's "for USER") against
 * b's remote user (TCP Wrapper's USER@).  A chain is a longest path of
 * following connections from a connection that follows none; only paths of
 * two connections or more are chains.  Chains come out longest first, then
 * by time.
 *
 * Errors: ch_add_log returns 0 or -errno (file not readable).
 */
#ifndef STRANGER_LIB_TIMELINE_CHAINS_H
#define STRANGER_LIB_TIMELINE_CHAINS_H

#include <stddef.h>
#include <stdio.h>

#include "lib/timeline/event.h"

struct ch_conn {
	struct tl_time when;
	int year_known;
	char *to;	 /* the host whose log it is */
	char *from;	 /* as logged: a name or an address */
	char *from_host; /* resolved (points to `from` when unresolved) */
	char *ruser;	 /* remote user (TCP Wrapper USER@) or NULL */
	char *luser;	 /* user on `to` (sshd "for USER") or NULL */
	char *laddr;	 /* sshd's local address or NULL */
	char *service;
	int refused; /* refused, or failed and never accepted */
	int accepted;
	long pid;
	char *file;
	unsigned long line;
};

struct ch_chain {
	size_t *hop; /* indexes into set->conn, in order */
	size_t n;
};

struct ch_set {
	struct ch_conn *conn;
	size_t n, cap;
	char **addr_host, **addr; /* declared and learned address -> host */
	size_t naddr;
	char **hosts;
	size_t nhosts;
	struct ch_chain *chain;
	size_t nchains;
	long window;
	unsigned long lines, unparsed;
};

void ch_init(struct ch_set *s, long window);
void ch_release(struct ch_set *s);
/* ch_addr - declare that ADDR is HOST's */
void ch_addr(struct ch_set *s, const char *host, const char *addr);
/* ch_add_log - read the log of host `name` (NULL: from the lines or file name) */
int ch_add_log(struct ch_set *s, const char *path, const char *name);
/* ch_add_line - one line of a log of host `name`, for tests and fuzzing */
void ch_add_line(struct ch_set *s, const char *line, size_t n, int year, long long not_after,
		 const char *name, const char *file, unsigned long lineno);
/* ch_add_export - the entries of a journal export read from f */
void ch_add_export(struct ch_set *s, FILE *f, const char *name, const char *path);
/* ch_link - resolve sources, find the chains */
void ch_link(struct ch_set *s);

#endif
