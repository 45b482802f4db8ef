/*
 * json_read - a small, bounded JSON reader (the writer is util/table).
 *
 * What it reads is hostile: case folders and a fleet's hunt results come
 * from machines that were broken into, and may have been changed since.
 * jsonl_parse() takes
 * one JSON text (RFC 8259) and builds a tree of struct jv, or rejects it:
 * nesting deeper than JSONL_MAX_DEPTH, a text longer than JSONL_MAX_TEXT,
 * bad escapes, leading zeros, trailing bytes.  Strings are decoded (\uXXXX to UTF-8; a
 * lone surrogate becomes U+FFFD) and may then hold any byte, NUL
 * included: a printer sends them through util/escape.  Numbers are kept
 * as integers (a fraction or exponent is truncated; out of range is
 * clamped).
 *
 * jsonl_each() splits a buffer at newlines and calls back with each line
 * that parses; it counts those that do not, so a reader can say "3 lines
 * unreadable" instead of going silent.
 *
 * Errors: jsonl_parse returns 0 or -EINVAL (and *out NULL).
 */
#ifndef STRANGER_UTIL_JSON_READ_H
#define STRANGER_UTIL_JSON_READ_H

#include <stddef.h>

#define JSONL_MAX_DEPTH 32
#define JSONL_MAX_TEXT (1u << 20)

enum jv_type { JV_NULL, JV_BOOL, JV_NUM, JV_STR, JV_ARR, JV_OBJ };

struct jv {
	enum jv_type type;
	long long num;	   /* JV_NUM, JV_BOOL */
	char *str;	   /* JV_STR (NUL-terminated; len is the truth) */
	size_t len;	   /* JV_STR bytes; JV_ARR/JV_OBJ members */
	size_t cap;	   /* JV_ARR/JV_OBJ: room in keys/items */
	char **keys;	   /* JV_OBJ */
	struct jv **items; /* JV_ARR, JV_OBJ */
};

int jsonl_parse(const char *p, size_t n, struct jv **out);
void jv_free(struct jv *v);
/* jv_get - the member key of an object, or NULL */
const struct jv *jv_get(const struct jv *obj, const char *key);
/* jv_str - a string member's text, or NULL (n may be NULL) */
const char *jv_str(const struct jv *obj, const char *key, size_t *n);
/* jv_int - a number member, or def */
long long jv_int(const struct jv *obj, const char *key, long long def);
/* jv_bool - a true/false member: 1, 0, or def */
int jv_bool(const struct jv *obj, const char *key, int def);
/*
 * jv_strs - the string elements of an array member, in order (others are
 * skipped); returns how many, *v an xalloc'd array of pointers into obj
 * (free() it; NULL when none).  Each element's length is its ->len.
 */
size_t jv_strs(const struct jv *obj, const char *key, const struct jv ***v);

/* jsonl_each - parse each line; cb gets ownership of nothing; returns bad lines */
size_t jsonl_each(const char *p, size_t n, void (*cb)(const struct jv *v, void *ctx), void *ctx);

#endif
