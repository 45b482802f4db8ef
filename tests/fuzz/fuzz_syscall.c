/*
 * fuzz_syscall - the decoders fed hostile tracee memory and registers.
 *
 * Input: 2 bytes syscall number, 1 byte architecture and flags, 6 x 8
 * bytes arguments, 8 bytes return value, then the tracee's memory, mapped
 * at 0x10000.  An argument whose top byte is odd is turned into an
 * address inside that memory, so pointers land on the fuzzer's bytes.
 * Every decoder must stay within bounds and print no control byte.
 */
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/trace/syscall/syscall.h"
#include "util/buf.h"

#define BASE 0x10000ULL

struct mem {
	const uint8_t *p;
	size_t n;
};

static long mem_read(void *ctx, unsigned long long addr, void *dst, size_t n)
{
	const struct mem *m = ctx;
	if (addr < BASE || addr - BASE >= m->n)
		return -14;
	size_t off = (size_t)(addr - BASE);
	if (n > m->n - off)
		n = m->n - off;
	memcpy(dst, m->p + off, n);
	return (long)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char all[SC_MAX_FD_SET];
	struct sc_opts opts = { .strsize = 32, .column = 40, .read_fds = all, .write_fds = all };
	struct sc_call c;
	struct mem m;
	struct buf b = BUF_INIT;
	size_t hdr = 2 + 1 + 48 + 8;

	if (size < hdr)
		return 0;
	memset(all, 1, sizeof(all));
	memset(&c, 0, sizeof(c));
	c.nr = data[0] | (data[1] << 8);
	c.arch = data[2] & 1 ? SC_ARCH_AARCH64 : SC_ARCH_X86_64;
	opts.xflag = (data[2] >> 1) & 3;
	opts.verbose = (data[2] >> 3) & 1;
	if (data[2] & 0x10)
		c.nr %= 470;
	memcpy(c.args, data + 3, 48);
	memcpy(&c.ret, data + 51, 8);
	m.p = data + hdr;
	m.n = size - hdr;
	for (int i = 0; i < 6; i++)
		if ((c.args[i] >> 56) & 1)
			c.args[i] = BASE + (m.n ? (c.args[i] & 0xffff) % (m.n + 8) : 0);
	c.mem = mem_read;
	c.mem_ctx = &m;
	c.opts = &opts;
	sc_decode_entry(&c, &b);
	sc_decode_exit(&c, &b, 1);
	sc_decode_dump(&c, &b);
	if (m.n >= sizeof(siginfo_t)) {
		siginfo_t si;
		memcpy(&si, m.p, sizeof(si));
		sc_siginfo(&b, &si);
	}
	for (size_t i = 0; i < b.len; i++)
		if ((b.data[i] < 0x20 && b.data[i] != '\n') || b.data[i] == 0x7f)
			abort();
	buf_release(&b);
	return 0;
}
