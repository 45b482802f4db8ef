/*
 * pool - run one function over the indices 0..n-1 on every core.
 *
 * pool_run() starts `threads` workers (0: one per online CPU, at most
 * POOL_MAX_THREADS), each takes the next index from a shared atomic counter
 * and calls fn(index, worker, ctx), until none are left.  The calling
 * thread waits, and calls tick(ctx) about every 200 ms while it does (for a
 * progress line) if tick is not NULL.  fn must be thread-safe; `worker`
 * (0..threads-1) lets it keep per-worker buffers.
 *
 * Errors: none; if a thread cannot be started the remaining work runs in
 * the calling thread.
 */
#ifndef STRANGER_LIB_POOL_H
#define STRANGER_LIB_POOL_H

#include <stddef.h>

#define POOL_MAX_THREADS 64

/* pool_threads - the number of workers pool_run(..., 0, ...) starts */
unsigned pool_threads(void);
void pool_run(size_t n, unsigned threads, void (*fn)(size_t i, unsigned worker, void *ctx),
	      void (*tick)(void *ctx), void *ctx);

#endif
