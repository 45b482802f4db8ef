/*
 * syscall - system call names, numbers, classes and the decoders that turn
 * one raw call into the line strace prints for it.
 *
 * The table (syscall_table.h, generated from libseccomp and
 * scripts/syscall-attrs.txt) has one row per name with its number on
 * x86_64 and aarch64, its argument count and its trace classes.  Decoders
 * live in family files (sc_file.c, sc_desc.c, sc_net.c, sc_mem.c,
 * sc_proc.c, sc_signal.c) and are found by name; a call without one is
 * printed by name with hex arguments.
 *
 * This module knows nothing about where a call came from: a backend
 * (ptrace today, bpf later) fills a struct sc_call with the raw registers
 * and a function that reads the tracee's memory, then calls
 * sc_decode_entry() at entry and sc_decode_exit() at exit.  Each appends
 * its part of the line to a buf; entry + exit is the whole line, e.g.
 *     openat(AT_FDCWD, "/etc/hostname", O_RDONLY) = 3
 * (sc_decode_exit pads to the -a column and adds " = RET" itself).
 *
 * Tracee memory is hostile: every read is bounded, a failed read prints
 * the address instead, and every byte reaches the output through the
 * strace-style quoting in sc.c, which never emits a control byte.
 *
 * Errors: lookups return -1 or NULL; decoders cannot fail.
 */
#ifndef STRANGER_LIB_SYSCALL_H
#define STRANGER_LIB_SYSCALL_H

#include <stddef.h>
#include <sys/types.h>

#include "util/buf.h"

enum sc_arch { SC_ARCH_X86_64 = 0, SC_ARCH_AARCH64 = 1, SC_NARCH };

/* trace classes, as in -e trace=%file */
enum {
	SC_CLASS_DESC = 1 << 0,
	SC_CLASS_FILE = 1 << 1,
	SC_CLASS_NETWORK = 1 << 2,
	SC_CLASS_PROCESS = 1 << 3,
	SC_CLASS_SIGNAL = 1 << 4,
	SC_CLASS_MEMORY = 1 << 5,
	SC_CLASS_IPC = 1 << 6,
	SC_CLASS_CREDS = 1 << 7,
	SC_CLASS_CLOCK = 1 << 8,
};

struct sc_entry {
	const char *name;
	int nr[SC_NARCH]; /* -1: not on that architecture */
	int nargs;
	unsigned classes;
};

/*
 * The argument-shape table: what each argument of a call is, one row per
 * call (the shape column of scripts/syscall-attrs.txt).  It says how wide
 * the kernel reads an integer argument (int-sized ones are cut to 32 bits
 * before any decoder sees them: `O_CLOEXEC`, never
 * `O_CLOEXEC|0xdefaced00000000`), prints the simple calls by itself, tells
 * whether the call is decoded again at exit (it has an argument the
 * kernel writes), and is the capture plan of the bpf backend (what memory
 * to copy, when, and how long).
 */
enum sc_kind {
	SCK_X = 0, /* unknown: the 64-bit register in hex */
	SCK_PTR,   /* an address, printed as such */
	SCK_LONG,
	SCK_ULONG,
	SCK_XLONG,
	SCK_OLONG, /* 64-bit numbers */
	SCK_INT,
	SCK_UINT,
	SCK_XINT,  /* 32-bit numbers (cut) */
	SCK_MODE,  /* mode_t: octal, 32 bits */
	SCK_FLAGS, /* unsigned int flags (names by the call's decoder) */
	SCK_FD,
	SCK_DIRFD, /* int: a descriptor, AT_FDCWD */
	SCK_UID,   /* uid_t/gid_t: unsigned, -1 as -1 */
	SCK_SIG,   /* int: a signal number */
	SCK_CLOCK, /* clockid_t: int */
	/* memory the kernel reads (copied at entry) */
	SCK_PATH, /* a file name, whole */
	SCK_STR,  /* a string, cut at -s */
	SCK_IN,	  /* bytes: length from lenarg, or `size` bytes */
	SCK_SA,	  /* struct sockaddr, length from lenarg */
	SCK_IOV,  /* struct iovec[lenarg] and their data */
	SCK_MSG,  /* struct msghdr */
	SCK_STRV, /* argv */
	SCK_PTRV, /* envp: counted, not shown */
	SCK_ARR,  /* lenarg elements of `size` bytes */
	/* memory the kernel writes (copied at exit: the call is decoded at
	   exit from this argument on) */
	SCK_OUT,     /* bytes: length from the result (lenarg SC_LEN_RET) or
			`size` bytes */
	SCK_SAOUT,   /* struct sockaddr, length at the socklen_t *lenarg */
	SCK_LENOUT,  /* bytes, length at the socklen_t *lenarg (up to size) */
	SCK_IOVOUT,  /* struct iovec[lenarg], data up to the result */
	SCK_MSGOUT,  /* struct msghdr */
	SCK_ARROUT,  /* elements of `size` bytes, count from lenarg (or the
			result) */
	SCK_STROUT,  /* a string the call writes (PR_GET_NAME) or reads */
	SCK_PAGEVEC, /* one byte a page of the memory length in lenarg */
	SCK_IO,	     /* `size` bytes read at entry and written back */
	SCK_ARRIO,   /* lenarg elements of `size` read and written back */
	SCK_NKINDS
};

#define SC_LEN_RET 6  /* lenarg: the result */
#define SC_LEN_NONE 7 /* lenarg: none */

struct sc_argshape {
	unsigned char kind;   /* enum sc_kind */
	unsigned char lenarg; /* 0-5, SC_LEN_RET, SC_LEN_NONE */
	unsigned short size;  /* bytes of a structure or element; cap */
};

/* row flags */
enum {
	SC_SHAPE_READ = 1,   /* moves data read from fd args[0] (-e read=) */
	SC_SHAPE_WRITE = 2,  /* moves data written to fd args[0] (-e write=) */
	SC_SHAPE_EXIT = 4,   /* decoded at exit too (derived from the kinds) */
	SC_SHAPE_KNOWN = 8,  /* the row has a shape */
	SC_SHAPE_ENTRY = 16, /* every argument printed at entry although the
				kernel writes some (poll, select): what it
				wrote is a note after the result */
};

struct sc_shape {
	unsigned flags;
	struct sc_argshape a[6];
};

/* sc_shape_of - the row's shape (never NULL; all SCK_X when unknown) */
const struct sc_shape *sc_shape_of(const struct sc_entry *e);
/* sc_kind_is_int - 1 signed int, 2 unsigned int, 0 a 64-bit argument */
int sc_kind_int(unsigned kind);
/* sc_kind_at_exit - whether an argument of this kind is printed at exit */
int sc_kind_at_exit(unsigned kind);

/* how the decoded line is printed */
struct sc_opts {
	size_t strsize;			/* -s: bytes of a string or buffer shown (32) */
	int xflag;			/* -x: 1 non-ASCII as hex, 2 everything as hex */
	int verbose;			/* -v: whole structures */
	int column;			/* -a: column of " = " (40) */
	int show_paths;			/* -y: fd<path> */
	int timing;			/* -T: <seconds in the call> */
	const unsigned char *read_fds;	/* -e read=: 1024 flags, or NULL */
	const unsigned char *write_fds; /* -e write=: 1024 flags, or NULL */
};

#define SC_MAX_FD_SET 1024

/*
 * Read n bytes of the tracee's memory at addr into dst; returns the number
 * of bytes read (may be short) or -errno.
 */
typedef long (*sc_mem_fn)(void *ctx, unsigned long long addr, void *dst, size_t n);

/* Where the parts of a decoded line start, for --json. */
#define SC_MAX_ARGS 8

struct sc_call {
	/* filled by the backend */
	enum sc_arch arch;
	long nr;
	pid_t pid;
	unsigned long long args[6];
	long long ret; /* valid in sc_decode_exit */
	sc_mem_fn mem;
	void *mem_ctx;
	const struct sc_opts *opts;
	/* kept by the decoders between entry and exit */
	const struct sc_entry *ent;
	const struct sc_shape *shape; /* its argument shapes */
	int rval;		      /* SC_RVAL_* */
	int nout;		      /* arguments printed so far */
	size_t argoff[SC_MAX_ARGS + 1];
	long long line_start; /* where the line began in the output buf (may
			       * be negative for a resumed line) */
	unsigned long long saved[4];
	int suppress_ret; /* exit/exit_group: " = ?" */
	int at_exit;	  /* decoded at exit too: its row has an
			   * argument the kernel writes */
	/* set at exit to print more after the return value, " (flags ...)" */
	void (*rdecor)(struct sc_call *c, struct buf *o);
};

enum {
	SC_RVAL_DEC = 0, /* = 3 */
	SC_RVAL_HEX,	 /* = 0x7f... (mmap, brk) */
	SC_RVAL_OCT,	 /* = 022 (umask) */
	SC_RVAL_UDEC,	 /* = 18446... */
	SC_RVAL_FD,	 /* like DEC, with <path> under -y */
};

const struct sc_entry *sc_lookup_nr(enum sc_arch arch, long nr);
const struct sc_entry *sc_lookup_name(const char *name);
/* sc_class_parse - "%file", "file", "%net" ...: class bits or 0 */
unsigned sc_class_parse(const char *s);
/* sc_each - call fn for every table row; for class filters and seccomp */
void sc_each(void (*fn)(const struct sc_entry *e, void *ctx), void *ctx);
size_t sc_count(void);
/* sc_native_arch - the architecture stranger was built for */
enum sc_arch sc_native_arch(void);

/* sc_decode_entry - append "name(args known at entry" to out */
void sc_decode_entry(struct sc_call *c, struct buf *out);
/*
 * sc_decode_exit - append the rest: arguments known only at exit, ")",
 * padding to the column, "= RET" with errno name and text.  Without an
 * exit (the process died in the call) pass ret_known 0: "= ?".
 */
void sc_decode_exit(struct sc_call *c, struct buf *out, int ret_known);
/*
 * sc_decode_dump - the -e read=/-e write= hex dump of the data the call
 * moved, if its fd is in the set; appends nothing otherwise.
 */
void sc_decode_dump(struct sc_call *c, struct buf *out);

/* sc_hexdump - strace's " | 00000  68 65 ...  he.. |" lines for data */
void sc_hexdump(struct buf *out, const unsigned char *p, size_t n);
/* sc_hexdump_at - the same for a piece that starts at offset base (a
 * multiple of 16) of the whole */
void sc_hexdump_at(struct buf *out, const unsigned char *p, size_t n, size_t base);
/* sc_quote - strace's quoting: "text\1\n"; never emits a control byte */
void sc_quote(struct buf *out, const unsigned char *p, size_t n, int xflag);

/* sc_siginfo - "{si_signo=SIGCHLD, si_code=CLD_EXITED, ...}" */
void sc_siginfo(struct buf *o, const void *siginfo);

/* names: "SIGINT", "ENOENT"; NULL when unknown */
const char *sc_signame(int sig);
const char *sc_errname(int err);
/* sc_signal_parse - "SIGINT", "INT", "int", "2": signal number or -1 */
int sc_signal_parse(const char *s);

#endif
