#include "util/json_read.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/xalloc.h"

struct parser {
	const char *p, *end;
	int depth;
};

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end &&
	       (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static int lit(struct parser *ps, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, w, n))
		return -1;
	ps->p += n;
	return 0;
}

static int hex4(struct parser *ps, unsigned *out)
{
	unsigned v = 0;
	if (ps->end - ps->p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		char c = *ps->p++;
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

static void utf8(struct buf *b, unsigned cp)
{
	if (cp < 0x80) {
		buf_addc(b, (int)cp);
	} else if (cp < 0x800) {
		buf_addc(b, (int)(0xc0 | (cp >> 6)));
		buf_addc(b, (int)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		buf_addc(b, (int)(0xe0 | (cp >> 12)));
		buf_addc(b, (int)(0x80 | ((cp >> 6) & 0x3f)));
		buf_addc(b, (int)(0x80 | (cp & 0x3f)));
	} else {
		buf_addc(b, (int)(0xf0 | (cp >> 18)));
		buf_addc(b, (int)(0x80 | ((cp >> 12) & 0x3f)));
		buf_addc(b, (int)(0x80 | ((cp >> 6) & 0x3f)));
		buf_addc(b, (int)(0x80 | (cp & 0x3f)));
	}
}

static int string(struct parser *ps, struct buf *b)
{
	if (ps->p >= ps->end || *ps->p != '"')
		return -1;
	ps->p++;
	while (ps->p < ps->end) {
		unsigned char c = (unsigned char)*ps->p++;
		if (c == '"')
			return 0;
		if (c < 0x20)
			return -1;
		if (c != '\\') {
			buf_addc(b, c);
			continue;
		}
		if (ps->p >= ps->end)
			return -1;
		c = (unsigned char)*ps->p++;
		switch (c) {
		case '"':
		case '\\':
		case '/':
			buf_addc(b, c);
			break;
		case 'b':
			buf_addc(b, '\b');
			break;
		case 'f':
			buf_addc(b, '\f');
			break;
		case 'n':
			buf_addc(b, '\n');
			break;
		case 'r':
			buf_addc(b, '\r');
			break;
		case 't':
			buf_addc(b, '\t');
			break;
		case 'u': {
			unsigned cp, lo;
			if (hex4(ps, &cp))
				return -1;
			if (cp >= 0xd800 && cp < 0xdc00 && ps->end - ps->p >= 6 &&
			    ps->p[0] == '\\' && ps->p[1] == 'u') {
				const char *save = ps->p;
				ps->p += 2;
				if (!hex4(ps, &lo) && lo >= 0xdc00 && lo < 0xe000)
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				else {
					ps->p = save;
					cp = 0xfffd;
				}
			} else if (cp >= 0xd800 && cp < 0xe000) {
				cp = 0xfffd;
			}
			utf8(b, cp);
			break;
		}
		default:
			return -1;
		}
	}
	return -1;
}

static struct jv *value(struct parser *ps);

static void add_item(struct jv *v, char *key, struct jv *item)
{
	if (v->len == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 4;
		v->items = xreallocarray(v->items, v->cap, sizeof(*v->items));
		if (v->type == JV_OBJ)
			v->keys = xreallocarray(v->keys, v->cap, sizeof(*v->keys));
	}
	v->items[v->len] = item;
	if (v->type == JV_OBJ)
		v->keys[v->len] = key;
	v->len++;
}

static struct jv *container(struct parser *ps, int obj)
{
	struct jv *v = xcalloc(1, sizeof(*v));

	v->type = obj ? JV_OBJ : JV_ARR;
	if (++ps->depth > JSONL_MAX_DEPTH)
		goto bad;
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == (obj ? '}' : ']')) {
		ps->p++;
		ps->depth--;
		return v;
	}
	for (;;) {
		char *key = NULL;
		struct jv *item;
		skip_ws(ps);
		if (obj) {
			struct buf k = BUF_INIT;
			if (string(ps, &k)) {
				buf_release(&k);
				goto bad;
			}
			key = buf_detach(&k, NULL);
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p != ':') {
				free(key);
				goto bad;
			}
			ps->p++;
		}
		item = value(ps);
		if (!item) {
			free(key);
			goto bad;
		}
		add_item(v, key, item);
		skip_ws(ps);
		if (ps->p >= ps->end)
			goto bad;
		if (*ps->p == ',') {
			ps->p++;
			continue;
		}
		if (*ps->p == (obj ? '}' : ']')) {
			ps->p++;
			ps->depth--;
			return v;
		}
		goto bad;
	}
bad:
	jv_free(v);
	return NULL;
}

static struct jv *number(struct parser *ps)
{
	struct jv *v;
	int neg = 0, digits = 0;
	long long n = 0;

	if (ps->p < ps->end && *ps->p == '-') {
		neg = 1;
		ps->p++;
	}
	/* RFC 8259: no leading zeros */
	if (ps->end - ps->p >= 2 && ps->p[0] == '0' && ps->p[1] >= '0' && ps->p[1] <= '9')
		return NULL;
	while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
		int d = *ps->p++ - '0';
		if (n > (LLONG_MAX - d) / 10)
			n = LLONG_MAX;
		else
			n = n * 10 + d;
		digits++;
	}
	if (!digits)
		return NULL;
	if (ps->p < ps->end && *ps->p == '.') {
		ps->p++;
		digits = 0;
		while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
			ps->p++, digits++;
		if (!digits)
			return NULL;
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
		ps->p++;
		if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
			ps->p++;
		digits = 0;
		while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
			ps->p++, digits++;
		if (!digits)
			return NULL;
	}
	v = xcalloc(1, sizeof(*v));
	v->type = JV_NUM;
	v->num = neg ? -n : n;
	return v;
}

static struct jv *value(struct parser *ps)
{
	struct jv *v;

	skip_ws(ps);
	if (ps->p >= ps->end)
		return NULL;
	switch (*ps->p) {
	case '{':
		return container(ps, 1);
	case '[':
		return container(ps, 0);
	case '"': {
		struct buf b = BUF_INIT;
		if (string(ps, &b)) {
			buf_release(&b);
			return NULL;
		}
		v = xcalloc(1, sizeof(*v));
		v->type = JV_STR;
		v->str = buf_detach(&b, &v->len);
		return v;
	}
	case 't':
	case 'f':
		v = xcalloc(1, sizeof(*v));
		v->type = JV_BOOL;
		v->num = *ps->p == 't';
		if (lit(ps, v->num ? "true" : "false")) {
			free(v);
			return NULL;
		}
		return v;
	case 'n':
		if (lit(ps, "null"))
			return NULL;
		return xcalloc(1, sizeof(struct jv));
	default:
		return number(ps);
	}
}

int jsonl_parse(const char *p, size_t n, struct jv **out)
{
	struct parser ps = { p, p + n, 0 };
	struct jv *v;

	*out = NULL;
	if (n > JSONL_MAX_TEXT)
		return -EINVAL;
	v = value(&ps);
	if (!v)
		return -EINVAL;
	skip_ws(&ps);
	if (ps.p != ps.end) {
		jv_free(v);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

void jv_free(struct jv *v)
{
	if (!v)
		return;
	if (v->type == JV_ARR || v->type == JV_OBJ) {
		for (size_t i = 0; i < v->len; i++) {
			jv_free(v->items[i]);
			if (v->keys)
				free(v->keys[i]);
		}
		free(v->items);
		free(v->keys);
	}
	free(v->str);
	free(v);
}

const struct jv *jv_get(const struct jv *obj, const char *key)
{
	if (!obj || obj->type != JV_OBJ)
		return NULL;
	for (size_t i = 0; i < obj->len; i++)
		if (!strcmp(obj->keys[i], key))
			return obj->items[i];
	return NULL;
}

const char *jv_str(const struct jv *obj, const char *key, size_t *n)
{
	const struct jv *v = jv_get(obj, key);
	if (!v || v->type != JV_STR)
		return NULL;
	if (n)
		*n = v->len;
	return v->str;
}

long long jv_int(const struct jv *obj, const char *key, long long def)
{
	const struct jv *v = jv_get(obj, key);
	return v && v->type == JV_NUM ? v->num : def;
}

int jv_bool(const struct jv *obj, const char *key, int def)
{
	const struct jv *v = jv_get(obj, key);
	return v && v->type == JV_BOOL ? (int)v->num : def;
}

size_t jv_strs(const struct jv *obj, const char *key, const struct jv ***v)
{
	const struct jv *a = jv_get(obj, key);
	size_t n = 0;

	*v = NULL;
	if (!a || a->type != JV_ARR)
		return 0;
	for (size_t i = 0; i < a->len; i++) {
		if (a->items[i]->type != JV_STR)
			continue;
		if (!*v)
			*v = xcalloc(a->len, sizeof(**v));
		(*v)[n++] = a->items[i];
	}
	return n;
}

size_t jsonl_each(const char *p, size_t n, void (*cb)(const struct jv *v, void *ctx), void *ctx)
{
	const char *end = p + n;
	size_t bad = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		struct jv *v;
		size_t len = (size_t)(le - p);

		if (len && !(len == 1 && *p == '\r')) {
			if (jsonl_parse(p, len, &v))
				bad++;
			else {
				cb(v, ctx);
				jv_free(v);
			}
		}
		p = nl ? nl + 1 : end;
	}
	return bad;
}
