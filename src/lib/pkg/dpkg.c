#include "lib/pkg/dpkg.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "util/hex.h"
#include "util/buf.h"
#include "util/xalloc.h"

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* next_line - [*pos, end of line) of s; advances *pos past the newline */
static int next_line(const char *s, size_t n, size_t *pos, const char **l, size_t *len)
{
	const char *nl;

	if (*pos >= n)
		return 0;
	*l = s + *pos;
	nl = memchr(*l, '\n', n - *pos);
	*len = nl ? (size_t)(nl - *l) : n - *pos;
	*pos += *len + (nl != NULL);
	return 1;
}

static void trim(const char **s, size_t *n)
{
	while (*n && is_space(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && is_space((*s)[*n - 1]))
		(*n)--;
}

int dpkg_md5_parse(const char *s, size_t n, unsigned char out[DPKG_MD5_LEN])
{
	if (n != 2 * DPKG_MD5_LEN)
		return -1;
	for (size_t i = 0; i < DPKG_MD5_LEN; i++) {
		int hi = hex_value(s[2 * i]), lo = hex_value(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

/* abs_path - the path with exactly one leading '/' */
static char *abs_path(const char *s, size_t n)
{
	struct buf b = BUF_INIT;

	while (n && s[0] == '/') {
		s++;
		n--;
	}
	while (n >= 2 && s[0] == '.' && s[1] == '/') {
		s += 2;
		n -= 2;
	}
	buf_addc(&b, '/');
	buf_add(&b, s, n);
	return buf_detach(&b, NULL);
}

/* ---- status / control ---- */

/* last_token - split the last space-separated token off [l, *len) */
static void last_token(const char *l, size_t *len, const char **tok, size_t *tlen)
{
	size_t end = *len, start;

	while (end && is_space(l[end - 1]))
		end--;
	start = end;
	while (start && !is_space(l[start - 1]))
		start--;
	*tok = l + start;
	*tlen = end - start;
	while (start && is_space(l[start - 1]))
		start--;
	*len = start;
}

/* conffile_line - " /path MD5 [obsolete|remove-on-upgrade]" */
static void conffile_line(struct dpkg_pkg *p, const char *l, size_t len, struct dpkg_status *st,
			  size_t lineno)
{
	const char *tok;
	size_t tlen;
	struct dpkg_conffile *c;
	int obsolete = 0;

	trim(&l, &len);
	last_token(l, &len, &tok, &tlen);
	if ((tlen == 8 && !memcmp(tok, "obsolete", 8)) ||
	    (tlen == 17 && !memcmp(tok, "remove-on-upgrade", 17))) {
		obsolete = 1;
		last_token(l, &len, &tok, &tlen);
	}
	if (!len || !tlen || l[0] != '/') {
		if (!st->bad++)
			st->bad_line = lineno;
		return;
	}
	p->conf = xreallocarray(p->conf, p->nconf + 1, sizeof(*p->conf));
	c = &p->conf[p->nconf++];
	memset(c, 0, sizeof(*c));
	c->path = abs_path(l, len);
	c->obsolete = obsolete;
	c->has_md5 = !dpkg_md5_parse(tok, tlen, c->md5);
}

static char *dupfield(const char *v, size_t n)
{
	trim(&v, &n);
	return xstrndup(v, n);
}

static void set_field(char **f, const char *v, size_t n)
{
	free(*f);
	*f = dupfield(v, n);
}

static void pkg_init(struct dpkg_pkg *p)
{
	memset(p, 0, sizeof(*p));
	p->name = xstrdup("");
	p->arch = xstrdup("");
	p->version = xstrdup("");
	p->multiarch = xstrdup("");
}

static void pkg_release(struct dpkg_pkg *p)
{
	free(p->name);
	free(p->arch);
	free(p->version);
	free(p->multiarch);
	for (size_t i = 0; i < p->nconf; i++)
		free(p->conf[i].path);
	free(p->conf);
}

static int field_is(const char *l, size_t klen, const char *name)
{
	return strlen(name) == klen && !strncasecmp(l, name, klen);
}

void dpkg_parse_status(const char *s, size_t n, struct dpkg_status *st)
{
	struct dpkg_pkg cur;
	size_t pos = 0, len = 0, lineno = 0;
	const char *l = s;
	int have = 0, in_conf = 0;

	pkg_init(&cur);
	for (;;) {
		int more = next_line(s, n, &pos, &l, &len);
		size_t tl = len;
		const char *t = l;

		lineno++;
		if (more)
			trim(&t, &tl);
		if (!more || !tl) { /* end of a paragraph */
			if (have && cur.name[0]) {
				st->p = xreallocarray(st->p, st->n + 1, sizeof(*st->p));
				st->p[st->n++] = cur;
				pkg_init(&cur);
			} else if (have) {
				if (!st->bad++)
					st->bad_line = lineno - 1;
				pkg_release(&cur);
				pkg_init(&cur);
			}
			have = in_conf = 0;
			if (!more)
				break;
			continue;
		}
		if (is_space(l[0])) {
			if (in_conf)
				conffile_line(&cur, l, len, st, lineno);
			continue;
		}
		const char *colon = memchr(l, ':', len);
		if (!colon) {
			if (!st->bad++)
				st->bad_line = lineno;
			continue;
		}
		size_t klen = (size_t)(colon - l);
		const char *v = colon + 1;
		size_t vlen = len - klen - 1;

		have = 1;
		in_conf = 0;
		if (field_is(l, klen, "Package"))
			set_field(&cur.name, v, vlen);
		else if (field_is(l, klen, "Architecture"))
			set_field(&cur.arch, v, vlen);
		else if (field_is(l, klen, "Version"))
			set_field(&cur.version, v, vlen);
		else if (field_is(l, klen, "Multi-Arch"))
			set_field(&cur.multiarch, v, vlen);
		else if (field_is(l, klen, "Status")) {
			trim(&v, &vlen);
			cur.installed = vlen >= 10 && !memcmp(v + vlen - 10, " installed", 10);
		} else if (field_is(l, klen, "Conffiles"))
			in_conf = 1;
	}
	pkg_release(&cur);
}

void dpkg_status_release(struct dpkg_status *st)
{
	for (size_t i = 0; i < st->n; i++)
		pkg_release(&st->p[i]);
	free(st->p);
	memset(st, 0, sizeof(*st));
}

const struct dpkg_pkg *dpkg_find(const struct dpkg_status *st, const char *name)
{
	const char *colon = strchr(name, ':');
	size_t nlen = colon ? (size_t)(colon - name) : strlen(name);

	for (size_t i = 0; i < st->n; i++) {
		const struct dpkg_pkg *p = &st->p[i];
		if (!p->installed || strlen(p->name) != nlen || memcmp(p->name, name, nlen))
			continue;
		if (colon && strcmp(colon + 1, p->arch))
			continue;
		return p;
	}
	return NULL;
}

char *dpkg_info_name(const struct dpkg_pkg *p)
{
	struct buf b = BUF_INIT;

	buf_addstr(&b, p->name);
	if (!strcmp(p->multiarch, "same") && p->arch[0]) {
		buf_addc(&b, ':');
		buf_addstr(&b, p->arch);
	}
	return buf_detach(&b, NULL);
}

/* ---- md5sums ---- */

void dpkg_parse_md5sums(const char *s, size_t n, struct dpkg_sums *out)
{
	size_t pos = 0, len, lineno = 0;
	const char *l;

	while (next_line(s, n, &pos, &l, &len)) {
		struct dpkg_sum *e;
		size_t off = 2 * DPKG_MD5_LEN;
		unsigned char md5[DPKG_MD5_LEN];

		lineno++;
		if (!len)
			continue;
		/* "HEX  path" (text mode) or "HEX *path" (binary mode) */
		if (len < off + 3 || dpkg_md5_parse(l, off, md5) || l[off] != ' ' ||
		    (l[off + 1] != ' ' && l[off + 1] != '*')) {
			if (!out->bad++)
				out->bad_line = lineno;
			continue;
		}
		out->v = xreallocarray(out->v, out->n + 1, sizeof(*out->v));
		e = &out->v[out->n++];
		memcpy(e->md5, md5, sizeof(md5));
		e->path = abs_path(l + off + 2, len - off - 2);
	}
}

void dpkg_sums_release(struct dpkg_sums *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].path);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* ---- diversions ---- */

void dpkg_parse_diversions(const char *s, size_t n, struct dpkg_diversions *d)
{
	size_t pos = 0, len[3];
	const char *l[3];

	for (;;) {
		int k = 0;
		while (k < 3 && next_line(s, n, &pos, &l[k], &len[k]))
			k++;
		if (k == 0)
			break;
		if (k < 3 || !len[0] || !len[1] || !len[2]) {
			d->bad++;
			if (k < 3)
				break;
			continue;
		}
		d->v = xreallocarray(d->v, d->n + 1, sizeof(*d->v));
		d->v[d->n].from = xstrndup(l[0], len[0]);
		d->v[d->n].to = xstrndup(l[1], len[1]);
		d->v[d->n].by = xstrndup(l[2], len[2]);
		d->n++;
	}
}

void dpkg_diversions_release(struct dpkg_diversions *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].from);
		free(d->v[i].to);
		free(d->v[i].by);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

const struct dpkg_diversion *dpkg_diverted(const struct dpkg_diversions *d, const char *path)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->v[i].from, path))
			return &d->v[i];
	return NULL;
}

/* ---- path filters ---- */

void dpkg_parse_cfg(const char *s, size_t n, struct dpkg_filters *f)
{
	size_t pos = 0, len;
	const char *l;

	while (next_line(s, n, &pos, &l, &len)) {
		int include;
		size_t klen;

		trim(&l, &len);
		if (!len || l[0] == '#')
			continue;
		if (len > 12 && !memcmp(l, "path-exclude", 12)) {
			include = 0;
			klen = 12;
		} else if (len > 12 && !memcmp(l, "path-include", 12)) {
			include = 1;
			klen = 12;
		} else {
			continue;
		}
		if (l[klen] != '=' && !is_space(l[klen]))
			continue;
		l += klen + 1;
		len -= klen + 1;
		trim(&l, &len);
		if (!len)
			continue;
		f->v = xreallocarray(f->v, f->n + 1, sizeof(*f->v));
		f->v[f->n].glob = xstrndup(l, len);
		f->v[f->n].include = include;
		f->n++;
	}
}

void dpkg_filters_release(struct dpkg_filters *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i].glob);
	free(f->v);
	memset(f, 0, sizeof(*f));
}

int dpkg_excluded(const struct dpkg_filters *f, const char *path)
{
	int skip = 0;

	/* as dpkg: the last filter that matches decides */
	for (size_t i = 0; i < f->n; i++)
		if (!fnmatch(f->v[i].glob, path, 0))
			skip = !f->v[i].include;
	return skip;
}
