// SPDX-License-Identifier: GPL-2.0
/*
 * trace.bpf.c - the kernel side of `stranger trace --backend=bpf`.
 *
 * Programs on the raw syscall tracepoints (BTF-typed, so no tracefs is
 * needed) record the system calls of the thread groups in the `tgids` map.
 * Entry and exit become separate records (struct bt_event, trace.bpf.h)
 * in one ring buffer; the tracee never stops and is never marked traced.
 *
 * Filtering is done here, before anything is copied: a task whose thread
 * group is not in `tgids`, or a call whose spec is not marked traced,
 * costs one or two map lookups.  With cfg_follow, sched_process_fork adds
 * every child of a traced thread group.  sched_process_exit removes a
 * thread group when its last task ends, so user space knows when it is
 * done and a recycled PID is not traced by mistake.
 *
 * An event is built in a per-CPU scratch area (one slot per program, since
 * a program never nests with itself on one CPU) and copied into the ring
 * buffer in one piece.  Whatever cannot be recorded is counted in
 * `counters`: a full ring buffer (BT_LOST_EVENTS) and captures cut short
 * for lack of space (BT_LOST_BYTES).  The ring buffer wakes the reader only
 * when it is filling up; the reader also polls on a timer.
 *
 * Pointer arguments are copied with bpf_probe_read_user*(), which cannot
 * fault a page in.  A path whose page is not resident at entry is copied
 * again at exit, after the kernel itself has read it.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "trace.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by user space before the programs are loaded. */
const volatile __u32 cfg_follow = 0;
const volatile __u32 cfg_str_max = 4096;    /* path and string bytes */
const volatile __u32 cfg_buf_max = 33;	    /* buffer bytes (-s + 1) */
const volatile __u32 cfg_full_max = 32768;  /* buffer bytes, -e read/write fds */
const volatile __u32 cfg_trace_unknown = 0; /* numbers beyond BT_NR_MAX */
const volatile __u64 cfg_wake_bytes = 1 << 20;
const volatile __s64 cfg_nr_execve = -1;
const volatile __s64 cfg_nr_execveat = -1;

/* tgids values: traced, or launched and not traced before its execve */
#define TGID_TRACED 1
#define TGID_AT_EXEC 2

#define SCRATCH_SIZE (2 * BT_CAP_SPACE + 64)
#define SLOT_ENTER 0
#define SLOT_EXIT 1
#define NSLOTS 2

struct scratch {
	__u8 b[SCRATCH_SIZE];
};

struct pending {
	__s64 nr;
	__u64 args[6];
	__u64 ts;
	__u32 active;
	__u32 faulted; /* args whose entry copy faulted, retried at exit */
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 23);
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u32);
} tgids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, BT_NR_MAX);
	__type(key, __u32);
	__type(value, struct bt_spec);
} specs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u32);
} fds SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct pending);
} inflight SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSLOTS); /* NSLOTS * CPUs, set by user space */
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, BT_NCOUNTERS);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

/* The one spec used for numbers beyond the table with cfg_trace_unknown. */
static const struct bt_spec spec_unknown = { .flags = BT_SPEC_TRACED };

static __always_inline void count(__u32 what)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &what);

	if (v)
		*v += 1;
}

static __always_inline int traced_tgid(__u32 tgid)
{
	return bpf_map_lookup_elem(&tgids, &tgid) != NULL;
}

static __always_inline const struct bt_spec *spec_of(long nr)
{
	__u32 k = nr;

	if (nr < 0 || nr >= BT_NR_MAX)
		return cfg_trace_unknown && nr >= 0 ? &spec_unknown : NULL;
	return bpf_map_lookup_elem(&specs, &k);
}

static __always_inline struct scratch *scratch_slot(__u32 slot)
{
	__u32 k = bpf_get_smp_processor_id() * NSLOTS + slot;

	return bpf_map_lookup_elem(&scratch, &k);
}

/*
 * cap_copy - append a chunk: `want` bytes (or a string of at most `want`
 * bytes with its NUL) from user address addr; `total` is the source's full
 * length, for the TRUNC flag.  Returns 0, -1 when out of space, -2 when
 * the copy faulted.  The write offset lives in the event header (size), so
 * the verifier sees one bounded unknown here whatever the caller did.
 */
__noinline int cap_copy(struct scratch *s, __u64 addr, __u32 want, __u32 total, __u32 argi_str)
{
	struct bt_event *ev = (void *)s->b;
	__u32 off, len, flags = 0, str = argi_str >> 8;
	struct bt_chunk *c;
	long n;

	if (!s)
		return -1;
	off = ev->size;
	len = want;
	if (off < sizeof(*ev) || off > BT_CAP_SPACE - sizeof(*c) - 8) {
		count(BT_LOST_BYTES);
		return -1;
	}
	off &= BT_CAP_SPACE - 1;
	c = (void *)(s->b + off);
	if (len > BT_CAP_SPACE - sizeof(*c) - off) {
		len = BT_CAP_SPACE - sizeof(*c) - off;
		flags |= BT_CH_TRUNC;
		count(BT_LOST_BYTES);
	}
	if (len > BT_CAP_SPACE - 1)
		len = BT_CAP_SPACE - 1;
	/* a bound clang cannot optimise away, for the verifier */
	asm volatile("%0 &= 0xffff" : "+r"(len));
	if (str) {
		flags |= BT_CH_STR;
		n = bpf_probe_read_user_str(s->b + off + sizeof(*c), len, (const void *)addr);
		if (n >= 0 && len && n == len)
			flags |= BT_CH_TRUNC;
	} else {
		n = bpf_probe_read_user(s->b + off + sizeof(*c), len, (const void *)addr);
		if (n < 0 && len > 4096 - (addr & 4095)) {
			/* what lies before an unreadable page, as a
			   tracer reading page by page gets it */
			len = 4096 - (addr & 4095);
			asm volatile("%0 &= 0x1fff" : "+r"(len));
			n = bpf_probe_read_user(s->b + off + sizeof(*c), len, (const void *)addr);
			flags |= BT_CH_TRUNC;
		}
		if (!n)
			n = len;
		if (total > len)
			flags |= BT_CH_TRUNC;
	}
	if (n < 0) {
		n = 0;
		flags = BT_CH_FAULT;
	}
	c->addr = addr;
	c->len = n;
	c->argi = argi_str & 0xff;
	c->flags = flags;
	c->pad = 0;
	ev->size = off + sizeof(*c) + ((n + 7) & ~7);
	ev->nchunks++;
	return flags & BT_CH_FAULT ? -2 : 0;
}

/*
 * cap_ptrs - a NULL-terminated pointer array (argv, envp) of at most max
 * entries as one chunk.  Returns (offset of the chunk << 11) | entries,
 * or -1.  Apart from cap_vec so that the verifier sees its result as one
 * unknown, not one state per array length.
 */
__noinline int cap_ptrs(struct scratch *s, __u64 addr, __u32 argi, __u32 max)
{
	struct bt_event *ev = (void *)s->b;
	__u32 off, n = 0, flags = BT_CH_TRUNC;
	struct bt_chunk *c;
	__u64 p;

	if (!s)
		return -1;
	off = ev->size;
	if (off < sizeof(*ev) || off > BT_CAP_SPACE - sizeof(*c) - 8 * (BT_PTRV_MAX + 1)) {
		count(BT_LOST_BYTES);
		return -1;
	}
	off &= BT_CAP_SPACE - 1;
	c = (void *)(s->b + off);
	for (__u32 i = 0; i <= BT_PTRV_MAX; i++) {
		if (i > max)
			break;
		if (bpf_probe_read_user(&p, sizeof(p), (const void *)(addr + 8 * i))) {
			if (!n)
				flags = BT_CH_FAULT;
			break;
		}
		*(__u64 *)(s->b + off + sizeof(*c) + 8 * i) = p;
		n++;
		if (!p) {
			flags = 0;
			break;
		}
	}
	c->addr = addr;
	c->len = 8 * n;
	c->argi = argi;
	c->flags = flags;
	c->pad = 0;
	ev->size = off + sizeof(*c) + 8 * n;
	ev->nchunks++;
	return off << 11 | n;
}

/* cap_vec - a pointer array, then, when strings is set, each string */
__noinline int cap_vec(struct scratch *s, __u64 addr, __u32 argi, __u32 strings)
{
	int r, faulted = 0;
	__u32 off, n;
	__u64 p;

	if (!s)
		return -1;
	r = cap_ptrs(s, addr, argi, strings ? BT_STRV_MAX : BT_PTRV_MAX);
	if (r < 0 || !strings)
		return r < 0 ? -1 : 0;
	off = ((__u32)r >> 11) & (BT_CAP_SPACE - 1);
	n = r & 0x7ff;
	for (__u32 i = 0; i < BT_STRV_MAX; i++) {
		if (i >= n)
			break;
		p = *(__u64 *)(s->b + off + sizeof(struct bt_chunk) + 8 * i);
		if (!p)
			break;
		/* a string not yet paged in: say so, to be copied again at exit */
		if (cap_copy(s, p, cfg_buf_max + 1, 0, 0x100 | argi) == -2)
			faulted = -2;
	}
	return faulted;
}

/*
 * cap_iov - struct iovec[cnt] at addr, then each buffer: at most `limit`
 * bytes of each and `budget` bytes in all (the return value of a read).
 */
__noinline int cap_iov(struct scratch *s, __u64 addr, __u64 cnt, __u64 budget, __u32 limit_argi)
{
	struct bt_event *ev = (void *)s->b;
	__u32 limit = limit_argi >> 8, argi = limit_argi & 0xff, off;
	__u64 base, len, want;

	if (!s)
		return -1;
	if (cnt > BT_IOV_MAX)
		cnt = BT_IOV_MAX;
	off = ev->size;
	if (cap_copy(s, addr, cnt * 16, cnt * 16, argi))
		return -1;
	off &= BT_CAP_SPACE - 1;
	for (__u32 i = 0; i < BT_IOV_MAX; i++) {
		if (i >= cnt || !budget)
			break;
		base = *(__u64 *)(s->b + off + sizeof(struct bt_chunk) + 16 * i);
		len = *(__u64 *)(s->b + off + sizeof(struct bt_chunk) + 16 * i + 8);
		if (len > budget)
			len = budget;
		want = len < limit ? len : limit;
		cap_copy(s, base, want, len > 0xffffffff ? 0xffffffff : len, argi);
		budget -= len;
	}
	return 0;
}

/* cap_msg - struct msghdr, its address, its iovecs and its control data */
__noinline int cap_msg(struct scratch *s, __u64 addr, __u64 budget, __u32 limit_argi)
{
	struct bt_event *ev = (void *)s->b;
	__u32 argi = limit_argi & 0xff, off;
	__u64 name, namelen, iov, iovlen, ctl, ctllen;
	__u8 *m;

	if (!s)
		return -1;
	off = ev->size;
	if (cap_copy(s, addr, 56, 56, argi))
		return -1;
	off &= BT_CAP_SPACE - 1;
	m = s->b + off + sizeof(struct bt_chunk);
	name = *(__u64 *)m;
	namelen = *(__u32 *)(m + 8);
	iov = *(__u64 *)(m + 16);
	iovlen = *(__u64 *)(m + 24);
	ctl = *(__u64 *)(m + 32);
	ctllen = *(__u64 *)(m + 40);
	if (name && namelen)
		cap_copy(s, name, namelen < 128 ? namelen : 128, namelen, argi);
	if (ctl && ctllen)
		cap_copy(s, ctl, ctllen < 512 ? ctllen : 512,
			 ctllen > 0xffffffff ? 0xffffffff : ctllen, argi);
	if (iov && iovlen)
		cap_iov(s, iov, iovlen, budget, limit_argi);
	return 0;
}

/*
 * cap_arg - copy what the spec asks for argument i.  spec packs kind,
 * lenarg and size; full selects the -e read=/write= limit.
 */
__noinline int cap_arg(struct scratch *s, __u32 i, __u32 spec, __u32 full)
{
	struct bt_event *ev = (void *)s->b;
	__u32 kind = spec & BT_CAP_MASK, lenarg = (spec >> 8) & 0x0f;
	__u32 lenflags = (spec >> 8) & 0xf0;
	__u32 size = spec >> 16, limit;
	__u64 addr, n = 0, want;
	__u32 plen;

	if (!s || i > 5)
		return 0;
	addr = ev->args[i];
	if (!addr)
		return 0;
	if (lenarg < 6)
		n = ev->args[lenarg];
	else if (lenarg == BT_LEN_RET)
		n = ev->ret > 0 ? ev->ret : 0;
	if (lenflags & BT_LEN_32)
		n = (__u32)n; /* the kernel reads an int there */
	if (lenflags & BT_LEN_PAGES)
		n = (n + 4095) / 4096; /* one byte a page (mincore) */
	limit = size ? size : full ? cfg_full_max : cfg_buf_max;
	switch (kind) {
	case BT_CAP_STR:
		return cap_copy(s, addr, cfg_str_max + 1, 0, 0x100 | i);
	case BT_CAP_BUF:
		want = n < limit ? n : limit;
		return cap_copy(s, addr, want, n > 0xffffffff ? 0xffffffff : n, i);
	case BT_CAP_FIXED:
		return cap_copy(s, addr, size, size, i);
	case BT_CAP_PLEN:
		if (lenarg > 5 || !n)
			return 0;
		if (bpf_probe_read_user(&plen, sizeof(plen), (const void *)n))
			return 0;
		return cap_copy(s, addr, plen < size ? plen : size, plen, i);
	case BT_CAP_ARRAY:
		if (n > BT_ARRAY_MAX)
			n = BT_ARRAY_MAX;
		n *= size;
		want = n < BT_ARRAY_MAX ? n : BT_ARRAY_MAX;
		return cap_copy(s, addr, want, n > 0xffffffff ? 0xffffffff : n, i);
	case BT_CAP_STRV:
		return cap_vec(s, addr, i, 1);
	case BT_CAP_PTRV:
		return cap_vec(s, addr, i, 0);
	case BT_CAP_IOV:
		return cap_iov(s, addr, n, ev->type == BT_EXIT && ev->ret >= 0 ? ev->ret : ~0ULL,
			       (limit << 8) | i);
	case BT_CAP_MSG:
		return cap_msg(s, addr, ev->type == BT_EXIT && ev->ret >= 0 ? ev->ret : ~0ULL,
			       (limit << 8) | i);
	}
	return 0;
}

static __always_inline __u32 pack(const struct bt_argspec *a)
{
	return (a->kind & BT_CAP_MASK) | (__u32)a->lenarg << 8 | (__u32)a->size << 16;
}

/* full_data - whether -e read=/write= asked for all of this call's data */
static __always_inline __u32 full_data(const struct bt_spec *sp, const struct bt_event *ev,
				       __u32 phase)
{
	__u32 fd = ev->args[0], *f;

	if (!(sp->flags & (BT_SPEC_READ | BT_SPEC_WRITE)))
		return 0;
	f = bpf_map_lookup_elem(&fds, &fd);
	if (!f)
		return 0;
	if ((sp->flags & BT_SPEC_READ) && (*f & BT_FD_READ) && phase == BT_OUT)
		return 1;
	if ((sp->flags & BT_SPEC_WRITE) && (*f & BT_FD_WRITE) && phase == BT_IN)
		return 1;
	return 0;
}

static __always_inline void emit(struct scratch *s)
{
	struct bt_event *ev = (void *)s->b;
	__u64 size = ev->size, flags = BPF_RB_NO_WAKEUP;

	if (size < sizeof(*ev))
		return;
	if (size > BT_CAP_SPACE)
		size = BT_CAP_SPACE;
	if (bpf_ringbuf_query(&rb, BPF_RB_AVAIL_DATA) >= cfg_wake_bytes)
		flags = BPF_RB_FORCE_WAKEUP;
	if (bpf_ringbuf_output(&rb, s->b, size, flags))
		count(BT_LOST_EVENTS);
}

static __always_inline int is_compat(struct pt_regs *regs)
{
#if defined(__TARGET_ARCH_x86)
	return BPF_CORE_READ(regs, cs) == 0x23; /* __USER32_CS */
#else
	return 0;
#endif
}

/* libbpf 1.1 has no PT_REGS_PARM6_CORE_SYSCALL */
#if defined(__TARGET_ARCH_x86)
#define ARG6(r) BPF_CORE_READ(r, r9)
#elif defined(__TARGET_ARCH_arm64)
#define ARG6(r) BPF_CORE_READ((struct user_pt_regs *)(r), regs[5])
#else
#error "trace.bpf.c: unsupported architecture"
#endif

SEC("tp_btf/sys_enter")
int BPF_PROG(trace_enter, struct pt_regs *regs, long id)
{
	__u64 pt = bpf_get_current_pid_tgid();
	const struct bt_spec *sp;
	struct pending *pd;
	struct bt_event *ev;
	struct scratch *s;
	__u32 faulted = 0, full;

	__u32 tgid = pt >> 32, *t;

	t = bpf_map_lookup_elem(&tgids, &tgid);
	if (!t)
		return 0;
	if (*t == TGID_AT_EXEC) {
		/* a launched command: what it does before execve is ours */
		if (id != cfg_nr_execve && id != cfg_nr_execveat)
			return 0;
		*t = TGID_TRACED;
	}
	sp = spec_of(id);
	if (!sp || !(sp->flags & BT_SPEC_TRACED))
		return 0;
	pd = bpf_task_storage_get(&inflight, bpf_get_current_task_btf(), 0,
				  BPF_LOCAL_STORAGE_GET_F_CREATE);
	s = scratch_slot(SLOT_ENTER);
	if (!pd || !s) {
		count(BT_LOST_EVENTS);
		return 0;
	}
	ev = (void *)s->b;
	ev->type = BT_ENTER;
	ev->nchunks = 0;
	ev->size = sizeof(*ev);
	ev->tgid = pt >> 32;
	ev->tid = (__u32)pt;
	ev->nr = id;
	ev->ts = bpf_ktime_get_ns();
	ev->args[0] = PT_REGS_PARM1_CORE_SYSCALL(regs);
	ev->args[1] = PT_REGS_PARM2_CORE_SYSCALL(regs);
	ev->args[2] = PT_REGS_PARM3_CORE_SYSCALL(regs);
	ev->args[3] = PT_REGS_PARM4_CORE_SYSCALL(regs);
	ev->args[4] = PT_REGS_PARM5_CORE_SYSCALL(regs);
	ev->args[5] = ARG6(regs);
	ev->ret = 0;
	ev->flags = is_compat(regs) ? BT_EV_COMPAT : 0;
	ev->cpu = bpf_get_smp_processor_id();

	pd->nr = id;
	pd->ts = ev->ts;
	pd->active = 1;
	for (int i = 0; i < 6; i++)
		pd->args[i] = ev->args[i];

	if (!(ev->flags & BT_EV_COMPAT)) {
		full = full_data(sp, ev, BT_IN);
		for (int i = 0; i < 6; i++) {
			if (!(sp->a[i].kind & BT_IN))
				continue;
			if (cap_arg(s, i, pack(&sp->a[i]), full) == -2 &&
			    ((sp->a[i].kind & BT_CAP_MASK) == BT_CAP_STR ||
			     (sp->a[i].kind & BT_CAP_MASK) == BT_CAP_STRV))
				faulted |= 1 << i;
		}
	}
	pd->faulted = faulted;
	emit(s);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(trace_exit, struct pt_regs *regs, long ret)
{
	__u64 pt = bpf_get_current_pid_tgid();
	const struct bt_spec *sp;
	struct pending *pd;
	struct bt_event *ev;
	struct scratch *s;
	__u32 full, faulted;

	if (!traced_tgid(pt >> 32))
		return 0;
	pd = bpf_task_storage_get(&inflight, bpf_get_current_task_btf(), 0, 0);
	if (!pd || !pd->active)
		return 0;
	pd->active = 0;
	sp = spec_of(pd->nr);
	s = scratch_slot(SLOT_EXIT);
	if (!sp || !s) {
		count(BT_LOST_EVENTS);
		return 0;
	}
	ev = (void *)s->b;
	ev->type = BT_EXIT;
	ev->nchunks = 0;
	ev->size = sizeof(*ev);
	ev->tgid = pt >> 32;
	ev->tid = (__u32)pt;
	ev->nr = pd->nr;
	ev->ts = bpf_ktime_get_ns();
	for (int i = 0; i < 6; i++)
		ev->args[i] = pd->args[i];
	ev->ret = ret;
	ev->flags = is_compat(regs) ? BT_EV_COMPAT : 0;
	ev->cpu = bpf_get_smp_processor_id();
	faulted = pd->faulted;

	if (!(ev->flags & BT_EV_COMPAT)) {
		/*
		 * A path (or argv string) that faulted at entry is resident now
		 * that the kernel has read it - unless the call replaced the
		 * whole image.
		 */
		if (faulted &&
		    !(ret == 0 && (pd->nr == cfg_nr_execve || pd->nr == cfg_nr_execveat)))
			for (int i = 0; i < 6; i++)
				if (faulted & (1 << i))
					cap_arg(s, i, pack(&sp->a[i]), 0);
		/* what the call wrote: when it succeeded, and when a signal
		   cut it short (nanosleep's remaining time) */
		if (!(ret < 0 && ret >= -4095) || ret == -4 || (ret <= -512 && ret >= -516)) {
			full = full_data(sp, ev, BT_OUT);
			for (int i = 0; i < 6; i++) {
				if (!(sp->a[i].kind & BT_OUT))
					continue;
				cap_arg(s, i, pack(&sp->a[i]), full);
			}
		}
	}
	emit(s);
	return 0;
}

struct small_event {
	struct bt_event ev;
	struct bt_chunk ch;
	__u8 data[48];
};

static __always_inline struct small_event *small_reserve(__u16 type, __u32 tgid, __u32 tid)
{
	struct small_event *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);

	if (!e) {
		count(BT_LOST_EVENTS);
		return NULL;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->ev.type = type;
	e->ev.size = sizeof(e->ev);
	e->ev.tgid = tgid;
	e->ev.tid = tid;
	e->ev.ts = bpf_ktime_get_ns();
	e->ev.cpu = bpf_get_smp_processor_id();
	return e;
}

static __always_inline void small_submit(struct small_event *e)
{
	__u64 flags = BPF_RB_NO_WAKEUP;

	if (bpf_ringbuf_query(&rb, BPF_RB_AVAIL_DATA) >= cfg_wake_bytes)
		flags = BPF_RB_FORCE_WAKEUP;
	bpf_ringbuf_submit(e, flags);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(trace_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = parent->tgid, ctgid = child->tgid, one = TGID_TRACED;
	struct small_event *e;

	if (!traced_tgid(ptgid))
		return 0;
	if (ctgid != ptgid) {
		if (!cfg_follow)
			return 0;
		bpf_map_update_elem(&tgids, &ctgid, &one, BPF_ANY);
	}
	e = small_reserve(BT_FORK, ptgid, parent->pid);
	if (!e)
		return 0;
	e->ev.nr = child->pid;
	e->ev.ret = ctgid;
	small_submit(e);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(trace_task_exit, struct task_struct *task)
{
	__u32 tgid = task->tgid;
	struct small_event *e;
	int last;

	if (!traced_tgid(tgid))
		return 0;
	last = BPF_CORE_READ(task, signal, live.counter) == 0;
	e = small_reserve(BT_TASKEXIT, tgid, task->pid);
	if (e) {
		e->ev.nr = task->exit_code;
		e->ev.ret = last;
		small_submit(e);
	}
	if (last)
		bpf_map_delete_elem(&tgids, &tgid);
	return 0;
}

static __always_inline void signal_event(struct task_struct *task, int sig,
					 struct kernel_siginfo *info, int stops)
{
	struct small_event *e;

	e = small_reserve(BT_SIGNAL, task->tgid, task->pid);
	if (!e)
		return;
	e->ev.nr = sig;
	/* SEND_SIG_NOINFO (0) and SEND_SIG_PRIV (1) carry no siginfo */
	if ((unsigned long)info > 1 && !bpf_probe_read_kernel(e->data, sizeof(e->data), info)) {
		e->ev.nchunks = 1;
		e->ev.size = sizeof(*e);
		e->ch.len = sizeof(e->data);
		e->ch.argi = BT_ARG_SIGINFO;
	}
	e->ev.args[0] = (unsigned long)info;
	e->ev.ret = stops;
	small_submit(e);
}

SEC("tp_btf/signal_deliver")
int BPF_PROG(trace_signal_deliver, int sig, struct kernel_siginfo *info, struct k_sigaction *ka)
{
	struct task_struct *task = bpf_get_current_task_btf();
	int stops = 0;

	if (!traced_tgid(task->tgid))
		return 0;
	/* SIGSTOP, and SIGTSTP/SIGTTIN/SIGTTOU left to their default, stop it */
	if (sig == 19 ||
	    ((sig == 20 || sig == 21 || sig == 22) && ka && !BPF_CORE_READ(ka, sa.sa_handler)))
		stops = 1;
	signal_event(task, sig, info, stops);
	return 0;
}

#define SIGNAL_GROUP_EXIT 0x4 /* include/linux/sched/signal.h */

/*
 * Signals a ptrace tracer sees but signal_deliver does not: one whose
 * action is to ignore it (the kernel queues ignored signals only for
 * traced tasks), and a fatal one without a handler (the kernel turns it
 * into a group exit at once, and the tasks die "by SIGKILL").  Report both
 * when they are generated; a signal dropped because the process is dying
 * anyway is not reported, as under ptrace.
 */
SEC("tp_btf/signal_generate")
int BPF_PROG(trace_signal_generate, int sig, struct kernel_siginfo *info, struct task_struct *task,
	     int group, int result)
{
	unsigned int flags;
	int code;

	if ((result != 0 && result != 1) || !traced_tgid(task->tgid))
		return 0;
	flags = BPF_CORE_READ(task, signal, flags);
	code = BPF_CORE_READ(task, signal, group_exit_code);
	if (result == 1 /* TRACE_SIGNAL_IGNORED */ && !(flags & SIGNAL_GROUP_EXIT))
		signal_event(task, sig, info, 0);
	else if (result == 0 /* TRACE_SIGNAL_DELIVERED */ && sig != 9 &&
		 (flags & SIGNAL_GROUP_EXIT) && code == sig)
		signal_event(task, sig, info, 0);
	return 0;
}
