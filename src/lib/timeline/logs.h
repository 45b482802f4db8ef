/*
 * logs - the events of a machine's logs, for the timeline and for chains.
 *
 * Readers (each a parser of one line or record, total on any bytes, and
 * fuzzed):
 *   syslog text  auth.log, syslog, secure, messages: rsyslog's high-
 *                precision format (Debian 12: "2024-06-01T12:34:56.123456
 *                +00:00 HOST PROG[PID]: MSG") and the traditional one
 *                ("Feb 13 23:05:34 HOST PROG[PID]: MSG", whose year is
 *                guessed: the file's year, or the year before for a date
 *                after the file's last change).  Lines of sshd -E files,
 *                which have no host, are read too.
 *   utmp         wtmp and btmp: the 384-byte struct utmp of glibc on Linux
 *                (logins, logouts, boots; btmp: refused logins).
 *   dpkg.log     "YYYY-MM-DD HH:MM:SS ACTION PKG VERSION VERSION".
 * Only lines that say something about who came in and what changed
 * become events: logins accepted and refused (sshd, login), su, sudo, TCP
 * Wrapper and inetd lines (connect from, refused connect from, xinetd
 * START/FAIL), users and groups added or removed, packages installed,
 * upgraded or removed.  Each event keeps its file and line (record).
 *
 * The systemd journal's own files (/var/log/journal/MACHINE-ID/NAME.journal
 * and .journal~) are read directly, by the documented file format: every
 * ENTRY object, in file order, its DATA objects' fields (regular and
 * compact layouts); an entry becomes the syslog line it stands for
 * (__REALTIME_TIMESTAMP, _HOSTNAME, SYSLOG_IDENTIFIER, _PID, MESSAGE) and
 * is classified as above, its "line" being the entry's sequence number.
 * Fields stored compressed (xz, lz4, zstd: systemd compresses those
 * longer than 512 bytes) are not decompressed: they are counted, and
 * tl_logs() names them in `notes`.
 */
#ifndef STRANGER_LIB_TIMELINE_LOGS_H
#define STRANGER_LIB_TIMELINE_LOGS_H

#include <stddef.h>

#include "lib/timeline/event.h"
#include "util/buf.h"

typedef int (*tl_emit_fn)(const struct tl_event *e, void *ctx);

/* one syslog line, split; pointers into the line */
struct tl_syslog {
	struct tl_time when;
	int year_known;
	const char *host, *prog, *msg;
	size_t host_len, prog_len, msg_len;
	long pid; /* -1 if none */
};

/* tl_syslog_parse - 0, or -1 for a line with no timestamp we know */
int tl_syslog_parse(const char *s, size_t n, int year, long long not_after, struct tl_syslog *out);

/* what a line says about a connection (chains, and the timeline's fields) */
enum tl_conn_kind {
	TL_CONN_NONE,
	TL_CONN_TCPD,
	TL_CONN_INETD,
	TL_CONN_SSH_FROM,
	TL_CONN_SSH_ACCEPT,
	TL_CONN_SSH_FAIL
};
struct tl_conn {
	enum tl_conn_kind kind;
	int refused;
	const char *ruser, *from, *luser, *laddr; /* NULL when absent */
	size_t ruser_len, from_len, luser_len, laddr_len;
	const char *service; /* the program, or the TCP Wrapper's daemon */
	size_t service_len;
};
/* tl_conn_parse - 1 if the message is a connection we know, else 0 */
int tl_conn_parse(const struct tl_syslog *l, struct tl_conn *c);

/* tl_log_text_line - classify one text log line; emit an event if it is one */
struct tl_text_state {
	const char *source;
	int year;
	long long not_after;
	tl_emit_fn emit;
	void *ctx;
	struct buf msg, json;
};
int tl_log_text_line(struct tl_text_state *st, const char *s, size_t n, unsigned long lineno);

#define TL_UTMP_SIZE 384
/* tl_log_utmp_record - one record (TL_UTMP_SIZE bytes); btmp: refused logins */
int tl_log_utmp_record(const char *source, const unsigned char *r, int btmp, unsigned long recno,
		       tl_emit_fn emit, void *ctx);

/* tl_log_dpkg_line - one line of dpkg.log */
int tl_log_dpkg_line(const char *source, const char *s, size_t n, unsigned long lineno,
		     tl_emit_fn emit, void *ctx);

/*
 * tl_log_file - read one log file (kind "text", "utmp", "btmp", "dpkg"),
 * with O_NOATIME where allowed; 0, -errno if it cannot be read, or emit's
 * first non-zero return.
 */
int tl_log_file(const char *path, const char *kind, tl_emit_fn emit, void *ctx);

/*
 * tl_journal_parse - the entries of a journal file held in memory: fn gets
 * each as a syslog line (RFC 3339 time, host, tag[pid]: message) and its
 * sequence number.  *compressed counts the fields not read.  0, -EINVAL
 * for a file that is not a journal (or is cut short before its first
 * entry), or fn's first non-zero return.
 */
int tl_journal_parse(const unsigned char *p, size_t n,
		     int (*fn)(const char *line, size_t len, unsigned long long seq, void *ctx),
		     void *ctx, unsigned long *compressed);
/* tl_journal_file - the same for a file, mapped read-only (O_NOATIME) */
int tl_journal_file(const char *path,
		    int (*fn)(const char *line, size_t len, unsigned long long seq, void *ctx),
		    void *ctx, unsigned long *compressed);

/* tl_logs_journal_dir - every *.journal(~) in DIR, and in its folders down to depth */
int tl_logs_journal_dir(const char *dir, tl_emit_fn emit, void *ctx, struct buf *notes,
			unsigned *partial, int depth);

/* tl_logs - every known log under ROOT/var/log that exists */
int tl_logs(const char *root, tl_emit_fn emit, void *ctx, struct buf *notes, unsigned *partial);

#endif
