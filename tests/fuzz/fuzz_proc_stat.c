/* libFuzzer harness: /proc/PID/stat parser. */
#include <stddef.h>
#include <stdint.h>

#include "lib/proc/proc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proc_stat st;
	if (!proc_parse_stat((const char *)data, size, &st) &&
	    st.comm_len >= PROC_COMM_MAX)
		__builtin_trap();
	return 0;
}
