/*
 * elfcore - write an ELF core file of a live process that gdb loads.
 *
 * Layout: the ELF header, one PT_NOTE and one PT_LOAD per mapping of the
 * maps snapshot, the notes, then each mapping's bytes at a page-aligned
 * offset.  Unlike gcore, file-backed code is included, so the core holds
 * the program's code even when its executable is gone.  A mapping that
 * cannot be read (no 'r' permission, [vvar], [vsyscall]) is a header with
 * p_filesz 0.  Notes: per thread NT_PRSTATUS followed by the architecture's
 * register sets (x86_64: NT_FPREGSET, NT_X86_XSTATE); once NT_PRPSINFO,
 * NT_AUXV and NT_FILE.  The main thread comes first.
 *
 * Memory is read with lib/mem in EVIDENCE_BUFSZ batches straight into the
 * evidence file's buffers: memory use does not grow with the target's
 * size.  All-zero pages become holes; untouched private anonymous memory
 * (pagemap) is not read at all.
 *
 * Registers: lib/seize holds every thread in a ptrace stop for the whole
 * dump.  When ptrace is refused (another tracer), memory is still dumped
 * and each thread's stack and instruction pointers (and system call
 * arguments) come from /proc/PID/task/TID/syscall; the process then keeps
 * running while it is read, and the stats say so.
 *
 * Errors: elfcore_dump() returns 0 when a core was written (possibly
 * partial: see stats and the warnings it issued through util/diag), or
 * -errno when none could be (the reason in why).
 *
 * Architecture code (register sets, /proc syscall fallback, e_machine)
 * lives in elfcore_ARCH.c, one file per architecture, each defining
 * elfcore_arch when compiled for its architecture.
 */
#ifndef STRANGER_LIB_ELFCORE_H
#define STRANGER_LIB_ELFCORE_H

#include <stddef.h>
#include <sys/types.h>

#include "util/buf.h"

struct evidence_file;

struct elfcore_stats {
	size_t regions;		    /* PT_LOAD headers */
	size_t regions_data;	    /* ... with data */
	unsigned long long bytes;   /* memory bytes in the core */
	unsigned long long missing; /* bytes that could not be read (zeros) */
	size_t threads;
	size_t threads_regs; /* threads with full registers */
	int ptrace_refused;  /* -errno from ptrace, 0 if it worked */
	int vanished;	     /* the process exited during the dump */
};

typedef void (*elfcore_progress_fn)(unsigned long long done, unsigned long long total, void *ctx);

/*
 * elfcore_dump - write the core of pid (procfd: proc_open(pid); maps: a
 * snapshot of /proc/PID/maps) into f.
 */
int elfcore_dump(pid_t pid, int procfd, const struct buf *maps, struct evidence_file *f,
		 struct elfcore_stats *st, elfcore_progress_fn progress, void *ctx,
		 struct buf *why);

/* What /proc/PID/task/TID/syscall says about a blocked thread. */
struct elfcore_syscall {
	long long nr; /* -1: not in a system call */
	unsigned long long args[6];
	unsigned long long sp, pc;
};
/* elfcore_parse_syscall - 0, or -EINVAL ("running", garbage) */
int elfcore_parse_syscall(const char *s, size_t n, struct elfcore_syscall *sc);
/*
 * elfcore_file_note - the NT_FILE descriptor for a maps text: count,
 * page size, (start, end, page offset) per file mapping, then the names.
 * Returns the number of file mappings, or -EINVAL on a malformed line
 * (lines before it are kept).
 */
int elfcore_file_note(const char *maps, size_t n, struct buf *desc);
/* elfcore_note - append one ELF note (name, type, desc, 4-byte padded) */
void elfcore_note(struct buf *out, const char *name, unsigned type, const void *desc,
		  size_t descsz);

/* For the architecture files. */
struct elfcore_regset {
	unsigned type;
	const char *name;
};
struct elfcore_arch {
	unsigned short machine;		      /* EM_* */
	const struct elfcore_regset *regsets; /* after NT_PRSTATUS */
	size_t nregsets;
	/* syscall_regs - the general registers (elf_gregset_t) from sc */
	void (*syscall_regs)(void *gregs, size_t size, const struct elfcore_syscall *sc);
	/*
	 * fix_regset - bring a register set into the layout debuggers read
	 * (NULL: none needed); returns the new length, at most cap.
	 */
	size_t (*fix_regset)(unsigned type, unsigned char *buf, size_t len, size_t cap);
};
extern const struct elfcore_arch elfcore_arch;

#endif
