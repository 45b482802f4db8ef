/*
 * jsonl - a bounded recursive-descent reader for one JSON object per line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fleet/jsonl.h"
#include "util/buf.h"
#include "util/xalloc.h"

struct rd {
	const char *p, *end;
};

static void ws(struct rd *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static int hex4(struct rd *r, unsigned *out)
{
	unsigned v = 0;
	if (r->end - r->p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		char c = *r->p++;
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static void utf8(struct buf *b, unsigned c)
{
	if (c < 0x80) {
		buf_addc(b, (int)c);
	} else if (c < 0x800) {
		buf_addc(b, (int)(0xc0 | c >> 6));
		buf_addc(b, (int)(0x80 | (c & 0x3f)));
	} else if (c < 0x10000) {
		buf_addc(b, (int)(0xe0 | c >> 12));
		buf_addc(b, (int)(0x80 | (c >> 6 & 0x3f)));
		buf_addc(b, (int)(0x80 | (c & 0x3f)));
	} else {
		buf_addc(b, (int)(0xf0 | c >> 18));
		buf_addc(b, (int)(0x80 | (c >> 12 & 0x3f)));
		buf_addc(b, (int)(0x80 | (c >> 6 & 0x3f)));
		buf_addc(b, (int)(0x80 | (c & 0x3f)));
	}
}

/* string - at the opening quote; the decoded bytes into b (if not NULL) */
static int string(struct rd *r, struct buf *b)
{
	if (r->p >= r->end || *r->p != '"')
		return -1;
	r->p++;
	while (r->p < r->end) {
		unsigned char c = (unsigned char)*r->p++;
		unsigned u, lo;
		if (c == '"')
			return 0;
		if (c < 0x20)
			return -1;
		if (c != '\\') {
			if (b)
				buf_addc(b, c);
			continue;
		}
		if (r->p >= r->end)
			return -1;
		switch (*r->p++) {
		case '"': c = '"'; break;
		case '\\': c = '\\'; break;
		case '/': c = '/'; break;
		case 'b': c = '\b'; break;
		case 'f': c = '\f'; break;
		case 'n': c = '\n'; break;
		case 'r': c = '\r'; break;
		case 't': c = '\t'; break;
		case 'u':
			if (hex4(r, &u))
				return -1;
			if (u >= 0xd800 && u < 0xdc00 && r->end - r->p >= 6 &&
			    r->p[0] == '\\' && r->p[1] == 'u') {
				const char *save = r->p;
				r->p += 2;
				if (!hex4(r, &lo) && lo >= 0xdc00 && lo < 0xe000)
					u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
				else
					r->p = save;
			}
			if (u >= 0xd800 && u < 0xe000)
				u = 0xfffd;
			if (b)
				utf8(b, u);
			continue;
		default:
			return -1;
		}
		if (b)
			buf_addc(b, c);
	}
	return -1;
}

/* number - an integer into *num (1), or any other valid number (0) */
static int number(struct rd *r, long long *num, int *is_int)
{
	int digits = 0, frac = 0;
	unsigned long long v = 0;
	int neg = 0, overflow = 0;

	if (r->p < r->end && *r->p == '-') {
		neg = 1;
		r->p++;
	}
	if (r->p < r->end && *r->p == '0') {
		r->p++;
		digits = 1;
	} else {
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9') {
			unsigned d = (unsigned)(*r->p++ - '0');
			if (v > (UINT64_MAX - d) / 10)
				overflow = 1;
			else
				v = v * 10 + d;
			digits++;
		}
	}
	if (!digits)
		return -1;
	if (r->p < r->end && *r->p == '.') {
		r->p++;
		frac = 1;
		if (r->p >= r->end || *r->p < '0' || *r->p > '9')
			return -1;
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	}
	if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
		r->p++;
		frac = 1;
		if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
			r->p++;
		if (r->p >= r->end || *r->p < '0' || *r->p > '9')
			return -1;
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	}
	*is_int = !frac && !overflow && v <= (unsigned long long)INT64_MAX + neg;
	if (*is_int)
		*num = neg ? (long long)(0 - v) : (long long)v;
	return 0;
}

static int word(struct rd *r, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(r->end - r->p) < n || memcmp(r->p, w, n))
		return -1;
	r->p += n;
	return 0;
}

static int value(struct rd *r, int depth, struct jsonl_member *m);

static int array(struct rd *r, int depth, struct jsonl_member *m)
{
	size_t alloc = 0;
	r->p++;
	ws(r);
	if (r->p < r->end && *r->p == ']') {
		r->p++;
		return 0;
	}
	for (;;) {
		ws(r);
		if (r->p < r->end && *r->p == '"' && m) {
			struct buf s = BUF_INIT;
			if (string(r, &s)) {
				buf_release(&s);
				return -1;
			}
			if (m->nv == alloc) {
				alloc = alloc ? 2 * alloc : 4;
				m->v = xreallocarray(m->v, alloc, sizeof(*m->v));
				m->vlen = xreallocarray(m->vlen, alloc, sizeof(*m->vlen));
			}
			m->vlen[m->nv] = s.len;
			m->v[m->nv++] = buf_detach(&s, NULL);
		} else if (value(r, depth + 1, NULL)) {
			return -1;
		}
		ws(r);
		if (r->p >= r->end)
			return -1;
		if (*r->p == ']') {
			r->p++;
			return 0;
		}
		if (*r->p++ != ',')
			return -1;
	}
}

static void obj_add(struct jsonl_obj *o, struct jsonl_member *m)
{
	if (o->n == o->alloc) {
		o->alloc = o->alloc ? 2 * o->alloc : 8;
		o->m = xreallocarray(o->m, o->alloc, sizeof(*o->m));
	}
	o->m[o->n++] = *m;
}

static void member_release(struct jsonl_member *m)
{
	free(m->key);
	free(m->str);
	for (size_t i = 0; i < m->nv; i++)
		free(m->v[i]);
	free(m->v);
	free(m->vlen);
	memset(m, 0, sizeof(*m));
}

/* object - at '{'; members kept in o when o is not NULL (the top level) */
static int object(struct rd *r, int depth, struct jsonl_obj *o)
{
	r->p++;
	ws(r);
	if (r->p < r->end && *r->p == '}') {
		r->p++;
		return 0;
	}
	for (;;) {
		struct jsonl_member m = { 0 };
		struct buf key = BUF_INIT;
		ws(r);
		if (string(r, o ? &key : NULL)) {
			buf_release(&key);
			return -1;
		}
		ws(r);
		if (r->p >= r->end || *r->p++ != ':') {
			buf_release(&key);
			return -1;
		}
		ws(r);
		m.key = buf_detach(&key, NULL);
		if (value(r, depth + 1, o ? &m : NULL)) {
			member_release(&m);
			return -1;
		}
		if (o)
			obj_add(o, &m);
		else
			member_release(&m);
		ws(r);
		if (r->p >= r->end)
			return -1;
		if (*r->p == '}') {
			r->p++;
			return 0;
		}
		if (*r->p++ != ',')
			return -1;
	}
}

/* value - one value; described in m when m is not NULL */
static int value(struct rd *r, int depth, struct jsonl_member *m)
{
	struct jsonl_member dummy = { 0 };
	int is_int = 0, rc;

	if (depth > JSONL_MAX_DEPTH || r->p >= r->end)
		return -1;
	if (!m)
		m = &dummy;
	switch (*r->p) {
	case '"': {
		struct buf s = BUF_INIT;
		if (string(r, m == &dummy ? NULL : &s)) {
			buf_release(&s);
			return -1;
		}
		m->type = JSONL_STRING;
		m->len = s.len;
		m->str = m == &dummy ? (buf_release(&s), NULL) : buf_detach(&s, NULL);
		return 0;
	}
	case '{':
		m->type = JSONL_OBJECT;
		return object(r, depth, NULL);
	case '[':
		m->type = JSONL_ARRAY;
		rc = array(r, depth, m == &dummy ? NULL : m);
		return rc;
	case 't':
		m->type = JSONL_BOOL;
		m->num = 1;
		return word(r, "true");
	case 'f':
		m->type = JSONL_BOOL;
		return word(r, "false");
	case 'n':
		m->type = JSONL_NULL;
		return word(r, "null");
	default:
		if (number(r, &m->num, &is_int))
			return -1;
		m->type = is_int ? JSONL_INT : JSONL_NUMBER;
		return 0;
	}
}

int fleet_jsonl_parse(const char *p, size_t n, struct jsonl_obj *o)
{
	struct rd r = { p, p + n };

	memset(o, 0, sizeof(*o));
	ws(&r);
	if (r.p >= r.end || *r.p != '{' || object(&r, 0, o))
		goto bad;
	ws(&r);
	if (r.p != r.end)
		goto bad;
	return 0;
bad:
	fleet_jsonl_release(o);
	return -1;
}

void fleet_jsonl_release(struct jsonl_obj *o)
{
	for (size_t i = 0; i < o->n; i++)
		member_release(&o->m[i]);
	free(o->m);
	memset(o, 0, sizeof(*o));
}

const struct jsonl_member *fleet_jsonl_get(const struct jsonl_obj *o, const char *key,
				     enum jsonl_type type)
{
	for (size_t i = 0; i < o->n; i++)
		if (!strcmp(o->m[i].key, key) && o->m[i].type == type)
			return &o->m[i];
	return NULL;
}
