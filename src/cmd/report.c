/*
 * report - a case folder as one page to read first, and its findings on
 * the terminal.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmds.h"
#include "lib/collect/report.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/escape.h"
#include "util/opt.h"

static const char *const report_usage[] = {
	"stranger report CASE_DIR",
	"",
	"Write CASE_DIR/report.html: one self-contained page (inline CSS and",
	"SVG, no scripts, nothing from the network) with the findings first,",
	"each with why it is suspicious and links to its evidence files and",
	"their SHA-256, then what is missing, the process tree, the network,",
	"the users, the timeline around the findings, the steps and the",
	"evidence files.  Every file is checked against manifest.sha256 and one",
	"that no longer matches is marked.  The findings are also printed.",
	"Works for any folder stranger writes (collect, recover, dump).",
	"Exit 0: nothing found, sealed and complete; 1: findings, changed or",
	"missing files, or steps that did not complete; 2: failure.",
	NULL,
};

int cmd_report(int argc, char **argv)
{
	const struct opt opts[] = { { OPT_END } };
	struct buf html = BUF_INIT, text = BUF_INIT, e = BUF_INIT, out = BUF_INIT;
	struct report_result res;
	int dirfd, fd, rc, status;
	const char *dir;

	argc = opt_parse(argc, argv, opts, report_usage, 0);
	if (argc != 1)
		opt_usage_error(report_usage,
				argc ? "exactly one CASE_DIR, please" : "no CASE_DIR given");
	dir = argv[0];
	escape_str(&e, dir);
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		die("%s: %s", e.data, strerror(errno));
	rc = report_build(dirfd, dir, &html, &text, &res);
	if (rc == -ENOTDIR)
		die("%s: not a case folder (no manifest.sha256, no case.log)", e.data);
	if (rc)
		die("%s: %s", e.data, strerror(-rc));
	/* the page is written beside the evidence, never over it */
	unlinkat(dirfd, "report.html.tmp", 0);
	fd = openat(dirfd, "report.html.tmp", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    0644);
	if (fd < 0)
		die("%s/report.html: %s", e.data, strerror(errno));
	rc = buf_write_fd(&html, fd);
	if (!rc && fsync(fd))
		rc = -errno;
	if (close(fd) && !rc)
		rc = -errno;
	if (!rc && renameat(dirfd, "report.html.tmp", dirfd, "report.html"))
		rc = -errno;
	if (rc) {
		unlinkat(dirfd, "report.html.tmp", 0);
		die("%s/report.html: %s", e.data, strerror(-rc));
	}
	fwrite(text.data, 1, text.len, stdout);
	buf_addf(&out, "\nreport: %s/report.html\n", e.data);
	fwrite(out.data, 1, out.len, stdout);
	status =
	    (res.findings || res.changed || res.missing || res.steps_not_ok || !res.sealed) ? 1 : 0;
	close(dirfd);
	buf_release(&html);
	buf_release(&text);
	buf_release(&e);
	buf_release(&out);
	return status;
}
