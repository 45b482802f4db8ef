/* libFuzzer harness: /proc/modules and /proc/kallsyms lines, taint decoding. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/hidden/hidden_mod.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hidden_mod_line m;
	char name[HIDDEN_MOD_NAME_MAX], letters[40];
	struct buf b = BUF_INIT;
	unsigned long long t = 0;

	if (!hidden_mod_parse_modules_line((const char *)data, size, &m) &&
	    (strlen(m.name) >= sizeof(m.name) || !m.name[0]))
		__builtin_trap();
	if (hidden_mod_parse_kallsyms_line((const char *)data, size, name) == 1 &&
	    !name[0])
		__builtin_trap();
	memcpy(&t, data, size < sizeof(t) ? size : sizeof(t));
	hidden_mod_taint_decode(t, letters, &b);
	if (strlen(letters) > 39)
		__builtin_trap();
	buf_release(&b);
	return 0;
}
