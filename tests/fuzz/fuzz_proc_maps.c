/* libFuzzer harness: /proc/PID/maps parser; every path stays in bounds. */
#include <stddef.h>
#include <stdint.h>

#include "lib/proc/proc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct proc_map m;
	size_t pos = 0, last = 0;
	int rc;

	while ((rc = proc_maps_next(s, size, &pos, &m)) != 0) {
		if (pos <= last || pos > size)
			__builtin_trap(); /* must always make progress */
		last = pos;
		if (rc == 1 && (m.path < s || m.path + m.path_len > s + size))
			__builtin_trap();
	}
	return 0;
}
