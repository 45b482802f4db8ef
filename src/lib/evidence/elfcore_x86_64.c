/*
 * elfcore_x86_64 - what an x86_64 core needs: EM_X86_64, the register
 * sets after NT_PRSTATUS (the FXSAVE area as NT_FPREGSET, the XSAVE area
 * as NT_X86_XSTATE, whose software-reserved bytes tell gdb which features
 * it holds), and general registers from /proc/PID/task/TID/syscall.
 *
 * The XSAVE area's layout is the CPU's (CPUID leaf 0xD gives each
 * component's offset); AMD processors without MPX pack the AVX-512
 * components lower than Intel's.  Debuggers read the classic layout (x87
 * and SSE, header, AVX at 576, MPX at 960, AVX-512 at 1088/1152/1664, PKRU
 * at 2688), so each component is moved to its classic offset: the same
 * register values, in the place gdb looks for them.
 */
#if defined(__x86_64__)
#include <cpuid.h>
#include <elf.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/user.h>

#include "lib/evidence/elfcore.h"
#include "util/xalloc.h"

static const struct elfcore_regset regsets[] = {
	{ NT_PRFPREG, "CORE" },
	{ NT_X86_XSTATE, "LINUX" },
};

static void syscall_regs(void *gregs, size_t size, const struct elfcore_syscall *sc)
{
	struct user_regs_struct r;

	memset(&r, 0, sizeof(r));
	r.rsp = sc->sp;
	r.rip = sc->pc;
	r.orig_rax = (unsigned long long)sc->nr;
	if (sc->nr >= 0) {
		r.rdi = sc->args[0];
		r.rsi = sc->args[1];
		r.rdx = sc->args[2];
		r.r10 = sc->args[3];
		r.r8 = sc->args[4];
		r.r9 = sc->args[5];
		r.rax = (unsigned long long)-516; /* -ERESTARTNOHAND, as blocked */
	}
	r.cs = 0x33; /* a 64-bit user code segment, so gdb unwinds it as such */
	r.ss = 0x2b;
	memcpy(gregs, &r, size < sizeof(r) ? size : sizeof(r));
}

/* classic offset and size of XSAVE components 2..9 (0: not handled) */
static const struct {
	unsigned off, size;
} classic[10] = {
	[2] = { 576, 256 },  [3] = { 960, 64 },	   [4] = { 1024, 64 }, [5] = { 1088, 64 },
	[6] = { 1152, 512 }, [7] = { 1664, 1024 }, [9] = { 2688, 8 },
};

static size_t classic_size(uint64_t xcr0)
{
	if (xcr0 & (1u << 9))
		return 2696;
	if (xcr0 & 0xe0)
		return 2688;
	if (xcr0 & 0x18)
		return 1088;
	if (xcr0 & 0x04)
		return 832;
	return 576;
}

static size_t fix_regset(unsigned type, unsigned char *buf, size_t len, size_t cap)
{
	uint64_t xcr0;
	size_t want;
	unsigned char *out;
	int moved = 0;

	if (type != NT_X86_XSTATE || len < 576)
		return len;
	memcpy(&xcr0, buf + 464, sizeof(xcr0)); /* sw_reserved: xcr0 */
	want = classic_size(xcr0);
	if (want > cap)
		return len;
	out = xcalloc(1, want);
	memcpy(out, buf, 576);
	for (unsigned i = 2; i < 10; i++) {
		unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
		if (!(xcr0 & (1ull << i)) || !classic[i].size)
			continue;
		__cpuid_count(0xd, i, eax, ebx, ecx, edx);
		if (eax != classic[i].size || ebx + eax > len)
			continue;
		if (ebx != classic[i].off)
			moved = 1;
		memcpy(out + classic[i].off, buf + ebx, eax);
	}
	if (moved || len != want) {
		memcpy(buf, out, want);
		len = want;
	}
	free(out);
	return len;
}

const struct elfcore_arch elfcore_arch = {
	EM_X86_64, regsets, sizeof(regsets) / sizeof(regsets[0]), syscall_regs, fix_regset,
};
#endif
