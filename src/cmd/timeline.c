/*
 * timeline - when did it happen: file times, what only a live machine
 * has, and (with --logs) the logs, in one timeline.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmds.h"
#include "lib/timeline/event.h"
#include "lib/timeline/files.h"
#include "lib/timeline/live.h"
#include "lib/timeline/logs.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/escape.h"
#include "util/opt.h"

static const char *const timeline_usage[] = {
	"stranger timeline [-o FILE] [--format=body|mactime|jsonl|csv] [-x]",
	"                  [-z TZ] [--since DATE] [--until DATE] [--logs] [--log-root DIR]",
	"                  [--hash] [--no-live] [PATH...]",
	"stranger timeline --from-body FILE [--format=...] [--since DATE] [--until DATE]",
	"",
	"A timeline of file times under each PATH (default /), read with statx",
	"without opening a file or following a symlink, so no access time",
	"changes; of what only the running machine has (the boot, every",
	"process's start, deleted files still open or mapped, listening sockets",
	"at the start of their holder); and with --logs of logins, su/sudo, TCP",
	"Wrapper and inetd lines, package changes and new users from /var/log",
	"(text logs, wtmp/btmp, dpkg.log, the journal's own files).",
	"",
	"body is The Sleuth Kit's body file (mactime -b reads it); mactime the",
	"lines `mactime -d -y` prints for it, in UTC (-z TZ: in TZ); jsonl and csv carry",
	"Timesketch's datetime, timestamp_desc and message.  --from-body renders",
	"an existing body file.  DATE: YYYY-MM-DD[THH:MM[:SS[.NNN]]] (UTC) or @SECS.",
	"Exit status: 0, or 1 when something could not be read (a partial timeline).",
	NULL,
};

struct ctx {
	struct tl_sink *sink;
	unsigned partial;
	int err;
	unsigned long long out_dev, out_ino; /* -o FILE: not part of the timeline */
};

static int emit(const struct tl_event *e, void *p)
{
	struct ctx *c = p;
	int rc;

	if (c->out_ino && e->kind == TL_FILE && !e->deleted && e->inode == c->out_ino &&
	    e->dev == c->out_dev)
		return 0;
	rc = tl_sink_add(c->sink, e);

	if (rc)
		c->err = rc;
	return rc;
}

static void walk_error(const char *path, size_t len, int err, void *p)
{
	struct ctx *c = p;
	struct buf b = BUF_INIT;

	escape_bytes(&b, path, len);
	warning("%s: %s", b.data, strerror(-err));
	buf_release(&b);
	c->partial++;
}

static void from_body(struct ctx *c, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "re") : stdin;
	struct buf scratch = BUF_INIT, name = BUF_INIT;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0, bad = 0, good = 0;

	escape_str(&name, path);
	if (!f)
		die_errno("%s", name.data);
	while ((n = getline(&line, &cap, f)) > 0 && !c->err) {
		struct tl_event e;
		lineno++;
		if (line[n - 1] == '\n')
			n--;
		if (tl_body_parse(line, (size_t)n, &scratch, &e) != 1) {
			/* comments and blank lines are part of the format */
			if (n && line[0] != '#' && strspn(line, " \t\r") != (size_t)n)
				bad++;
			continue;
		}
		good++;
		emit(&e, c);
	}
	if (ferror(f))
		die_errno("%s: read", name.data);
	if (f != stdin)
		fclose(f);
	free(line);
	buf_release(&scratch);
	if (!good && bad)
		die("%s: not a body file (no line has its 11 fields)", name.data);
	if (bad) {
		warning("%s: %lu line%s skipped (not a body file record with a time)", name.data,
			bad, bad == 1 ? "" : "s");
		c->partial++;
	}
	buf_release(&name);
}

int cmd_timeline(int argc, char **argv)
{
	const char *out = NULL, *format = "body", *since_s = NULL, *until_s = NULL;
	const char *body = NULL, *log_root = "/", *zone = NULL;
	int one_fs = 0, hash = 0, logs = 0, no_live = 0, fd = 1, rc, failed_roots = 0, npaths = 0;
	long mem_mb = 0;
	struct tl_time since = { 0, 0, 0 }, until = { 0, 0, 0 };
	enum tl_format f;
	struct ctx c = { NULL, 0, 0, 0, 0 };
	const struct opt opts[] = {
		OPT_STRING('o', "output", &out, "FILE", "write to FILE (default: stdout)"),
		OPT_STRING(0, "format", &format, "FMT",
			   "body, mactime, jsonl or csv (default: body)"),
		OPT_BOOL('x', "one-file-system", &one_fs, "stay on each PATH's file system"),
		OPT_STRING('z', "zone", &zone, "TZ", "mactime dates in time zone TZ (default UTC)"),
		OPT_STRING(0, "since", &since_s, "DATE", "only times at or after DATE"),
		OPT_STRING(0, "until", &until_s, "DATE", "only times at or before DATE"),
		OPT_BOOL(0, "hash", &hash,
			 "SHA-256 of regular files (first body field; jsonl sha256)"),
		OPT_BOOL(0, "logs", &logs, "add the logs under /var/log"),
		OPT_STRING(0, "log-root", &log_root, "DIR", "read DIR/var/log instead of /var/log"),
		OPT_BOOL(0, "no-live", &no_live, "no processes, boot, deleted-open files, sockets"),
		OPT_STRING(0, "from-body", &body, "FILE", "render a body file (- for stdin)"),
		OPT_LONG(0, "memory", &mem_mb, "MB",
			 "memory for sorting before it goes to disk (default 64)", 4, 65536),
		OPT_END(),
	};

	argc = opt_parse(argc, argv, opts, timeline_usage, 0);
	if (!strcmp(format, "body"))
		f = TL_BODY;
	else if (!strcmp(format, "mactime"))
		f = TL_MACTIME;
	else if (!strcmp(format, "jsonl") || !strcmp(format, "json"))
		f = TL_JSONL;
	else if (!strcmp(format, "csv"))
		f = TL_CSV;
	else
		opt_usage_error(timeline_usage, "unknown format '%.32s'", format);
	if (since_s && tl_parse_date(since_s, &since))
		opt_usage_error(timeline_usage, "--since: bad date '%.64s'", since_s);
	if (until_s && tl_parse_date(until_s, &until))
		opt_usage_error(timeline_usage, "--until: bad date '%.64s'", until_s);
	if (body && (argc || logs))
		opt_usage_error(timeline_usage, "--from-body takes no PATH and no --logs");
	if (out) {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0)
			die_errno("%s", out);
		struct stat st;
		if (!fstat(fd, &st)) {
			c.out_dev = st.st_dev;
			c.out_ino = st.st_ino;
		}
	} else
		fflush(stdout);
	c.sink = tl_sink_new(f, fd, &since, &until, (size_t)mem_mb << 20, NULL);
	if (zone) {
		if (f != TL_MACTIME)
			opt_usage_error(timeline_usage,
					"-z is for --format=mactime (jsonl and csv are UTC)");
		if (!*zone || (zone[0] != ':' && !strchr(zone, '/') &&
			       !strchr("+-0123456789", zone[strlen(zone) - 1]) &&
			       strcmp(zone, "UTC") && strcmp(zone, "GMT")))
			opt_usage_error(
			    timeline_usage,
			    "-z: '%.64s' is not a time zone (Area/City, UTC, or a POSIX TZ)", zone);
		if (strchr(zone, '/') && zone[0] != '/' && zone[0] != ':') {
			/* glibc takes an unknown zone for UTC without a word: check */
			const char *dir = getenv("TZDIR");
			char zf[512];
			snprintf(zf, sizeof(zf), "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo",
				 zone);
			if (strstr(zone, "..") || access(zf, R_OK))
				opt_usage_error(timeline_usage, "-z: no time zone '%.64s'", zone);
		}
		if (setenv("TZ", zone, 1))
			die_errno("setenv TZ");
		tzset();
		tl_sink_local_time(c.sink);
	}
	if (body)
		from_body(&c, body);
	else {
		const char *def[] = { "/" };
		const char *const *paths = argc ? (const char *const *)argv : def;
		npaths = argc ? argc : 1;
		struct tl_walk_opts wo = { one_fs, hash, emit, walk_error, &c };
		for (int i = 0; i < npaths && !c.err; i++) {
			rc = tl_files_walk(paths[i], &wo);
			if (rc < 0 && !c.err) {
				failed_roots++;
				struct buf b = BUF_INIT;
				escape_str(&b, paths[i]);
				error("%s: %s", b.data, strerror(-rc));
				buf_release(&b);
				c.partial++;
			}
		}
		if (!no_live && !c.err) {
			struct buf notes = BUF_INIT;
			tl_live(emit, &c, &notes, &c.partial);
			for (char *p = notes.data, *nl; *p; p = nl + 1) {
				nl = strchr(p, '\n');
				if (!nl)
					break;
				*nl = 0;
				warning("%s", p);
			}
			buf_release(&notes);
		}
		if (logs && !c.err) {
			struct buf notes = BUF_INIT;
			tl_logs(log_root, emit, &c, &notes, &c.partial);
			for (char *p = notes.data, *nl; *p; p = nl + 1) {
				nl = strchr(p, '\n');
				if (!nl)
					break;
				*nl = 0;
				warning("%s", p);
			}
			buf_release(&notes);
		}
	}
	if (!c.err)
		c.err = tl_sink_finish(c.sink);
	tl_sink_free(c.sink);
	if (c.err)
		die("%s: %s", out ? out : "standard output", strerror(-c.err));
	if (out && close(fd))
		die_errno("%s", out);
	/* no PATH could be walked at all: a failure, not a partial timeline */
	if (npaths && failed_roots == npaths)
		return 2;
	return c.partial ? 1 : 0;
}
