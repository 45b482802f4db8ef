/*
 * elfcore_aarch64 - what an aarch64 core needs: EM_AARCH64, the register
 * sets after NT_PRSTATUS (NT_FPREGSET holds the FP/SIMD registers,
 * NT_ARM_TLS the thread pointer), and general registers from
 * /proc/PID/task/TID/syscall (x8 holds the system call number, x0-x5 its
 * arguments).
 */
#if defined(__aarch64__)
#include <elf.h>
#include <stddef.h>
#include <string.h>

#include "lib/evidence/elfcore.h"

#ifndef NT_ARM_TLS
#define NT_ARM_TLS 0x401
#endif

/* the kernel's struct user_pt_regs */
struct aarch64_regs {
	unsigned long long regs[31];
	unsigned long long sp, pc, pstate;
};

static const struct elfcore_regset regsets[] = {
	{ NT_PRFPREG, "CORE" },
	{ NT_ARM_TLS, "LINUX" },
};

static void syscall_regs(void *gregs, size_t size, const struct elfcore_syscall *sc)
{
	struct aarch64_regs r;

	memset(&r, 0, sizeof(r));
	r.sp = sc->sp;
	r.pc = sc->pc;
	if (sc->nr >= 0) {
		for (int i = 0; i < 6; i++)
			r.regs[i] = sc->args[i];
		r.regs[8] = (unsigned long long)sc->nr;
	}
	memcpy(gregs, &r, size < sizeof(r) ? size : sizeof(r));
}

const struct elfcore_arch elfcore_arch = {
	EM_AARCH64, regsets, sizeof(regsets) / sizeof(regsets[0]), syscall_regs, NULL,
};
#endif
