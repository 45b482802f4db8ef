/*
 * sbfilter - the sandbox's seccomp filter (see sbfilter.h).
 *
 * A classic BPF program, written out here rather than through libseccomp:
 * it is one architecture check and one comparison per refused call, and
 * the supervisor needs the listener fd that only the raw seccomp(2) call
 * with SECCOMP_FILTER_FLAG_NEW_LISTENER returns.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/sandbox/sbfilter.h"
#include "lib/trace/syscall/syscall.h"

#if defined(__x86_64__)
#define SB_ARCH AUDIT_ARCH_X86_64
#define SB_X32_BIT 0x40000000u
#elif defined(__aarch64__)
#define SB_ARCH AUDIT_ARCH_AARCH64
#else
#error "sbfilter: unsupported architecture"
#endif

/* the refused calls, by this architecture's numbers */
static const int refused[] = {
#ifdef __NR_init_module
	__NR_init_module,
#endif
	__NR_finit_module,
	__NR_delete_module,
	__NR_kexec_load,
#ifdef __NR_kexec_file_load
	__NR_kexec_file_load,
#endif
	__NR_reboot,
	__NR_bpf,
	__NR_perf_event_open,
	__NR_add_key,
	__NR_request_key,
	__NR_keyctl,
	__NR_process_vm_readv,
	__NR_process_vm_writev,
	__NR_mount,
	__NR_umount2,
	__NR_pivot_root,
	__NR_move_mount,
	__NR_open_tree,
	__NR_fsopen,
	__NR_fsconfig,
	__NR_fsmount,
	__NR_fspick,
	__NR_mount_setattr,
	__NR_swapon,
	__NR_swapoff,
	__NR_settimeofday,
	__NR_clock_settime,
	__NR_clock_adjtime,
	__NR_adjtimex,
	__NR_syslog,
	__NR_acct,
	__NR_quotactl,
	__NR_open_by_handle_at,
#ifdef __NR_iopl
	__NR_iopl,
	__NR_ioperm,
#endif
	/* favourite tools of kernel exploits, rarely of programs */
	__NR_userfaultfd,
	__NR_io_uring_setup,
	__NR_io_uring_enter,
	__NR_io_uring_register,
};

/* calls refused only with one of these flags in args[0] */
static const int flagged[] = { __NR_unshare, __NR_clone };
#define NEW_NS_FLAGS                                                                               \
	(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | \
	 CLONE_NEWCGROUP)

#define NREF (sizeof(refused) / sizeof(refused[0]))

int sbfilter_install(void)
{
	/* arch, x32, clone3, ptrace, flagged calls, the list, the returns */
	struct sock_filter f[8 + 2 + 6 + 2 * 3 + NREF + 8];
	size_t n = 0, i;
	struct sock_fprog prog;
	long fd;

#define STMT(c, k) (f[n++] = (struct sock_filter)BPF_STMT(c, k))
#define JUMP(c, k, t, e) (f[n++] = (struct sock_filter)BPF_JUMP(c, k, t, e))
	/* [0] arch; a foreign ABI goes to the supervisor */
	STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	JUMP(BPF_JMP | BPF_JEQ | BPF_K, SB_ARCH, 1, 0);
	STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF);
	STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
#ifdef SB_X32_BIT
	JUMP(BPF_JMP | BPF_JGE | BPF_K, SB_X32_BIT, 0, 1);
	STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF);
#endif
	/*
	 * New namespaces (a user namespace first: it opens much of the kernel
	 * to an unprivileged program) are refused; clone3 keeps its flags in
	 * memory a filter cannot read, so it answers ENOSYS and the C library
	 * falls back to clone, whose flags are args[0].
	 */
	JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, 0, 1);
	STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
	for (i = 0; i < sizeof(flagged) / sizeof(flagged[0]); i++) {
		JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)flagged[i], 0, 4);
		STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0]));
		JUMP(BPF_JMP | BPF_JSET | BPF_K, NEW_NS_FLAGS, 0, 1);
		STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF);
		STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	}
	STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	/* ptrace: PTRACE_TRACEME (0 in both halves of args[0]) is let through */
	JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_ptrace, 0, 5);
	STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0]));
	JUMP(BPF_JMP | BPF_JEQ | BPF_K, PTRACE_TRACEME, 0, 2);
	STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0]) + 4);
	JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, (unsigned char)(1 + NREF), 0);
	STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF);
	/* each refused call jumps to the USER_NOTIF return after the list */
	for (i = 0; i < NREF; i++)
		JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)refused[i], (unsigned char)(NREF - i), 0);
	STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF);
#undef STMT
#undef JUMP

	prog.len = (unsigned short)n;
	prog.filter = f;
	fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	return fd < 0 ? -errno : (int)fd;
}

int sbfilter_serve(int listener, struct sbfilter_refusal *out)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	/* the kernel's structures may be larger than these headers say */
	memset(&req, 0, sizeof(req));
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		return errno == ENOENT ? -ENOENT : -errno;
	memset(out, 0, sizeof(*out));
	out->pid = (pid_t)req.pid;
	out->nr = req.data.nr;
	out->arch = req.data.arch;
	memcpy(out->args, req.data.args, sizeof(out->args));
	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	resp.error = -EPERM;
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

const char *sbfilter_name(unsigned arch, int nr)
{
	const struct sc_entry *e;
	if (arch != SB_ARCH)
		return NULL;
#ifdef SB_X32_BIT
	if ((unsigned)nr & SB_X32_BIT)
		return NULL;
#endif
	e = sc_lookup_nr(sc_native_arch(), nr);
	return e ? e->name : NULL;
}
