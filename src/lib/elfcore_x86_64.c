/*
 * elfcore_x86_64 - what an x86_64 core needs: EM_X86_64, the register
 * sets after NT_PRSTATUS (the FXSAVE area as NT_FPREGSET, the XSAVE area
 * as NT_X86_XSTATE, whose software-reserved bytes tell gdb which features
 * it holds), and general registers from /proc/PID/task/TID/syscall.
 */
#if defined(__x86_64__)
#include <elf.h>
#include <stddef.h>
#include <string.h>
#include <sys/user.h>

#include "lib/elfcore.h"

static const struct elfcore_regset regsets[] = {
	{ NT_PRFPREG, "CORE" },
	{ NT_X86_XSTATE, "LINUX" },
};

static void syscall_regs(void *gregs, size_t size,
			 const struct elfcore_syscall *sc)
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

const struct elfcore_arch elfcore_arch = {
	EM_X86_64, regsets, sizeof(regsets) / sizeof(regsets[0]), syscall_regs,
};
#endif
