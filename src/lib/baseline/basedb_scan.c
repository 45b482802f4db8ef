#include "lib/baseline/basedb.h"
#include "lib/baseline/basedb_int.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <sys/resource.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/pool.h"
#include "lib/baseline/sha256x.h"
#include "lib/baseline/walk.h"
#include "util/xalloc.h"
#include "util/noatime.h"

/*
 * Hashing runs beside the walk: the walk opens each regular file, takes
 * its stat from the open fd and queues the fd; a worker per CPU hashes
 * and closes it.  Jobs live in blocks that never move (the entry array
 * does, as it grows), and results go back into the entries after the
 * workers are done.  At most queue_max opened files wait in the queue
 * (QUEUE_MAX, or fewer when the limit on open files is low); a
 * walk that waits for room is woken when half of it is free, not at each
 * job taken, so that the threads do not take turns at every file.
 */
struct job {
	int fd; /* opened by the walk, or -1: open by path */
	int err;
	size_t idx; /* entry index before the sort */
	unsigned long long size, ino;
	const char *path; /* the entry's own string, which does not move */
	size_t path_len, rel_off;
	unsigned root;
	unsigned char sha[HASH_LEN];
};

enum { JOB_BLOCK = 4096, QUEUE_MAX = 256 };

struct scan {
	struct basedb *db;
	const struct basedb_scan_opts *o;
	unsigned root;
	size_t root_len;
	int *rootfd;
	struct job **blocks;
	size_t nblocks, njobs; /* jobs published */
	size_t next;	       /* next job a worker takes */
	int walk_done;
	int waiting;	  /* the walk waits for room */
	unsigned workers; /* threads started; 0: the walk hashes */
	int walk_boosted; /* the walk runs at a higher priority */
	size_t queue_max; /* opened files that may wait */
	struct hash_ctx inline_h;
	char *inline_blk;
	pthread_mutex_t lock;
	pthread_cond_t more, room;
	atomic_size_t files_done;
	atomic_ullong bytes_done;
	struct basedb_progress prog;
	struct timespec last;
};

enum { READ_CHUNK = 512 * 1024 };

static int read_target(int dirfd, const char *name, size_t hint, struct basedb_entry *e)
{
	size_t cap = hint + 2 > 256 ? hint + 2 : 256;

	for (;;) {
		char *t = xmalloc(cap);
		ssize_t n = readlinkat(dirfd, name, t, cap);
		if (n < 0) {
			int err = -errno;
			free(t);
			return err;
		}
		if ((size_t)n < cap) {
			t[n] = '\0';
			e->target = t;
			e->target_len = (size_t)n;
			return 0;
		}
		free(t);
		if (cap > (1u << 20))
			return -ENAMETOOLONG;
		cap *= 2;
	}
}

static int time_to_tick(struct timespec *last)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if ((now.tv_sec - last->tv_sec) * 1000000000LL + (now.tv_nsec - last->tv_nsec) <
	    200000000LL)
		return 0;
	*last = now;
	return 1;
}

static int hash_job(struct scan *s, struct job *j, struct hash_ctx *h, char *blk);

static struct job *job_at(struct scan *s, size_t i)
{
	return &s->blocks[i / JOB_BLOCK][i % JOB_BLOCK];
}

/* queue_file - hand a regular file to the workers; the walk waits while
 * queue_max opened files are queued already */
static void queue_file(struct scan *s, const struct basedb_entry *e, int fd)
{
	struct job *j;

	pthread_mutex_lock(&s->lock);
	while (fd >= 0 && s->workers && s->njobs - s->next >= s->queue_max) {
		s->waiting = 1;
		pthread_cond_wait(&s->room, &s->lock);
	}
	s->waiting = 0;
	pthread_mutex_unlock(&s->lock);
	/* only the walk adds blocks; workers read s->blocks under the lock */
	if (s->njobs == s->nblocks * JOB_BLOCK) {
		struct job *blk = xcalloc(JOB_BLOCK, sizeof(*blk));
		pthread_mutex_lock(&s->lock);
		s->blocks = xreallocarray(s->blocks, s->nblocks + 1, sizeof(*s->blocks));
		s->blocks[s->nblocks++] = blk;
		pthread_mutex_unlock(&s->lock);
	}
	j = &s->blocks[s->njobs / JOB_BLOCK][s->njobs % JOB_BLOCK];
	j->fd = fd;
	j->idx = (size_t)(e - s->db->e);
	j->size = e->size;
	j->ino = e->ino;
	j->path = e->path;
	j->path_len = e->path_len;
	j->rel_off = e->rel_off;
	j->root = e->root;
	pthread_mutex_lock(&s->lock);
	s->njobs++;
	s->prog.files_total++;
	s->prog.bytes_total += e->size;
	pthread_cond_signal(&s->more);
	if (!s->workers) {
		/* no worker thread could be made: hash it now */
		s->next++;
		pthread_mutex_unlock(&s->lock);
		if (!s->inline_blk) {
			s->inline_blk = xmalloc(READ_CHUNK);
			hash_init(&s->inline_h);
		}
		j->err = hash_job(s, j, &s->inline_h, s->inline_blk);
		atomic_fetch_add(&s->files_done, 1);
		return;
	}
	pthread_mutex_unlock(&s->lock);
}

static int scan_visit(const struct walk_entry *w, void *ctx)
{
	struct scan *s = ctx;
	struct basedb_entry *e = basedb_add_entry(s->db);

	e->path = xmemdup(w->path, w->path_len + 1);
	e->path_len = w->path_len;
	e->root = s->root;
	/* where the path below the root starts; path_len for the root itself */
	e->rel_off = w->depth ? s->root_len + (s->root_len > 1) : w->path_len;
	basedb_entry_from_stat(e, &w->st);
	if (S_ISLNK(w->st.st_mode)) {
		int rc = read_target(w->dirfd, w->at_name, (size_t)w->st.st_size, e);
		if (rc && s->o->error)
			s->o->error(w->path, w->path_len, rc, s->o->ctx);
		if (rc) {
			e->target = xstrdup("?");
			e->target_len = 1;
		}
	}
	if (S_ISREG(w->st.st_mode)) {
		if (w->open_err) {
			/* reported with the other hashing errors, in path order */
			e->err = w->open_err;
			e->sha_state = BASEDB_SHA_UNREAD;
		} else {
			queue_file(s, e, w->fd);
		}
	}
	if ((s->db->n & 1023) == 0 && s->o->progress && time_to_tick(&s->last)) {
		pthread_mutex_lock(&s->lock);
		s->prog.files_done = atomic_load(&s->files_done);
		s->prog.bytes_done = atomic_load(&s->bytes_done);
		pthread_mutex_unlock(&s->lock);
		s->o->progress(&s->prog, s->o->ctx);
	}
	return 0;
}

static void scan_error(const char *path, size_t len, int err, void *ctx)
{
	struct scan *s = ctx;
	if (s->o->error)
		s->o->error(path, len, err, s->o->ctx);
}

static int open_beneath(int rootfd, const char *rel)
{
	struct open_how how;
	int fd;

	memset(&how, 0, sizeof(how));
	how.flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
	how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
	fd = noatime_openat2(rootfd, rel, &how);
	if (fd < 0 && errno == ENOSYS)
		/* old kernel: no symlink in the last component at least */
		fd = noatime_open(rootfd, rel, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* open_job - a file the walk did not open (the root itself, or a name
 * whose type the directory did not say): open it by path now */
static int open_job(struct scan *s, const struct job *j)
{
	struct stat st;
	int fd;

	if (j->rel_off < j->path_len) {
		fd = open_beneath(s->rootfd[j->root], j->path + j->rel_off);
	} else {
		/* the root itself, which the walk followed if it was a symlink */
		fd = noatime_open(AT_FDCWD, j->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			fd = -errno;
	}
	if (fd < 0)
		return fd;
	/* it must still be the file the walk saw */
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_ino != j->ino) {
		close(fd);
		return -ESTALE;
	}
	return fd;
}

/*
 * hash_job - hash an open file to its end.  A short read once the size
 * the stat gave is reached is the end: regular files read short only
 * there, and it saves a read() per small file, which most files are.
 */
static int hash_job(struct scan *s, struct job *j, struct hash_ctx *h, char *blk)
{
	unsigned long long got = 0;
	int fd = j->fd, rc;

	if (fd < 0)
		fd = open_job(s, j);
	if (fd < 0)
		return fd;
	hash_restart(h);
	rc = hash_read(h, fd, blk, READ_CHUNK, j->size, &got);
	atomic_fetch_add_explicit(&s->bytes_done, got, memory_order_relaxed);
	hash_digest(h, j->sha);
	close(fd);
	return rc;
}

/*
 * The walk feeds the workers, and when it shares a core with them it must
 * not wait its turn behind them.  With the privilege to, the walk runs
 * WALK_BOOST nice levels higher while it lasts (the workers keep the
 * priority the user gave the command); without it, the workers run that
 * much lower.
 */
enum { WALK_BOOST = 5 };

static int walk_boost(int *old)
{
	errno = 0;
	*old = getpriority(PRIO_PROCESS, (id_t)gettid());
	if (errno || *old <= -20)
		return 0;
	return setpriority(PRIO_PROCESS, (id_t)gettid(), *old - WALK_BOOST) == 0;
}

static void worker_yields_to_walk(const struct scan *s)
{
	int now;

	if (s->walk_boosted)
		return;
	errno = 0;
	now = getpriority(PRIO_PROCESS, (id_t)gettid());
	if (errno == 0 && now < 19)
		setpriority(PRIO_PROCESS, (id_t)gettid(), now + WALK_BOOST);
}

static void *hash_worker(void *arg)
{
	struct scan *s = arg;
	char *blk = xmalloc(READ_CHUNK);
	struct hash_ctx h;

	worker_yields_to_walk(s);
	hash_init(&h);
	pthread_mutex_lock(&s->lock);
	for (;;) {
		struct job *j;
		while (s->next == s->njobs && !s->walk_done)
			pthread_cond_wait(&s->more, &s->lock);
		if (s->next == s->njobs)
			break;
		j = job_at(s, s->next++);
		if (s->waiting && s->njobs - s->next <= s->queue_max / 2)
			pthread_cond_signal(&s->room);
		pthread_mutex_unlock(&s->lock);
		j->err = hash_job(s, j, &h, blk);
		atomic_fetch_add_explicit(&s->files_done, 1, memory_order_relaxed);
		pthread_mutex_lock(&s->lock);
	}
	pthread_mutex_unlock(&s->lock);
	hash_free(&h);
	free(blk);
	return NULL;
}

/*
 * With the CPU's SHA instructions a worker hashes four files at once
 * (lib/sha256x): each lane holds one open file and a buffer of it; the
 * blocks all lanes have are hashed together, the rest lane by lane.
 */
enum { LANE_BUF = 128 * 1024 };

struct lane {
	struct job *j; /* NULL: free */
	int fd;
	uint32_t h[8];
	unsigned long long total; /* bytes read */
	unsigned char *buf;
	size_t off, len; /* bytes not hashed yet: buf[off..len) */
	int eof;
};

/* take_job - the next job; wait for one only if wait is set.  NULL when
 * there is none now (no wait) or will be none (the walk is over). */
static struct job *take_job(struct scan *s, int wait)
{
	struct job *j = NULL;

	pthread_mutex_lock(&s->lock);
	while (wait && s->next == s->njobs && !s->walk_done)
		pthread_cond_wait(&s->more, &s->lock);
	if (s->next < s->njobs) {
		j = job_at(s, s->next++);
		if (s->waiting && s->njobs - s->next <= s->queue_max / 2)
			pthread_cond_signal(&s->room);
	}
	pthread_mutex_unlock(&s->lock);
	return j;
}

static void lane_done(struct scan *s, struct lane *ln, int err)
{
	if (!err)
		sha256x_final(ln->h, ln->buf + ln->off, ln->len - ln->off, ln->total, ln->j->sha);
	ln->j->err = err;
	close(ln->fd);
	ln->j = NULL;
	atomic_fetch_add_explicit(&s->files_done, 1, memory_order_relaxed);
}

/* lane_fill - read more of the lane's file once less than a block is left */
static void lane_fill(struct scan *s, struct lane *ln)
{
	size_t rest = ln->len - ln->off;
	ssize_t n;

	if (rest >= SHA256X_BLOCK || ln->eof)
		return;
	memmove(ln->buf, ln->buf + ln->off, rest);
	ln->off = 0;
	ln->len = rest;
	do
		n = read(ln->fd, ln->buf + rest, LANE_BUF - rest);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		lane_done(s, ln, -errno);
		return;
	}
	ln->len += (size_t)n;
	ln->total += (unsigned long long)n;
	atomic_fetch_add_explicit(&s->bytes_done, (unsigned long long)n, memory_order_relaxed);
	/* a short read once the stat's size is reached is the end, as in
	 * hash_job */
	if (n == 0 || ((size_t)n < LANE_BUF - rest && ln->total >= ln->j->size))
		ln->eof = 1;
}

static void *lanes_worker(void *arg)
{
	struct scan *s = arg;
	struct lane ln[SHA256X_LANES];
	int more = 1;

	worker_yields_to_walk(s);
	memset(ln, 0, sizeof(ln));
	for (int l = 0; l < SHA256X_LANES; l++)
		ln[l].buf = xmalloc(LANE_BUF);
	for (;;) {
		uint32_t *h[SHA256X_LANES];
		const unsigned char *p[SHA256X_LANES];
		size_t min = (size_t)-1;
		int busy = 0, ready = 0, short_of_jobs = 0, freed = 0;

		for (int l = 0; l < SHA256X_LANES; l++)
			busy += ln[l].j != NULL;
		/* free lanes take jobs; wait for one only when all are free */
		for (int l = 0; more && l < SHA256X_LANES; l++) {
			struct job *j;
			int fd;
			if (ln[l].j)
				continue;
			j = take_job(s, busy == 0);
			if (!j) {
				/* none now; none ever if we waited */
				if (busy == 0)
					more = 0;
				short_of_jobs = 1;
				break;
			}
			fd = j->fd >= 0 ? j->fd : open_job(s, j);
			if (fd < 0) {
				j->err = fd;
				atomic_fetch_add_explicit(&s->files_done, 1, memory_order_relaxed);
				l--;
				continue;
			}
			ln[l].j = j;
			ln[l].fd = fd;
			ln[l].total = 0;
			ln[l].off = ln[l].len = 0;
			ln[l].eof = 0;
			sha256x_init(ln[l].h);
			busy++;
		}
		if (!busy) {
			if (!more)
				break;
			continue;
		}
		if (!more)
			short_of_jobs = 1;
		for (int l = 0; l < SHA256X_LANES; l++) {
			if (!ln[l].j)
				continue;
			lane_fill(s, &ln[l]);
			if (ln[l].j && ln[l].eof && ln[l].len - ln[l].off < SHA256X_BLOCK)
				lane_done(s, &ln[l], 0);
			if (!ln[l].j) {
				freed = 1;
				continue;
			}
			h[ready] = ln[l].h;
			p[ready] = ln[l].buf + ln[l].off;
			ready++;
			if ((ln[l].len - ln[l].off) / SHA256X_BLOCK < min)
				min = (ln[l].len - ln[l].off) / SHA256X_BLOCK;
		}
		/* a lane came free while jobs wait: fill it before hashing */
		if (freed && !short_of_jobs)
			continue;
		if (ready == SHA256X_LANES) {
			sha256x_blocks4(h, p, min);
			for (int l = 0; l < SHA256X_LANES; l++)
				ln[l].off += min * SHA256X_BLOCK;
			continue;
		}
		/*
		 * Fewer files than lanes: one lane at a time, and only a
		 * little while more files may still come from the walk.
		 */
		for (int l = 0; l < SHA256X_LANES; l++) {
			size_t b;
			if (!ln[l].j)
				continue;
			b = (ln[l].len - ln[l].off) / SHA256X_BLOCK;
			if (more && b > 64)
				b = 64;
			sha256x_blocks1(ln[l].h, ln[l].buf + ln[l].off, b);
			ln[l].off += b * SHA256X_BLOCK;
		}
	}
	for (int l = 0; l < SHA256X_LANES; l++)
		free(ln[l].buf);
	return NULL;
}

static void hash_tick(struct scan *s)
{
	if (!s->o->progress)
		return;
	s->prog.files_done = atomic_load(&s->files_done);
	s->prog.bytes_done = atomic_load(&s->bytes_done);
	s->o->progress(&s->prog, s->o->ctx);
}

/* wait_workers - the walk is over: let the workers finish, ticking */
static void wait_workers(struct scan *s, pthread_t *tid, unsigned started)
{
	pthread_mutex_lock(&s->lock);
	s->walk_done = 1;
	pthread_cond_broadcast(&s->more);
	pthread_mutex_unlock(&s->lock);
	if (started && s->o->progress) {
		for (;;) {
			size_t done = atomic_load(&s->files_done);
			if (done >= s->njobs)
				break;
			{
				struct timespec ts = { 0, 200000000L };
				nanosleep(&ts, NULL);
			}
			hash_tick(s);
		}
	}
	for (unsigned t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	hash_tick(s);
}

/*
 * queue_limit - how many opened files may wait: QUEUE_MAX, less what the
 * limit on open files needs kept for the workers' lanes, the walk's
 * directories and the rest of the process.  A file the walk cannot open
 * for want of descriptors is opened later by a worker, by path.
 */
static size_t queue_limit(unsigned threads)
{
	struct rlimit rl;
	unsigned long long spare;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur == RLIM_INFINITY)
		return QUEUE_MAX;
	spare = rl.rlim_cur > 64 + 4ULL * threads ? rl.rlim_cur - 64 - 4ULL * threads : 0;
	spare /= 2;
	if (spare < 1)
		return 1;
	return spare < QUEUE_MAX ? (size_t)spare : QUEUE_MAX;
}

int basedb_scan(struct basedb *db, const struct basedb_scan_opts *o)
{
	struct scan s;
	struct walk_opts wo;
	const char **skip = xcalloc(o->nskip + 1, sizeof(*skip));
	size_t first = db->n, kept;
	pthread_t tid[POOL_MAX_THREADS];
	unsigned threads, started = 0;
	int rc = 0, nice_was = 0;

	memset(&s, 0, sizeof(s));
	s.db = db;
	s.o = o;
	pthread_mutex_init(&s.lock, NULL);
	pthread_cond_init(&s.more, NULL);
	pthread_cond_init(&s.room, NULL);
	clock_gettime(CLOCK_MONOTONIC, &s.last);
	memset(&wo, 0, sizeof(wo));
	wo.one_fs = db->one_fs;
	wo.open_files = 1;
	wo.exclude = db->excludes.v;
	wo.nexclude = db->excludes.n;
	for (size_t i = 0; i < o->nskip; i++)
		skip[wo.nskip++] = o->skip[i];
	if (db->db_path)
		skip[wo.nskip++] = db->db_path;
	wo.skip = skip;
	wo.visit = scan_visit;
	wo.error = scan_error;
	wo.ctx = &s;
	s.rootfd = xcalloc(db->roots.n ? db->roots.n : 1, sizeof(int));
	/* may the walk be boosted?  (threads inherit the nice value, so the
	   boost itself comes once they are started) */
	s.walk_boosted = walk_boost(&nice_was);
	if (s.walk_boosted)
		setpriority(PRIO_PROCESS, (id_t)gettid(), nice_was);
	threads = o->threads ? o->threads : pool_threads();
	if (threads > POOL_MAX_THREADS)
		threads = POOL_MAX_THREADS;
	s.queue_max = queue_limit(threads);
	for (unsigned t = 0; t < threads; t++)
		if (!pthread_create(&tid[started], NULL,
				    sha256x_available() ? lanes_worker : hash_worker, &s))
			started++;
	s.workers = started;
	if (s.walk_boosted)
		setpriority(PRIO_PROCESS, (id_t)gettid(), nice_was - WALK_BOOST);
	for (unsigned r = 0; r < db->roots.n; r++) {
		const char *root = db->roots.v[r];
		s.root = r;
		s.root_len = strlen(root);
		while (s.root_len > 1 && root[s.root_len - 1] == '/')
			s.root_len--;
		s.rootfd[r] = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
		rc = walk_tree(root, &wo);
		if ((rc == -ENOENT || rc == -ENOTDIR) && o->missing_ok)
			rc = 0;
		if (rc)
			break;
	}
	if (s.walk_boosted)
		setpriority(PRIO_PROCESS, (id_t)gettid(), nice_was);
	wait_workers(&s, tid, started);
	for (size_t i = 0; i < s.njobs; i++) {
		struct job *j = job_at(&s, i);
		struct basedb_entry *e = &db->e[j->idx];
		e->err = j->err;
		e->sha_state = j->err ? BASEDB_SHA_UNREAD : BASEDB_SHA_OK;
		memcpy(e->sha, j->sha, HASH_LEN);
	}
	if (s.inline_blk) {
		hash_free(&s.inline_h);
		free(s.inline_blk);
	}
	for (size_t b = 0; b < s.nblocks; b++)
		free(s.blocks[b]);
	free(s.blocks);
	if (!rc && db->n > first) {
		qsort(db->e + first, db->n - first, sizeof(db->e[0]), basedb_entry_cmp);
		/* overlapping roots: keep one of each path */
		kept = first + 1;
		for (size_t i = first + 1; i < db->n; i++) {
			if (!basedb_entry_cmp(&db->e[kept - 1], &db->e[i]))
				basedb_entry_release(&db->e[i]);
			else
				db->e[kept++] = db->e[i];
		}
		db->n = kept;
		for (size_t i = first; i < db->n; i++) {
			struct basedb_entry *e = &db->e[i];
			if (e->type == 'f' && e->err && o->error)
				o->error(e->path, e->path_len, e->err, o->ctx);
		}
	}
	for (unsigned r = 0; r < db->roots.n; r++)
		if (s.rootfd[r] >= 0)
			close(s.rootfd[r]);
	pthread_cond_destroy(&s.room);
	pthread_cond_destroy(&s.more);
	pthread_mutex_destroy(&s.lock);
	free(s.rootfd);
	free(skip);
	return rc;
}

/* ---- writing ---- */
