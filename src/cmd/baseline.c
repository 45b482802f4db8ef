/*
 * baseline - record what every file under PATH looks like now, so that
 * `stranger verify DB` can tell later what changed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cmd/baseline.h"
#include "cmd/cmds.h"
#include "lib/baseline/basedb.h"
#include "lib/baseline/sign.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/escape.h"
#include "util/opt.h"
#include "util/xalloc.h"

static const char *const usage[] = {
	"stranger baseline -o DB [-x] [--exclude PATTERN]... [--sign KEY] PATH...",
	"",
	"With --sign KEY (a private key from `stranger keygen`), DB.sig holds an",
	"Ed25519 signature of the DB that `stranger verify --key PUB` checks.",
	NULL,
};

/*
 * An interrupted baseline leaves nothing behind: the temporary DB is
 * removed by the handler itself (unlink and write are async-signal-safe),
 * and the one line is said before exiting with 128 + the signal.
 */
static char interrupted_tmp[PATH_MAX];

static void on_interrupt(int sig)
{
	static const char msg[] = "stranger: baseline: interrupted; no DB written\n";
	if (interrupted_tmp[0])
		unlink(interrupted_tmp);
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(128 + sig);
	_exit(128 + sig);
}

static void catch_interrupts(const char *tmp)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;

	snprintf(interrupted_tmp, sizeof(interrupted_tmp), "%s", tmp);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt;
	sigfillset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

void baseline_progress(const struct basedb_progress *p, void *ctx)
{
	(void)ctx;
	if (!p->files_total)
		diag_progress("%s: looking at %zu paths", diag_command(), p->files_done);
	else
		diag_progress("%s: hashed %zu/%zu files, %llu/%llu MB", diag_command(),
			      p->files_done, p->files_total, p->bytes_done >> 20,
			      p->bytes_total >> 20);
}

void baseline_scan_error(const char *path, size_t len, int err, void *ctx)
{
	struct buf b = BUF_INIT;
	int *tty = ctx;

	if (*tty)
		diag_progress_clear();
	escape_bytes(&b, path, len);
	if (err == -ESTALE)
		warning("%s: changed while being looked at", b.data);
	else
		warning("%s: %s", b.data, strerror(-err));
	buf_release(&b);
}

/* baseline_abspath - PATH made absolute against the working directory */
char *baseline_abspath(const char *path)
{
	struct buf b = BUF_INIT;
	char *cwd;

	if (path[0] == '/')
		return xstrdup(path);
	cwd = getcwd(NULL, 0);
	if (!cwd)
		die_errno("cannot find the working directory");
	buf_addstr(&b, cwd);
	if (strcmp(cwd, "/"))
		buf_addc(&b, '/');
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	if (strcmp(path, "."))
		buf_addstr(&b, path);
	free(cwd);
	while (b.len > 1 && b.data[b.len - 1] == '/')
		b.data[--b.len] = '\0';
	return buf_detach(&b, NULL);
}

int cmd_baseline(int argc, char **argv)
{
	const char *out = NULL, *signkey = NULL;
	int one_fs = 0, tty = isatty(2), fd;
	struct strlist excludes = { NULL, 0 };
	const struct opt opts[] = {
		OPT_STRING('o', "output", &out, "DB", "write the baseline to DB"),
		OPT_BOOL('x', "one-file-system", &one_fs, "stay on each PATH's file system"),
		OPT_LIST(0, "exclude", &excludes, "PATTERN",
			 "leave out paths matching PATTERN (fnmatch)"),
		OPT_STRING(0, "sign", &signkey, "KEY",
			   "sign the DB with this private key (DB.sig)"),
		OPT_END(),
	};
	struct basedb db;
	struct basedb_scan_opts so;
	struct buf tmp = BUF_INIT, shown = BUF_INIT;
	struct utsname un;
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	size_t files = 0;
	unsigned long long bytes = 0;
	int rc;

	argc = opt_parse(argc, argv, opts, usage, 0);
	if (!out)
		opt_usage_error(usage, "-o DB is required");
	if (argc < 1)
		opt_usage_error(usage, "no PATH to record");

	if (signkey) {
		/* a key that cannot sign is found now, not after the hashing */
		struct buf probe = BUF_INIT, k = BUF_INIT;
		int src = sign_data(signkey, "", 0, &probe);
		if (src) {
			escape_str(&k, signkey);
			die("%s: %s", k.data,
			    src == -EINVAL ? "not an Ed25519 private key" : strerror(-src));
		}
		buf_release(&probe);
	}
	basedb_init(&db);
	db.one_fs = one_fs;
	for (size_t i = 0; i < excludes.n; i++)
		basedb_add_exclude(&db, excludes.v[i]);
	for (int i = 0; i < argc; i++) {
		char *abs = baseline_abspath(argv[i]);
		struct stat sb;
		if (lstat(abs, &sb)) {
			struct buf e = BUF_INIT;
			escape_str(&e, argv[i]);
			die_errno("%s: cannot record", e.data);
		}
		basedb_add_root(&db, abs);
		free(abs);
	}
	db.db_path = baseline_abspath(out);
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	db.created = xstrdup(when);
	db.host = xstrdup(uname(&un) ? "-" : un.nodename);

	/* the DB must be writable before hours of hashing, not after */
	buf_addf(&tmp, "%s.XXXXXX", out);
	{
		/* the handler must know the name before the file exists */
		sigset_t all, old;
		sigfillset(&all);
		sigprocmask(SIG_BLOCK, &all, &old);
		fd = mkstemp(tmp.data);
		if (fd >= 0)
			catch_interrupts(tmp.data);
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
	if (fd < 0)
		die_errno("cannot create %s", tmp.data);

	memset(&so, 0, sizeof(so));
	so.progress = tty ? baseline_progress : NULL;
	so.error = baseline_scan_error;
	so.ctx = &tty;
	{
		char *abs_tmp = baseline_abspath(tmp.data);
		const char *skip[1] = { abs_tmp };
		so.skip = skip;
		so.nskip = 1;
		rc = basedb_scan(&db, &so);
		free(abs_tmp);
	}
	if (tty)
		diag_progress_clear();
	if (rc) {
		unlink(tmp.data);
		die("cannot record: %s", strerror(-rc));
	}
	rc = basedb_write_fd(&db, fd);
	if (rc)
		errno = -rc;
	if (!rc && signkey) {
		struct buf text = BUF_INIT, line = BUF_INIT, sp = BUF_INIT;
		int sfd;
		rc = buf_read_at(&text, AT_FDCWD, tmp.data, 0);
		if (!rc)
			rc = sign_data(signkey, text.data, text.len, &line);
		buf_addf(&sp, "%s" SIGN_SUFFIX, out);
		if (!rc) {
			sfd = open(sp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
			if (sfd < 0 || buf_write_fd(&line, sfd) || fsync(sfd))
				rc = -errno;
			if (sfd >= 0)
				close(sfd);
		}
		buf_release(&text);
		buf_release(&line);
		buf_release(&sp);
	}
	if (rc || fsync(fd) || close(fd) || rename(tmp.data, out)) {
		interrupted_tmp[0] = '\0';
		int err = errno;
		unlink(tmp.data);
		errno = err;
		die_errno("cannot write %s", out);
	}
	for (size_t i = 0; i < db.n; i++)
		if (db.e[i].type == 'f') {
			files++;
			bytes += db.e[i].size;
		}
	interrupted_tmp[0] = '\0'; /* it is the DB now */
	escape_str(&shown, out);
	printf("%s: %zu paths, %zu files (%llu MB) hashed\n", shown.data, db.n, files, bytes >> 20);
	buf_release(&shown);
	buf_release(&tmp);
	basedb_release(&db);
	strlist_release(&excludes);
	return 0;
}
