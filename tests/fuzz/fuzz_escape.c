/* libFuzzer harness: the escaping rule is reversible and leaves no
 * control byte; unescape is total on arbitrary input. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/buf.h"
#include "util/escape.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf e = BUF_INIT, back = BUF_INIT, junk = BUF_INIT;

	escape_bytes(&e, data, size);
	for (size_t i = 0; i < e.len; i++)
		if ((unsigned char)e.data[i] < 0x20 || (unsigned char)e.data[i] >= 0x7f)
			__builtin_trap();
	if (escape_unescape(&back, e.data, e.len) || back.len != size ||
	    (size && memcmp(back.data, data, size)))
		__builtin_trap();
	escape_unescape(&junk, (const char *)data, size);
	buf_release(&e);
	buf_release(&back);
	buf_release(&junk);
	return 0;
}
