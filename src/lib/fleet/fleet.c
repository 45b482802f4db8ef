/*
 * fleet - read a cases folder back: each host's status and findings.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fleet/fleet.h"
#include "util/escape.h"
#include "util/json_read.h"
#include "util/xalloc.h"

/* a host's file is read whole, up to this much (the rest is a problem) */
#define FLEET_FILE_MAX (256u << 20)
/* malformed lines reported one by one per file, then only counted */
#define FLEET_BAD_LINES_SHOWN 3

static const char *const source_names[] = {
	[FLEET_PS] = "ps",
	[FLEET_HIDDEN] = "hidden",
	[FLEET_VERIFY] = "verify",
};

const char *fleet_source_name(enum fleet_source s)
{
	return (unsigned)s < 3 ? source_names[s] : "?";
}

static void problem(struct fleet_host *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void problem(struct fleet_host *h, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	h->problems = xreallocarray(h->problems, h->nproblems + 1, sizeof(*h->problems));
	h->problems[h->nproblems++] = buf_detach(&b, NULL);
}

/* raw - the bytes behind text stranger escaped; as is if it is not such text */
static void raw(struct buf *out, const char *s, size_t n)
{
	size_t mark = out->len;
	if (escape_unescape(out, s, n)) {
		buf_setlen(out, mark);
		buf_add(out, s, n);
	}
}

static void list_add(struct buf *l, const char *s, size_t n)
{
	if (l->len)
		buf_addc(l, ',');
	raw(l, s, n);
}

static struct fleet_finding *finding_new(struct fleet_report *r, size_t host, enum fleet_source src)
{
	struct fleet_finding *f;
	if (r->n == r->alloc) {
		r->alloc = r->alloc ? 2 * r->alloc : 16;
		r->v = xreallocarray(r->v, r->alloc, sizeof(*r->v));
	}
	f = &r->v[r->n++];
	memset(f, 0, sizeof(*f));
	f->host = host;
	f->source = src;
	f->pid = -1;
	buf_init(&f->flags, 0);
	buf_init(&f->command, 0);
	buf_init(&f->listening, 0);
	buf_init(&f->detail, 0);
	return f;
}

static void finding_release(struct fleet_finding *f)
{
	buf_release(&f->flags);
	buf_release(&f->command);
	buf_release(&f->listening);
	buf_release(&f->detail);
}

struct weight {
	const char *word;
	int score;
};

/* what each flag or kind weighs: a hidden object outweighs a deleted
 * executable, which outweighs a renamed one; listening is only context */
static const struct weight ps_weights[] = {
	{ "hidden", 50 },	 { "exe_deleted", 30 }, { "preload", 25 },
	{ "name_mismatch", 20 }, { "listening", 5 },	{ NULL, 10 },
};
static const struct weight hidden_weights[] = {
	{ "process", 60 }, { "module", 60 },  { "thread", 50 }, { "port", 50 }, { "mount", 50 },
	{ "tool", 40 },	   { "preload", 25 }, { "taint", 20 },	{ NULL, 30 },
};
static const struct weight verify_weights[] = {
	{ "changed", 20 },
	{ "missing", 10 },
	{ NULL, 10 },
};

static int weigh(const struct weight *w, const char *word)
{
	for (; w->word; w++)
		if (!strcmp(w->word, word))
			break;
	return w->score;
}

static void add_ps(struct fleet_report *r, size_t host, const struct jv *o, int include_listening)
{
	const struct jv **flags, **listening;
	size_t nflags = jv_strs(o, "flags", &flags), n;
	const char *s;
	struct fleet_finding *f;
	int score = 0, only_listening = 1;

	if (!nflags)
		return;
	for (size_t i = 0; i < nflags; i++) {
		score += weigh(ps_weights, flags[i]->str);
		if (strcmp(flags[i]->str, "listening"))
			only_listening = 0;
	}
	if (only_listening && !include_listening) {
		free(flags);
		return;
	}
	f = finding_new(r, host, FLEET_PS);
	f->score = score;
	for (size_t i = 0; i < nflags; i++)
		list_add(&f->flags, flags[i]->str, flags[i]->len);
	free(flags);
	f->pid = jv_int(o, "pid", f->pid);
	if ((s = jv_str(o, "cmdline", &n)) && n)
		raw(&f->command, s, n);
	else if ((s = jv_str(o, "comm", &n)))
		raw(&f->command, s, n);
	n = jv_strs(o, "listening", &listening);
	for (size_t i = 0; i < n; i++)
		list_add(&f->listening, listening[i]->str, listening[i]->len);
	free(listening);
	if ((s = jv_str(o, "exe", &n)))
		raw(&f->detail, s, n);
}

static void add_hidden(struct fleet_report *r, size_t host, const struct jv *o)
{
	size_t klen, n;
	const char *kind = jv_str(o, "kind", &klen), *s;
	struct fleet_finding *f;

	if (!kind)
		return;
	f = finding_new(r, host, FLEET_HIDDEN);
	f->score = weigh(hidden_weights, kind);
	buf_addstr(&f->flags, "hidden:");
	raw(&f->flags, kind, klen);
	f->pid = jv_int(o, "pid", f->pid);
	if ((s = jv_str(o, "object", &n)))
		raw(&f->command, s, n);
	if (!strcmp(kind, "port") && f->command.len)
		buf_add(&f->listening, f->command.data, f->command.len);
	if ((s = jv_str(o, "detail", &n)))
		raw(&f->detail, s, n);
}

static void add_verify(struct fleet_report *r, size_t host, const struct jv *o)
{
	size_t stlen, n;
	const char *st = jv_str(o, "status", &stlen), *s;
	struct fleet_finding *f;

	if (!st)
		return;
	f = finding_new(r, host, FLEET_VERIFY);
	f->score = weigh(verify_weights, st);
	/* a changed configuration file is most often the administrator's */
	if (jv_bool(o, "conffile", 0))
		f->score = 5;
	buf_addstr(&f->flags, "verify:");
	raw(&f->flags, st, stlen);
	if ((s = jv_str(o, "path", &n)))
		raw(&f->command, s, n);
	if ((s = jv_str(o, "package", &n)))
		raw(&f->detail, s, n);
}

/* parse_object - one JSON object, or -1 (and *out NULL) */
static int parse_object(const char *p, size_t n, struct jv **out)
{
	if (jsonl_parse(p, n, out))
		return -1;
	if ((*out)->type != JV_OBJ) {
		jv_free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* parse - the lines of one file; the number of malformed lines */
static size_t parse(struct fleet_report *r, size_t host, enum fleet_source src, const char *data,
		    size_t len, int include_listening, size_t *first_bad, size_t nfirst)
{
	size_t bad = 0, line = 0;

	for (size_t off = 0; off < len;) {
		const char *nl = memchr(data + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (data + off)) : len - off;
		struct jv *o;

		line++;
		if (n && parse_object(data + off, n, &o)) {
			if (first_bad && bad < nfirst)
				first_bad[bad] = line;
			bad++;
		} else if (n) {
			if (src == FLEET_PS)
				add_ps(r, host, o, include_listening);
			else if (src == FLEET_HIDDEN)
				add_hidden(r, host, o);
			else
				add_verify(r, host, o);
			jv_free(o);
		}
		off += n + 1;
	}
	return bad;
}

void fleet_read_jsonl(struct fleet_report *r, size_t host, enum fleet_source src, const char *data,
		      size_t len, int include_listening)
{
	parse(r, host, src, data, len, include_listening, NULL, 0);
}

/*
 * read_file - the whole regular file dfd/name, never through a symlink (a
 * host's folder is the host's word); 0, or -errno (-EFBIG when larger than
 * FLEET_FILE_MAX, -EINVAL when not a regular file)
 */
static int read_file(int dfd, const char *name, struct buf *b)
{
	struct stat st;
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	int rc = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st))
		rc = -errno;
	else if (!S_ISREG(st.st_mode))
		rc = -EINVAL;
	else if (st.st_size > (off_t)FLEET_FILE_MAX)
		rc = -EFBIG;
	else
		rc = buf_read_fd(b, fd);
	/* a file that grew while read is still bounded */
	if (!rc && b->len > FLEET_FILE_MAX)
		rc = -EFBIG;
	close(fd);
	return rc;
}

static void first_line(struct buf *out, const struct buf *text)
{
	const char *nl = memchr(text->data, '\n', text->len);
	buf_add(out, text->data, nl ? (size_t)(nl - text->data) : text->len);
}

static void read_step(struct fleet_report *r, size_t hi, int dfd, enum fleet_source src,
		      const struct jv *status, int include_listening)
{
	struct fleet_host *h = &r->hosts[hi];
	const char *step = fleet_source_name(src);
	struct buf name = BUF_INIT, data = BUF_INIT, err = BUF_INIT, why = BUF_INIT;
	const struct jv *m;
	size_t before = r->n, bad, lines[FLEET_BAD_LINES_SHOWN];
	long long exit_status = -1;
	int rc;

	/* the exit status: status.json's rc_STEP, else STEP.rc */
	buf_addf(&name, "rc_%s", step);
	if ((m = jv_get(status, name.data)) && m->type == JV_NUM) {
		exit_status = m->num;
	} else {
		buf_reset(&name);
		buf_addf(&name, "%s.rc", step);
		if (!read_file(dfd, name.data, &data)) {
			long v;
			buf_rtrim(&data);
			char *end;
			v = strtol(data.data, &end, 10);
			if (data.len && !*end && v >= 0)
				exit_status = v;
		}
		buf_reset(&data);
	}
	buf_reset(&name);
	buf_addf(&name, "%s.err", step);
	read_file(dfd, name.data, &err);

	buf_reset(&name);
	buf_addf(&name, "%s.jsonl", step);
	rc = read_file(dfd, name.data, &data);
	if (rc) {
		problem(h, "%s: %s", name.data, strerror(-rc));
		h->checked = 0;
	}
	if (exit_status < 0) {
		problem(h, "%s: did not finish", step);
		h->checked = 0;
	} else if (exit_status > 1) {
		first_line(&why, &err);
		problem(h, "%s: exit status %lld%s%s", step, exit_status, why.len ? ": " : "",
			why.data);
		h->checked = 0;
	}
	if (!rc) {
		bad = parse(r, hi, src, data.data, data.len, include_listening, lines,
			    FLEET_BAD_LINES_SHOWN);
		for (size_t i = 0; i < bad && i < FLEET_BAD_LINES_SHOWN; i++)
			problem(h, "%s:%zu: not a JSON object", name.data, lines[i]);
		if (bad > FLEET_BAD_LINES_SHOWN)
			problem(h, "%s: %zu more lines that are not JSON objects", name.data,
				bad - FLEET_BAD_LINES_SHOWN);
		if (bad)
			h->checked = 0;
	}
	h->findings += r->n - before;
	buf_release(&name);
	buf_release(&data);
	buf_release(&err);
	buf_release(&why);
}

/* has_steps - whether the status names any step's exit status (rc_STEP) */
static int has_steps(const struct jv *status)
{
	for (size_t i = 0; i < status->len; i++)
		if (!strncmp(status->keys[i], "rc_", 3))
			return 1;
	return 0;
}

static void read_host(struct fleet_report *r, size_t hi, int dirfd, int include_listening)
{
	struct fleet_host *h = &r->hosts[hi];
	struct buf data = BUF_INIT;
	struct jv *status = NULL;
	const char *str;
	size_t n;
	int have_status = 0, dfd, rc;
	const char *hunt = "default";

	h->checked = 1;
	dfd = openat(dirfd, h->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		problem(h, "%s", strerror(errno));
		h->status = xstrdup("unknown");
		h->checked = 0;
		return;
	}
	rc = read_file(dfd, "status.json", &data);
	if (rc) {
		problem(h, "status.json: %s (the hunt did not finish for this host)",
			strerror(-rc));
	} else if (parse_object(data.data, data.len, &status)) {
		problem(h, "status.json: not a JSON object");
	} else {
		have_status = 1;
	}
	str = jv_str(status, "status", NULL);
	h->status = xstrdup(str ? str : "unknown");
	if ((str = jv_str(status, "detail", &n)))
		raw(&h->detail, str, n);
	if ((str = jv_str(status, "hunt", NULL)))
		hunt = str;
	if (strcmp(h->status, "ok")) {
		h->checked = 0;
		if (have_status)
			problem(h, "%s%s%s", h->status, h->detail.len ? ": " : "", h->detail.data);
	}
	if (have_status && !has_steps(status)) {
		/* nothing ran there: unreachable, or stopped before the hunt */
	} else if (!strcmp(hunt, "collect")) {
		/* a case folder: its findings are for `stranger report` */
		if ((str = jv_str(status, "manifest", NULL)) && strcmp(str, "ok")) {
			problem(h, "case/manifest.sha256: %s", str);
			h->checked = 0;
		}
	} else {
		for (int s = FLEET_PS; s <= FLEET_VERIFY; s++)
			read_step(r, hi, dfd, (enum fleet_source)s, status, include_listening);
	}
	jv_free(status);
	buf_release(&data);
	close(dfd);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int fleet_read(const char *dir, int include_listening, struct fleet_report *r)
{
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	DIR *d;
	int fd;

	memset(r, 0, sizeof(*r));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(dup(fd));
	if (!d) {
		int e = errno;
		close(fd);
		return -e;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
			continue;
		names = xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	r->hosts = xcalloc(n ? n : 1, sizeof(*r->hosts));
	r->nhosts = n;
	for (size_t i = 0; i < n; i++) {
		r->hosts[i].name = names[i];
		buf_init(&r->hosts[i].detail, 0);
		read_host(r, i, fd, include_listening);
	}
	free(names);
	close(fd);
	return 0;
}

static int finding_cmp(const void *pa, const void *pb)
{
	const struct fleet_finding *a = pa, *b = pb;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->host != b->host)
		return a->host < b->host ? -1 : 1;
	if (a->source != b->source)
		return a->source < b->source ? -1 : 1;
	return a->pid < b->pid ? -1 : a->pid > b->pid;
}

void fleet_sort(struct fleet_report *r)
{
	if (r->n)
		qsort(r->v, r->n, sizeof(*r->v), finding_cmp);
}

void fleet_release(struct fleet_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		finding_release(&r->v[i]);
	free(r->v);
	for (size_t i = 0; i < r->nhosts; i++) {
		struct fleet_host *h = &r->hosts[i];
		free(h->name);
		free(h->status);
		buf_release(&h->detail);
		for (size_t k = 0; k < h->nproblems; k++)
			free(h->problems[k]);
		free(h->problems);
	}
	free(r->hosts);
	memset(r, 0, sizeof(*r));
}
