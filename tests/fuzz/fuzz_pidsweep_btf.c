/* libFuzzer harness: the walk of raw BTF for the PID sweep's kfuncs. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/hidden/pidsweep.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "bpf_task_from_vpid",
					     "bpf_task_release" };
	uint32_t ids[2];
	int rc = pidsweep_btf_funcs(data, size, names, 2, ids);

	/* ids count types of at least 12 bytes each, from 1 */
	for (int i = 0; i < 2; i++)
		if (ids[i] > size / 12 + 1)
			__builtin_trap();
	if (rc && rc != -ENOENT && rc != -EINVAL)
		__builtin_trap();
	if (!rc && (!ids[0] || !ids[1]))
		__builtin_trap();
	return 0;
}
