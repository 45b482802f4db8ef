/* libFuzzer harness: ld.so.preload text, environ blocks, ELF dynamic sections. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/hidden/preload.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf list = BUF_INIT, needed = BUF_INIT;
	struct preload_elf e = { .needed = &needed };
	const char *v;
	size_t vl, n;

	n = preload_parse_list((const char *)data, size, &list);
	if (n > size)
		__builtin_trap();
	if (preload_env_value((const char *)data, size, "LD_PRELOAD", &v, &vl) &&
	    (v < (const char *)data || v + vl > (const char *)data + size))
		__builtin_trap();
	if (!preload_elf_parse(data, size, &e) &&
	    (strlen(e.soname) >= sizeof(e.soname) || strlen(e.interp) >= sizeof(e.interp)))
		__builtin_trap();
	buf_release(&list);
	buf_release(&needed);
	return 0;
}
