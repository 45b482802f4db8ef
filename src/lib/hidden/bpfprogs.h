/*
 * bpfprogs - the kernel view of `hidden`: every loaded BPF program, asked
 * of the kernel through the bpf system call (BPF_PROG_GET_NEXT_ID,
 * BPF_PROG_GET_FD_BY_ID, BPF_OBJ_GET_INFO_BY_FD), with its type, name,
 * attach points (from its BPF links: tracepoints, raw tracepoints,
 * kprobes, fentry/fexit targets), the processes holding it (the prog_id
 * lines of every /proc/PID/fdinfo) and the helpers its translated
 * instructions call that change what other programs see or do.
 *
 * In translated instructions the verifier has replaced a helper call's id
 * by the helper's address less __bpf_call_base; the kernel's own symbol
 * table (/proc/kallsyms) turns those back into helpers.  Where the kernel
 * hides addresses (kptr_restrict, no privilege) the call targets read 0
 * and the helpers are unknown, which is said.
 *
 * A finding: a program not held by this process that calls
 * bpf_probe_write_user, bpf_override_return, bpf_send_signal or
 * bpf_send_signal_thread from a system-call hook, or from a tracing hook
 * the kernel does not name.
 */
#ifndef STRANGER_LIB_HIDDEN_BPFPROGS_H
#define STRANGER_LIB_HIDDEN_BPFPROGS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/hidden/hidden.h"

/* helpers that change what others see or do (bits of bpfprog.helpers) */
enum {
	BPFPROGS_WRITE_USER = 1u << 0,	  /* bpf_probe_write_user (36) */
	BPFPROGS_OVERRIDE = 1u << 1,	  /* bpf_override_return (58) */
	BPFPROGS_SIGNAL = 1u << 2,	  /* bpf_send_signal (109) */
	BPFPROGS_SIGNAL_THREAD = 1u << 3, /* bpf_send_signal_thread (117) */
	BPFPROGS_SYS_BPF = 1u << 4,	  /* bpf_sys_bpf (166) */
	BPFPROGS_NHELPERS = 5,
};
/* the helpers that make a finding from a system-call hook */
#define BPFPROGS_LIES                                                                              \
	(BPFPROGS_WRITE_USER | BPFPROGS_OVERRIDE | BPFPROGS_SIGNAL | BPFPROGS_SIGNAL_THREAD)

/* helper call targets as translated instructions hold them */
struct bpfprogs_targets {
	int32_t imm[BPFPROGS_NHELPERS]; /* target less __bpf_call_base */
	unsigned found;			/* bits: targets known */
};

/* the name of a program type ("tracepoint"), NULL if unknown */
const char *bpfprogs_type_name(uint32_t type);
/* the uapi helper id and name of helper bit i */
int bpfprogs_helper_id(unsigned i);
const char *bpfprogs_helper_name(unsigned i);

/*
 * bpfprogs_kallsyms - the helper targets from /proc/kallsyms text
 * (untrusted; fuzzed).  0, or -1 when __bpf_call_base is absent or its
 * address hidden (all zero).
 */
int bpfprogs_kallsyms(const char *s, size_t n, struct bpfprogs_targets *t);

/*
 * bpfprogs_scan_insns - the bits of the helpers that len bytes of
 * translated instructions call (untrusted; fuzzed).  *hidden_calls counts
 * helper calls whose target reads 0 (the kernel hid it).
 */
unsigned bpfprogs_scan_insns(const void *insns, size_t len, const struct bpfprogs_targets *t,
			     size_t *hidden_calls);

/*
 * bpfprogs_link_hook - the attach point that a struct bpf_link_info
 * (info, len bytes as the kernel filled it) names, with name (name_len
 * bytes, the tracepoint/function name buffer the kernel filled), written
 * to out ("tracepoint sys_enter_getdents64", "kprobe __x64_sys_kill+0",
 * "raw_tracepoint sys_enter", "tracing btf 1234").  Untrusted; fuzzed.
 * Returns the link's program id, 0 if info is too short.
 */
uint32_t bpfprogs_link_hook(const void *info, size_t len, const char *name, size_t name_len,
			    char *out, size_t outsz);

/* bpfprogs_syscall_hook - 1 if a hook text names a system-call hook */
int bpfprogs_syscall_hook(const char *hook);

struct bpfprog {
	uint32_t id, type, uid;
	char name[17];
	char tag[17];	     /* hex */
	char *hooks;	     /* "; " list, "" if the kernel names none */
	unsigned helpers;    /* BPFPROGS_* bits */
	int helpers_unknown; /* instructions unreadable, or targets hidden */
	pid_t *holders;
	size_t nholders;
};

struct bpfprogs {
	struct bpfprog *v;
	size_t n, alloc;
	size_t self;	  /* this process's programs, left out */
	unsigned partial; /* programs or links that could not be read */
	const char *why;  /* when the scan fails (static text) */
};

/*
 * bpfprogs_scan - every loaded program but this process's own.  The
 * holders (every process's fds) are read when list_all is set or some
 * program is a finding; otherwise nholders is 0.  0, or
 * -errno when the bpf system call cannot list programs (p->why says
 * which step).  A program that exits mid-scan is skipped; one whose
 * details cannot be read is counted in p->partial and kept.
 */
int bpfprogs_scan(struct bpfprogs *p, int list_all);
void bpfprogs_release(struct bpfprogs *p);

/* bpfprogs_is_finding - 1 if a program is a finding (see above) */
int bpfprogs_is_finding(const struct bpfprog *g);
/* bpfprogs_helpers_text - the helper names of bits, ", " separated */
void bpfprogs_helpers_text(unsigned bits, char *out, size_t outsz);

/* bpfprogs_findings - a HIDDEN_BPF finding per finding program */
void bpfprogs_findings(const struct bpfprogs *p, struct hidden_report *r);

#endif
