/*
 * bpftrace - the eBPF source of raw system call events for `trace`.
 *
 * It loads the programs of trace.bpf.c (embedded as a libbpf
 * skeleton), attaches them to the raw syscall, fork, exit and signal
 * tracepoints, and hands each event of the traced thread groups to a
 * callback: entry (number, six arguments, copies of the memory the input
 * arguments point to), exit (the same plus the return value and copies of
 * what the call wrote), fork, task exit and signal.  The traced process
 * never stops, and nothing in /proc/PID/status shows that it is watched.
 * Decoding is not done here: the decoders of `trace` read the copied
 * memory with bpftrace_mem() as they read a stopped tracee's memory.
 *
 * Invariants: the programs are attached before bpftrace_open() returns, so
 * bpftrace_launch() starts the command only when its first execve will be
 * seen.  Filtering happens in the kernel: an untraced task or an untraced
 * call is never copied.  An event's memory is the ring buffer's and is
 * valid only during the callback (bpftrace_event_dup() keeps one).
 *
 * Errors: functions return 0 (or a count) or -errno.  bpftrace_open()
 * returns -EPERM or -ENOSYS (or another -errno) when the kernel or the
 * caller's privileges do not allow BPF, so that the caller can fall back
 * to ptrace; bpftrace_strerror() says what failed.  Nothing is printed
 * unless opts.verbose asks for libbpf's own messages.
 *
 * Limits: what is copied is bounded (paths str_max, buffers buf_max,
 * -e read=/write= fds full_max, at most BT_CAP_SPACE bytes per event, 64
 * argv strings, 16 iovecs); a copy cut short is flagged, and counted in
 * bpftrace_lost().  Memory not resident when a call enters cannot be read
 * by BPF; paths are retried at exit.  A full ring buffer drops events: they
 * are counted, never silently lost.  Threads of a traced process are
 * always traced (the filter is by thread group).  32-bit calls of a 64-bit
 * kernel are reported with BT_EV_COMPAT and without copies.
 */
#ifndef STRANGER_LIB_BPFTRACE_H
#define STRANGER_LIB_BPFTRACE_H

#include <linux/types.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "lib/trace/trace.bpf.h"

struct bpftrace_opts {
	int follow;	   /* add children of traced processes (-f) */
	unsigned str_max;  /* bytes of a path or string; 0: 4096 */
	unsigned buf_max;  /* bytes of a buffer (strace -s + 1); 0: 33 */
	unsigned full_max; /* bytes of a buffer on a -e read=/write= fd; 0: 32768 */
	size_t ring_bytes; /* ring buffer, a power of 2; 0: 8 MiB */
	/* traced[nr] non-zero for each traced call number < BT_NR_MAX;
	   NULL traces every call, numbers beyond the table included */
	const unsigned char *traced;
	const int *read_fds; /* -e read=FDS: full data read from these fds */
	size_t nread_fds;
	const int *write_fds; /* -e write=FDS */
	size_t nwrite_fds;
	int env_strings; /* copy execve's environment strings, not just
			    their count (strace -v) */
	int verbose;	 /* libbpf's messages (verifier log) on stderr */
};

struct bpftrace_event {
	int type;	/* BT_ENTER, BT_EXIT, ... (bpf/trace.h) */
	unsigned flags; /* BT_EV_* */
	pid_t tgid, tid;
	long nr; /* call number; see bpf/trace.h per type */
	unsigned long long args[6];
	long long ret;
	unsigned long long ts;	     /* CLOCK_REALTIME, ns */
	unsigned long long mono;     /* CLOCK_MONOTONIC, ns (for -T) */
	const unsigned char *chunks; /* nchunks struct bt_chunk + data */
	size_t nchunks;
	size_t chunk_bytes;
};

/* the callback's non-zero return stops bpftrace_poll(), which returns it */
typedef int (*bpftrace_cb)(const struct bpftrace_event *ev, void *ctx);

struct bpftrace;

int bpftrace_open(struct bpftrace **out, const struct bpftrace_opts *o);
/* bpftrace_strerror - what bpftrace_open() last failed at, or "" */
const char *bpftrace_strerror(void);
/* bpftrace_add - trace thread group tgid (every thread of it) */
int bpftrace_add(struct bpftrace *bt, pid_t tgid);
/*
 * bpftrace_launch - fork, trace the child, then let it set its umask to
 * mask and execve(path, argv, envp); *pid is the child.  Its calls count
 * from that execve on.  -errno of the execve when it failed (the child is
 * reaped then).
 */
int bpftrace_launch(struct bpftrace *bt, const char *path, char *const argv[], char *const envp[],
		    mode_t mask, pid_t *pid);
/* bpftrace_poll - wait up to timeout_ms, then hand every pending event to
   cb; the number handled, the callback's non-zero return, or -errno */
int bpftrace_poll(struct bpftrace *bt, int timeout_ms, bpftrace_cb cb, void *ctx);
/* bpftrace_alive - whether a traced thread group is still running */
int bpftrace_alive(struct bpftrace *bt);
/* bpftrace_lost - events dropped and captures cut short, so far */
void bpftrace_lost(struct bpftrace *bt, unsigned long long *events, unsigned long long *bytes);
void bpftrace_close(struct bpftrace *bt);

/*
 * bpftrace_mem - copy up to len bytes of the tracee's memory at addr, as
 * captured in ev; the number of bytes available (it may be fewer than len
 * when the capture was cut short), or -EFAULT when nothing at addr was
 * captured.  bpftrace_mem2() looks in `first` and then in `second` (the
 * entry event, for memory read at exit that was captured at entry).
 */
long bpftrace_mem(const struct bpftrace_event *ev, unsigned long long addr, void *buf, size_t len);
long bpftrace_mem2(const struct bpftrace_event *first, const struct bpftrace_event *second,
		   unsigned long long addr, void *buf, size_t len);
/* bpftrace_plan - what the kernel side copies for native call nr: its
 * row of the argument-shape table (lib/trace/syscall) as capture specs */
void bpftrace_plan(long nr, struct bt_spec *spec);
/* bpftrace_chunk - the i-th chunk of ev and its data; 0 or -ENOENT */
int bpftrace_chunk(const struct bpftrace_event *ev, size_t i, struct bt_chunk *ch,
		   const unsigned char **data);
/* bpftrace_event_dup - a heap copy of ev and its chunks; free() it */
struct bpftrace_event *bpftrace_event_dup(const struct bpftrace_event *ev);

#endif
