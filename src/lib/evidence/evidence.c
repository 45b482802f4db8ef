#include "lib/evidence/evidence.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/diag.h"
#include "util/escape.h"
#include "util/interrupt.h"
#include "util/xalloc.h"
#include "version.h"

#define MANIFEST "manifest.sha256"
#define CASELOG "case.log"
#define PARTIAL "partial.txt"
#define QLEN 256
#define PAGE 4096
#define RESERVE (64 << 10)
#define WRITEBACK (32ULL << 20)

struct manifest_entry {
	char *name;
	char hex[HASH_HEX_LEN + 1];
};

struct evidence {
	char *path;
	int dirfd;
	int logfd;
	int mfd; /* manifest.sha256.tmp, its space reserved */
	int log_err;
	struct manifest_entry *ents;
	size_t nents, aents;
	unsigned npartial;
	struct buf partial;	  /* the lines of partial.txt */
	unsigned long long bytes; /* accepted into every file so far */
};

/* One piece of work for the hasher: `zeros` zero bytes, then p[0..n). */
struct hash_item {
	unsigned long long zeros;
	const char *p;
	size_t n;
	int release; /* buffer index to hand back after hashing, or -1 */
};

struct evidence_file {
	struct evidence *ev;
	char *name;
	int fd;
	int err;
	unsigned long long size;    /* bytes accepted */
	unsigned long long ondisk;  /* bytes the file really holds */
	unsigned long long hole;    /* zeros accepted but not yet on disk */
	unsigned long long flushed; /* writeback started up to here */

	struct hash_ctx hash;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct hash_item q[QLEN];
	size_t qhead, qcount;
	int stop;
	char *bufs[EVIDENCE_NBUF];
	int busy[EVIDENCE_NBUF];
	int filling; /* index handed out by evidence_file_buffer, or -1 */
};

static const unsigned char zero_block[65536];

void evidence_iso8601(char out[32])
{
	struct timespec ts;
	struct tm tm;
	char base[24];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	if (!strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm))
		base[0] = '\0';
	snprintf(out, 32, "%.23s.%03dZ", base, (int)(ts.tv_nsec / 1000000) % 1000);
}

static int write_all(int fd, const void *p, size_t n, size_t *done)
{
	const char *s = p;
	size_t off = 0;
	int rc = 0;

	while (off < n) {
		ssize_t w = write(fd, s + off, n - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			break;
		}
		if (w == 0) {
			rc = -ENOSPC;
			break;
		}
		off += (size_t)w;
	}
	if (done)
		*done = off;
	return rc;
}

static void log_line(struct evidence *ev, const char *text, size_t n)
{
	struct buf line = BUF_INIT;
	char when[32];

	if (ev->logfd < 0)
		return;
	evidence_iso8601(when);
	buf_addstr(&line, when);
	buf_addc(&line, ' ');
	/*
	 * The text is escaped already (diag's convention); a raw control or
	 * non-ASCII byte that slipped through is escaped here, so case.log
	 * never holds one.
	 */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c >= 0x20 && c < 0x7f)
			buf_addc(&line, c);
		else
			escape_bytes(&line, &text[i], 1);
	}
	buf_addc(&line, '\n');
	if (write_all(ev->logfd, line.data, line.len, NULL) && !ev->log_err) {
		ev->log_err = errno ? errno : EIO;
		error("%s/" CASELOG ": %s", ev->path, strerror(ev->log_err));
	}
	buf_release(&line);
}

void evidence_log(struct evidence *ev, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	log_line(ev, b.data, b.len);
	buf_release(&b);
}

static void diag_hook(const char *level, const char *msg, void *ctx)
{
	evidence_log(ctx, "%s: %s", level, msg);
}

const char *evidence_path(const struct evidence *ev)
{
	return ev->path;
}

static int dir_is_empty(int dirfd)
{
	int fd = dup(dirfd);
	DIR *d;
	struct dirent *e;
	int empty = 1;

	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		int err = -errno;
		close(fd);
		return err;
	}
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			empty = 0;
			break;
		}
	closedir(d);
	return empty;
}

int evidence_open(const char *dir, int argc, char **argv, struct evidence **out)
{
	struct evidence *ev;
	struct utsname u;
	struct buf cmd = BUF_INIT;
	int dirfd, rc;

	*out = NULL;
	{
		/* the folders on the way are made too (mkdir -p) */
		char *p = xstrdup(dir);
		for (char *s = p + 1; *s; s++)
			if (*s == '/' && s[-1] != '/') {
				*s = '\0';
				if (mkdir(p, 0700) && errno != EEXIST) {
					rc = -errno;
					free(p);
					return rc;
				}
				*s = '/';
			}
		free(p);
	}
	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	rc = dir_is_empty(dirfd);
	if (rc <= 0) {
		close(dirfd);
		return rc < 0 ? rc : -ENOTEMPTY;
	}
	ev = xcalloc(1, sizeof(*ev));
	ev->path = xstrdup(dir);
	ev->dirfd = dirfd;
	buf_init(&ev->partial, 0);
	ev->logfd =
	    openat(dirfd, CASELOG, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
	if (ev->logfd < 0) {
		rc = -errno;
		close(dirfd);
		free(ev->path);
		free(ev);
		return rc;
	}
	/*
	 * Room for the rest of case.log and for the manifest is taken now,
	 * so a disk that fills up during the work still gets both.
	 */
	fallocate(ev->logfd, FALLOC_FL_KEEP_SIZE, 0, RESERVE);
	ev->mfd = openat(dirfd, MANIFEST ".tmp", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0400);
	if (ev->mfd >= 0)
		fallocate(ev->mfd, FALLOC_FL_KEEP_SIZE, 0, RESERVE);
	evidence_log(ev, "stranger %s: case log", STRANGER_VERSION);
	if (!uname(&u)) {
		evidence_log(ev, "host: %s", u.nodename);
		evidence_log(ev, "kernel: %s %s %s %s", u.sysname, u.release, u.version, u.machine);
	}
	evidence_log(ev, "uid: %u euid: %u gid: %u egid: %u", (unsigned)getuid(),
		     (unsigned)geteuid(), (unsigned)getgid(), (unsigned)getegid());
	buf_addstr(&cmd, "command: stranger");
	for (int i = 0; i < argc; i++) {
		buf_addc(&cmd, ' ');
		escape_bytes_nospace(&cmd, argv[i], strlen(argv[i]));
	}
	log_line(ev, cmd.data, cmd.len);
	buf_release(&cmd);
	diag_set_hook(diag_hook, ev);
	*out = ev;
	return 0;
}

/* Make the folders on the way to name; reject names that could escape. */
static int make_parents(int dirfd, const char *name)
{
	const char *p = name;

	if (!*name || *name == '/')
		return -EINVAL;
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		if (!len || (len == 2 && !memcmp(p, "..", 2)) || (len == 1 && *p == '.'))
			return -EINVAL;
		if (!slash)
			return 0;
		{
			char *sub = xstrndup(name, (size_t)(slash - name));
			int rc = mkdirat(dirfd, sub, 0700);
			int err = errno;
			free(sub);
			if (rc && err != EEXIST)
				return -err;
		}
		p = slash + 1;
	}
}

static void *hasher(void *arg)
{
	struct evidence_file *f = arg;

	pthread_mutex_lock(&f->mu);
	for (;;) {
		struct hash_item it;
		while (!f->qcount && !f->stop)
			pthread_cond_wait(&f->cv, &f->mu);
		if (!f->qcount)
			break;
		it = f->q[f->qhead];
		pthread_mutex_unlock(&f->mu);
		while (it.zeros) {
			size_t n =
			    it.zeros < sizeof(zero_block) ? (size_t)it.zeros : sizeof(zero_block);
			hash_update(&f->hash, zero_block, n);
			it.zeros -= n;
		}
		hash_update(&f->hash, it.p, it.n);
		pthread_mutex_lock(&f->mu);
		f->qhead = (f->qhead + 1) % QLEN;
		f->qcount--;
		if (it.release >= 0)
			f->busy[it.release] = 0;
		pthread_cond_broadcast(&f->cv);
	}
	pthread_mutex_unlock(&f->mu);
	return NULL;
}

static void queue(struct evidence_file *f, unsigned long long zeros, const char *p, size_t n,
		  int release)
{
	pthread_mutex_lock(&f->mu);
	while (f->qcount == QLEN)
		pthread_cond_wait(&f->cv, &f->mu);
	f->q[(f->qhead + f->qcount) % QLEN] = (struct hash_item){ zeros, p, n, release };
	f->qcount++;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
}

static void release_buffer(struct evidence_file *f, int i)
{
	pthread_mutex_lock(&f->mu);
	f->busy[i] = 0;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
}

int evidence_file_open(struct evidence *ev, const char *name, struct evidence_file **out)
{
	struct evidence_file *f;
	int rc, fd;

	*out = NULL;
	if (!strcmp(name, MANIFEST) || !strcmp(name, CASELOG) || !strcmp(name, PARTIAL) ||
	    !strncmp(name, MANIFEST ".", sizeof(MANIFEST)))
		return -EEXIST;
	if (interrupt_signal())
		return -EINTR;
	rc = make_parents(ev->dirfd, name);
	if (rc)
		return rc;
	fd = openat(ev->dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	f = xcalloc(1, sizeof(*f));
	f->ev = ev;
	f->name = xstrdup(name);
	f->fd = fd;
	f->filling = -1;
	hash_init(&f->hash);
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cv, NULL);
	if (pthread_create(&f->thread, NULL, hasher, f))
		bug("evidence: cannot start the hashing thread");
	*out = f;
	return 0;
}

int evidence_file_error(const struct evidence_file *f)
{
	return f->err;
}

unsigned long long evidence_file_size(const struct evidence_file *f)
{
	return f->size;
}

void *evidence_file_buffer(struct evidence_file *f)
{
	int i;

	if (f->filling >= 0)
		return f->bufs[f->filling];
	pthread_mutex_lock(&f->mu);
	for (;;) {
		for (i = 0; i < EVIDENCE_NBUF; i++)
			if (!f->busy[i])
				break;
		if (i < EVIDENCE_NBUF)
			break;
		pthread_cond_wait(&f->cv, &f->mu);
	}
	f->busy[i] = 1;
	pthread_mutex_unlock(&f->mu);
	if (!f->bufs[i])
		f->bufs[i] = xmalloc(EVIDENCE_BUFSZ);
	f->filling = i;
	return f->bufs[i];
}

/*
 * put - write p[0..n) after the pending hole; hand it to the hasher with
 * the hole, as far as it reached the disk.  Returns 1 if an item that
 * releases buffer `rel` was queued.
 */
static int put(struct evidence_file *f, const char *p, size_t n, int rel)
{
	size_t done = 0;
	int rc;

	if (f->hole && lseek(f->fd, (off_t)(f->ondisk + f->hole), SEEK_SET) < 0) {
		f->err = -errno;
		return 0;
	}
	rc = write_all(f->fd, p, n, &done);
	if (rc)
		f->err = rc;
	if (!done)
		return 0;
	queue(f, f->hole, p, done, rel);
	f->ondisk += f->hole + done;
	f->hole = 0;
	if (f->ondisk - f->flushed >= WRITEBACK) {
		/* start writing back now, so the final fsync finds little to do */
		sync_file_range(f->fd, (off_t)f->flushed, (off_t)(f->ondisk - f->flushed),
				SYNC_FILE_RANGE_WRITE);
		f->flushed = f->ondisk;
	}
	return rel >= 0;
}

static int page_is_zero(const char *p, size_t n)
{
	const uint64_t *w = (const uint64_t *)p;
	for (size_t i = 0; i < n / 8; i++)
		if (w[i])
			return 0;
	for (size_t i = n & ~(size_t)7; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

int evidence_file_commit(struct evidence_file *f, size_t n, int sparse)
{
	int idx = f->filling;
	const char *b;
	int released = 0;

	if (idx < 0)
		bug("evidence: commit without a buffer");
	if (n > EVIDENCE_BUFSZ)
		bug("evidence: commit beyond the buffer");
	f->filling = -1;
	b = f->bufs[idx];
	interrupt_raise_after("STRANGER_TEST_INTERRUPT_BYTES", f->ev->bytes);
	if (!f->err && n && interrupt_signal())
		f->err = -EINTR; /* what is on disk stays, marked partial */
	if (f->err) {
		release_buffer(f, idx);
		return f->err;
	}
	if (!sparse) {
		released = put(f, b, n, idx);
	} else {
		/* runs of data pages go to disk, runs of zero pages become holes */
		size_t i = 0;
		while (i < n && !f->err) {
			size_t len = n - i < PAGE ? n - i : PAGE;
			if (page_is_zero(b + i, len)) {
				f->hole += len;
				i += len;
				continue;
			}
			size_t j = i + len;
			while (j < n) {
				size_t l2 = n - j < PAGE ? n - j : PAGE;
				if (page_is_zero(b + j, l2))
					break;
				j += l2;
			}
			/* only the run that ends the buffer releases it */
			released = put(f, b + i, j - i, j >= n ? idx : -1);
			i = j;
		}
	}
	if (!released) {
		/*
		 * Items already queued may still point into the buffer; a
		 * marker item after them hands it back in order.
		 */
		queue(f, 0, b, 0, idx);
	}
	if (!f->err) {
		f->size += n;
		f->ev->bytes += n;
	}
	return f->err;
}

int evidence_file_write(struct evidence_file *f, const void *p, size_t n)
{
	const char *s = p;

	while (n && !f->err) {
		size_t chunk = n < EVIDENCE_BUFSZ ? n : EVIDENCE_BUFSZ;
		char *b = evidence_file_buffer(f);
		memcpy(b, s, chunk);
		evidence_file_commit(f, chunk, 0);
		s += chunk;
		n -= chunk;
	}
	return f->err;
}

int evidence_file_skip(struct evidence_file *f, unsigned long long n)
{
	if (!f->err && interrupt_signal())
		f->err = -EINTR;
	if (f->err)
		return f->err;
	f->hole += n;
	f->size += n;
	return 0;
}

static void add_entry(struct evidence *ev, const char *name, const unsigned char d[HASH_LEN])
{
	if (ev->nents == ev->aents) {
		ev->aents = ev->aents ? 2 * ev->aents : 16;
		ev->ents = xreallocarray(ev->ents, ev->aents, sizeof(*ev->ents));
	}
	ev->ents[ev->nents].name = xstrdup(name);
	hash_hex(d, ev->ents[ev->nents].hex);
	ev->nents++;
}

int evidence_file_close(struct evidence_file *f, unsigned char digest[HASH_LEN],
			unsigned long long *size)
{
	struct evidence *ev = f->ev;
	unsigned char d[HASH_LEN];
	int err;

	if (f->filling >= 0) {
		release_buffer(f, f->filling);
		f->filling = -1;
	}
	if (!f->err && f->hole) {
		if (ftruncate(f->fd, (off_t)(f->ondisk + f->hole)))
			f->err = -errno;
		else {
			queue(f, f->hole, "", 0, -1);
			f->ondisk += f->hole;
			f->hole = 0;
		}
	}
	/* the disk catches up while the hasher finishes */
	if (fsync(f->fd) && !f->err)
		f->err = -errno;
	pthread_mutex_lock(&f->mu);
	f->stop = 1;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
	pthread_join(f->thread, NULL);
	hash_final(&f->hash, d);
	if (fchmod(f->fd, 0400) && !f->err)
		f->err = -errno;
	if (close(f->fd) && !f->err)
		f->err = -errno;
	add_entry(ev, f->name, d);
	err = f->err;
	if (err) {
		struct buf line = BUF_INIT;
		ev->npartial++;
		buf_addf(&line, "%s: only %llu bytes written: ", f->name, f->ondisk);
		if (err == -EINTR)
			buf_addf(&line, "interrupted by %s", interrupt_name(interrupt_signal()));
		else
			buf_addstr(&line, strerror(-err));
		evidence_log(ev, "partial: %s", line.data);
		escape_str(&ev->partial, line.data);
		buf_addc(&ev->partial, '\n');
		buf_release(&line);
	} else {
		char hex[HASH_HEX_LEN + 1];
		hash_hex(d, hex);
		evidence_log(ev, "file: %s: %llu bytes, sha256 %s", f->name, f->ondisk, hex);
	}
	if (digest)
		memcpy(digest, d, HASH_LEN);
	if (size)
		*size = f->ondisk;
	for (int i = 0; i < EVIDENCE_NBUF; i++)
		free(f->bufs[i]);
	pthread_mutex_destroy(&f->mu);
	pthread_cond_destroy(&f->cv);
	free(f->name);
	free(f);
	return err;
}

int evidence_copy_fd(struct evidence *ev, const char *name, int fd, unsigned char digest[HASH_LEN],
		     unsigned long long *size)
{
	struct evidence_file *f;
	int rc = evidence_file_open(ev, name, &f);
	int rerr = 0;

	if (rc)
		return rc;
	for (;;) {
		char *b = evidence_file_buffer(f);
		ssize_t r = read(fd, b, EVIDENCE_BUFSZ);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r < 0)
				rerr = -errno;
			evidence_file_commit(f, 0, 0);
			break;
		}
		if (evidence_file_commit(f, (size_t)r, 0))
			break;
	}
	if (rerr && !f->err) {
		/* what could be read is kept; the file is marked partial */
		f->err = rerr;
	}
	return evidence_file_close(f, digest, size);
}

int evidence_add_buf(struct evidence *ev, const char *name, const void *p, size_t n)
{
	struct evidence_file *f;
	int rc = evidence_file_open(ev, name, &f);

	if (rc)
		return rc;
	evidence_file_write(f, p, n);
	return evidence_file_close(f, NULL, NULL);
}

int evidence_adopt(struct evidence *ev, const char *name, unsigned char digest[HASH_LEN],
		   unsigned long long *size)
{
	unsigned char d[HASH_LEN];
	unsigned long long n = 0;
	struct stat st;
	char hex[HASH_HEX_LEN + 1];
	/* the checks of a new name; its folders exist already */
	int rc = make_parents(ev->dirfd, name);

	if (rc)
		return rc;
	if (fstatat(ev->dirfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	fchmodat(ev->dirfd, name, 0400, 0);
	rc = hash_file_at(ev->dirfd, name, d, &n);
	if (rc)
		return rc;
	add_entry(ev, name, d);
	hash_hex(d, hex);
	evidence_log(ev, "file: %s: %llu bytes, sha256 %s", name, n, hex);
	if (digest)
		memcpy(digest, d, HASH_LEN);
	if (size)
		*size = n;
	return 0;
}

int evidence_dirfd(const struct evidence *ev)
{
	return ev->dirfd;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct manifest_entry *)a)->name,
		      ((const struct manifest_entry *)b)->name);
}

static int write_manifest(struct evidence *ev)
{
	struct buf m = BUF_INIT;
	int fd, rc;

	qsort(ev->ents, ev->nents, sizeof(*ev->ents), cmp_entry);
	for (size_t i = 0; i < ev->nents; i++) {
		buf_addstr(&m, ev->ents[i].hex);
		buf_addstr(&m, "  ");
		buf_addstr(&m, ev->ents[i].name);
		buf_addc(&m, '\n');
	}
	fd = ev->mfd;
	ev->mfd = -1;
	if (fd < 0)
		fd = openat(ev->dirfd, MANIFEST ".tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			    0400);
	if (fd < 0) {
		rc = -errno;
		buf_release(&m);
		return rc;
	}
	rc = write_all(fd, m.data, m.len, NULL);
	if (!rc && ftruncate(fd, (off_t)m.len))
		rc = -errno;
	if (!rc && fsync(fd))
		rc = -errno;
	if (close(fd) && !rc)
		rc = -errno;
	if (!rc && renameat(ev->dirfd, MANIFEST ".tmp", ev->dirfd, MANIFEST))
		rc = -errno;
	if (rc)
		unlinkat(ev->dirfd, MANIFEST ".tmp", 0);
	buf_release(&m);
	return rc;
}

int evidence_close(struct evidence *ev, int status)
{
	unsigned char d[HASH_LEN];
	int rc;

	diag_set_hook(NULL, NULL);
	if (interrupt_signal())
		evidence_log(ev, "interrupted: by %s; the work stopped there",
			     interrupt_name(interrupt_signal()));
	if (ev->npartial) {
		/*
		 * The partial files, in a file the manifest covers, so that
		 * `sha256sum -c` alone cannot pass them off as whole.  The
		 * room reserved for the manifest is handed over first: on a
		 * full disk this small file must still fit.
		 */
		int fd;
		if (ev->mfd >= 0) {
			close(ev->mfd);
			ev->mfd = -1;
			unlinkat(ev->dirfd, MANIFEST ".tmp", 0);
		}
		fd = openat(ev->dirfd, PARTIAL, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0400);
		if (fd < 0 || write_all(fd, ev->partial.data, ev->partial.len, NULL) || fsync(fd)) {
			evidence_log(ev, "partial: " PARTIAL " could not be written: %s",
				     strerror(errno));
		} else {
			unsigned char pd[HASH_LEN];
			if (!hash_file_at(ev->dirfd, PARTIAL, pd, NULL))
				add_entry(ev, PARTIAL, pd);
		}
		if (fd >= 0)
			close(fd);
	}
	if (ev->npartial)
		evidence_log(ev, "end: exit status %d; %u partial file(s)", status, ev->npartial);
	else
		evidence_log(ev, "end: exit status %d", status);
	if (fsync(ev->logfd) && !ev->log_err)
		ev->log_err = errno;
	rc = ev->log_err ? -ev->log_err : 0;
	/* case.log is hashed as it is on disk, read back */
	if (!rc)
		rc = hash_file_at(ev->dirfd, CASELOG, d, NULL);
	if (!rc) {
		add_entry(ev, CASELOG, d);
		rc = write_manifest(ev);
	}
	if (ev->mfd >= 0) {
		close(ev->mfd);
		unlinkat(ev->dirfd, MANIFEST ".tmp", 0);
	}
	if (rc) {
		evidence_log(ev, "manifest: not written: %s", strerror(-rc));
		fsync(ev->logfd);
	}
	fchmod(ev->logfd, 0400);
	close(ev->logfd);
	if (fsync(ev->dirfd) && !rc)
		rc = -errno;
	close(ev->dirfd);
	for (size_t i = 0; i < ev->nents; i++)
		free(ev->ents[i].name);
	free(ev->ents);
	free(ev->path);
	buf_release(&ev->partial);
	free(ev);
	return rc;
}
