/* libFuzzer harness: /proc/PID/status parser. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/proc/proc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proc_status st;
	if (!proc_parse_status((const char *)data, size, &st) &&
	    strnlen(st.name, sizeof(st.name)) == sizeof(st.name))
		__builtin_trap();
	return 0;
}
