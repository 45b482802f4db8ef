// SPDX-License-Identifier: GPL-2.0
/*
 * pidsweep.bpf.c - the kernel side of the PID sweep of `stranger hidden`.
 *
 * One BPF_PROG_TYPE_SYSCALL program, run by user space through
 * BPF_PROG_TEST_RUN, asks the kernel's PID table directly whether each PID
 * of a range is in use: bpf_task_from_vpid() is find_task_by_vpid(), the
 * lookup that kill(2) and /proc/PID themselves start from, done in the
 * caller's PID namespace, with no system call, no path walk and no hook of
 * the syscall table in between.  A rootkit that filters /proc listings or
 * hooks kill/getpgid does not change this answer.
 *
 * The loop runs in bpf_loop(), one iteration per PID, and collects a
 * 64-bit word before storing it, so a run touches only the words of its
 * own range (see pidsweep.h).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "pidsweep.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/*
 * The two kfuncs, called through placeholder helper numbers that user space
 * turns into kfunc calls before the program is loaded (pidsweep.h says
 * why).
 */
static struct task_struct *(*const task_from_vpid)(s32 vpid) = (void *)PS_CALL_TASK_FROM_VPID;
static void (*const task_release)(struct task_struct *p) = (void *)PS_CALL_TASK_RELEASE;

__u64 pidbits[PS_WORDS];

struct sweep_ctx {
	__u32 lo, flags, found;
	__u64 word;
};

static int probe(__u32 i, void *data)
{
	struct sweep_ctx *c = data;
	__u32 pid = c->lo + i;
	struct task_struct *t;

	if (pid) {
		t = task_from_vpid((s32)pid);
		if (t) {
			task_release(t);
			c->word |= 1ULL << (pid & 63);
			c->found++;
		}
	}
	if ((c->flags & PS_STORE) && (pid & 63) == 63) {
		/* pid < PS_PID_LIMIT, a power of 2: the mask only tells the
		   verifier so */
		pidbits[(pid / 64) & (PS_WORDS - 1)] = c->word;
		c->word = 0;
	}
	return 0;
}

SEC("syscall")
int pidsweep(struct ps_args *a)
{
	struct sweep_ctx c = { 0 };
	__u32 lo = a->lo, hi = a->hi;

	if (hi > PS_PID_LIMIT)
		hi = PS_PID_LIMIT;
	if (lo >= hi)
		return 0;
	c.lo = lo;
	c.flags = a->flags;
	bpf_loop(hi - lo, probe, &c, 0);
	/* a range that ends inside a word: that word is ours too */
	if ((c.flags & PS_STORE) && (hi & 63)) {
		pidbits[((hi - 1) / 64) & (PS_WORDS - 1)] = c.word;
	}
	a->found = c.found;
	return 0;
}
