/* libFuzzer harness: the BPF program view's parsers - kallsyms helper
 * targets, the translated-instruction scanner, link info and hook names. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/hidden/bpfprogs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bpfprogs_targets t;
	size_t hid = 0, half = size / 2;
	char out[96];
	unsigned bits;

	/* the input as kallsyms text, then as instructions against the
	 * targets found (or against targets taken from its first bytes) */
	if (bpfprogs_kallsyms((const char *)data, size, &t)) {
		memset(&t, 0, sizeof(t));
		memcpy(t.imm, data, size < sizeof(t.imm) ? size : sizeof(t.imm));
		t.found = size ? data[0] : 0;
	}
	bits = bpfprogs_scan_insns(data, size, &t, &hid);
	if (bits & ~((1u << BPFPROGS_NHELPERS) - 1) || hid > size / 8)
		__builtin_trap();
	/* the first half as link info, the rest as the name buffer */
	bpfprogs_link_hook(data, half, (const char *)data + half, size - half, out,
			   sizeof(out));
	if (strlen(out) >= sizeof(out))
		__builtin_trap();
	bpfprogs_syscall_hook(out);
	bpfprogs_helpers_text(bits, out, sizeof(out));
	return 0;
}
