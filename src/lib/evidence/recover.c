#include "lib/evidence/recover.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lib/evidence/evidence.h"
#include "lib/proc/proc.h"
#include "util/buf.h"
#include "util/escape.h"
#include "util/interrupt.h"
#include "util/noatime.h"
#include "util/xalloc.h"

struct recovered {
	const struct recover_ops *ops;
	int failed;
};

static void row(struct recovered *rec, const char *name, unsigned long long size,
		const unsigned char d[HASH_LEN], const char *from, size_t from_len)
{
	struct recover_item it = { name, size, { 0 }, from, from_len };

	memcpy(it.digest, d, HASH_LEN);
	rec->ops->copied(&it, rec->ops->ctx);
}

/* problem - tell the caller what could not be had; the copy is partial */
__attribute__((format(printf, 2, 3))) static void problem(struct recovered *rec, const char *fmt,
							  ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	rec->ops->problem(b.data, rec->ops->ctx);
	rec->failed = 1;
	buf_release(&b);
}

/* open_regular - open procfd/file without blocking, only if a regular file */
static int open_regular(int procfd, const char *file, struct stat *st)
{
	int fd = noatime_open(procfd, file, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, st) || !S_ISREG(st->st_mode)) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

static void copy_one(struct evidence *ev, struct recovered *rec, int procfd, const char *file,
		     const char *name, const char *from, size_t from_len)
{
	unsigned char d[HASH_LEN];
	unsigned long long size = 0;
	struct stat st;
	struct buf e = BUF_INIT;
	int fd, rc;

	if (interrupt_signal())
		return; /* interrupted: nothing new is begun */
	fd = open_regular(procfd, file, &st);

	escape_bytes(&e, from, from_len);
	if (fd < 0) {
		problem(rec, "%s (%s): cannot open: %s", name, e.data,
			fd == -EINVAL ? "not a regular file" : strerror(-fd));
		buf_release(&e);
		return;
	}
	evidence_log(ev, "%s: from %s, inode %llu, %lld bytes", name, e.data,
		     (unsigned long long)st.st_ino, (long long)st.st_size);
	rc = evidence_copy_fd(ev, name, fd, d, &size);
	close(fd);
	if (rc == -EEXIST || rc == -EINVAL) {
		problem(rec, "%s: cannot create: %s", name, strerror(-rc));
	} else {
		if (rc && rc != -EINTR) {
			problem(rec, "%s (%s): partial copy: %s", name, e.data, strerror(-rc));
		}
		row(rec, name, size, d, from, from_len);
	}
	buf_release(&e);
}

static void copy_proc_file(struct evidence *ev, struct recovered *rec, int procfd, const char *file)
{
	struct buf b = BUF_INIT;
	int rc;

	if (interrupt_signal())
		return;
	rc = proc_read_at(procfd, file, &b);
	unsigned char d[HASH_LEN];

	if (rc) {
		problem(rec, "%s: cannot read: %s", file, strerror(-rc));
	}
	if (!rc || b.len) {
		if (evidence_add_buf(ev, file, b.data, b.len))
			rec->failed = 1;
		hash_buf(b.data, b.len, d);
		{
			char from[64];
			snprintf(from, sizeof(from), "/proc/PID/%s", file);
			row(rec, file, b.len, d, from, strlen(from));
		}
	}
	buf_release(&b);
}

static void recover_fds(struct evidence *ev, struct recovered *rec, int procfd, int all)
{
	int dfd = openat(procfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int *fds = NULL;
	size_t n = 0;
	int rc;

	if (dfd < 0 || (rc = proc_list_fds(dfd, &fds, &n))) {
		problem(rec, "fd: cannot list the open files: %s", strerror(errno));
		if (dfd >= 0)
			close(dfd);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		char file[32], name[32];
		struct stat st;
		struct buf link = BUF_INIT;
		int deleted;

		snprintf(file, sizeof(file), "fd/%d", fds[i]);
		/* stat through the link: the type without opening anything */
		if (fstatat(procfd, file, &st, 0) || !S_ISREG(st.st_mode))
			continue;
		proc_readlink_at(procfd, file, &link);
		deleted = st.st_nlink == 0 ||
			  (link.len > 10 && !memcmp(link.data + link.len - 10, " (deleted)", 10));
		if (deleted || all) {
			snprintf(name, sizeof(name), "fd/%d", fds[i]);
			copy_one(ev, rec, procfd, file, name, link.data, link.len);
		}
		buf_release(&link);
	}
	free(fds);
	close(dfd);
}

static void recover_maps(struct evidence *ev, struct recovered *rec, int procfd,
			 const struct buf *maps)
{
	struct proc_map m;
	size_t pos = 0, nseen = 0;
	struct {
		unsigned dmaj, dmin;
		unsigned long long ino;
	} *seen = NULL;
	int rc;

	struct stat exe;
	int have_exe = !fstatat(procfd, "exe", &exe, 0);

	while ((rc = proc_maps_next(maps->data, maps->len, &pos, &m)) == 1) {
		char file[64], name[64];
		size_t i;

		if (!m.deleted || !m.path_len || m.path[0] != '/')
			continue;
		/* the executable's own mappings: DIR/exe has it already */
		if (have_exe && exe.st_ino == m.inode && major(exe.st_dev) == m.dev_major &&
		    minor(exe.st_dev) == m.dev_minor)
			continue;
		for (i = 0; i < nseen; i++)
			if (seen[i].ino == m.inode && seen[i].dmaj == m.dev_major &&
			    seen[i].dmin == m.dev_minor)
				break;
		if (i < nseen)
			continue;
		seen = xreallocarray(seen, nseen + 1, sizeof(*seen));
		seen[nseen].dmaj = m.dev_major;
		seen[nseen].dmin = m.dev_minor;
		seen[nseen].ino = m.inode;
		nseen++;
		snprintf(file, sizeof(file), "map_files/%llx-%llx", m.start, m.end);
		snprintf(name, sizeof(name), "map/%llx-%llx", m.start, m.end);
		copy_one(ev, rec, procfd, file, name, m.path, m.path_len);
	}
	if (rc < 0) {
		problem(rec, "maps: a malformed line; the mappings after it "
			     "are left out");
	}
	free(seen);
}

int recover_process(struct evidence *ev, int procfd, int all, const struct recover_ops *ops)
{
	struct recovered rec = { ops, 0 };
	struct buf maps = BUF_INIT, exe = BUF_INIT;

	proc_readlink_at(procfd, "exe", &exe);
	copy_one(ev, &rec, procfd, "exe", "exe", exe.data, exe.len);
	recover_fds(ev, &rec, procfd, all);
	if (!proc_read_at(procfd, "maps", &maps))
		recover_maps(ev, &rec, procfd, &maps);
	copy_proc_file(ev, &rec, procfd, "maps");
	copy_proc_file(ev, &rec, procfd, "status");
	copy_proc_file(ev, &rec, procfd, "cmdline");
	copy_proc_file(ev, &rec, procfd, "environ");
	buf_release(&maps);
	buf_release(&exe);
	return rec.failed;
}
