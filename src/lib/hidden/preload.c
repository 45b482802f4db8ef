#include "lib/hidden/preload.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lib/hidden/hidden.h"
#include "lib/proc/proc.h"
#include "util/buf.h"
#include "util/xalloc.h"

#define PRELOAD_FILE "/etc/ld.so.preload"
#define ELF_READ_MAX (256UL << 20) /* larger files are not judged */

size_t preload_parse_list(const char *s, size_t n, struct buf *out)
{
	size_t i = 0, count = 0;

	while (i < n) {
		char c = s[i];
		if (c == '#') {
			while (i < n && s[i] != '\n')
				i++;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ':' || c == '\0') {
			i++;
			continue;
		}
		size_t start = i;
		while (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r' &&
		       s[i] != ':' && s[i] != '\0' && s[i] != '#')
			i++;
		buf_add(out, s + start, i - start);
		buf_addc(out, '\0');
		count++;
	}
	return count;
}

int preload_env_value(const char *env, size_t n, const char *var, const char **val, size_t *vlen)
{
	size_t vl = strlen(var), i = 0;
	int found = 0;

	while (i < n) {
		const char *e = env + i;
		const char *z = memchr(e, '\0', n - i);
		size_t len = z ? (size_t)(z - e) : n - i;
		if (len > vl && !memcmp(e, var, vl) && e[vl] == '=') {
			*val = e + vl + 1;
			*vlen = len - vl - 1;
			found = 1;
		}
		i += len + 1;
	}
	return found;
}

/* ---- ELF ------------------------------------------------------------------ */

struct img {
	const unsigned char *p;
	size_t n;
	int msb, is64;
};

static int rd(const struct img *im, uint64_t off, unsigned size, uint64_t *v)
{
	uint64_t x = 0;

	if (off > im->n || size > im->n - off)
		return -1;
	for (unsigned i = 0; i < size; i++) {
		unsigned k = im->msb ? i : size - 1 - i;
		x = (x << 8) | im->p[off + k];
	}
	*v = x;
	return 0;
}

/* rdw - a word: 8 bytes in ELF64, 4 in ELF32 */
static int rdw(const struct img *im, uint64_t off, uint64_t *v)
{
	return rd(im, off, im->is64 ? 8 : 4, v);
}

struct phdr {
	uint64_t type, offset, vaddr, filesz;
};

static int get_phdr(const struct img *im, uint64_t off, struct phdr *ph)
{
	if (im->is64)
		return rd(im, off, 4, &ph->type) || rd(im, off + 8, 8, &ph->offset) ||
		       rd(im, off + 16, 8, &ph->vaddr) || rd(im, off + 32, 8, &ph->filesz);
	return rd(im, off, 4, &ph->type) || rd(im, off + 4, 4, &ph->offset) ||
	       rd(im, off + 8, 4, &ph->vaddr) || rd(im, off + 16, 4, &ph->filesz);
}

/* copy_str - the NUL-terminated string at off, bounded by limit and cap */
static int copy_str(const struct img *im, uint64_t off, uint64_t limit, char *out, size_t cap)
{
	size_t k = 0;

	if (limit > im->n)
		limit = im->n;
	while (off < limit && im->p[off] && k + 1 < cap)
		out[k++] = (char)im->p[off++];
	out[k] = '\0';
	return off < limit && im->p[off] == '\0' ? 0 : -1;
}

int preload_elf_parse(const unsigned char *data, size_t n, struct preload_elf *e)
{
	struct img im = { data, n, 0, 0 };
	uint64_t phoff, phentsize, phnum, strtab = 0, strsz = 0;
	struct phdr dyn = { 0 }, ph;
	int have_dyn = 0;
	enum { MAXPH = 1024, MAXLOAD = 64, MAXNEEDED = 512 };
	struct phdr loads[MAXLOAD];
	size_t nloads = 0;
	uint64_t needed[MAXNEEDED], soname = UINT64_MAX;
	size_t nneeded = 0;

	e->is_elf = e->dynamic = 0;
	e->soname[0] = e->interp[0] = '\0';
	e->nneeded = 0;
	if (n < 52 || memcmp(data, "\177ELF", 4))
		return -EINVAL;
	if ((data[4] != 1 && data[4] != 2) || (data[5] != 1 && data[5] != 2))
		return -EINVAL;
	im.is64 = data[4] == 2;
	im.msb = data[5] == 2;
	e->is_elf = 1;
	if (im.is64 ? (rd(&im, 0x20, 8, &phoff) || rd(&im, 0x36, 2, &phentsize) ||
		       rd(&im, 0x38, 2, &phnum))
		    : (rd(&im, 0x1c, 4, &phoff) || rd(&im, 0x2a, 2, &phentsize) ||
		       rd(&im, 0x2c, 2, &phnum)))
		return -EINVAL;
	if (phentsize < (im.is64 ? 56u : 32u) || phnum > MAXPH)
		return -EINVAL;
	for (uint64_t i = 0; i < phnum; i++) {
		if (get_phdr(&im, phoff + i * phentsize, &ph))
			return -EINVAL;
		if (ph.type == 1 && nloads < MAXLOAD)
			loads[nloads++] = ph;
		else if (ph.type == 2) {
			dyn = ph;
			have_dyn = 1;
		} else if (ph.type == 3) {
			copy_str(&im, ph.offset,
				 ph.offset + ph.filesz < ph.offset ? UINT64_MAX
								   : ph.offset + ph.filesz,
				 e->interp, sizeof(e->interp));
		}
	}
	if (!have_dyn)
		return 0;
	e->dynamic = 1;
	unsigned dsz = im.is64 ? 16 : 8;
	for (uint64_t off = dyn.offset;
	     dyn.filesz >= dsz && off <= dyn.offset + dyn.filesz - dsz && off >= dyn.offset;
	     off += dsz) {
		uint64_t tag, val;
		if (rdw(&im, off, &tag) || rdw(&im, off + dsz / 2, &val))
			break;
		if (tag == 0)
			break;
		if (tag == 1 && nneeded < MAXNEEDED)
			needed[nneeded++] = val;
		else if (tag == 5)
			strtab = val;
		else if (tag == 10)
			strsz = val;
		else if (tag == 14)
			soname = val;
	}
	/* DT_STRTAB is an address: find the file offset through PT_LOAD. */
	uint64_t stroff = UINT64_MAX;
	for (size_t i = 0; i < nloads; i++)
		if (strtab >= loads[i].vaddr && strtab - loads[i].vaddr < loads[i].filesz) {
			stroff = strtab - loads[i].vaddr + loads[i].offset;
			break;
		}
	if (stroff == UINT64_MAX || stroff >= n)
		return 0;
	uint64_t strend = strsz && strsz <= n - stroff ? stroff + strsz : n;
	if (soname != UINT64_MAX && soname < strend - stroff)
		copy_str(&im, stroff + soname, strend, e->soname, sizeof(e->soname));
	for (size_t i = 0; i < nneeded; i++) {
		char name[256];
		if (needed[i] >= strend - stroff ||
		    copy_str(&im, stroff + needed[i], strend, name, sizeof(name)))
			continue;
		buf_addstr(e->needed, name);
		buf_addc(e->needed, '\0');
		e->nneeded++;
	}
	return 0;
}

/* ---- one process ---------------------------------------------------------- */

struct lib {
	char *path; /* as the maps show it */
	char *base; /* its file name */
	char soname[256];
	struct buf needed;
	size_t nneeded;
	int parsed, explained;
	unsigned long long start, end;
};

static const char *basename_of(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static int system_dir(const char *path)
{
	static const char *const dirs[] = { "/lib/",	   "/lib64/",	  "/lib32/",
					    "/libx32/",	   "/usr/lib/",	  "/usr/lib64/",
					    "/usr/lib32/", "/usr/libx32/" };
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (!strncmp(path, dirs[i], strlen(dirs[i])))
			return 1;
	return 0;
}

/*
 * install_prefix - where a self-contained program is installed: the
 * folder above its bin/ (/opt/app for /opt/app/bin/app), with a trailing
 * '/'.  Empty for the shared prefixes (/, /usr, /usr/local), whose lib/
 * folders any program - and any rootkit - may use.
 */
static void install_prefix(const struct buf *exe, struct buf *out)
{
	static const char *const shared[] = { "/", "/usr/", "/usr/local/" };
	size_t n = exe->len;
	int up = 2;

	buf_reset(out);
	while (n && up) {
		n--;
		while (n && exe->data[n] != '/')
			n--;
		up--;
	}
	if (up || exe->data[0] != '/')
		return;
	buf_add(out, exe->data, n + 1);
	for (size_t i = 0; i < sizeof(shared) / sizeof(shared[0]); i++)
		if (!strcmp(out->data, shared[i]))
			buf_reset(out);
}

static int own_prefix(const char *prefix, size_t n, const char *path)
{
	return n && !strncmp(path, prefix, n);
}

/* parse_file - the dynamic section of an open file */
static int parse_fd(int fd, struct preload_elf *e)
{
	struct buf b = BUF_INIT;
	struct stat st;
	int rc;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || (unsigned long long)st.st_size > ELF_READ_MAX)
		return -EINVAL;
	rc = buf_read_fd(&b, fd);
	if (!rc)
		rc = preload_elf_parse((const unsigned char *)b.data, b.len, e);
	buf_release(&b);
	return rc;
}

static int open_mapped(int procfd, const struct lib *l)
{
	char name[80];
	int fd;

	/* map_files reaches the very file mapped, even deleted or elsewhere */
	snprintf(name, sizeof(name), "map_files/%llx-%llx", l->start, l->end);
	fd = openat(procfd, name, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	if (l->path[0] != '/')
		return -1;
	struct buf p = BUF_INIT;
	buf_addstr(&p, "root");
	buf_addstr(&p, l->path);
	fd = openat(procfd, p.data, O_RDONLY | O_CLOEXEC);
	buf_release(&p);
	return fd;
}

static void release_libs(struct lib *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].path);
		buf_release(&v[i].needed);
	}
	free(v);
}

/* explain - mark the library that answers to name, and what it needs */
static void explain(struct lib *v, size_t n, const char *name, int depth)
{
	if (depth > 64)
		return;
	for (size_t i = 0; i < n; i++) {
		if (v[i].explained)
			continue;
		if (strcmp(v[i].soname, name) && strcmp(v[i].base, basename_of(name)))
			continue;
		v[i].explained = 1;
		for (const char *p = v[i].needed.data; p < v[i].needed.data + v[i].needed.len;
		     p += strlen(p) + 1)
			explain(v, n, p, depth + 1);
	}
}

static int in_list(const char *list, size_t len, const char *path)
{
	for (const char *p = list; p < list + len; p += strlen(p) + 1)
		if (!strcmp(p, path) || !strcmp(basename_of(p), basename_of(path)))
			return 1;
	return 0;
}

int preload_check(pid_t pid, struct preload_proc *pp)
{
	struct buf env = BUF_INIT, maps = BUF_INIT, exe = BUF_INIT, glob = BUF_INIT;
	struct buf envlist = BUF_INIT, prefix = BUF_INIT;
	struct lib *libs = NULL;
	size_t nlibs = 0, pos = 0;
	struct proc_map m;
	struct stat exe_st;
	const char *val;
	size_t vlen;
	int procfd, rc = 0;

	pp->env = pp->global = 0;
	pp->unexplained = 0;
	procfd = proc_open(pid);
	if (procfd < 0)
		return procfd;
	if (!proc_read_at(procfd, "environ", &env) &&
	    preload_env_value(env.data, env.len, "LD_PRELOAD", &val, &vlen) && vlen) {
		pp->env = 1;
		buf_addstr(pp->why, "LD_PRELOAD=");
		buf_add(pp->why, val, vlen);
		preload_parse_list(val, vlen, &envlist);
	}
	{
		struct buf f = BUF_INIT;
		if (!buf_read_file(&f, PRELOAD_FILE, 1 << 20))
			preload_parse_list(f.data, f.len, &glob);
		buf_release(&f);
	}
	rc = proc_read_at(procfd, "maps", &maps);
	if (rc)
		goto out;
	if (fstatat(procfd, "exe", &exe_st, 0))
		exe_st.st_ino = 0;
	if (!proc_readlink_at(procfd, "exe", &exe))
		install_prefix(&exe, &prefix);
	while (proc_maps_next(maps.data, maps.len, &pos, &m) == 1) {
		size_t i;
		if (m.perms[2] != 'x' || !m.path_len || m.path[0] != '/' || !m.inode)
			continue;
		if (m.inode == exe_st.st_ino && makedev(m.dev_major, m.dev_minor) == exe_st.st_dev)
			continue; /* the executable itself */
		if (m.path_len >= 7 &&
		    (!memcmp(m.path, "/memfd:", 7) || !memcmp(m.path, "/dev/", 5)))
			continue;
		char *path = xstrndup(m.path, m.path_len);
		for (i = 0; i < nlibs && strcmp(libs[i].path, path); i++)
			;
		if (i < nlibs) {
			free(path);
			continue;
		}
		libs = xreallocarray(libs, nlibs + 1, sizeof(*libs));
		memset(&libs[nlibs], 0, sizeof(*libs));
		libs[nlibs].path = path;
		libs[nlibs].base = (char *)basename_of(path);
		libs[nlibs].needed = (struct buf)BUF_INIT;
		libs[nlibs].start = m.start;
		libs[nlibs].end = m.end;
		nlibs++;
	}
	if (!nlibs)
		goto out;
	{
		/* Nothing outside the system's folders and nothing preloaded:
		 * nothing to judge, no file to read. */
		int odd = pp->env || glob.len;
		for (size_t i = 0; i < nlibs && !odd; i++)
			odd = !system_dir(libs[i].path);
		if (!odd)
			goto out;
	}

	for (size_t i = 0; i < nlibs; i++) {
		struct preload_elf e = { .needed = &libs[i].needed };
		int fd = open_mapped(procfd, &libs[i]);
		if (fd < 0)
			continue;
		if (!parse_fd(fd, &e) && e.is_elf) {
			libs[i].parsed = 1;
			memcpy(libs[i].soname, e.soname, sizeof(e.soname));
		}
		close(fd);
		if (in_list(glob.data, glob.len, libs[i].path)) {
			if (!pp->global) {
				if (pp->why->len)
					buf_addstr(pp->why, "; ");
				buf_addstr(pp->why, PRELOAD_FILE ":");
			}
			pp->global = 1;
			buf_addc(pp->why, ' ');
			buf_addstr(pp->why, libs[i].path);
		}
	}

	/* What the executable needs explains the rest, transitively. */
	{
		struct buf needed = BUF_INIT;
		struct preload_elf e = { .needed = &needed };
		int fd = openat(procfd, "exe", O_RDONLY | O_CLOEXEC);
		int ok = fd >= 0 && !parse_fd(fd, &e) && e.is_elf;
		if (fd >= 0)
			close(fd);
		if (!ok) {
			/* an unreadable executable explains nothing: judge nothing */
			buf_release(&needed);
			goto out;
		}
		if (e.interp[0])
			explain(libs, nlibs, e.interp, 0);
		for (const char *p = needed.data; p < needed.data + needed.len; p += strlen(p) + 1)
			explain(libs, nlibs, p, 0);
		buf_release(&needed);
	}
	for (size_t i = 0; i < nlibs; i++) {
		if (libs[i].explained || !libs[i].parsed)
			continue;
		if (in_list(envlist.data, envlist.len, libs[i].path) ||
		    in_list(glob.data, glob.len, libs[i].path))
			continue; /* already named as preloaded */
		if (system_dir(libs[i].path) || own_prefix(prefix.data, prefix.len, libs[i].path))
			continue; /* dlopen()ed from the system's or the program's own folders */
		if (pp->why->len)
			buf_addstr(pp->why, "; ");
		buf_addstr(pp->why, "not a dependency: ");
		buf_addstr(pp->why, libs[i].path);
		pp->unexplained++;
	}
out:
	release_libs(libs, nlibs);
	buf_release(&env);
	buf_release(&maps);
	buf_release(&exe);
	buf_release(&glob);
	buf_release(&envlist);
	buf_release(&prefix);
	close(procfd);
	if (rc)
		return rc;
	return pp->env || pp->global || pp->unexplained;
}

int preload_scan(struct hidden_report *r)
{
	struct buf f = BUF_INIT, list = BUF_INIT, why = BUF_INIT;
	pid_t *pids = NULL;
	size_t n = 0;
	int rc;

	if (!buf_read_file(&f, PRELOAD_FILE, 1 << 20) && preload_parse_list(f.data, f.len, &list)) {
		for (const char *p = list.data; p < list.data + list.len; p += strlen(p) + 1) {
			if (why.len)
				buf_addc(&why, ' ');
			buf_addstr(&why, p);
		}
		hidden_add(r, HIDDEN_PRELOAD, 0, PRELOAD_FILE, "ld.so.preload", "", why.data);
	}
	buf_release(&f);
	buf_release(&list);
	rc = proc_list(&pids, &n);
	if (rc) {
		buf_release(&why);
		return rc;
	}
	for (size_t i = 0; i < n; i++) {
		struct preload_proc pp = { .why = &why };
		struct buf comm = BUF_INIT, seen = BUF_INIT;
		int fd;
		buf_reset(&why);
		if (pids[i] == getpid() || preload_check(pids[i], &pp) != 1)
			continue;
		fd = proc_open(pids[i]);
		if (fd >= 0) {
			proc_read_at(fd, "comm", &comm);
			buf_rtrim(&comm);
			close(fd);
		}
		if (pp.env)
			buf_addstr(&seen, "environ");
		if (pp.global || pp.unexplained)
			buf_addstr(&seen, seen.len ? ",maps" : "maps");
		hidden_add(r, HIDDEN_PRELOAD, pids[i], comm.data, seen.data,
			   pp.unexplained ? "elf_needed" : "", why.data);
		buf_release(&comm);
		buf_release(&seen);
	}
	free(pids);
	buf_release(&why);
	return 0;
}
