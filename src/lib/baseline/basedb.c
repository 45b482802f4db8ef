#include "lib/baseline/basedb.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <sys/resource.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "util/pool.h"
#include "lib/baseline/sha256x.h"
#include "lib/baseline/walk.h"
#include "util/escape.h"
#include "util/xalloc.h"
#include "util/noatime.h"

static const char *const field_names[BASEDB_NFIELDS] = {
	"type",	  "mode",  "uid",   "gid",   "size",  "sha256",
	"target", "inode", "nlink", "mtime", "ctime",
};

#define FIELDS_LINE "#fields path type mode uid gid size inode nlink mtime ctime sha256 target"

void basedb_init(struct basedb *db)
{
	memset(db, 0, sizeof(*db));
}

static void entry_release(struct basedb_entry *e)
{
	free(e->path);
	free(e->target);
}

void basedb_release(struct basedb *db)
{
	for (size_t i = 0; i < db->n; i++)
		entry_release(&db->e[i]);
	for (size_t i = 0; i < db->roots.n; i++)
		free((char *)db->roots.v[i]);
	for (size_t i = 0; i < db->excludes.n; i++)
		free((char *)db->excludes.v[i]);
	strlist_release(&db->roots);
	strlist_release(&db->excludes);
	free(db->e);
	free(db->created);
	free(db->host);
	free(db->db_path);
	basedb_init(db);
}

void basedb_add_root(struct basedb *db, const char *root)
{
	strlist_add(&db->roots, xstrdup(root));
}

void basedb_add_exclude(struct basedb *db, const char *pattern)
{
	strlist_add(&db->excludes, xstrdup(pattern));
}

static struct basedb_entry *add_entry(struct basedb *db)
{
	if (db->n == db->alloc) {
		db->alloc = db->alloc ? 2 * db->alloc : 1024;
		db->e = xreallocarray(db->e, db->alloc, sizeof(*db->e));
	}
	memset(&db->e[db->n], 0, sizeof(db->e[0]));
	return &db->e[db->n++];
}

static char type_char(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFREG:
		return 'f';
	case S_IFDIR:
		return 'd';
	case S_IFLNK:
		return 'l';
	case S_IFCHR:
		return 'c';
	case S_IFBLK:
		return 'b';
	case S_IFIFO:
		return 'p';
	case S_IFSOCK:
		return 's';
	}
	return '?';
}

void basedb_entry_from_stat(struct basedb_entry *e, const struct stat *st)
{
	e->type = type_char(st->st_mode);
	e->mode = st->st_mode & 07777;
	e->uid = st->st_uid;
	e->gid = st->st_gid;
	e->size = (unsigned long long)st->st_size;
	e->ino = st->st_ino;
	e->nlink = st->st_nlink;
	e->mtime_sec = st->st_mtim.tv_sec;
	e->mtime_nsec = st->st_mtim.tv_nsec;
	e->ctime_sec = st->st_ctim.tv_sec;
	e->ctime_nsec = st->st_ctim.tv_nsec;
}

static int path_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);
	if (c)
		return c;
	return an < bn ? -1 : an > bn;
}

static int entry_cmp(const void *x, const void *y)
{
	const struct basedb_entry *a = x, *b = y;
	return path_cmp(a->path, a->path_len, b->path, b->path_len);
}

/* ---- scanning ---- */

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
	struct basedb_entry *e = add_entry(s->db);

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
		qsort(db->e + first, db->n - first, sizeof(db->e[0]), entry_cmp);
		/* overlapping roots: keep one of each path */
		kept = first + 1;
		for (size_t i = first + 1; i < db->n; i++) {
			if (!entry_cmp(&db->e[kept - 1], &db->e[i]))
				entry_release(&db->e[i]);
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

/* without printf: formatting is the one part of a baseline not spread
 * over the cores, and this is most of its time */
static void add_time(struct buf *out, long long sec, long nsec)
{
	char frac[10];

	if (sec < 0) {
		buf_addc(out, '-');
		buf_addu(out, 0ULL - (unsigned long long)sec);
	} else {
		buf_addu(out, (unsigned long long)sec);
	}
	frac[0] = '.';
	for (int i = 9; i >= 1; i--) {
		frac[i] = (char)('0' + nsec % 10);
		nsec /= 10;
	}
	buf_add(out, frac, sizeof(frac));
}

static void add_mode(struct buf *out, unsigned mode)
{
	char o[12];
	int i = (int)sizeof(o);

	do {
		o[--i] = (char)('0' + (mode & 7));
		mode >>= 3;
	} while (mode || i > (int)sizeof(o) - 4);
	buf_add(out, o + i, sizeof(o) - (size_t)i);
}

static void add_target(const struct basedb_entry *e, struct buf *out)
{
	if (!e->target)
		buf_addc(out, '-');
	else if (e->target_len == 1 && e->target[0] == '-')
		buf_addstr(out, "\\x2d");
	else
		escape_bytes_nospace(out, e->target, e->target_len);
}

static void add_sha(const struct basedb_entry *e, struct buf *out)
{
	char hex[HASH_HEX_LEN + 1];

	if (e->sha_state == BASEDB_SHA_OK) {
		hash_hex(e->sha, hex);
		buf_add(out, hex, HASH_HEX_LEN);
	} else {
		buf_addc(out, e->sha_state == BASEDB_SHA_UNREAD ? '?' : '-');
	}
}

void basedb_value(const struct basedb_entry *e, unsigned bit, struct buf *out)
{
	switch (bit) {
	case BASEDB_TYPE:
		buf_addc(out, e->type);
		break;
	case BASEDB_MODE:
		add_mode(out, e->mode);
		break;
	case BASEDB_UID:
		buf_addu(out, e->uid);
		break;
	case BASEDB_GID:
		buf_addu(out, e->gid);
		break;
	case BASEDB_SIZE:
		buf_addu(out, e->size);
		break;
	case BASEDB_SHA256:
		add_sha(e, out);
		break;
	case BASEDB_TARGET:
		add_target(e, out);
		break;
	case BASEDB_INODE:
		buf_addu(out, e->ino);
		break;
	case BASEDB_NLINK:
		buf_addu(out, e->nlink);
		break;
	case BASEDB_MTIME:
		add_time(out, e->mtime_sec, e->mtime_nsec);
		break;
	case BASEDB_CTIME:
		add_time(out, e->ctime_sec, e->ctime_nsec);
		break;
	}
}

void basedb_format_entry(const struct basedb_entry *e, struct buf *out)
{
	static const unsigned order[] = {
		BASEDB_TYPE,  BASEDB_MODE,   BASEDB_UID,    BASEDB_GID,
		BASEDB_SIZE,  BASEDB_INODE,  BASEDB_NLINK,  BASEDB_MTIME,
		BASEDB_CTIME, BASEDB_SHA256, BASEDB_TARGET,
	};

	escape_bytes_nospace(out, e->path, e->path_len);
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		buf_addc(out, ' ');
		basedb_value(e, order[i], out);
	}
	buf_addc(out, '\n');
}

static void header(struct buf *out, const char *key, const char *val)
{
	buf_addc(out, '#');
	buf_addstr(out, key);
	buf_addc(out, ' ');
	escape_bytes_nospace(out, val, strlen(val));
	buf_addc(out, '\n');
}

/*
 * format_db - the DB as text into out; with fd >= 0, written to fd a
 * megabyte at a time instead, so that a DB of a whole system is never
 * held twice in memory (and fresh pages are not touched a second time).
 * The checksum covers everything before its own line.  0 or -errno.
 */
static int format_db(const struct basedb *db, struct buf *out, int fd)
{
	enum { FLUSH = 1 << 20 };
	size_t start = out->len;
	unsigned char d[HASH_LEN];
	char hex[HASH_HEX_LEN + 1];
	struct hash_ctx h;
	int rc = 0;

	hash_init(&h);
	buf_addf(out, "#stranger-baseline %d\n", BASEDB_VERSION);
	header(out, "created", db->created ? db->created : "-");
	header(out, "host", db->host ? db->host : "-");
	buf_addf(out, "#options one_fs=%d\n", db->one_fs ? 1 : 0);
	for (size_t i = 0; i < db->excludes.n; i++)
		header(out, "exclude", db->excludes.v[i]);
	for (size_t i = 0; i < db->roots.n; i++)
		header(out, "root", db->roots.v[i]);
	if (db->db_path)
		header(out, "db", db->db_path);
	buf_addstr(out, FIELDS_LINE "\n");
	for (size_t i = 0; i < db->n; i++) {
		basedb_format_entry(&db->e[i], out);
		if (fd >= 0 && out->len - start >= FLUSH) {
			hash_update(&h, out->data + start, out->len - start);
			if (!rc)
				rc = buf_write_fd(out, fd);
			buf_setlen(out, start = 0);
		}
	}
	hash_update(&h, out->data + start, out->len - start);
	hash_final(&h, d);
	hash_hex(d, hex);
	buf_addstr(out, "#sha256 ");
	buf_add(out, hex, HASH_HEX_LEN);
	buf_addc(out, '\n');
	if (fd >= 0 && !rc)
		rc = buf_write_fd(out, fd);
	return rc;
}

void basedb_format(const struct basedb *db, struct buf *out)
{
	format_db(db, out, -1);
}

int basedb_write_fd(const struct basedb *db, int fd)
{
	struct buf b = BUF_INIT;
	int rc = format_db(db, &b, fd);

	buf_release(&b);
	return rc;
}

/* ---- reading ---- */

struct field {
	const char *s;
	size_t n;
};

static int fail(struct basedb_error *err, size_t line, const char *msg)
{
	err->line = line;
	snprintf(err->msg, sizeof(err->msg), "%s", msg);
	return -1;
}

static int parse_ull(struct field f, unsigned long long *out, int base)
{
	unsigned long long v = 0;

	if (!f.n || f.n > 22)
		return -1;
	for (size_t i = 0; i < f.n; i++) {
		unsigned d;
		if (f.s[i] < '0' || f.s[i] >= '0' + base)
			return -1;
		d = (unsigned)(f.s[i] - '0');
		if (v > (~0ULL - d) / (unsigned)base)
			return -1;
		v = v * (unsigned)base + d;
	}
	*out = v;
	return 0;
}

static int parse_time(struct field f, long long *sec, long *nsec)
{
	const char *dot = memchr(f.s, '.', f.n);
	unsigned long long s, ns;
	int neg = f.n && f.s[0] == '-';
	struct field a, b;

	if (!dot)
		return -1;
	a.s = f.s + neg;
	a.n = (size_t)(dot - a.s);
	b.s = dot + 1;
	b.n = f.n - (size_t)(b.s - f.s);
	if (b.n != 9 || parse_ull(a, &s, 10) || parse_ull(b, &ns, 10) ||
	    s > (unsigned long long)1 << 62)
		return -1;
	*sec = neg ? -(long long)s : (long long)s;
	*nsec = (long)ns;
	return 0;
}

static int unescape_field(struct field f, char **out, size_t *len)
{
	struct buf b = BUF_INIT;

	if (!f.n || escape_unescape(&b, f.s, f.n)) {
		buf_release(&b);
		return -1;
	}
	if (!b.cap) /* keep every string malloc'd */
		buf_grow(&b, 1);
	*out = buf_detach(&b, len);
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int parse_hex(struct field f, unsigned char out[HASH_LEN])
{
	if (f.n != HASH_HEX_LEN)
		return -1;
	for (size_t i = 0; i < HASH_LEN; i++) {
		int hi = hexval(f.s[2 * i]), lo = hexval(f.s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

static size_t split(const char *s, size_t n, struct field *f, size_t max)
{
	size_t k = 0, start = 0;

	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != ' ')
			continue;
		if (k == max)
			return max + 1;
		f[k].s = s + start;
		f[k].n = i - start;
		k++;
		start = i + 1;
	}
	return k;
}

static int parse_entry(const char *s, size_t n, struct basedb_entry *e, const char **why)
{
	struct field f[12];
	unsigned long long mode;

	if (split(s, n, f, 12) != 12) {
		*why = "expected 12 fields";
		return -1;
	}
	*why = "bad path";
	if (unescape_field(f[0], &e->path, &e->path_len))
		return -1;
	*why = "bad type";
	if (f[1].n != 1 || !strchr("fdlcbps", f[1].s[0]))
		return -1;
	e->type = f[1].s[0];
	*why = "bad mode";
	if (f[2].n != 4 || parse_ull(f[2], &mode, 8) || mode > 07777)
		return -1;
	e->mode = (unsigned)mode;
	*why = "bad number";
	if (parse_ull(f[3], &e->uid, 10) || parse_ull(f[4], &e->gid, 10) ||
	    parse_ull(f[5], &e->size, 10) || parse_ull(f[6], &e->ino, 10) ||
	    parse_ull(f[7], &e->nlink, 10))
		return -1;
	*why = "bad time";
	if (parse_time(f[8], &e->mtime_sec, &e->mtime_nsec) ||
	    parse_time(f[9], &e->ctime_sec, &e->ctime_nsec))
		return -1;
	*why = "bad sha256";
	if (f[10].n == 1 && f[10].s[0] == '-' && e->type != 'f')
		e->sha_state = BASEDB_SHA_NONE;
	else if (f[10].n == 1 && f[10].s[0] == '?' && e->type == 'f')
		e->sha_state = BASEDB_SHA_UNREAD;
	else if (e->type == 'f' && !parse_hex(f[10], e->sha))
		e->sha_state = BASEDB_SHA_OK;
	else
		return -1;
	*why = "bad target";
	if (e->type == 'l') {
		if (unescape_field(f[11], &e->target, &e->target_len))
			return -1;
	} else if (f[11].n != 1 || f[11].s[0] != '-') {
		return -1;
	}
	return 0;
}

static int parse_header(struct basedb *db, const char *s, size_t n, const char **why)
{
	const char *sp = memchr(s, ' ', n);
	struct field key, val;
	char *v;
	size_t vlen;

	*why = "bad header line";
	if (!sp)
		return -1;
	key.s = s + 1;
	key.n = (size_t)(sp - key.s);
	val.s = sp + 1;
	val.n = n - (size_t)(val.s - s);
	if (key.n == 6 && !memcmp(key.s, "fields", 6))
		return 0;
	if (key.n == 7 && !memcmp(key.s, "options", 7)) {
		if (val.n == 8 && !memcmp(val.s, "one_fs=0", 8))
			db->one_fs = 0;
		else if (val.n == 8 && !memcmp(val.s, "one_fs=1", 8))
			db->one_fs = 1;
		else
			return -1;
		return 0;
	}
	if (memchr(val.s, ' ', val.n) || unescape_field(val, &v, &vlen))
		return -1;
	if (strlen(v) != vlen) {
		free(v);
		*why = "NUL byte in a header value";
		return -1;
	}
#define SET(name, field)                                                                           \
	if (key.n == sizeof(name) - 1 && !memcmp(key.s, name, key.n)) {                            \
		free(db->field);                                                                   \
		db->field = v;                                                                     \
		return 0;                                                                          \
	}
	SET("created", created)
	SET("host", host)
	SET("db", db_path)
#undef SET
	if (key.n == 4 && !memcmp(key.s, "root", 4)) {
		strlist_add(&db->roots, v);
		return 0;
	}
	if (key.n == 7 && !memcmp(key.s, "exclude", 7)) {
		strlist_add(&db->excludes, v);
		return 0;
	}
	free(v); /* a header key of a later minor revision: ignored */
	return 0;
}

/* a path of PATH_MAX bytes, escaped at 4 bytes each, twice, and the rest */
#define BASEDB_MAX_LINE (40u << 10)

int basedb_parse(const char *s, size_t n, struct basedb *db, struct basedb_error *err)
{
	static const char magic[] = "#stranger-baseline ";
	size_t nlines = 0, last_start = 0, pos = 0, line = 0;
	unsigned char want[HASH_LEN], got[HASH_LEN];
	int in_entries = 0;

	memset(err, 0, sizeof(*err));
	if (!n)
		return fail(err, 1, "empty file");
	/* the magic before anything else: garbage is "not a baseline" */
	if (n < sizeof(magic) - 1 || memcmp(s, magic, sizeof(magic) - 1))
		return fail(err, 1, "not a stranger baseline");
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n') {
			nlines++;
			if (i + 1 < n)
				last_start = i + 1;
		}
	if (s[n - 1] != '\n')
		return fail(err, nlines + 1, "incomplete last line (truncated?)");
	if (n - last_start < 8 || memcmp(s + last_start, "#sha256 ", 8))
		return fail(err, nlines, "no checksum line at the end (truncated?)");
	{
		struct field f = { s + last_start + 8, n - last_start - 9 };
		if (parse_hex(f, want))
			return fail(err, nlines, "bad checksum line");
	}
	if (n < sizeof(magic) - 1 || memcmp(s, magic, sizeof(magic) - 1))
		return fail(err, 1, "not a stranger baseline");
	while (pos < last_start) {
		const char *l = s + pos, *nl = memchr(l, '\n', last_start - pos);
		size_t len = (size_t)(nl - l);
		const char *why = NULL;

		line++;
		pos += len + 1;
		if (len > BASEDB_MAX_LINE)
			return fail(err, line, "line too long");
		if (line == 1) {
			if (len != sizeof(magic) || l[len - 1] != '0' + BASEDB_VERSION)
				return fail(err, line, "unsupported format version");
			continue;
		}
		if (len && l[0] == '#') {
			if (in_entries)
				return fail(err, line, "header line after the entries");
			if (parse_header(db, l, len, &why))
				return fail(err, line, why);
			continue;
		}
		in_entries = 1;
		struct basedb_entry *e = add_entry(db);
		if (parse_entry(l, len, e, &why)) {
			entry_release(e);
			db->n--;
			return fail(err, line, why);
		}
		if (db->n > 1 && entry_cmp(&db->e[db->n - 2], e) >= 0)
			return fail(err, line, "out of order or duplicate path");
	}
	if (!db->roots.n)
		return fail(err, line ? line : 1, "no root in the header");
	hash_buf(s, last_start, got);
	if (memcmp(want, got, HASH_LEN))
		return fail(err, nlines,
			    "checksum does not match the lines before it (edited or damaged)");
	return 0;
}

/* ---- comparing ---- */

unsigned basedb_diff(const struct basedb_entry *a, const struct basedb_entry *b)
{
	unsigned d = 0;

	if (a->type != b->type)
		d |= BASEDB_TYPE;
	if (a->mode != b->mode)
		d |= BASEDB_MODE;
	if (a->uid != b->uid)
		d |= BASEDB_UID;
	if (a->gid != b->gid)
		d |= BASEDB_GID;
	if (a->size != b->size)
		d |= BASEDB_SIZE;
	if (a->sha_state != b->sha_state ||
	    (a->sha_state == BASEDB_SHA_OK && memcmp(a->sha, b->sha, HASH_LEN)))
		d |= BASEDB_SHA256;
	if (!a->target != !b->target ||
	    (a->target && path_cmp(a->target, a->target_len, b->target, b->target_len)))
		d |= BASEDB_TARGET;
	if (a->ino != b->ino)
		d |= BASEDB_INODE;
	if (a->nlink != b->nlink)
		d |= BASEDB_NLINK;
	if (a->mtime_sec != b->mtime_sec || a->mtime_nsec != b->mtime_nsec)
		d |= BASEDB_MTIME;
	if (a->ctime_sec != b->ctime_sec || a->ctime_nsec != b->ctime_nsec)
		d |= BASEDB_CTIME;
	return d;
}

const char *basedb_field_name(unsigned bit)
{
	for (unsigned i = 0; i < BASEDB_NFIELDS; i++)
		if (bit == 1u << i)
			return field_names[i];
	return "?";
}

int basedb_parse_fields(const char *list, unsigned *bits)
{
	const char *p = list;

	*bits = 0;
	while (*p) {
		size_t n = strcspn(p, ",");
		unsigned i;
		for (i = 0; i < BASEDB_NFIELDS; i++)
			if (strlen(field_names[i]) == n && !memcmp(field_names[i], p, n))
				break;
		if (i == BASEDB_NFIELDS)
			return -1;
		*bits |= 1u << i;
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}
