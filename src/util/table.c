#include "util/table.h"

#include <stdlib.h>
#include <string.h>

#include "util/diag.h"
#include "util/escape.h"
#include "util/xalloc.h"

void table_init(struct table *t, const struct table_col *cols, size_t ncols)
{
	t->cols = cols;
	t->ncols = ncols;
	t->cells = NULL;
	t->nrows = t->alloc = 0;
	t->borrowed = 0;
}

void table_borrow(struct table *t)
{
	if (t->nrows)
		bug("table_borrow: rows already added");
	t->borrowed = 1;
}

void table_release(struct table *t)
{
	for (size_t i = 0; !t->borrowed && i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = t->alloc = 0;
}

void table_add(struct table *t, const char *const *cells)
{
	if (t->nrows == t->alloc) {
		t->alloc = t->alloc ? t->alloc * 2 : 64;
		t->cells = xreallocarray(t->cells, t->alloc, t->ncols * sizeof(char *));
	}
	for (size_t c = 0; c < t->ncols; c++) {
		const char *v = cells[c] ? cells[c] : "";
		t->cells[t->nrows * t->ncols + c] = t->borrowed ? (char *)v : xstrdup(v);
	}
	t->nrows++;
}

static void put_cell(struct buf *line, const char *s, size_t width, enum table_align align,
		     int last)
{
	size_t len = strlen(s), pad = width > len ? width - len : 0;

	if (align == TABLE_RIGHT)
		while (pad--)
			buf_addc(line, ' ');
	buf_add(line, s, len);
	if (align == TABLE_LEFT && !last)
		while (pad--)
			buf_addc(line, ' ');
}

int table_print(const struct table *t, FILE *out)
{
	size_t *w = xcalloc(t->ncols, sizeof(*w));
	struct buf line = BUF_INIT;

	for (size_t c = 0; c < t->ncols; c++)
		w[c] = strlen(t->cols[c].title);
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			size_t len = strlen(t->cells[r * t->ncols + c]);
			if (len > w[c])
				w[c] = len;
		}
	for (size_t r = 0; r <= t->nrows; r++) {
		buf_reset(&line);
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = r ? t->cells[(r - 1) * t->ncols + c] : t->cols[c].title;
			if (c)
				buf_addc(&line, ' ');
			put_cell(&line, s, w[c], t->cols[c].align, c + 1 == t->ncols);
		}
		buf_rtrim(&line);
		buf_addc(&line, '\n');
		fwrite(line.data, 1, line.len, out);
	}
	buf_release(&line);
	free(w);
	return ferror(out) ? -1 : 0;
}

void json_begin(struct json *j, struct buf *out)
{
	j->out = out;
	j->first = 1;
	buf_addc(out, '{');
}

void json_end(struct json *j)
{
	buf_add(j->out, "}\n", 2);
}

static void key(struct json *j, const char *k)
{
	if (!j->first)
		buf_addc(j->out, ',');
	j->first = 0;
	escape_json(j->out, k, strlen(k));
	buf_addc(j->out, ':');
}

static void value_str(struct buf *out, const char *s, size_t n)
{
	struct buf esc = BUF_INIT;
	escape_bytes(&esc, s, n);
	escape_json(out, esc.data, esc.len);
	buf_release(&esc);
}

void json_str(struct json *j, const char *k, const char *s, size_t n)
{
	key(j, k);
	value_str(j->out, s, n);
}

void json_cstr(struct json *j, const char *k, const char *s)
{
	if (!s) {
		json_null(j, k);
		return;
	}
	json_str(j, k, s, strlen(s));
}

void json_int(struct json *j, const char *k, long long v)
{
	key(j, k);
	buf_addf(j->out, "%lld", v);
}

void json_uint(struct json *j, const char *k, unsigned long long v)
{
	key(j, k);
	buf_addu(j->out, v);
}

void json_bool(struct json *j, const char *k, int v)
{
	key(j, k);
	buf_addstr(j->out, v ? "true" : "false");
}

void json_null(struct json *j, const char *k)
{
	key(j, k);
	buf_addstr(j->out, "null");
}

void json_strv(struct json *j, const char *k, const char *const *v, size_t n)
{
	key(j, k);
	buf_addc(j->out, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_addc(j->out, ',');
		value_str(j->out, v[i], strlen(v[i]));
	}
	buf_addc(j->out, ']');
}

void json_raw(struct json *j, const char *k, const char *value)
{
	key(j, k);
	buf_addstr(j->out, value);
}
