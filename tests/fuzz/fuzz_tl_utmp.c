/*
 * Fuzz the wtmp/btmp record reader (struct utmp, 384 bytes) and the
 * dpkg.log line reader: the first byte picks which.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/timeline/logs.h"

static int sink(const struct tl_event *e, void *ctx)
{
	(void)ctx;
	(void)e;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	const uint8_t *p = data + 1;
	size_t n = size - 1;
	if (data[0] & 1) {
		for (size_t at = 0; at + TL_UTMP_SIZE <= n; at += TL_UTMP_SIZE)
			tl_log_utmp_record("fuzz", p + at, data[0] & 2, at / TL_UTMP_SIZE, sink, NULL);
	} else {
		const char *s = (const char *)p;
		size_t at = 0;
		while (at < n) {
			const char *nl = memchr(s + at, '\n', n - at);
			size_t l = nl ? (size_t)(nl - (s + at)) : n - at;
			tl_log_dpkg_line("fuzz", s + at, l, 1, sink, NULL);
			at += l + 1;
		}
	}
	return 0;
}
