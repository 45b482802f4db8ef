/*
 * pidsweep.bpf.h - the layout shared by the kernel side (pidsweep.bpf.c)
 * and the user side (pidsweep.c) of the BPF PID sweep.
 *
 * User space runs the program with BPF_PROG_TEST_RUN, a struct ps_args as
 * its context.  The program looks up every PID in [lo, hi) in the caller's
 * PID namespace and, with PS_STORE, writes one bit per PID that resolves to
 * a task into the global bitmap `pidbits` (bit p of word p / 64).  It then
 * writes whole words, so lo and hi must be multiples of 64 (hi may be the
 * end of the bitmap) and two runs at once must not share a word; without
 * PS_STORE nothing is written and only `found` counts (a single PID's
 * re-probe).  `found` comes back in the context.
 *
 * Only plain integer types are used, so this header compiles both with
 * clang -target bpf (after vmlinux.h) and in user space (after
 * <linux/types.h>).
 */
#ifndef STRANGER_BPF_PIDSWEEP_H
#define STRANGER_BPF_PIDSWEEP_H

/* PID_MAX_LIMIT on 64-bit kernels: no PID is this large. */
#define PS_PID_LIMIT 4194304
#define PS_WORDS (PS_PID_LIMIT / 64)

/*
 * The program calls the kfuncs bpf_task_from_vpid() and bpf_task_release()
 * through these placeholder helper numbers; user space patches each such
 * call into a kfunc call (BPF_PSEUDO_KFUNC_CALL, the function's BTF id in
 * vmlinux) before loading.  Declared as __ksym externs instead, they would
 * make libbpf parse the whole vmlinux BTF at every load, which costs far
 * more than the sweep itself.
 */
#define PS_CALL_TASK_FROM_VPID 0x7ffff001
#define PS_CALL_TASK_RELEASE 0x7ffff002

enum {
	PS_STORE = 1, /* write the bitmap words of [lo, hi) */
};

struct ps_args {
	__u32 lo, hi; /* PIDs [lo, hi) */
	__u32 flags;  /* PS_* */
	__u32 found;  /* out: PIDs that resolved */
};

#endif
