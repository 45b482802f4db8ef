#include "lib/collect/artifact.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/baseline/walk.h"
#include "lib/collect/step.h"
#include "util/noatime.h"
#include "util/escape.h"
#include "util/table.h"
#include "util/xalloc.h"

void artifact_mirror_name(struct buf *out, const char *path)
{
	const char *p = path;

	buf_addstr(out, "files");
	while (*p) {
		const char *e;
		while (*p == '/')
			p++;
		if (!*p)
			break;
		e = strchr(p, '/');
		if (!e)
			e = p + strlen(p);
		buf_addc(out, '/');
		if ((e - p == 1 && *p == '.') || (e - p == 2 && !memcmp(p, "..", 2)))
			buf_addstr(out, "\\x2e"); /* never a step up */
		escape_bytes_nospace(out, p, (size_t)(e - p));
		p = e;
	}
}

static int open_noatime(int dirfd, const char *name)
{
	return noatime_open(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK);
}

/* copy_fd - at most cap bytes of fd into the case; 1 if truncated */
static int copy_fd(struct evidence *ev, const char *name, int fd, unsigned long long cap,
		   unsigned char d[HASH_LEN], unsigned long long *size)
{
	struct evidence_file *f;
	unsigned long long left = cap;
	int rc = evidence_file_open(ev, name, &f), trunc = 0, rerr = 0;
	char chunk[65536];

	if (rc)
		return rc;
	for (;;) {
		size_t want = left < sizeof(chunk) ? (size_t)left : sizeof(chunk);
		ssize_t n;
		if (!want) {
			/* one more byte says whether there was more */
			if (read(fd, chunk, 1) > 0)
				trunc = 1;
			break;
		}
		n = read(fd, chunk, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			rerr = -errno;
		if (n <= 0)
			break;
		if (evidence_file_write(f, chunk, (size_t)n))
			break;
		left -= (unsigned long long)n;
	}
	rc = evidence_file_close(f, d, size);
	if (rerr && !rc)
		rc = rerr;
	return rc ? rc : trunc;
}

int artifact_copy(struct evidence *ev, const char *path, unsigned long long cap,
		  struct artifact_stats *st)
{
	struct buf name = BUF_INIT;
	unsigned char d[HASH_LEN];
	unsigned long long size = 0;
	struct stat sb;
	int fd = open_noatime(AT_FDCWD, path), rc;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	artifact_mirror_name(&name, path);
	if (!faccessat(evidence_dirfd(ev), name.data, F_OK, AT_SYMLINK_NOFOLLOW)) {
		/* an earlier step took it already */
		close(fd);
		buf_release(&name);
		return 0;
	}
	rc = copy_fd(ev, name.data, fd, cap, d, &size);
	close(fd);
	if (rc >= 0 && st) {
		st->copied++;
		st->bytes += size;
		st->truncated += rc == 1;
	}
	if (rc == 1) {
		evidence_log(ev, "truncated: %s: first %llu bytes copied", name.data, size);
		rc = 0;
	}
	buf_release(&name);
	return rc;
}

struct list_ctx {
	struct evidence *ev;
	struct evidence_file *lf;
	const struct artifact_list_opts *o;
	struct artifact_stats *st;
	unsigned long long copies;
};

static const char *type_name(mode_t m)
{
	return S_ISREG(m)    ? "file"
	       : S_ISDIR(m)  ? "dir"
	       : S_ISLNK(m)  ? "symlink"
	       : S_ISFIFO(m) ? "fifo"
	       : S_ISSOCK(m) ? "socket"
	       : S_ISCHR(m)  ? "char"
	       : S_ISBLK(m)  ? "block"
			     : "unknown";
}

static int visit(const struct walk_entry *e, void *arg)
{
	struct list_ctx *c = arg;
	const struct stat *s = &e->st;
	int setid = S_ISREG(s->st_mode) && (s->st_mode & (S_ISUID | S_ISGID));
	struct buf line = BUF_INIT, name = BUF_INIT;
	struct json j;
	char mode[8];

	if (c->o->stop && *c->o->stop)
		return -EINTR;
	if (c->o->deadline > 0 && step_now() > c->o->deadline)
		return -ETIME;
	if (c->o->only_setid && !setid)
		goto out;
	c->st->listed++;
	json_begin(&j, &line);
	json_str(&j, "path", e->path, e->path_len);
	json_cstr(&j, "type", type_name(s->st_mode));
	snprintf(mode, sizeof(mode), "%04o", (unsigned)(s->st_mode & 07777));
	json_cstr(&j, "mode", mode);
	json_uint(&j, "uid", s->st_uid);
	json_uint(&j, "gid", s->st_gid);
	json_uint(&j, "size", (unsigned long long)s->st_size);
	json_int(&j, "mtime", (long long)s->st_mtime);
	json_int(&j, "ctime", (long long)s->st_ctime);
	json_int(&j, "atime", (long long)s->st_atime);
	json_bool(&j, "setuid", S_ISREG(s->st_mode) && (s->st_mode & S_ISUID));
	json_bool(&j, "setgid", S_ISREG(s->st_mode) && (s->st_mode & S_ISGID));
	if (S_ISLNK(s->st_mode)) {
		char t[4096];
		ssize_t n = readlinkat(e->dirfd, e->at_name, t, sizeof(t));
		if (n >= 0)
			json_str(&j, "link", t, (size_t)n);
	}
	if (S_ISREG(s->st_mode) && c->copies < c->o->max_copies) {
		int fd = -1;
		artifact_mirror_name(&name, e->path);
		if (!faccessat(evidence_dirfd(c->ev), name.data, F_OK, AT_SYMLINK_NOFOLLOW)) {
			/* an earlier step took it already: the manifest has it */
			json_str(&j, "copy", name.data, name.len);
		} else if ((fd = open_noatime(e->dirfd, e->at_name)) < 0) {
			json_cstr(&j, "error", strerror(errno));
			c->st->errors++;
		} else {
			unsigned char d[HASH_LEN];
			unsigned long long size = 0;
			char hex[HASH_HEX_LEN + 1];
			int rc;
			rc = copy_fd(c->ev, name.data, fd, c->o->cap, d, &size);
			close(fd);
			c->copies++;
			if (rc >= 0) {
				hash_hex(d, hex);
				json_str(&j, "copy", name.data, name.len);
				json_cstr(&j, "copy_sha256", hex);
				json_bool(&j, "truncated", rc == 1);
				c->st->copied++;
				c->st->bytes += size;
				c->st->truncated += rc == 1;
			} else {
				json_cstr(&j, "error", strerror(-rc));
				c->st->errors++;
			}
		}
	}
	json_end(&j);
	evidence_file_write(c->lf, line.data, line.len);
out:
	buf_release(&line);
	buf_release(&name);
	if (c->o->max_depth && S_ISDIR(s->st_mode) && e->depth >= c->o->max_depth)
		return WALK_PRUNE;
	return 0;
}

static void walk_error(const char *path, size_t len, int err, void *arg)
{
	struct list_ctx *c = arg;
	struct buf line = BUF_INIT;
	struct json j;

	c->st->errors++;
	json_begin(&j, &line);
	json_str(&j, "path", path, len);
	json_cstr(&j, "error", strerror(-err));
	json_end(&j);
	evidence_file_write(c->lf, line.data, line.len);
	buf_release(&line);
}

int artifact_list(struct evidence *ev, struct evidence_file *lf, const char *root,
		  const struct artifact_list_opts *o, struct artifact_stats *st)
{
	struct list_ctx c = { ev, lf, o, st, 0 };
	struct walk_opts w = {
		.one_fs = o->one_fs,
		.skip = o->skip,
		.nskip = o->nskip,
		.visit = visit,
		.error = walk_error,
		.ctx = &c,
	};

	return walk_tree(root, &w);
}
