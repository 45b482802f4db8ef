/* libFuzzer harness: the signature line parser on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>

#include "lib/baseline/sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char sig[64];
	sign_parse_line((const char *)data, size, sig);
	return 0;
}
