/*
 * sc - the argument printers every decoder family shares, and the
 * decoder tables the families export (internal to lib/syscall).
 *
 * A decoder is called at entry (exiting 0) to print the arguments the
 * kernel reads and, only when the call's shape row has an argument the
 * kernel writes, again at exit (exiting 1) for those, as strace does;
 * c->nout says how many it printed already.  By the time a decoder runs,
 * the int-sized arguments of the row are cut to 32 bits.  Every argument starts
 * with sc_arg(), which writes the ", " and records where it began (for
 * --json).  All tracee memory is read through sc_mem_read*(), bounded.
 */
#ifndef STRANGER_LIB_SC_H
#define STRANGER_LIB_SC_H

#include "lib/trace/syscall/syscall.h"

typedef void (*sc_decoder_fn)(struct sc_call *c, struct buf *o, int exiting);

struct sc_decoder {
	const char *name;
	sc_decoder_fn fn;
};

/* value/name pairs for flags and enumerations */
struct sc_named {
	unsigned long long val;
	const char *name;
};

extern const struct sc_decoder sc_file_decoders[];
extern const struct sc_decoder sc_desc_decoders[];
extern const struct sc_decoder sc_net_decoders[];
extern const struct sc_decoder sc_mem_decoders[];
extern const struct sc_decoder sc_proc_decoders[];
extern const struct sc_decoder sc_signal_decoders[];
extern const struct sc_decoder sc_misc_decoders[];

/* sc_arg - begin the next argument */
void sc_arg(struct sc_call *c, struct buf *o);
/* sc_arg_fd0 - the first argument, a file descriptor (most calls start so) */
void sc_arg_fd0(struct sc_call *c, struct buf *o);
/*
 * For calls that take an fd first and fill a buffer (args[1]) the caller
 * reads at exit.  sc_out_arg1, at exit: the separator, and the pointer
 * alone if the call failed; 1 when the buffer is to be decoded now.
 * sc_fd_then_out: at entry the fd, and -1 (the entry part is done); at
 * exit, sc_out_arg1.
 */
int sc_out_arg1(struct sc_call *c, struct buf *o);
int sc_fd_then_out(struct sc_call *c, struct buf *o, int exiting);
/* sc_mem_read - exactly n bytes at addr, or -1 */
int sc_mem_read(struct sc_call *c, unsigned long long addr, void *dst, size_t n);
/* sc_mem_str - up to max bytes of a NUL-terminated string; length or -1,
 * *complete set when the NUL was found */
long sc_mem_str(struct sc_call *c, unsigned long long addr, char *dst, size_t max, int *complete);

void sc_dec(struct buf *o, long long v);
void sc_udec(struct buf *o, unsigned long long v);
void sc_hex(struct buf *o, unsigned long long v); /* 0x1f, or 0 */
void sc_oct(struct buf *o, unsigned long long v); /* 0644, or 0 */
void sc_ptr(struct buf *o, unsigned long long v); /* NULL or 0x... */
void sc_int(struct buf *o, unsigned long long v); /* as a C int */
void sc_uid(struct buf *o, unsigned long long v); /* uid_t: -1 or unsigned */
/* sc_args - arguments from..to-1 as their shapes say (the simple kinds) */
void sc_args(struct sc_call *c, struct buf *o, int from, int to);
void sc_fd(struct sc_call *c, struct buf *o, unsigned long long v);
void sc_dirfd(struct sc_call *c, struct buf *o, unsigned long long v);
/* sc_path - a file name, always whole (strace does not cut paths) */
void sc_path(struct sc_call *c, struct buf *o, unsigned long long addr);
/* sc_str - a NUL-terminated string, cut at -s with "..." */
void sc_str(struct sc_call *c, struct buf *o, unsigned long long addr);
/* sc_bufn - len bytes at addr, cut at -s with "..." */
void sc_bufn(struct sc_call *c, struct buf *o, unsigned long long addr, unsigned long long len);
/* sc_flags - "A|B|0x40", or zero_name (or "0") for 0 */
void sc_flags(struct buf *o, unsigned long long v, const struct sc_named *t, const char *zero_name);
/* sc_xlat - the name of v, or v printed as fallback ("0x%llx" / decimal) */
void sc_xlat(struct buf *o, unsigned long long v, const struct sc_named *t, int hex_fallback);
const char *sc_xlat_name(unsigned long long v, const struct sc_named *t);
/* sc_sigset - "[INT TERM]", "~[RTMIN RT_1]", "[]" from len bytes */
void sc_sigset(struct sc_call *c, struct buf *o, unsigned long long addr, unsigned long long len);
void sc_signal(struct buf *o, unsigned long long sig);
/* sc_iov - "[{iov_base="...", iov_len=5}, ...]"; data limited to `data` bytes
 * in total (-1: print no data) */
void sc_iov(struct sc_call *c, struct buf *o, unsigned long long addr, unsigned long long cnt,
	    long long data);
/* sc_sockaddr - {sa_family=AF_INET, sin_port=htons(22), ...} */
void sc_sockaddr(struct sc_call *c, struct buf *o, unsigned long long addr, unsigned long long len);
/* sc_dump_iov - the wiretap dump of an iovec array, `total` bytes */
void sc_dump_iov(struct sc_call *c, struct buf *o, unsigned long long addr, unsigned long long cnt,
		 unsigned long long total);
void sc_dump_mem(struct sc_call *c, struct buf *o, unsigned long long addr, unsigned long long len);

/* time: "{tv_sec=1, tv_nsec=2}" (NULL, or the address when unreadable) */
void sc_timespec(struct sc_call *c, struct buf *o, unsigned long long addr);
void sc_timeval(struct sc_call *c, struct buf *o, unsigned long long addr);
/* sc_isotime - " 2026-12-07T00:23:49.000002+0000" without the space:
 * frac_digits 0, 6 or 9 digits of frac after the seconds */
void sc_isotime(struct buf *o, long long sec, long long frac, int frac_digits);
/* sc_clockid - CLOCK_REALTIME, ... or the number */
void sc_clockid(struct buf *o, unsigned long long v);
/* sc_rusage - "{ru_utime={...}, ru_stime={...}, ...}" (whole under -v) */
void sc_rusage(struct sc_call *c, struct buf *o, unsigned long long addr);
/* sc_file_mode - "S_IFCHR|0600", "0600" for mknod's mode */
void sc_file_mode(struct buf *o, unsigned mode);
/* sc_open_flags - O_* flags without the access mode (pipe2, dup3) */
void sc_open_flags(struct buf *o, unsigned long long v);
/* sc_at_flags - AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH, "0" */
void sc_at_flags(struct buf *o, unsigned long long v);

extern const struct sc_decoder sc_time_decoders[];

/* sc_errtext - strace's text for an errno, the kernel's restart codes too */
const char *sc_errtext(int err);

#define SC_NOUT(c) ((c)->nout)

#endif
