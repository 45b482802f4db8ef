/*
 * uring - a small io_uring on the raw system calls.  See uring.h.
 */
#include "util/uring.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "util/xalloc.h"

#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup 425
#endif
#ifndef __NR_io_uring_enter
#define __NR_io_uring_enter 426
#endif
#ifndef __NR_io_uring_register
#define __NR_io_uring_register 427
#endif

static int sys_setup(unsigned entries, struct io_uring_params *p)
{
	return (int)syscall(__NR_io_uring_setup, entries, p);
}

static int sys_enter(int fd, unsigned submit, unsigned wait, unsigned flags)
{
	return (int)syscall(__NR_io_uring_enter, fd, submit, wait, flags, NULL, 0);
}

static int sys_register(int fd, unsigned op, void *arg, unsigned n)
{
	return (int)syscall(__NR_io_uring_register, fd, op, arg, n);
}

static void *map_ring(int fd, size_t len, off_t off)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, off);
	return p == MAP_FAILED ? NULL : p;
}

int uring_init(struct uring *u, unsigned entries)
{
	struct io_uring_params p;
	char *sq, *cq;
	int err;

	memset(u, 0, sizeof(*u));
	u->fd = -1;
	memset(&p, 0, sizeof(p));
	/*
	 * One thread submits and reaps, and only while it waits in
	 * io_uring_enter: the kernel need not interrupt it to run
	 * completions.  Kernels older than these flags lack the opcodes
	 * wanted here anyway.
	 */
	p.flags = IORING_SETUP_CQSIZE | IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN |
		  IORING_SETUP_SINGLE_ISSUER;
	p.cq_entries = 2 * entries;
	u->fd = sys_setup(entries, &p);
	if (u->fd < 0)
		return -errno;
	u->sq_entries = p.sq_entries;
	u->cq_entries = p.cq_entries;
	u->sq_map_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	u->cq_map_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	if (p.features & IORING_FEAT_SINGLE_MMAP) {
		if (u->cq_map_len > u->sq_map_len)
			u->sq_map_len = u->cq_map_len;
		u->cq_map_len = 0;
	}
	u->sq_map = map_ring(u->fd, u->sq_map_len, IORING_OFF_SQ_RING);
	if (!u->sq_map)
		goto fail;
	u->cq_map = u->cq_map_len ? map_ring(u->fd, u->cq_map_len, IORING_OFF_CQ_RING) : u->sq_map;
	if (!u->cq_map)
		goto fail;
	u->sqes_len = p.sq_entries * sizeof(struct io_uring_sqe);
	u->sqes = map_ring(u->fd, u->sqes_len, IORING_OFF_SQES);
	if (!u->sqes)
		goto fail;
	sq = u->sq_map;
	cq = u->cq_map;
	u->sq_head = (unsigned *)(sq + p.sq_off.head);
	u->sq_tail = (unsigned *)(sq + p.sq_off.tail);
	u->sq_mask = *(unsigned *)(sq + p.sq_off.ring_mask);
	u->sq_array = (unsigned *)(sq + p.sq_off.array);
	u->cq_head = (unsigned *)(cq + p.cq_off.head);
	u->cq_tail = (unsigned *)(cq + p.cq_off.tail);
	u->cq_mask = *(unsigned *)(cq + p.cq_off.ring_mask);
	u->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	/* entry i of the queue is always sqes[i] */
	for (unsigned i = 0; i < p.sq_entries; i++)
		u->sq_array[i] = i;
	u->tail = *u->sq_tail;
	return 0;
fail:
	err = -errno;
	uring_release(u);
	return err ? err : -ENOMEM;
}

void uring_release(struct uring *u)
{
	if (u->sqes)
		munmap(u->sqes, u->sqes_len);
	if (u->cq_map && u->cq_map != u->sq_map)
		munmap(u->cq_map, u->cq_map_len);
	if (u->sq_map)
		munmap(u->sq_map, u->sq_map_len);
	if (u->fd >= 0)
		close(u->fd);
	memset(u, 0, sizeof(*u));
	u->fd = -1;
}

int uring_has_ops(const struct uring *u, const unsigned char *ops, size_t n)
{
	size_t size = sizeof(struct io_uring_probe) + 256 * sizeof(struct io_uring_probe_op);
	struct io_uring_probe *p = xcalloc(1, size);
	int ok = 1;

	if (!p)
		return -ENOMEM;
	if (sys_register(u->fd, IORING_REGISTER_PROBE, p, 256) < 0) {
		int err = -errno;
		free(p);
		return err;
	}
	for (size_t i = 0; i < n; i++)
		if (ops[i] >= p->ops_len || !(p->ops[ops[i]].flags & IO_URING_OP_SUPPORTED))
			ok = 0;
	free(p);
	return ok;
}

struct io_uring_sqe *uring_sqe(struct uring *u)
{
	struct io_uring_sqe *s;

	if (u->tail - __atomic_load_n(u->sq_head, __ATOMIC_ACQUIRE) >= u->sq_entries)
		return NULL;
	s = &u->sqes[u->tail & u->sq_mask];
	memset(s, 0, sizeof(*s));
	u->tail++;
	return s;
}

int uring_submit(struct uring *u, unsigned wait)
{
	__atomic_store_n(u->sq_tail, u->tail, __ATOMIC_RELEASE);
	for (;;) {
		unsigned pending = u->tail - __atomic_load_n(u->sq_head, __ATOMIC_ACQUIRE);
		unsigned ready = __atomic_load_n(u->cq_tail, __ATOMIC_ACQUIRE) - *u->cq_head;
		unsigned flags = ready < wait ? IORING_ENTER_GETEVENTS : 0;
		int r;
		if (!pending && !flags)
			return 0;
		r = sys_enter(u->fd, pending, flags ? wait : 0, flags);
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r == 0 && pending && !flags)
			return -EAGAIN; /* took nothing and had nothing to wait for */
	}
}

struct io_uring_cqe *uring_cqe(struct uring *u)
{
	unsigned head = *u->cq_head;

	if (head == __atomic_load_n(u->cq_tail, __ATOMIC_ACQUIRE))
		return NULL;
	return &u->cqes[head & u->cq_mask];
}

void uring_cqe_seen(struct uring *u)
{
	__atomic_store_n(u->cq_head, *u->cq_head + 1, __ATOMIC_RELEASE);
}

int uring_files_sparse(struct uring *u, unsigned n)
{
	struct io_uring_rsrc_register r;

	memset(&r, 0, sizeof(r));
	r.nr = n;
	r.flags = IORING_RSRC_REGISTER_SPARSE;
	return sys_register(u->fd, IORING_REGISTER_FILES2, &r, sizeof(r)) < 0 ? -errno : 0;
}

int uring_files_set(struct uring *u, unsigned slot, int fd)
{
	struct io_uring_files_update up;

	memset(&up, 0, sizeof(up));
	up.offset = slot;
	up.fds = (uint64_t)(uintptr_t)&fd;
	return sys_register(u->fd, IORING_REGISTER_FILES_UPDATE, &up, 1) < 0 ? -errno : 0;
}

int uring_files_unregister(struct uring *u)
{
	return sys_register(u->fd, IORING_UNREGISTER_FILES, NULL, 0) < 0 ? -errno : 0;
}
