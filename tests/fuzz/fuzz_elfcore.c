/*
 * fuzz_elfcore - the parsers a core is built from: a maps text turned into
 * the NT_FILE note, and a /proc/PID/task/TID/syscall line.  The NT_FILE
 * descriptor must stay consistent with the count it claims.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/evidence/elfcore.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf d = BUF_INIT;
	struct elfcore_syscall sc;
	uint64_t count;
	int rc;

	rc = elfcore_file_note((const char *)data, size, &d);
	if (d.len < 16)
		abort();
	memcpy(&count, d.data, sizeof(count));
	if (rc >= 0 && count != (uint64_t)rc)
		abort();
	if (d.len < 16 + count * 24)
		abort();
	buf_release(&d);
	elfcore_parse_syscall((const char *)data, size, &sc);
	return 0;
}
