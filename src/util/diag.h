/*
 * diag - one convention for what goes wrong.
 *
 *   die(fmt, ...)      print "stranger: CMD: MESSAGE" and exit 2.  Only in
 *                      src/cmd/ and src/main.c, never in src/lib/.
 *   error(fmt, ...)    print the same way, return -1; anywhere.
 *   warning(fmt, ...)  partial evidence: print "stranger: CMD: warning: ..."
 *                      and count it; the command goes on.
 *   note(fmt, ...)     a progress line of the command's own (strace's
 *                      "Process 123 attached"): "stranger: CMD: MESSAGE",
 *                      no level word, not counted; silenced by diag_quiet.
 *   bug(fmt, ...)      a broken invariant of our own: print and abort().
 *
 * The `_errno` variants append ": strerror(errno)".  Messages are
 * lowercase, name the object, then the system's reason (OpenBSD err(3)).
 * Text that came from the suspect system must already be escaped
 * (util/escape) before it is passed here.
 *
 * diag_set_hook() lets an evidence folder copy every warning into its
 * case.log, so a partial result is never silent.
 *
 * Everything stranger writes on stderr goes through here (scripts/lint.sh
 * checks it): besides the messages above, the "usage:" line of a usage
 * error, a library's own log lines passed on verbatim (libbpf's), and the
 * one-line progress display of a long run on a terminal.
 */
#ifndef STRANGER_UTIL_DIAG_H
#define STRANGER_UTIL_DIAG_H

#include <stdarg.h>

#define DIAG_FMT(a, b) __attribute__((format(printf, a, b)))

void diag_set_command(const char *cmd);
const char *diag_command(void);
void diag_set_hook(void (*hook)(const char *level, const char *msg, void *ctx), void *ctx);
/* diag_quiet - suppress warnings on stderr (they are still counted/hooked) */
void diag_quiet(int on);
unsigned diag_warnings(void);

_Noreturn void die(const char *fmt, ...) DIAG_FMT(1, 2);
_Noreturn void die_errno(const char *fmt, ...) DIAG_FMT(1, 2);
int error(const char *fmt, ...) DIAG_FMT(1, 2);
int error_errno(const char *fmt, ...) DIAG_FMT(1, 2);
void warning(const char *fmt, ...) DIAG_FMT(1, 2);
void note(const char *fmt, ...) DIAG_FMT(1, 2);
void warning_errno(const char *fmt, ...) DIAG_FMT(1, 2);
_Noreturn void bug(const char *fmt, ...) DIAG_FMT(1, 2);

/* diag_usage - the "usage: SYNOPSIS" line after a usage error */
void diag_usage(const char *synopsis);
/* diag_vtext - text a library logs, on stderr as it is (its own newlines) */
int diag_vtext(const char *fmt, va_list ap) DIAG_FMT(1, 0);
/* diag_progress - overwrite the progress line on stderr ("\r...\033[K");
 * only for a terminal, which the caller checks */
void diag_progress(const char *fmt, ...) DIAG_FMT(1, 2);
/* diag_progress_clear - erase the progress line */
void diag_progress_clear(void);

#endif
