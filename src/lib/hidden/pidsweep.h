/*
 * pidsweep - which PIDs are in use, asked of the kernel's PID table by a
 * BPF program instead of by one system call per PID.
 *
 * The program (pidsweep.bpf.c, embedded as a libbpf skeleton) is
 * a BPF_PROG_TYPE_SYSCALL program that user space runs on demand with
 * BPF_PROG_TEST_RUN: for each PID of a range it calls the kfunc
 * bpf_task_from_vpid(), the kernel's own lookup in the caller's PID
 * namespace, and sets a bit in a bitmap that user space reads through the
 * map's memory mapping.  pidsweep_run() covers [1, max) in chunks, from
 * several threads at once, each chunk a whole number of bitmap words.
 * What a rootkit does to readdir, kill or getpgid does not reach this
 * answer; what it does to the PID table itself reaches every view alike.
 *
 * The kfuncs' BTF ids are found by a walk of /sys/kernel/btf/vmlinux
 * (mapped, where the kernel allows it) and patched into the program before
 * it is loaded, so libbpf never parses the whole vmlinux BTF.
 *
 * Errors: functions return 0 (or a count) or -errno; pidsweep_open()
 * fails with -EPERM without CAP_BPF/CAP_SYS_ADMIN, -ENOENT when the kernel
 * has no BTF or lacks a kfunc, or another -errno when the program is
 * refused, and pidsweep_strerror() says what failed.  The caller is
 * expected to fall back to probing PIDs with system calls.  Nothing is
 * printed.
 *
 * Limits: PIDs from PS_PID_LIMIT (4194304, the kernel's own limit) up are
 * not looked at.  The lookup sees tasks, so a thread's id counts as in use,
 * as it does for kill(2) and /proc/TID.
 */
#ifndef STRANGER_LIB_PIDSWEEP_H
#define STRANGER_LIB_PIDSWEEP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct pidsweep;

/* pidsweep_open - load the program; 0 or -errno (see pidsweep_strerror) */
int pidsweep_open(struct pidsweep **out);
void pidsweep_close(struct pidsweep *s);
const char *pidsweep_strerror(void);

/*
 * pidsweep_run - set bit p of bits (bits[p / 64] >> p % 64) for every PID
 * p in [1, max) that is in use; bits holds max / 64 + 1 words and is
 * cleared first.  threads: how many threads run chunks at once (at least
 * 1).  0 or -errno.
 */
int pidsweep_run(struct pidsweep *s, long max, int threads, uint64_t *bits);

/* pidsweep_one - 1 when pid is in use, 0 when not, or -errno */
int pidsweep_one(struct pidsweep *s, pid_t pid);

/*
 * pidsweep_btf_funcs - in one walk of raw BTF data (untrusted; fuzzed),
 * the type id of each function (BTF_KIND_FUNC) named in names[0..n-1]
 * into ids (0 when absent).  0 when all are found, -ENOENT when some are
 * not, -EINVAL when the data is not BTF this walk understands.
 */
int pidsweep_btf_funcs(const void *data, size_t len, const char *const *names, size_t n,
		       uint32_t *ids);

#endif
