/*
 * fdpath - what strace -y and -yy print after a descriptor: "<PATH>",
 * "<PATH>(deleted)" for a file unlinked while open, and with -yy the
 * device of a character or block special file: "</dev/null<char 1:3>>".
 *
 * The path is the kernel's /proc/PID/fd/FD link, quoted as strace quotes
 * it (sc_quote without the quotes), with '<' and '>' written \74 and \76
 * so that the brackets stay unambiguous.  Nothing is printed when the
 * link cannot be read (the descriptor is closed, or the process gone).
 */
#ifndef STRANGER_LIB_TRACE_FDPATH_H
#define STRANGER_LIB_TRACE_FDPATH_H

#include <sys/types.h>

#include "util/buf.h"

/* trace_fd_decor - append fd's decoration for -y (yflag 1) or -yy (2);
   hex: -xx, every byte of the path in hex */
void trace_fd_decor(struct buf *o, pid_t pid, int fd, int yflag, int hex);
/* trace_fd_quote - the quoting above, for a path of n bytes */
void trace_fd_quote(struct buf *o, const char *path, size_t n, int hex);

#endif
