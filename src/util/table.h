/*
 * table - aligned columns for people, JSON Lines for machines.
 *
 * A table collects rows of cells (already-escaped text), then prints them
 * with every column as wide as its widest cell, like ps and lsof.  Columns
 * are left- or right-aligned; the last column is never padded.  Cells are
 * copied; the caller keeps its strings.
 *
 * The JSON writer builds one object per line into a buf: json_begin(),
 * json_str()/json_int()/json_bool()/json_strv()/json_raw(), json_end()
 * (which appends "}\n").  String values pass through util/escape, so
 * untrusted bytes survive as the same escaped text the table shows.
 */
#ifndef STRANGER_UTIL_TABLE_H
#define STRANGER_UTIL_TABLE_H

#include <stddef.h>
#include <stdio.h>

#include "util/buf.h"

enum table_align { TABLE_LEFT, TABLE_RIGHT };

struct table_col {
	const char *title;
	enum table_align align;
};

struct table {
	const struct table_col *cols;
	size_t ncols;
	char **cells; /* nrows * ncols */
	size_t nrows, alloc;
	int borrowed; /* cells point at the caller's strings (table_borrow) */
};

void table_init(struct table *t, const struct table_col *cols, size_t ncols);
void table_release(struct table *t);
/*
 * table_borrow - from now on table_add keeps the caller's pointers instead
 * of copies: for big listings whose strings live until table_print.
 */
void table_borrow(struct table *t);
/* table_add - append a row of ncols cells (NULL is an empty cell) */
void table_add(struct table *t, const char *const *cells);
/* table_print - the header and every row; 0, or -1 if writing failed */
int table_print(const struct table *t, FILE *out);

struct json {
	struct buf *out;
	int first;
};

void json_begin(struct json *j, struct buf *out);
void json_end(struct json *j);
/* json_str - s is untrusted raw bytes: escaped, then JSON-quoted */
void json_str(struct json *j, const char *key, const char *s, size_t n);
void json_cstr(struct json *j, const char *key, const char *s);
void json_int(struct json *j, const char *key, long long v);
void json_uint(struct json *j, const char *key, unsigned long long v);
void json_bool(struct json *j, const char *key, int v);
void json_null(struct json *j, const char *key);
/* json_strv - an array of C strings (untrusted, escaped) */
void json_strv(struct json *j, const char *key, const char *const *v, size_t n);
/* json_raw - a value that is already JSON */
void json_raw(struct json *j, const char *key, const char *value);

#endif
