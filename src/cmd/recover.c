/*
 * recover - copy out what a process holds even when it is deleted from
 * disk: its executable, its deleted open files, its deleted mapped files,
 * and its maps, status, cmdline and environ.  The process is not stopped
 * or signalled; every file is read through /proc, which reaches the inode
 * the process holds, not whatever now has the name.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cmd/cmds.h"
#include "lib/evidence/evidence.h"
#include "lib/baseline/hash.h"
#include "lib/proc/proc.h"
#include "util/diag.h"
#include "util/escape.h"
#include "util/interrupt.h"
#include "util/opt.h"
#include "util/table.h"
#include "util/xalloc.h"

static const char *const recover_usage[] = {
	"stranger recover PID -o DIR [--all]",
	"",
	"Copy out DIR/exe (the executable, also when deleted), DIR/fd/N for every",
	"deleted regular file PID holds open (every regular file with --all),",
	"DIR/map/START-END for every deleted file mapped into its memory, and",
	"copies of its maps, status, cmdline and environ, sealed in",
	"DIR/manifest.sha256 and DIR/case.log.  The process is not stopped.",
	"Exit 0: complete; 1: partial (see the warnings); 2: failure.",
	NULL,
};

struct recovered {
	struct table t;
	int failed;
};

static const struct table_col cols[] = {
	{ "FILE", TABLE_LEFT },
	{ "SIZE", TABLE_RIGHT },
	{ "SHA256", TABLE_LEFT },
	{ "FROM", TABLE_LEFT },
};

static void row(struct recovered *rec, const char *name,
		unsigned long long size, const unsigned char d[HASH_LEN],
		const char *from, size_t from_len)
{
	char sz[32], hex[HASH_HEX_LEN + 1];
	struct buf f = BUF_INIT;
	const char *cells[4];

	snprintf(sz, sizeof(sz), "%llu", size);
	hash_hex(d, hex);
	escape_bytes_nospace(&f, from, from_len);
	cells[0] = name;
	cells[1] = sz;
	cells[2] = hex;
	cells[3] = f.data;
	table_add(&rec->t, cells);
	buf_release(&f);
}

/* open_target - open procfd/file without blocking, only if a regular file */
static int open_regular(int procfd, const char *file, struct stat *st)
{
	int fd = openat(procfd, file, O_RDONLY | O_NONBLOCK | O_NOATIME | O_CLOEXEC);

	if (fd < 0 && errno == EPERM)
		fd = openat(procfd, file, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, st) || !S_ISREG(st->st_mode)) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

static void copy_one(struct evidence *ev, struct recovered *rec, int procfd,
		     const char *file, const char *name, const char *from,
		     size_t from_len)
{
	unsigned char d[HASH_LEN];
	unsigned long long size = 0;
	struct stat st;
	struct buf e = BUF_INIT;
	int fd, rc;

	if (interrupt_signal())
		return; /* nothing new is begun */
	fd = open_regular(procfd, file, &st);
	escape_bytes(&e, from, from_len);
	if (fd < 0) {
		warning("%s (%s): cannot open: %s", name, e.data,
			fd == -EINVAL ? "not a regular file" : strerror(-fd));
		rec->failed = 1;
		buf_release(&e);
		return;
	}
	evidence_log(ev, "%s: from %s, inode %llu, %lld bytes", name, e.data,
		     (unsigned long long)st.st_ino, (long long)st.st_size);
	rc = evidence_copy_fd(ev, name, fd, d, &size);
	close(fd);
	if (rc == -EEXIST || rc == -EINVAL) {
		warning("%s: cannot create: %s", name, strerror(-rc));
		rec->failed = 1;
	} else {
		if (rc && rc != -EINTR) {
			warning("%s (%s): partial copy: %s", name, e.data,
				strerror(-rc));
			rec->failed = 1;
		}
		row(rec, name, size, d, from, from_len);
	}
	buf_release(&e);
}

static void copy_proc_file(struct evidence *ev, struct recovered *rec,
			   int procfd, const char *file)
{
	struct buf b = BUF_INIT;
	int rc;
	unsigned char d[HASH_LEN];

	if (interrupt_signal())
		return;
	rc = proc_read_at(procfd, file, &b);
	if (rc) {
		warning("%s: cannot read: %s", file, strerror(-rc));
		rec->failed = 1;
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

static void recover_fds(struct evidence *ev, struct recovered *rec,
			int procfd, int all)
{
	int dfd = openat(procfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int *fds = NULL;
	size_t n = 0;
	int rc;

	if (dfd < 0 || (rc = proc_list_fds(dfd, &fds, &n))) {
		warning("fd: cannot list the open files: %s", strerror(errno));
		rec->failed = 1;
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
			  (link.len > 10 &&
			   !memcmp(link.data + link.len - 10, " (deleted)", 10));
		if (deleted || all) {
			snprintf(name, sizeof(name), "fd/%d", fds[i]);
			copy_one(ev, rec, procfd, file, name, link.data, link.len);
		}
		buf_release(&link);
	}
	free(fds);
	close(dfd);
}

static void recover_maps(struct evidence *ev, struct recovered *rec,
			 int procfd, const struct buf *maps)
{
	struct proc_map m;
	size_t pos = 0, nseen = 0;
	struct { unsigned dmaj, dmin; unsigned long long ino; } *seen = NULL;
	int rc;

	struct stat exe;
	int have_exe = !fstatat(procfd, "exe", &exe, 0);

	while ((rc = proc_maps_next(maps->data, maps->len, &pos, &m)) == 1) {
		char file[64], name[64];
		size_t i;

		if (!m.deleted || !m.path_len || m.path[0] != '/')
			continue;
		/* the executable's own mappings: DIR/exe has it already */
		if (have_exe && exe.st_ino == m.inode &&
		    major(exe.st_dev) == m.dev_major &&
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
		warning("maps: a malformed line; the mappings after it are left out");
		rec->failed = 1;
	}
	free(seen);
}

int cmd_recover(int argc, char **argv)
{
	const char *dir = NULL;
	int all = 0;
	const struct opt opts[] = {
		{ OPT_STRING, 'o', "output", &dir, "DIR",
		  "the evidence folder to create (must not exist or be empty)" },
		{ OPT_BOOL, 0, "all", &all, NULL,
		  "copy every open regular file, not only deleted ones" },
		{ OPT_END },
	};
	int all_argc = argc;
	char **all_argv = xmemdup(argv, (size_t)argc * sizeof(*argv));
	struct evidence *ev;
	struct recovered rec;
	struct buf maps = BUF_INIT, exe = BUF_INIT;
	int procfd, rc, status;
	pid_t pid;

	argc = opt_parse(argc, argv, opts, recover_usage, 0);
	if (argc != 1)
		opt_usage_error(recover_usage, argc ? "exactly one PID, please"
						    : "no PID given");
	if (!dir)
		opt_usage_error(recover_usage, "-o DIR is required");
	if (proc_parse_pid(argv[0], &pid))
		die("'%.64s': not a process ID", argv[0]);
	procfd = proc_open(pid);
	if (procfd < 0)
		die("%d: no such process", (int)pid);
	{
		struct buf sb = BUF_INIT;
		struct proc_stat ps;
		if (!proc_read_at(procfd, "stat", &sb) &&
		    !proc_parse_stat(sb.data, sb.len, &ps) && ps.state == 'Z')
			die("%d: is a zombie: no memory left", (int)pid);
		buf_release(&sb);
	}
	interrupt_catch();
	rc = evidence_open(dir, all_argc, all_argv, &ev);
	if (rc == -ENOTEMPTY)
		die("%s: exists and is not empty; evidence is never mixed", dir);
	if (rc)
		die("%s: %s", dir, strerror(-rc));
	evidence_log(ev, "target: PID %d", (int)pid);
	memset(&rec, 0, sizeof(rec));
	table_init(&rec.t, cols, 4);

	proc_readlink_at(procfd, "exe", &exe);
	copy_one(ev, &rec, procfd, "exe", "exe", exe.data, exe.len);
	recover_fds(ev, &rec, procfd, all);
	rc = proc_read_at(procfd, "maps", &maps);
	if (!rc)
		recover_maps(ev, &rec, procfd, &maps);
	copy_proc_file(ev, &rec, procfd, "maps");
	copy_proc_file(ev, &rec, procfd, "status");
	copy_proc_file(ev, &rec, procfd, "cmdline");
	copy_proc_file(ev, &rec, procfd, "environ");

	status = rec.failed || diag_warnings() ? 1 : 0;
	if (!rec.t.nrows) {
		error("%d: nothing could be recovered (is the process gone?)",
		      (int)pid);
		status = 2;
	}
	if (interrupt_signal())
		status = 128 + interrupt_signal();
	if (evidence_close(ev, status)) {
		error("%s/manifest.sha256: could not be written", dir);
		status = 2;
	}
	if (interrupt_signal())
		error("interrupted by %s: what was copied is sealed, the partial "
		      "file named in partial.txt", interrupt_name(interrupt_signal()));
	else
		table_print(&rec.t, stdout);
	table_release(&rec.t);
	buf_release(&maps);
	buf_release(&exe);
	close(procfd);
	free(all_argv);
	return status;
}
