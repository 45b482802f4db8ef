/*
 * sbfilter - the sandbox's seccomp filter: what the program may not ask
 * the shared kernel for.
 *
 * Refused: loading and removing kernel modules, kexec, reboot, bpf,
 * perf_event_open, the keyring calls, ptrace (except PTRACE_TRACEME: a
 * program checking for a debugger that way sees no difference), reading
 * and writing other processes' memory, mount and the new mount API,
 * pivot_root, swap, setting the clock (the clock is not namespaced),
 * syslog, acct, quotactl, open_by_handle_at, iopl/ioperm, and what kernel
 * exploits like and programs rarely need: userfaultfd, io_uring, and new
 * namespaces (unshare or clone with a CLONE_NEW* flag; a user namespace
 * would hand the program capabilities over fresh kernel objects).  clone3
 * answers ENOSYS (its flags are out of the filter's reach; the C library
 * then uses clone).  Calls of a foreign ABI (i386 or x32 on x86-64) are
 * refused too, since their numbers differ.
 *
 * Every refusal is a SECCOMP_RET_USER_NOTIF: the kernel parks the calling
 * thread and hands the call to the supervisor outside the sandbox, which
 * records it (pid, call, arguments) and answers EPERM.  So a refusal is
 * seen whatever tracer watches (the bpf tracer does not see a call seccomp
 * stops before its entry tracepoint), and the program sees the plain
 * EPERM an unprivileged user gets.  If the supervisor is gone, the kernel
 * answers ENOSYS.
 *
 * sbfilter_install() needs no_new_privs (or CAP_SYS_ADMIN) and returns
 * the listener fd, or -errno.  sbfilter_serve() answers one pending
 * notification; 0, -ENOENT when the caller vanished, or -errno.
 */
#ifndef STRANGER_LIB_SANDBOX_SBFILTER_H
#define STRANGER_LIB_SANDBOX_SBFILTER_H

#include <sys/types.h>

struct sbfilter_refusal {
	double time;   /* seconds since the run started */
	pid_t pid;     /* in the supervisor's PID namespace */
	int nr;	       /* system call number */
	unsigned arch; /* AUDIT_ARCH_* */
	unsigned long long args[6];
};

int sbfilter_install(void);
int sbfilter_serve(int listener, struct sbfilter_refusal *out);
/* sbfilter_name - the call's name ("init_module"), or NULL */
const char *sbfilter_name(unsigned arch, int nr);

#endif
