#include "lib/pkg/pkgverify.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/pool.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/xalloc.h"
#include "util/noatime.h"

enum { READ_CHUNK = 256 * 1024, ADMIN_MAX = 256 << 20 };

#define CFG_NAME_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"

/* in_root - open path (absolute) below the tree's root */
static int in_root(int rootfd, const char *path, unsigned long long flags)
{
	struct open_how how;
	int fd;

	while (*path == '/')
		path++;
	if (!*path)
		path = ".";
	memset(&how, 0, sizeof(how));
	how.flags = flags | O_CLOEXEC;
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	fd = noatime_openat2(rootfd, path, &how);
	return fd < 0 ? -errno : fd;
}

int pkgverify_read_at(struct pkgverify *pv, const char *path, struct buf *out)
{
	int fd = in_root(pv->rootfd, path, O_RDONLY | O_NONBLOCK), rc;
	struct stat st;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > ADMIN_MAX) {
		close(fd);
		return -EINVAL;
	}
	rc = buf_read_fd(out, fd);
	close(fd);
	return rc;
}

static void read_cfg(struct pkgverify *pv)
{
	struct buf b = BUF_INIT;
	int dfd = in_root(pv->rootfd, "/etc/dpkg/dpkg.cfg.d", O_RDONLY | O_DIRECTORY);

	/* dpkg reads the fragments in name order, then dpkg.cfg */
	if (dfd >= 0) {
		struct dirent **names;
		int n = scandirat(dfd, ".", &names, NULL, alphasort);
		for (int i = 0; i < n; i++) {
			const char *nm = names[i]->d_name;
			/* dpkg skips names with other characters (backups) */
			if (nm[0] != '.' && strspn(nm, CFG_NAME_CHARS) == strlen(nm)) {
				struct buf p = BUF_INIT;
				buf_addf(&p, "/etc/dpkg/dpkg.cfg.d/%s", nm);
				buf_reset(&b);
				if (!pkgverify_read_at(pv, p.data, &b))
					dpkg_parse_cfg(b.data, b.len, &pv->filt);
				buf_release(&p);
			}
			free(names[i]);
		}
		if (n >= 0)
			free(names);
		close(dfd);
	}
	buf_reset(&b);
	if (!pkgverify_read_at(pv, "/etc/dpkg/dpkg.cfg", &b))
		dpkg_parse_cfg(b.data, b.len, &pv->filt);
	buf_release(&b);
}

static void read_statoverride(struct pkgverify *pv, const char *s, size_t n)
{
	size_t pos = 0;

	while (pos < n) {
		const char *l = s + pos, *nl = memchr(l, '\n', n - pos);
		size_t len = nl ? (size_t)(nl - l) : n - pos;
		const char *f[4];
		size_t k = 0, i = 0;

		pos += len + 1;
		/* "owner group mode path": the path is the rest of the line */
		while (k < 4 && i < len) {
			while (i < len && l[i] == ' ')
				i++;
			f[k++] = l + i;
			if (k == 4)
				break;
			while (i < len && l[i] != ' ')
				i++;
		}
		if (k == 4 && f[3] < l + len && *f[3] == '/') {
			char *end;
			unsigned long mode = strtoul(f[2], &end, 8);
			if (end == f[2] || *end != ' ' || mode > 07777)
				continue;
			pv->ovr = xreallocarray(pv->ovr, pv->novr + 1, sizeof(*pv->ovr));
			pv->ovr[pv->novr].path = xstrndup(f[3], (size_t)(l + len - f[3]));
			pv->ovr[pv->novr].mode = (unsigned)mode;
			pv->novr++;
		}
	}
}

int pkgverify_open(struct pkgverify *pv, const char *root)
{
	struct buf b = BUF_INIT;
	int rc;

	memset(pv, 0, sizeof(*pv));
	pv->debdirfd = -1;
	pv->rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (pv->rootfd < 0)
		return -errno;
	rc = pkgverify_read_at(pv, "/var/lib/dpkg/status", &b);
	if (rc) {
		buf_release(&b);
		return rc;
	}
	dpkg_parse_status(b.data, b.len, &pv->st);
	buf_reset(&b);
	if (!pkgverify_read_at(pv, "/var/lib/dpkg/diversions", &b))
		dpkg_parse_diversions(b.data, b.len, &pv->div);
	buf_reset(&b);
	if (!pkgverify_read_at(pv, "/var/lib/dpkg/statoverride", &b))
		read_statoverride(pv, b.data, b.len);
	buf_release(&b);
	read_cfg(pv);
	return 0;
}

static void item_release(struct pkgverify_item *it)
{
	free(it->path);
	free(it->listed);
	free(it->want_target);
	free(it->got_target);
}

void pkgverify_release(struct pkgverify *pv)
{
	for (size_t i = 0; i < pv->n; i++)
		item_release(&pv->v[i]);
	free(pv->v);
	for (size_t i = 0; i < pv->novr; i++)
		free(pv->ovr[i].path);
	free(pv->ovr);
	for (size_t i = 0; i < pv->ndebs; i++)
		free(pv->debs[i]);
	free(pv->debs);
	if (pv->debdirfd >= 0)
		close(pv->debdirfd);
	if (pv->rootfd >= 0)
		close(pv->rootfd);
	dpkg_status_release(&pv->st);
	dpkg_diversions_release(&pv->div);
	dpkg_filters_release(&pv->filt);
	memset(pv, 0, sizeof(*pv));
	pv->rootfd = pv->debdirfd = -1;
}

static int is_conffile(const struct dpkg_pkg *p, const char *path)
{
	for (size_t i = 0; i < p->nconf; i++)
		if (!strcmp(p->conf[i].path, path))
			return 1;
	return 0;
}

static struct pkgverify_item *add_item(struct pkgverify *pv, const struct dpkg_pkg *p,
				       const char *listed)
{
	const struct dpkg_diversion *d = dpkg_diverted(&pv->div, listed);
	struct pkgverify_item *it;

	if (pv->n == pv->alloc) {
		pv->alloc = pv->alloc ? 2 * pv->alloc : 1024;
		pv->v = xreallocarray(pv->v, pv->alloc, sizeof(*pv->v));
	}
	it = &pv->v[pv->n++];
	memset(it, 0, sizeof(*it));
	it->pkg = p->name;
	it->listed = xstrdup(listed);
	/* diverted by someone else: this package's copy was moved */
	it->path = xstrdup(d && strcmp(d->by, p->name) ? d->to : listed);
	it->excluded = dpkg_excluded(&pv->filt, listed);
	it->conffile = is_conffile(p, listed);
	return it;
}

static int find_item(struct pkgverify *pv, size_t from, const char *listed)
{
	for (size_t i = from; i < pv->n; i++)
		if (!strcmp(pv->v[i].listed, listed))
			return (int)(i - from);
	return -1;
}

int pkgverify_add_sums(struct pkgverify *pv, const struct dpkg_pkg *p)
{
	struct buf path = BUF_INIT, b = BUF_INIT;
	struct dpkg_sums sums = { NULL, 0, 0, 0 };
	char *info = dpkg_info_name(p);
	size_t first = pv->n;
	int rc;

	buf_addf(&path, "/var/lib/dpkg/info/%s.md5sums", info);
	rc = pkgverify_read_at(pv, path.data, &b);
	if (rc == -ENOENT && strcmp(info, p->name)) {
		buf_reset(&path);
		buf_addf(&path, "/var/lib/dpkg/info/%s.md5sums", p->name);
		rc = pkgverify_read_at(pv, path.data, &b);
	}
	free(info);
	buf_release(&path);
	if (rc == 0) {
		dpkg_parse_md5sums(b.data, b.len, &sums);
		for (size_t i = 0; i < sums.n; i++) {
			struct pkgverify_item *it = add_item(pv, p, sums.v[i].path);
			it->kind = PKGV_MD5;
			memcpy(it->want, sums.v[i].md5, DPKG_MD5_LEN);
		}
		dpkg_sums_release(&sums);
	}
	buf_release(&b);
	/* conffiles are in the status file, not (always) in md5sums */
	for (size_t i = 0; i < p->nconf; i++) {
		struct pkgverify_item *it;
		if (p->conf[i].obsolete || !p->conf[i].has_md5 ||
		    find_item(pv, first, p->conf[i].path) >= 0)
			continue;
		it = add_item(pv, p, p->conf[i].path);
		it->kind = PKGV_MD5;
		memcpy(it->want, p->conf[i].md5, DPKG_MD5_LEN);
	}
	return rc == 0 || pv->n > first ? 0 : rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int pkgverify_set_debdir(struct pkgverify *pv, const char *dir)
{
	DIR *d;
	struct dirent *de;
	size_t alloc = 0;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	d = fdopendir(dup(fd));
	if (!d) {
		int err = -errno;
		close(fd);
		return err;
	}
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (l < 5 || strcmp(de->d_name + l - 4, ".deb"))
			continue;
		if (pv->ndebs == alloc) {
			alloc = alloc ? 2 * alloc : 256;
			pv->debs = xreallocarray(pv->debs, alloc, sizeof(*pv->debs));
		}
		pv->debs[pv->ndebs++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (pv->ndebs)
		qsort(pv->debs, pv->ndebs, sizeof(*pv->debs), cmp_str);
	pv->debdirfd = fd;
	return 0;
}

struct deb_add {
	struct pkgverify *pv;
	const struct dpkg_pkg *p;
	size_t first;
};

static const struct pkgverify_override * override(struct pkgverify *pv, const char *path)
{
	for (size_t i = 0; i < pv->novr; i++)
		if (!strcmp(pv->ovr[i].path, path))
			return &pv->ovr[i];
	return NULL;
}

static int deb_entry(const struct deb_file *f, void *ctx)
{
	struct deb_add *a = ctx;
	struct pkgverify_item *it;

	if (f->type == 'f') {
		const struct pkgverify_override *o;
		it = add_item(a->pv, a->p, f->path);
		it->kind = PKGV_SHA256;
		memcpy(it->want, f->sha, HASH_LEN);
		o = override(a->pv, it->path);
		it->want_mode = o ? o->mode : f->mode;
		it->check_mode = 1;
	} else if (f->type == 'l') {
		it = add_item(a->pv, a->p, f->path);
		it->kind = PKGV_LINK;
		it->want_target = xstrdup(f->target);
	} else if (f->type == 'h') {
		/* a hard link holds what the file it links to holds */
		int k = find_item(a->pv, a->first, f->target);
		struct pkgverify_item *t;
		if (k < 0)
			return 0;
		it = add_item(a->pv, a->p, f->path);
		t = &a->pv->v[a->first + (size_t)k];
		it->kind = t->kind;
		memcpy(it->want, t->want, HASH_LEN);
		it->want_mode = t->want_mode;
		it->check_mode = t->check_mode;
	}
	return 0;
}

int pkgverify_add_deb(struct pkgverify *pv, const struct dpkg_pkg *p, struct deb_err *e)
{
	size_t nlen = strlen(p->name);
	struct deb_err damaged;

	memset(e, 0, sizeof(*e));
	memset(&damaged, 0, sizeof(damaged));
	for (size_t i = 0; i < pv->ndebs; i++) {
		struct dpkg_status ctl = { NULL, 0, 0, 0 };
		struct deb_add a = { pv, p, pv->n };
		const char *fn = pv->debs[i];
		int fd, rc, match;

		/* the file name is only a hint; the control file decides */
		if (strncmp(fn, p->name, nlen) || fn[nlen] != '_')
			continue;
		fd = openat(pv->debdirfd, fn, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			continue;
		rc = deb_read_control(fd, &ctl, e);
		if (rc && !damaged.why[0])
			/* named like it, unreadable: said if nothing better is found */
			snprintf(damaged.why, sizeof(damaged.why), "damaged .deb %.60s: %.120s", fn,
				 e->why);
		match = !rc && ctl.n == 1 && !strcmp(ctl.p[0].name, p->name) &&
			!strcmp(ctl.p[0].version, p->version) && !strcmp(ctl.p[0].arch, p->arch);
		dpkg_status_release(&ctl);
		if (!match) {
			close(fd);
			continue;
		}
		rc = deb_read_data(fd, deb_entry, &a, e);
		close(fd);
		if (rc) {
			char why[sizeof(e->why)];
			/* drop what a damaged archive gave */
			while (pv->n > a.first)
				item_release(&pv->v[--pv->n]);
			memcpy(why, e->why, sizeof(why));
			snprintf(e->why, sizeof(e->why), "damaged .deb %.60s: %.120s", fn, why);
			return rc;
		}
		return 0;
	}
	if (damaged.why[0]) {
		memcpy(e->why, damaged.why, sizeof(e->why));
		return -EINVAL;
	}
	snprintf(e->why, sizeof(e->why), "no .deb of version %s (%s)", p->version, p->arch);
	return -ENOENT;
}

/* ---- checking ---- */

struct run {
	struct pkgverify *pv;
	char **bufs;
};

static int hash_fd_kind(int fd, enum pkgverify_kind kind, unsigned char *out, char *blk)
{
	struct hash_ctx h;
	int rc;

	hash_init_alg(&h, kind == PKGV_MD5 ? HASH_MD5 : HASH_SHA256);
	rc = hash_read(&h, fd, blk, READ_CHUNK, ~0ULL, NULL);
	hash_final(&h, out);
	return rc;
}

static void check_link(struct pkgverify *pv, struct pkgverify_item *it)
{
	const char *slash = strrchr(it->path, '/');
	struct buf dir = BUF_INIT;
	struct stat st;
	char tgt[4096];
	ssize_t n;
	int dfd;

	buf_add(&dir, it->path, (size_t)(slash - it->path));
	dfd = in_root(pv->rootfd, dir.len ? dir.data : "/", O_PATH | O_DIRECTORY);
	buf_release(&dir);
	if (dfd < 0) {
		it->err = dfd;
		return;
	}
	if (fstatat(dfd, slash + 1, &st, AT_SYMLINK_NOFOLLOW)) {
		it->err = -errno;
	} else if (!S_ISLNK(st.st_mode)) {
		it->changed |= PKGV_TYPE;
	} else if ((n = readlinkat(dfd, slash + 1, tgt, sizeof(tgt) - 1)) < 0) {
		it->err = -errno;
	} else {
		tgt[n] = '\0';
		if (strcmp(tgt, it->want_target)) {
			it->changed |= PKGV_TARGET;
			it->got_target = xstrdup(tgt);
		}
	}
	close(dfd);
}

static void check_one(size_t i, unsigned worker, void *ctx)
{
	struct run *r = ctx;
	struct pkgverify_item *it = &r->pv->v[i];
	struct stat st;
	int fd;

	if (!r->bufs[worker])
		r->bufs[worker] = xmalloc(READ_CHUNK);
	if (it->kind == PKGV_LINK) {
		check_link(r->pv, it);
	} else {
		/* debsums follows a final symlink; the .deb check does not */
		fd = in_root(r->pv->rootfd, it->path,
			     O_RDONLY | O_NONBLOCK | (it->kind == PKGV_SHA256 ? O_NOFOLLOW : 0));
		if (fd == -ELOOP) {
			it->changed |= PKGV_TYPE;
		} else if (fd < 0) {
			it->err = fd;
		} else {
			if (fstat(fd, &st)) {
				it->err = -errno;
			} else if (!S_ISREG(st.st_mode)) {
				it->changed |= PKGV_TYPE;
			} else {
				it->err = hash_fd_kind(fd, it->kind, it->got, r->bufs[worker]);
				it->got_mode = st.st_mode & 07777;
				if (!it->err &&
				    memcmp(it->want, it->got,
					   it->kind == PKGV_MD5 ? DPKG_MD5_LEN : HASH_LEN))
					it->changed |= PKGV_CONTENT;
				if (!it->err && it->check_mode && it->got_mode != it->want_mode)
					it->changed |= PKGV_MODE;
			}
			close(fd);
		}
	}
	if (it->err == -ENOENT || it->err == -ENOTDIR)
		it->result = PKGV_MISSING;
	else if (it->err)
		it->result = PKGV_UNREAD;
	else
		it->result = it->changed ? PKGV_CHANGED : PKGV_OK;
	/* dpkg was told not to install it: its absence is no finding */
	if (it->result == PKGV_MISSING && it->excluded)
		it->result = PKGV_OK;
}

void pkgverify_run(struct pkgverify *pv, unsigned threads)
{
	struct run r = { pv, NULL };

	if (!threads)
		threads = pool_threads();
	if (threads > POOL_MAX_THREADS)
		threads = POOL_MAX_THREADS;
	r.bufs = xcalloc(threads, sizeof(*r.bufs));
	pool_run(pv->n, threads, check_one, NULL, &r);
	for (unsigned t = 0; t < threads; t++)
		free(r.bufs[t]);
	free(r.bufs);
}
