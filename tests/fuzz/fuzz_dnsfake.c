/* libFuzzer harness: the sinkhole's DNS server answers or refuses any
 * bytes, never writes past its buffer, and its name is escaped text. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/sandbox/dnsfake.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char addr[4] = { 198, 18, 0, 1 };
	unsigned char out[600];
	char name[64];
	unsigned qtype = 0;
	int n;
	size_t cap = size % 2 ? 64 : sizeof(out);

	n = dnsfake_answer(data, size, addr, out, cap, name, sizeof(name), &qtype);
	if (n < 0)
		return 0;
	if ((size_t)n > cap || n < 17 || out[0] != data[0] || out[1] != data[1] || !(out[2] & 0x80))
		__builtin_trap();
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			__builtin_trap();
	if (strlen(name) >= sizeof(name))
		__builtin_trap();
	return 0;
}
