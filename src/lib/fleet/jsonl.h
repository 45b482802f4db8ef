/*
 * jsonl - a reader for one line of JSON Lines: one flat object.
 *
 * What stranger's own --json writes, read back from files a suspect host
 * handed over, so every byte is hostile.  An object's members are kept in
 * order: strings (JSON escapes undone, so they may hold any byte, NUL
 * included; `len` is the truth), integers, booleans, null, and arrays,
 * of which only the string elements are kept.  Nested objects and numbers
 * with fractions or exponents are parsed and kept as their kind only.
 * Nesting deeper than JSONL_MAX_DEPTH, a duplicate-free guarantee, or
 * surrogate pairing are not offered: a lone surrogate becomes U+FFFD.
 *
 * fleet_jsonl_parse() returns 0, or -1 for anything that is not exactly one
 * object (with optional surrounding whitespace); on -1 the object is
 * empty.  Memory comes from util/xalloc; fleet_jsonl_release() frees it.
 */
#ifndef STRANGER_LIB_FLEET_JSONL_H
#define STRANGER_LIB_FLEET_JSONL_H

#include <stddef.h>

#define JSONL_MAX_DEPTH 16

enum jsonl_type { JSONL_NULL, JSONL_BOOL, JSONL_INT, JSONL_NUMBER, JSONL_STRING,
		  JSONL_ARRAY, JSONL_OBJECT };

struct jsonl_member {
	char *key;
	enum jsonl_type type;
	long long num;  /* JSONL_INT, JSONL_BOOL (0 or 1) */
	char *str;      /* JSONL_STRING: the bytes, NUL-terminated */
	size_t len;
	char **v;       /* JSONL_ARRAY: its string elements, NUL-terminated */
	size_t *vlen;
	size_t nv;
};

struct jsonl_obj {
	struct jsonl_member *m;
	size_t n, alloc;
};

int fleet_jsonl_parse(const char *p, size_t n, struct jsonl_obj *o);
void fleet_jsonl_release(struct jsonl_obj *o);
/* fleet_jsonl_get - the first member named key of that type, or NULL */
const struct jsonl_member *fleet_jsonl_get(const struct jsonl_obj *o, const char *key,
				     enum jsonl_type type);

#endif
