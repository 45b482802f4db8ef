/*
 * Fuzz the syslog line parser, the classifier of the timeline's log
 * events and the chains builder, line by line, and the journal export
 * reader on the same bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lib/timeline/chains.h"
#include "lib/timeline/logs.h"
#include "util/buf.h"

static int sink(const struct tl_event *e, void *ctx)
{
	(void)ctx;
	if (e->name_len && !e->name)
		__builtin_trap();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct tl_text_state st;
	struct ch_set cs;
	size_t at = 0;
	unsigned long no = 0;

	memset(&st, 0, sizeof(st));
	st.source = "fuzz";
	st.year = 2026;
	st.emit = sink;
	ch_init(&cs, 120);
	while (at < size) {
		const char *nl = memchr(s + at, '\n', size - at);
		size_t n = nl ? (size_t)(nl - (s + at)) : size - at;
		tl_log_text_line(&st, s + at, n, ++no);
		ch_add_line(&cs, s + at, n, 2026, 0, (no & 1) ? "a" : NULL, "fuzz", no);
		at += n + 1;
	}
	/* the same bytes as a journal export */
	FILE *f = size ? fmemopen((void *)data, size, "r") : NULL;
	if (f) {
		ch_add_export(&cs, f, "b", "fuzz");
		fclose(f);
	}
	ch_link(&cs);
	ch_release(&cs);
	buf_release(&st.msg);
	buf_release(&st.json);
	return 0;
}
