/*
 * Fuzz the systemd journal file reader: header, objects, entries and
 * their data, every offset taken from the input.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/timeline/logs.h"

static int line(const char *s, size_t n, unsigned long long seq, void *ctx)
{
	(void)seq;
	(void)ctx;
	if (n && !s)
		__builtin_trap();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned long comp = 0;

	tl_journal_parse(data, size, line, NULL, &comp);
	return 0;
}
