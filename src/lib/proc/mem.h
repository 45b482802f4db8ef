/*
 * mem - read another process's memory.
 *
 * process_vm_readv first, in one large batch per call: it copies straight
 * from the target's pages and does not stop the target.  Where it stops
 * short (a page it cannot read), /proc/PID/mem is tried for that page (it
 * reaches some mappings process_vm_readv does not); a page neither can read
 * comes back as zeros and is counted, so a region always reads at its full
 * size and a core file keeps its layout.
 *
 * mem_present() asks /proc/PID/pagemap which pages of a range are backed
 * at all (resident or swapped), so untouched anonymous memory, which reads
 * as zeros, need not be read.
 *
 * Errors: 0, or -ESRCH when the process is gone (the rest of the buffer is
 * zeros), or -errno when it cannot be opened.  Nothing here writes to the
 * target or signals it.
 */
#ifndef STRANGER_LIB_MEM_H
#define STRANGER_LIB_MEM_H

#include <stddef.h>
#include <sys/types.h>

struct mem {
	pid_t pid;
	int memfd;     /* /proc/PID/mem, opened on first need; -1 if unusable */
	int pagemapfd; /* /proc/PID/pagemap, likewise */
	int tried_mem, tried_pagemap;
	int no_vmr; /* process_vm_readv refused: /proc/PID/mem only */
};

void mem_init(struct mem *m, pid_t pid);
void mem_release(struct mem *m);
/*
 * mem_read - fill buf with [addr, addr + n); unreadable pages become zeros
 * and their bytes are added to *bad.  0 or -ESRCH.
 */
int mem_read(struct mem *m, unsigned long long addr, void *buf, size_t n, unsigned long long *bad);
/*
 * mem_present - for npages pages from addr (page aligned), set present[i]
 * to 1 if the page is resident or swapped.  0, or -errno when pagemap
 * cannot be read (the caller then reads everything).
 */
int mem_present(struct mem *m, unsigned long long addr, size_t npages, unsigned char *present);

#endif
