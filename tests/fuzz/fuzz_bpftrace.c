/* libFuzzer harness: the ring buffer record reader (bpftrace_chunk,
 * bpftrace_mem) never reads outside the record, whatever chunk headers
 * claim, and never answers with more bytes than asked or than it holds. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/trace/bpftrace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bpftrace_event ev;
	struct bt_chunk ch;
	const unsigned char *d;
	unsigned char out[64];
	size_t i;

	if (size < 2)
		return 0;
	memset(&ev, 0, sizeof(ev));
	ev.nchunks = data[0];
	ev.chunks = data + 1;
	ev.chunk_bytes = size - 1;
	for (i = 0; !bpftrace_chunk(&ev, i, &ch, &d); i++) {
		if (d < ev.chunks || d + ch.len > ev.chunks + ev.chunk_bytes)
			__builtin_trap();
		for (unsigned k = 0; k < 3; k++) {
			long n = bpftrace_mem(&ev, ch.addr + k * (ch.len / 2), out,
					      sizeof(out));
			if (n > (long)sizeof(out))
				__builtin_trap();
		}
	}
	if (i > ev.nchunks)
		__builtin_trap();
	return 0;
}
