/*
 * uring - a small io_uring of our own, on the raw system calls.
 *
 * No liburing: the one Debian 12 ships predates the opcodes wanted here
 * (bind), and a static build must not need it.  Opcodes and structures
 * newer than the system's headers are defined below; whether the running
 * kernel has them is asked with uring_has_ops() (IORING_REGISTER_PROBE),
 * never assumed from a version number.
 *
 * Use: one ring per thread.  Take entries with uring_sqe() (zeroed), hand
 * them all to the kernel with uring_submit(), which waits for a number of
 * completions, then read those with uring_cqe()/uring_cqe_seen().  The
 * completion queue is twice the submission queue, so a caller that reaps
 * everything after each submit never overflows it.
 *
 * Fixed files: uring_files_sparse() registers a table of empty slots;
 * uring_files_set() puts an fd into a slot; uring_files_unregister() empties
 * the table, and the files it held are closed before it returns.
 *
 * Errors: 0 or -errno.  io_uring can be switched off
 * (kernel.io_uring_disabled, seccomp, a container's profile): uring_init()
 * then fails and the caller does without.
 */
#ifndef STRANGER_UTIL_URING_H
#define STRANGER_UTIL_URING_H

#include <linux/io_uring.h>
#include <stddef.h>

/* opcodes newer than Debian 12's headers (kernel 6.1) */
#define URING_OP_SOCKET 45 /* 5.19 */
#define URING_OP_BIND 56   /* 6.11 */

struct uring {
	int fd;
	unsigned sq_entries, cq_entries;
	unsigned *sq_head, *sq_tail, *sq_array, sq_mask;
	unsigned *cq_head, *cq_tail, cq_mask;
	unsigned tail; /* our next submission-queue tail, not yet published */
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
	void *sq_map, *cq_map;
	size_t sq_map_len, cq_map_len, sqes_len;
};

/* uring_init - a ring of at least `entries` submissions; 0 or -errno */
int uring_init(struct uring *u, unsigned entries);
void uring_release(struct uring *u);
/* uring_has_ops - 1 when the kernel supports every opcode, 0 if not, -errno */
int uring_has_ops(const struct uring *u, const unsigned char *ops, size_t n);
/* uring_sqe - the next free entry, zeroed; NULL when the queue is full */
struct io_uring_sqe *uring_sqe(struct uring *u);
/* uring_submit - hand over every entry taken; wait for `wait` completions */
int uring_submit(struct uring *u, unsigned wait);
/* uring_cqe - the oldest completion not yet seen, or NULL */
struct io_uring_cqe *uring_cqe(struct uring *u);
void uring_cqe_seen(struct uring *u);
int uring_files_sparse(struct uring *u, unsigned n);
int uring_files_set(struct uring *u, unsigned slot, int fd);
int uring_files_unregister(struct uring *u);

#endif
