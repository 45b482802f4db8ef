/*
 * trace.bpf.h - the layout shared by the kernel side (trace.bpf.c) and
 * the user side (bpftrace.c) of the eBPF trace backend.
 *
 * The kernel side writes one record per event into a BPF ring buffer: a
 * struct bt_event, then `nchunks` captures, each a struct bt_chunk
 * followed by `len` bytes of the tracee's memory, padded to 8 bytes.
 * `size` is the whole record, header included.  A chunk records where the
 * bytes came from (`addr`) so that the user side can answer "read LEN bytes
 * at ADDR" as the ptrace backend's process_vm_readv would.
 *
 * Which memory is copied is decided per system call by a table the user
 * side loads into the `specs` map: for each of the six arguments a capture
 * kind, when to copy (entry, exit, both), where the length comes from and
 * a size.  Only plain integer types are used, so this header compiles both
 * with clang -target bpf (after vmlinux.h) and in user space (after
 * <linux/types.h>).
 */
#ifndef STRANGER_BPF_TRACE_H
#define STRANGER_BPF_TRACE_H

/* Event types. */
enum bt_type {
	BT_ENTER = 1,	 /* a traced call entered: nr, args, ts; input captures */
	BT_EXIT = 2,	 /* the call returned: nr, args, ret, ts; output captures */
	BT_FORK = 3,	 /* a traced task forked: nr = child tid, ret = child tgid */
	BT_TASKEXIT = 4, /* a traced task ended: nr = exit code (wait status),
			    ret = 1 when it was the last of its thread group */
	BT_SIGNAL = 5,	 /* a signal reached a traced task: nr = signo, ret = 1
			    when it stops the task (group stop); one chunk
			    (argi BT_ARG_SIGINFO) holds the kernel's siginfo
			    when there is one */
};

/* Event flags. */
enum {
	BT_EV_COMPAT = 1,  /* a 32-bit call: nr is not a native number */
	BT_EV_NOSTART = 2, /* exit of a call whose entry was not recorded */
};

struct bt_event {
	__u16 type;
	__u16 nchunks;
	__u32 size; /* whole record, header and chunks */
	__u32 tgid;
	__u32 tid;
	__s64 nr;
	__u64 ts; /* CLOCK_MONOTONIC, ns */
	__u64 args[6];
	__s64 ret;
	__u32 flags;
	__u32 cpu;
};

/* Chunk flags. */
enum {
	BT_CH_TRUNC = 1, /* the source was longer than what was copied */
	BT_CH_FAULT = 2, /* the copy failed: len is 0 */
	BT_CH_STR = 4,	 /* copied as a NUL-terminated string */
};

#define BT_ARG_SIGINFO 15 /* argi of a signal's siginfo chunk */

struct bt_chunk {
	__u64 addr;
	__u32 len;
	__u8 argi; /* which argument it belongs to (0-5) */
	__u8 flags;
	__u16 pad;
};

/*
 * Capture kinds (low 5 bits) and phase bits of struct bt_argspec.kind.
 * `lenarg` names where a length or count comes from: an argument index
 * 0-5, BT_LEN_RET for the return value, BT_LEN_NONE for none.
 */
enum bt_cap {
	BT_CAP_NONE = 0,
	BT_CAP_STR,   /* NUL-terminated string, up to str_max */
	BT_CAP_BUF,   /* bytes, length from lenarg, up to size or buf_max */
	BT_CAP_FIXED, /* `size` bytes */
	BT_CAP_PLEN,  /* length is the u32 at arg[lenarg] (socklen_t *), <= size */
	BT_CAP_ARRAY, /* count from lenarg, elements of `size` bytes */
	BT_CAP_STRV,  /* NULL-terminated array of strings (argv) */
	BT_CAP_PTRV,  /* NULL-terminated array of pointers, no strings (envp) */
	BT_CAP_IOV,   /* struct iovec[count from lenarg] and each buffer */
	BT_CAP_MSG,   /* struct msghdr, its name, iovecs and control */
};
#define BT_CAP_MASK 0x1f
#define BT_IN 0x20  /* copy at entry */
#define BT_OUT 0x40 /* copy at exit (only when the call did not fail) */

#define BT_LEN_RET 6
#define BT_LEN_NONE 7
/* flags or-ed into lenarg: the length argument is an int (cut to 32
   bits), a length of memory counted in pages (one byte each) */
#define BT_LEN_32 0x10
#define BT_LEN_PAGES 0x20

/* Spec flags: read/write family, for -e read=FDS / -e write=FDS. */
enum {
	BT_SPEC_TRACED = 1,
	BT_SPEC_READ = 2,  /* data read from fd arg 0 */
	BT_SPEC_WRITE = 4, /* data written to fd arg 0 */
};

struct bt_argspec {
	__u8 kind;
	__u8 lenarg;
	__u16 size;
};

struct bt_spec {
	__u32 flags;
	struct bt_argspec a[6];
};

#define BT_NR_MAX 1024	   /* native syscall numbers covered by specs */
#define BT_CAP_SPACE 65536 /* bytes of captures per event, at most */
#define BT_STRV_MAX 64	   /* argv strings copied, at most */
#define BT_PTRV_MAX 1024   /* envp pointers counted, at most */
#define BT_IOV_MAX 16	   /* iovecs copied per call, at most */
#define BT_ARRAY_MAX 4096  /* bytes of an array argument, at most */

/* fds map values: full data wanted for this fd */
enum { BT_FD_READ = 1, BT_FD_WRITE = 2 };

/* Slots of the `counters` per-CPU array. */
enum {
	BT_LOST_EVENTS = 0, /* ring buffer full: event dropped */
	BT_LOST_BYTES,	    /* capture space exhausted: data cut short */
	BT_NCOUNTERS,
};

#endif
