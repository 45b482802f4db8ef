/* libFuzzer harness: the JSON reader of case files and hunt results (util/json_read). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/json_read.h"

static void walk(const struct jv *v, int depth)
{
	if (depth > JSONL_MAX_DEPTH + 1)
		__builtin_trap();
	if (v->type == JV_STR && (v->str[v->len] != '\0' || strlen(v->str) > v->len))
		__builtin_trap();
	if (v->type == JV_ARR || v->type == JV_OBJ) {
		if (v->len > v->cap)
			__builtin_trap();
		for (size_t i = 0; i < v->len; i++) {
			if (v->type == JV_OBJ)
				(void)jv_get(v, v->keys[i]);
			walk(v->items[i], depth + 1);
		}
	}
}

static void each(const struct jv *v, void *ctx)
{
	const struct jv **s;
	size_t n = 0;
	(void)ctx;
	walk(v, 0);
	(void)jv_str(v, "pid", &n);
	(void)jv_int(v, "pid", -1);
	(void)jv_bool(v, "setuid", 0);
	n = jv_strs(v, "flags", &s);
	for (size_t i = 0; i < n; i++)
		if (s[i]->type != JV_STR)
			__builtin_trap();
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jv *v;

	if (!jsonl_parse((const char *)data, size, &v)) {
		walk(v, 0);
		jv_free(v);
	}
	jsonl_each((const char *)data, size, each, NULL);
	return 0;
}
