/* libFuzzer harness: ps/ls and ss/netstat output parsers. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>

#include "lib/hidden/hidden_tool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned long long bits[2 * 65536 / 64];
	pid_t *pids = NULL;
	size_t n = hidden_tool_parse_pids((const char *)data, size, &pids);

	for (size_t i = 0; i < n; i++)
		if (pids[i] <= 0 || (i && pids[i] < pids[i - 1]))
			__builtin_trap();
	free(pids);
	hidden_tool_parse_ports((const char *)data, size, 4, bits);
	hidden_tool_parse_ports((const char *)data, size, 3, bits);
	return 0;
}
