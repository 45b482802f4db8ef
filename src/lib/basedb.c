#include "lib/basedb.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "lib/pool.h"
#include "lib/walk.h"
#include "util/escape.h"
#include "util/xalloc.h"

static const char *const field_names[BASEDB_NFIELDS] = {
	"type", "mode", "uid", "gid", "size", "sha256",
	"target", "inode", "nlink", "mtime", "ctime",
};

#define FIELDS_LINE \
	"#fields path type mode uid gid size inode nlink mtime ctime sha256 target"

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
	case S_IFREG: return 'f';
	case S_IFDIR: return 'd';
	case S_IFLNK: return 'l';
	case S_IFCHR: return 'c';
	case S_IFBLK: return 'b';
	case S_IFIFO: return 'p';
	case S_IFSOCK: return 's';
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

struct scan {
	struct basedb *db;
	const struct basedb_scan_opts *o;
	unsigned root;
	size_t root_len;
	int *rootfd;
	size_t *todo; /* indices of regular files */
	char **bufs;  /* one read buffer per worker */
	atomic_size_t files_done;
	atomic_ullong bytes_done;
	struct basedb_progress prog;
	struct timespec last;
};

enum { READ_CHUNK = 256 * 1024 };

static int read_target(int dirfd, const char *name, size_t hint,
		       struct basedb_entry *e)
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
	if ((now.tv_sec - last->tv_sec) * 1000000000LL +
		    (now.tv_nsec - last->tv_nsec) < 200000000LL)
		return 0;
	*last = now;
	return 1;
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
	if ((s->db->n & 1023) == 0 && s->o->progress && time_to_tick(&s->last)) {
		s->prog.files_done = s->db->n;
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
	how.flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOATIME;
	how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
	fd = (int)syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
	if (fd < 0 && errno == EPERM) {
		how.flags &= ~(unsigned long long)O_NOATIME;
		fd = (int)syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
	}
	if (fd < 0 && errno == ENOSYS) {
		/* old kernel: no symlink in the last component at least */
		int flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
		fd = openat(rootfd, rel, flags | O_NOATIME);
		if (fd < 0 && errno == EPERM)
			fd = openat(rootfd, rel, flags);
	}
	return fd < 0 ? -errno : fd;
}

static int hash_entry(struct scan *s, struct basedb_entry *e, char *blk)
{
	struct hash_ctx h;
	struct stat st;
	int fd, rc = 0;

	if (e->rel_off < e->path_len) {
		fd = open_beneath(s->rootfd[e->root], e->path + e->rel_off);
	} else {
		/* the root itself, which the walk followed if it was a symlink */
		int flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC;
		fd = open(e->path, flags | O_NOATIME);
		if (fd < 0 && errno == EPERM)
			fd = open(e->path, flags);
		if (fd < 0)
			fd = -errno;
	}
	if (fd < 0)
		return fd;
	/* it must still be the file the walk saw */
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_ino != e->ino) {
		close(fd);
		return -ESTALE;
	}
	hash_init(&h);
	for (;;) {
		ssize_t n = read(fd, blk, READ_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		if (n == 0)
			break;
		hash_update(&h, blk, (size_t)n);
		atomic_fetch_add(&s->bytes_done, (unsigned long long)n);
	}
	hash_final(&h, e->sha);
	close(fd);
	return rc;
}

static void hash_one(size_t i, unsigned worker, void *ctx)
{
	struct scan *s = ctx;
	struct basedb_entry *e = &s->db->e[s->todo[i]];

	if (!s->bufs[worker])
		s->bufs[worker] = xmalloc(READ_CHUNK);
	e->err = hash_entry(s, e, s->bufs[worker]);
	e->sha_state = e->err ? BASEDB_SHA_UNREAD : BASEDB_SHA_OK;
	atomic_fetch_add(&s->files_done, 1);
}

static void hash_tick(void *ctx)
{
	struct scan *s = ctx;
	if (!s->o->progress)
		return;
	s->prog.files_done = atomic_load(&s->files_done);
	s->prog.bytes_done = atomic_load(&s->bytes_done);
	s->o->progress(&s->prog, s->o->ctx);
}

int basedb_scan(struct basedb *db, const struct basedb_scan_opts *o)
{
	struct scan s;
	struct walk_opts wo;
	const char **skip = xcalloc(o->nskip + 1, sizeof(*skip));
	size_t ntodo = 0, first = db->n, kept;
	unsigned threads;
	int rc = 0;

	memset(&s, 0, sizeof(s));
	s.db = db;
	s.o = o;
	clock_gettime(CLOCK_MONOTONIC, &s.last);
	memset(&wo, 0, sizeof(wo));
	wo.one_fs = db->one_fs;
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
		s.todo = xmallocarray(db->n - first, sizeof(*s.todo));
		for (size_t i = first; i < db->n; i++)
			if (db->e[i].type == 'f') {
				s.todo[ntodo++] = i;
				s.prog.bytes_total += db->e[i].size;
			}
		s.prog.files_total = ntodo;
		threads = o->threads ? o->threads : pool_threads();
		if (threads > POOL_MAX_THREADS)
			threads = POOL_MAX_THREADS;
		s.bufs = xcalloc(threads, sizeof(*s.bufs));
		pool_run(ntodo, threads, hash_one, hash_tick, &s);
		hash_tick(&s);
		for (unsigned t = 0; t < threads; t++)
			free(s.bufs[t]);
		free(s.bufs);
		for (size_t i = 0; i < ntodo; i++) {
			struct basedb_entry *e = &db->e[s.todo[i]];
			if (e->err && o->error)
				o->error(e->path, e->path_len, e->err, o->ctx);
		}
		free(s.todo);
	}
	for (unsigned r = 0; r < db->roots.n; r++)
		if (s.rootfd[r] >= 0)
			close(s.rootfd[r]);
	free(s.rootfd);
	free(skip);
	return rc;
}

/* ---- writing ---- */

static void add_time(struct buf *out, long long sec, long nsec)
{
	buf_addf(out, "%lld.%09ld", sec, nsec);
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
	case BASEDB_TYPE: buf_addc(out, e->type); break;
	case BASEDB_MODE: buf_addf(out, "%04o", e->mode); break;
	case BASEDB_UID: buf_addu(out, e->uid); break;
	case BASEDB_GID: buf_addu(out, e->gid); break;
	case BASEDB_SIZE: buf_addu(out, e->size); break;
	case BASEDB_SHA256: add_sha(e, out); break;
	case BASEDB_TARGET: add_target(e, out); break;
	case BASEDB_INODE: buf_addu(out, e->ino); break;
	case BASEDB_NLINK: buf_addu(out, e->nlink); break;
	case BASEDB_MTIME: add_time(out, e->mtime_sec, e->mtime_nsec); break;
	case BASEDB_CTIME: add_time(out, e->ctime_sec, e->ctime_nsec); break;
	}
}

void basedb_format_entry(const struct basedb_entry *e, struct buf *out)
{
	static const unsigned order[] = {
		BASEDB_TYPE, BASEDB_MODE, BASEDB_UID, BASEDB_GID, BASEDB_SIZE,
		BASEDB_INODE, BASEDB_NLINK, BASEDB_MTIME, BASEDB_CTIME,
		BASEDB_SHA256, BASEDB_TARGET,
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

void basedb_format(const struct basedb *db, struct buf *out)
{
	size_t start = out->len;
	unsigned char d[HASH_LEN];
	char hex[HASH_HEX_LEN + 1];

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
	for (size_t i = 0; i < db->n; i++)
		basedb_format_entry(&db->e[i], out);
	hash_buf(out->data + start, out->len - start, d);
	hash_hex(d, hex);
	buf_addstr(out, "#sha256 ");
	buf_add(out, hex, HASH_HEX_LEN);
	buf_addc(out, '\n');
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

static int parse_entry(const char *s, size_t n, struct basedb_entry *e,
		       const char **why)
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

static int parse_header(struct basedb *db, const char *s, size_t n,
			const char **why)
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
#define SET(name, field)                                                    \
	if (key.n == sizeof(name) - 1 && !memcmp(key.s, name, key.n)) {     \
		free(db->field);                                            \
		db->field = v;                                              \
		return 0;                                                   \
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

int basedb_parse(const char *s, size_t n, struct basedb *db,
		 struct basedb_error *err)
{
	static const char magic[] = "#stranger-baseline ";
	size_t nlines = 0, last_start = 0, pos = 0, line = 0;
	unsigned char want[HASH_LEN], got[HASH_LEN];
	int in_entries = 0;

	memset(err, 0, sizeof(*err));
	if (!n)
		return fail(err, 1, "empty file");
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
	    (a->target && path_cmp(a->target, a->target_len, b->target,
				   b->target_len)))
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
			if (strlen(field_names[i]) == n &&
			    !memcmp(field_names[i], p, n))
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
