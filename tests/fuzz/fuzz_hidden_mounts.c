/* libFuzzer harness: mounts over /proc/PID in mountinfo text. */
#include <stddef.h>
#include <stdint.h>

#include "lib/hidden/hidden.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hidden_report r;

	hidden_report_init(&r);
	hidden_mounts_parse((const char *)data, size, &r);
	for (size_t i = 0; i < r.n; i++)
		if (r.v[i].pid <= 0 || r.v[i].kind != HIDDEN_MOUNT)
			__builtin_trap();
	hidden_report_release(&r);
	return 0;
}
