#include "lib/proc/files.h"

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "lib/proc/proc.h"
#include "util/escape.h"
#include "util/xalloc.h"

static struct file_rec *rec_add(struct file_list *l)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	l->v[l->n].fdnum = -1;
	return &l->v[l->n++];
}

void files_release(struct file_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static const char *type_of(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFREG:
		return "REG";
	case S_IFDIR:
		return "DIR";
	case S_IFCHR:
		return "CHR";
	case S_IFBLK:
		return "BLK";
	case S_IFIFO:
		return "FIFO";
	case S_IFLNK:
		return "LINK";
	case S_IFSOCK:
		return "sock";
	}
	return "unknown";
}

static void set_name(struct file_rec *r, const char *raw, size_t n, int deleted)
{
	struct buf b = BUF_INIT;
	escape_bytes(&b, raw, n);
	if (deleted)
		buf_addstr(&b, " (deleted)");
	r->name = buf_detach(&b, NULL);
}

static const char suffix[] = " (deleted)";

/* The link target without a kernel " (deleted)" suffix when nlink is 0. */
static size_t strip_deleted(const struct buf *link, int deleted)
{
	size_t sl = sizeof(suffix) - 1;
	if (deleted && link->len >= sl && !memcmp(link->data + link->len - sl, suffix, sl))
		return link->len - sl;
	return link->len;
}

/* cwd, rtd, txt: a readlink and a stat through /proc/PID. */
static int add_special(int procfd, const char *file, const char *fdname, struct file_list *l,
		       struct stat *out)
{
	struct buf link = BUF_INIT;
	struct stat st;
	struct file_rec *r;
	int rc = proc_readlink_at(procfd, file, &link);

	if (rc == -EACCES || rc == -EPERM) {
		/* as lsof: a row saying what could not be read */
		struct buf b = BUF_INIT;
		r = rec_add(l);
		snprintf(r->fd, sizeof(r->fd), "%s", fdname);
		snprintf(r->type, sizeof(r->type), "unknown");
		buf_addf(&b, "/proc/PID/%s (readlink: %s)", file, strerror(-rc));
		r->name = buf_detach(&b, NULL);
		l->denied++;
	}
	if (rc) {
		buf_release(&link);
		return rc;
	}
	r = rec_add(l);
	snprintf(r->fd, sizeof(r->fd), "%s", fdname);
	if (fstatat(procfd, file, &st, 0)) {
		snprintf(r->type, sizeof(r->type), "unknown");
		set_name(r, link.data, link.len, 0);
		buf_release(&link);
		return 0;
	}
	r->mode = st.st_mode;
	r->inode = st.st_ino;
	r->size = (unsigned long long)st.st_size;
	r->deleted = S_ISREG(st.st_mode) && st.st_nlink == 0;
	snprintf(r->type, sizeof(r->type), "%s", type_of(st.st_mode));
	snprintf(r->device, sizeof(r->device), "%u,%u", major(st.st_dev), minor(st.st_dev));
	snprintf(r->size_off, sizeof(r->size_off), "%lld", (long long)st.st_size);
	snprintf(r->node, sizeof(r->node), "%llu", (unsigned long long)st.st_ino);
	set_name(r, link.data, strip_deleted(&link, r->deleted), r->deleted);
	if (out)
		*out = st;
	buf_release(&link);
	return 0;
}

struct seen {
	unsigned long long dev, ino;
};

/*
 * The mapped-file cache: a machine's processes map the same few hundred
 * libraries, and the stat of each through map_files was a syscall per
 * mapping per process.  While a walk over many processes has it on, the
 * first stat of a (device, inode) answers for the others; the size and
 * link count are the inode's, whoever maps it.
 */
struct mstat {
	unsigned long long dev, ino, size;
	int used, deleted;
};

static struct {
	pthread_mutex_t mx;
	int on;
	struct mstat *v;
	size_t n, cap; /* cap: 0 or a power of two */
} mcache = { PTHREAD_MUTEX_INITIALIZER, 0, NULL, 0, 0 };

void files_map_cache(int on)
{
	pthread_mutex_lock(&mcache.mx);
	mcache.on = on;
	if (!on) {
		free(mcache.v);
		mcache.v = NULL;
		mcache.n = mcache.cap = 0;
	}
	pthread_mutex_unlock(&mcache.mx);
}

static size_t mcache_at(const struct mstat *v, size_t cap, unsigned long long dev,
			unsigned long long ino)
{
	size_t i = (size_t)((ino * 0x9e3779b97f4a7c15ULL) ^ dev) & (cap - 1);
	while (v[i].used && (v[i].dev != dev || v[i].ino != ino))
		i = (i + 1) & (cap - 1);
	return i;
}

/* 1 and *out filled when (dev, ino) is known, else 0 */
static int mcache_get(unsigned long long dev, unsigned long long ino, struct mstat *out)
{
	int hit = 0;
	pthread_mutex_lock(&mcache.mx);
	if (mcache.on && mcache.cap) {
		size_t i = mcache_at(mcache.v, mcache.cap, dev, ino);
		if (mcache.v[i].used) {
			*out = mcache.v[i];
			hit = 1;
		}
	}
	pthread_mutex_unlock(&mcache.mx);
	return hit;
}

static void mcache_put(unsigned long long dev, unsigned long long ino, unsigned long long size,
		       int deleted)
{
	pthread_mutex_lock(&mcache.mx);
	if (!mcache.on)
		goto out;
	if (2 * (mcache.n + 1) > mcache.cap) {
		size_t cap = mcache.cap ? 2 * mcache.cap : 256;
		struct mstat *v = xcalloc(cap, sizeof(*v));
		for (size_t k = 0; k < mcache.cap; k++)
			if (mcache.v[k].used)
				v[mcache_at(v, cap, mcache.v[k].dev, mcache.v[k].ino)] =
				    mcache.v[k];
		free(mcache.v);
		mcache.v = v;
		mcache.cap = cap;
	}
	{
		size_t i = mcache_at(mcache.v, mcache.cap, dev, ino);
		if (!mcache.v[i].used) {
			mcache.v[i] = (struct mstat){ dev, ino, size, 1, deleted };
			mcache.n++;
		}
	}
out:
	pthread_mutex_unlock(&mcache.mx);
}

static int add_maps(int procfd, struct file_list *l, const struct stat *txt, struct buf *notes)
{
	struct buf maps = BUF_INIT;
	struct proc_map m;
	size_t pos = 0, nseen = 0;
	struct seen *seen = NULL;
	int rc = proc_read_at(procfd, "maps", &maps);

	if (rc) {
		buf_release(&maps);
		return rc;
	}
	while ((rc = proc_maps_next(maps.data, maps.len, &pos, &m)) != 0) {
		unsigned long long dev;
		struct file_rec *r;
		struct stat st;
		struct mstat ms;
		char mf[64];
		int dup = 0;

		if (rc < 0)
			continue;
		if (!m.inode || !m.path_len || m.path[0] == '[')
			continue;
		dev = makedev(m.dev_major, m.dev_minor);
		if (txt && dev == txt->st_dev && m.inode == txt->st_ino)
			continue;
		for (size_t i = 0; i < nseen && !dup; i++)
			dup = seen[i].dev == dev && seen[i].ino == m.inode;
		if (dup)
			continue;
		seen = xreallocarray(seen, nseen + 1, sizeof(*seen));
		seen[nseen].dev = dev;
		seen[nseen++].ino = m.inode;
		r = rec_add(l);
		snprintf(r->type, sizeof(r->type), "REG");
		snprintf(r->device, sizeof(r->device), "%u,%u", m.dev_major, m.dev_minor);
		snprintf(r->node, sizeof(r->node), "%llu", m.inode);
		r->inode = m.inode;
		r->mode = S_IFREG;
		/* map_files is the mapping itself, immune to a renamed path */
		snprintf(mf, sizeof(mf), "map_files/%llx-%llx", m.start, m.end);
		if (mcache_get(dev, m.inode, &ms)) {
			r->deleted = ms.deleted;
			r->size = ms.size;
		} else if (!fstatat(procfd, mf, &st, 0)) {
			r->deleted = st.st_nlink == 0;
			r->size = (unsigned long long)st.st_size;
			mcache_put(dev, m.inode, r->size, r->deleted);
		} else {
			r->deleted = m.deleted;
		}
		if (r->deleted) {
			snprintf(r->fd, sizeof(r->fd), "DEL");
		} else {
			snprintf(r->fd, sizeof(r->fd), "mem");
			snprintf(r->size_off, sizeof(r->size_off), "%llu", r->size);
		}
		set_name(r, m.path, m.path_len, 0);
	}
	free(seen);
	buf_release(&maps);
	(void)notes;
	return 0;
}

/* fdinfo: the offset and, for eventfds, the id lsof shows. */
static void read_fdinfo(int procfd, int fd, unsigned long long *pos, long long *eventfd_id)
{
	char path[48], small[1024];
	struct buf b = BUF_INIT;
	const char *p, *text = small;
	ssize_t n;
	int f;

	*pos = 0;
	*eventfd_id = -1;
	snprintf(path, sizeof(path), "fdinfo/%d", fd);
	/*
	 * fdinfo is a seq_file: one read returns all of it that fits, so a
	 * read that does not fill the buffer has it all - three syscalls
	 * where reading to end of file took four.  A longer one (an epoll
	 * set) is read whole.
	 */
	f = openat(procfd, path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return;
	do
		n = read(f, small, sizeof(small) - 1);
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof(small) - 1) {
		buf_add(&b, small, (size_t)n);
		if (buf_read_fd(&b, f) < 0)
			n = -1;
		text = b.data;
	} else if (n >= 0) {
		small[n] = '\0';
	}
	close(f);
	if (n < 0) {
		buf_release(&b);
		return;
	}
	if (!strncmp(text, "pos:", 4))
		*pos = strtoull(text + 4, NULL, 10);
	if ((p = strstr(text, "eventfd-id:")))
		*eventfd_id = strtoll(p + 11, NULL, 0);
	buf_release(&b);
}

/*
 * Sockets and pipes: the link "socket:[N]" / "pipe:[N]" already names the
 * inode, and their device is the one sockfs or pipefs of this kernel, so
 * the stat of the target is skipped - a third of the syscalls of lsof on a
 * busy server.
 */
static dev_t sockfs_dev, pipefs_dev;
static pthread_once_t pseudo_once = PTHREAD_ONCE_INIT;

static void pseudo_devs(void)
{
	struct stat st;
	int p[2], s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s >= 0) {
		if (!fstat(s, &st))
			sockfs_dev = st.st_dev;
		close(s);
	}
	if (!pipe2(p, O_CLOEXEC)) {
		if (!fstat(p[0], &st))
			pipefs_dev = st.st_dev;
		close(p[0]);
		close(p[1]);
	}
}

static int pseudo_stat(const struct buf *link, struct stat *st)
{
	const char *p = link->data;
	mode_t type;
	char *end;
	unsigned long long ino;

	if (!strncmp(p, "socket:[", 8)) {
		type = S_IFSOCK;
		p += 8;
	} else if (!strncmp(p, "pipe:[", 6)) {
		type = S_IFIFO;
		p += 6;
	} else {
		return 0;
	}
	ino = strtoull(p, &end, 10);
	if (end == p || *end != ']' || end[1])
		return 0;
	pthread_once(&pseudo_once, pseudo_devs);
	memset(st, 0, sizeof(*st));
	st->st_mode = type;
	st->st_ino = ino;
	st->st_nlink = 1;
	st->st_dev = type == S_IFSOCK ? sockfs_dev : pipefs_dev;
	return st->st_dev != 0;
}

static void add_fd(int procfd, int dfd, int fdnum, const struct sock_table *socks, unsigned what,
		   struct file_list *l)
{
	char path[32];
	struct buf link = BUF_INIT;
	struct stat st, lst;
	struct file_rec *r;
	char mode = ' ';
	unsigned long long pos;
	long long evid;

	/* names relative to /proc/PID/fd: one path component per lookup */
	snprintf(path, sizeof(path), "%d", fdnum);
	if (proc_readlink_at(dfd, path, &link))
		goto out; /* closed meanwhile */
	if (!fstatat(dfd, path, &lst, AT_SYMLINK_NOFOLLOW)) {
		int rd = !!(lst.st_mode & S_IRUSR), wr = !!(lst.st_mode & S_IWUSR);
		mode = rd && wr ? 'u' : wr ? 'w' : rd ? 'r' : ' ';
	}
	r = rec_add(l);
	r->fdnum = fdnum;
	snprintf(r->fd, sizeof(r->fd), "%d%c", fdnum, mode);
	if (!pseudo_stat(&link, &st) && fstatat(dfd, path, &st, 0)) {
		snprintf(r->type, sizeof(r->type), "unknown");
		set_name(r, link.data, link.len, 0);
		goto out;
	}
	r->mode = st.st_mode;
	r->inode = st.st_ino;
	r->size = (unsigned long long)st.st_size;
	snprintf(r->node, sizeof(r->node), "%llu", (unsigned long long)st.st_ino);
	snprintf(r->device, sizeof(r->device), "%u,%u", major(st.st_dev), minor(st.st_dev));
	snprintf(r->type, sizeof(r->type), "%s", type_of(st.st_mode));

	if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
		r->deleted = S_ISREG(st.st_mode) && st.st_nlink == 0;
		if (!strncmp(link.data, "anon_inode:", 11)) {
			/* anonymous inodes: eventfd, eventpoll, timerfd, ... */
			read_fdinfo(procfd, fdnum, &pos, &evid);
			snprintf(r->type, sizeof(r->type), "a_inode");
			snprintf(r->size_off, sizeof(r->size_off), "%lld", (long long)st.st_size);
			struct buf nm = BUF_INIT;
			buf_add(&nm, link.data + 11, link.len - 11);
			if (evid >= 0 && nm.len && nm.data[nm.len - 1] == ']') {
				buf_setlen(&nm, nm.len - 1);
				buf_addf(&nm, ":%lld]", evid);
			}
			set_name(r, nm.data, nm.len, 0);
			buf_release(&nm);
			goto out;
		}
		snprintf(r->size_off, sizeof(r->size_off), "%lld", (long long)st.st_size);
		set_name(r, link.data, strip_deleted(&link, r->deleted), r->deleted);
		goto out;
	}
	/* pipes and sockets cannot seek: their offset is 0, no need to ask */
	pos = 0;
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		read_fdinfo(procfd, fdnum, &pos, &evid);
	snprintf(r->size_off, sizeof(r->size_off), "0t%llu", pos);
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
		snprintf(r->device, sizeof(r->device), "%u,%u", major(st.st_rdev),
			 minor(st.st_rdev));
		set_name(r, link.data, link.len, 0);
	} else if (S_ISFIFO(st.st_mode)) {
		if (!strncmp(link.data, "pipe:", 5))
			set_name(r, "pipe", 4, 0);
		else
			set_name(r, link.data, link.len, 0);
	} else if (S_ISSOCK(st.st_mode)) {
		const struct sock_entry *e = socks ? sock_find(socks, st.st_ino) : NULL;
		struct buf nm = BUF_INIT;
		r->sock = e;
		if (e && e->family == AF_UNIX) {
			snprintf(r->type, sizeof(r->type), "unix");
			snprintf(r->device, sizeof(r->device), "0x%016llx", e->kaddr);
			sock_describe(&nm, e);
		} else if (e) {
			snprintf(r->type, sizeof(r->type), e->family == AF_INET6 ? "IPv6" : "IPv4");
			snprintf(r->device, sizeof(r->device), "%llu", e->inode);
			snprintf(r->node, sizeof(r->node), "%s",
				 e->proto == IPPROTO_TCP ? "TCP" : "UDP");
			sock_describe(&nm, e);
		} else {
			/* not in the tables (netlink, packet, other namespace):
			 * the kernel still keeps each socket's protocol name */
			char proto[64], fp[48];
			ssize_t n = -1;
			int fd = openat(dfd, path, O_PATH | O_CLOEXEC);
			if (fd >= 0) {
				snprintf(fp, sizeof(fp), "/proc/self/fd/%d", fd);
				n = getxattr(fp, "system.sockprotoname", proto, sizeof(proto) - 1);
				close(fd);
			}
			if (n > 0) {
				proto[n] = '\0';
				buf_addstr(&nm, "protocol: ");
				escape_str(&nm, proto);
			} else {
				escape_bytes(&nm, link.data, link.len);
			}
		}
		r->name = buf_detach(&nm, NULL);
	} else {
		set_name(r, link.data, link.len, 0);
	}
out:
	buf_release(&link);
}

int files_list(int procfd, unsigned what, const struct sock_table *socks, struct file_list *out,
	       struct buf *notes)
{
	struct stat txt;
	int have_txt = 0, rc;

	memset(out, 0, sizeof(*out));
	if (what & FILES_SPECIAL) {
		rc = add_special(procfd, "cwd", "cwd", out, NULL);
		if (rc == -ENOENT || rc == -ESRCH) {
			struct stat st;
			if (fstatat(procfd, "stat", &st, 0))
				return -ESRCH;
		}
		add_special(procfd, "root", "rtd", out, NULL);
		have_txt = !add_special(procfd, "exe", "txt", out, &txt);
	}
	if (what & FILES_MEM)
		add_maps(procfd, out, have_txt ? &txt : NULL, notes);
	if (what & FILES_FDS) {
		int dfd = openat(procfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		int *fds;
		size_t n;
		if (dfd < 0) {
			struct file_rec *r;
			int err = errno;
			if (err == ENOENT)
				return out->n ? 0 : -ESRCH;
			r = rec_add(out);
			snprintf(r->fd, sizeof(r->fd), "NOFD");
			{
				struct buf b = BUF_INIT;
				buf_addf(&b, "/proc/PID/fd (opendir: %s)", strerror(err));
				r->name = buf_detach(&b, NULL);
			}
			if (err == EACCES || err == EPERM)
				out->denied++;
			return 0;
		}
		rc = proc_list_fds(dfd, &fds, &n);
		if (rc) {
			close(dfd);
			return out->n ? 0 : rc;
		}
		for (size_t i = 0; i < n; i++)
			add_fd(procfd, dfd, (int)fds[i], socks, what, out);
		close(dfd);
		free(fds);
	}
	return 0;
}

int files_socket_inodes(int procfd, unsigned long long **inodes, size_t *n)
{
	int dfd = openat(procfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int *fds, rc;
	size_t nfds;

	*inodes = NULL;
	*n = 0;
	if (dfd < 0)
		return -errno;
	rc = proc_list_fds(dfd, &fds, &nfds);
	if (rc) {
		close(dfd);
		return rc;
	}
	for (size_t i = 0; i < nfds; i++) {
		char name[16], link[64];
		ssize_t l;
		snprintf(name, sizeof(name), "%d", fds[i]);
		l = readlinkat(dfd, name, link, sizeof(link) - 1);
		if (l < 9 || memcmp(link, "socket:[", 8))
			continue;
		link[l] = '\0';
		*inodes = xreallocarray(*inodes, *n + 1, sizeof(**inodes));
		(*inodes)[(*n)++] = strtoull(link + 8, NULL, 10);
	}
	free(fds);
	close(dfd);
	return 0;
}
