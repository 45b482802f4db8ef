#include "lib/pkg/deb.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/xalloc.h"

enum { INNER_BLOCK = 256 * 1024, CONTROL_MAX = 1 << 20 };

struct inner {
	struct archive *outer;
	char *blk;
};

static int fail(struct deb_err *e, const char *what, struct archive *a)
{
	const char *why = a ? archive_error_string(a) : NULL;
	snprintf(e->why, sizeof(e->why), "%s%s%s", what, why ? ": " : "", why ? why : "");
	return -EINVAL;
}

static la_ssize_t inner_read(struct archive *a, void *ctx, const void **out)
{
	struct inner *in = ctx;
	la_ssize_t n = archive_read_data(in->outer, in->blk, INNER_BLOCK);

	(void)a;
	*out = in->blk;
	return n;
}

/* open_outer - the .deb as an ar archive, from the start of fd */
static struct archive *open_outer(int fd, struct deb_err *e)
{
	struct archive *a;

	if (lseek(fd, 0, SEEK_SET) < 0) {
		snprintf(e->why, sizeof(e->why), "cannot seek: %s", strerror(errno));
		return NULL;
	}
	a = archive_read_new();
	archive_read_support_format_ar(a);
	if (archive_read_open_fd(a, fd, 64 * 1024) != ARCHIVE_OK) {
		fail(e, "not an ar archive", a);
		archive_read_free(a);
		return NULL;
	}
	return a;
}

/* find_member - move the outer archive to the member named PREFIX[.ext] */
static int find_member(struct archive *a, const char *prefix, struct deb_err *e)
{
	struct archive_entry *ent;
	size_t plen = strlen(prefix);
	int r;

	while ((r = archive_read_next_header(a, &ent)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(ent);
		if (name && !strncmp(name, prefix, plen) &&
		    (name[plen] == '\0' || name[plen] == '.'))
			return 0;
	}
	if (r == ARCHIVE_EOF) {
		snprintf(e->why, sizeof(e->why), "no %s member: not a .deb", prefix);
		return -EINVAL;
	}
	return fail(e, "damaged ar archive", a);
}

static struct archive *open_inner(struct inner *in, struct deb_err *e)
{
	struct archive *t = archive_read_new();

	/*
	 * The compressions dpkg-deb writes, and only those: for others
	 * libarchive may fall back to running an external program, and a
	 * suspect system's programs are not to be run.
	 */
	archive_read_support_filter_gzip(t);
	archive_read_support_filter_xz(t);
	archive_read_support_filter_zstd(t);
	archive_read_support_filter_bzip2(t);
	archive_read_support_format_tar(t);
	if (archive_read_open(t, in, NULL, inner_read, NULL) != ARCHIVE_OK) {
		fail(e, "cannot read the tar member", t);
		archive_read_free(t);
		return NULL;
	}
	return t;
}

/* member_path - "./usr/bin/x" -> "/usr/bin/x"; "./" -> "/" */
static void member_path(const char *name, struct buf *out)
{
	buf_reset(out);
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	while (name[0] == '/')
		name++;
	buf_addc(out, '/');
	buf_addstr(out, name);
	while (out->len > 1 && out->data[out->len - 1] == '/')
		out->data[--out->len] = '\0';
}

int deb_read_control(int fd, struct dpkg_status *out, struct deb_err *e)
{
	struct inner in = { NULL, NULL };
	struct archive *t = NULL;
	struct archive_entry *ent;
	struct buf ctl = BUF_INIT, name = BUF_INIT;
	int rc = -EINVAL, r;

	memset(e, 0, sizeof(*e));
	in.outer = open_outer(fd, e);
	if (!in.outer)
		return -EINVAL;
	in.blk = xmalloc(INNER_BLOCK);
	if (find_member(in.outer, "control.tar", e))
		goto out;
	t = open_inner(&in, e);
	if (!t)
		goto out;
	while ((r = archive_read_next_header(t, &ent)) == ARCHIVE_OK) {
		member_path(archive_entry_pathname(ent) ? archive_entry_pathname(ent) : "", &name);
		if (strcmp(name.data, "/control"))
			continue;
		for (;;) {
			char blk[8192];
			la_ssize_t n = archive_read_data(t, blk, sizeof(blk));
			if (n < 0) {
				rc = fail(e, "damaged control member", t);
				goto out;
			}
			if (n == 0)
				break;
			if (ctl.len + (size_t)n > CONTROL_MAX) {
				snprintf(e->why, sizeof(e->why), "control file too large");
				goto out;
			}
			buf_add(&ctl, blk, (size_t)n);
		}
		dpkg_parse_status(ctl.data, ctl.len, out);
		rc = 0;
		goto out;
	}
	if (r == ARCHIVE_EOF)
		snprintf(e->why, sizeof(e->why), "no control file in control.tar");
	else
		fail(e, "damaged control member", t);
out:
	if (t)
		archive_read_free(t);
	archive_read_free(in.outer);
	free(in.blk);
	buf_release(&ctl);
	buf_release(&name);
	return rc;
}

static char entry_type(struct archive_entry *ent)
{
	if (archive_entry_hardlink(ent))
		return 'h';
	switch (archive_entry_filetype(ent)) {
	case AE_IFREG:
		return 'f';
	case AE_IFDIR:
		return 'd';
	case AE_IFLNK:
		return 'l';
	case AE_IFCHR:
		return 'c';
	case AE_IFBLK:
		return 'b';
	case AE_IFIFO:
		return 'p';
	}
	return '?';
}

int deb_read_data(int fd, int (*fn)(const struct deb_file *f, void *ctx), void *ctx,
		  struct deb_err *e)
{
	struct inner in = { NULL, NULL };
	struct archive *t = NULL;
	struct archive_entry *ent;
	struct buf name = BUF_INIT, link = BUF_INIT;
	char *blk = NULL;
	int rc = -EINVAL, r;

	memset(e, 0, sizeof(*e));
	in.outer = open_outer(fd, e);
	if (!in.outer)
		return -EINVAL;
	in.blk = xmalloc(INNER_BLOCK);
	blk = xmalloc(INNER_BLOCK);
	if (find_member(in.outer, "data.tar", e))
		goto out;
	t = open_inner(&in, e);
	if (!t)
		goto out;
	while ((r = archive_read_next_header(t, &ent)) == ARCHIVE_OK) {
		struct deb_file f;
		const char *p = archive_entry_pathname(ent);

		memset(&f, 0, sizeof(f));
		member_path(p ? p : "", &name);
		f.path = name.data;
		f.type = entry_type(ent);
		f.mode = archive_entry_perm(ent) & 07777;
		f.size = (unsigned long long)archive_entry_size(ent);
		if (f.type == 'l') {
			const char *tg = archive_entry_symlink(ent);
			buf_reset(&link);
			buf_addstr(&link, tg ? tg : "");
			f.target = link.data;
		} else if (f.type == 'h') {
			member_path(archive_entry_hardlink(ent), &link);
			f.target = link.data;
		} else if (f.type == 'f') {
			struct hash_ctx h;
			hash_init(&h);
			for (;;) {
				la_ssize_t n = archive_read_data(t, blk, INNER_BLOCK);
				if (n < 0) {
					hash_final(&h, f.sha);
					rc = fail(e, "damaged data member", t);
					goto out;
				}
				if (n == 0)
					break;
				hash_update(&h, blk, (size_t)n);
			}
			hash_final(&h, f.sha);
		}
		rc = fn(&f, ctx);
		if (rc)
			goto out;
	}
	if (r == ARCHIVE_EOF)
		rc = 0;
	else
		rc = fail(e, "damaged data member", t);
out:
	if (t)
		archive_read_free(t);
	archive_read_free(in.outer);
	free(in.blk);
	free(blk);
	buf_release(&name);
	buf_release(&link);
	return rc;
}
