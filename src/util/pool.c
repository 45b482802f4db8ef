#include "util/pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

struct pool {
	size_t n;
	atomic_size_t next;
	void (*fn)(size_t, unsigned, void *);
	void *ctx;
	pthread_mutex_t lock;
	pthread_cond_t done;
	unsigned running;
};

struct worker {
	struct pool *p;
	unsigned id;
};

unsigned pool_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	if (n > POOL_MAX_THREADS)
		n = POOL_MAX_THREADS;
	return (unsigned)n;
}

static void work(struct pool *p, unsigned id)
{
	for (;;) {
		size_t i = atomic_fetch_add(&p->next, 1);
		if (i >= p->n)
			break;
		p->fn(i, id, p->ctx);
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct pool *p = w->p;

	work(p, w->id);
	pthread_mutex_lock(&p->lock);
	p->running--;
	pthread_cond_signal(&p->done);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

void pool_run(size_t n, unsigned threads, void (*fn)(size_t i, unsigned worker, void *ctx),
	      void (*tick)(void *ctx), void *ctx)
{
	struct pool p = { .n = n, .fn = fn, .ctx = ctx };
	struct worker w[POOL_MAX_THREADS];
	pthread_t tid[POOL_MAX_THREADS];
	unsigned started = 0;

	if (!threads)
		threads = pool_threads();
	if (threads > POOL_MAX_THREADS)
		threads = POOL_MAX_THREADS;
	if (threads > n)
		threads = n ? (unsigned)n : 1;
	atomic_init(&p.next, 0);
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.done, NULL);
	pthread_mutex_lock(&p.lock);
	for (unsigned i = 0; i < threads; i++) {
		w[i].p = &p;
		w[i].id = i;
		if (pthread_create(&tid[i], NULL, worker_main, &w[i]))
			break;
		started++;
		p.running++;
	}
	pthread_mutex_unlock(&p.lock);
	if (!started)
		work(&p, 0);
	pthread_mutex_lock(&p.lock);
	while (p.running) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 200000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&p.done, &p.lock, &ts);
		if (tick && p.running) {
			pthread_mutex_unlock(&p.lock);
			tick(ctx);
			pthread_mutex_lock(&p.lock);
		}
	}
	pthread_mutex_unlock(&p.lock);
	for (unsigned i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	pthread_cond_destroy(&p.done);
	pthread_mutex_destroy(&p.lock);
}
