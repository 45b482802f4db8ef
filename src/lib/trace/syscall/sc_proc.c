/* sc_proc - decoders for processes: execve, clone/fork, wait4, exit,
 * kill, the setuid family, prctl and ptrace itself. */
#include <linux/sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include "lib/trace/syscall/sc.h"

/* argv: ["a", "b"], cut after -s elements */
static void print_strv(struct sc_call *c, struct buf *o, unsigned long long addr)
{
	size_t max = c->opts ? c->opts->strsize : 32;

	if (!addr) {
		buf_addstr(o, "NULL");
		return;
	}
	buf_addc(o, '[');
	for (size_t i = 0;; i++) {
		unsigned long long p;
		if (sc_mem_read(c, addr + i * 8, &p, sizeof(p))) {
			if (!i) {
				buf_setlen(o, o->len - 1);
				sc_ptr(o, addr);
				return;
			}
			/* the array runs into unreadable memory: where */
			buf_add(o, ", ... /* ", 9);
			sc_ptr(o, addr + i * 8);
			buf_add(o, " */", 3);
			break;
		}
		if (!p)
			break;
		if (i)
			buf_add(o, ", ", 2);
		if (i >= max) {
			buf_add(o, "...", 3);
			break;
		}
		sc_str(c, o, p);
	}
	buf_addc(o, ']');
}

static void print_env(struct sc_call *c, struct buf *o, unsigned long long addr)
{
	size_t n = 0;

	if (c->opts && c->opts->verbose) {
		print_strv(c, o, addr);
		return;
	}
	sc_ptr(o, addr);
	if (!addr)
		return;
	for (; n < 65536; n++) {
		unsigned long long p;
		if (sc_mem_read(c, addr + n * 8, &p, sizeof(p))) {
			if (!n)
				return; /* unreadable: the address alone */
			break;
		}
		if (!p)
			break;
	}
	buf_addf(o, " /* %zu var%s */", n, n == 1 ? "" : "s");
}

static void dec_execve(struct sc_call *c, struct buf *o, int exiting)
{
	int at = !strcmp(c->ent->name, "execveat");
	if (at) {
		sc_arg(c, o);
		sc_dirfd(c, o, c->args[0]);
	}
	sc_arg(c, o);
	sc_path(c, o, c->args[at]);
	sc_arg(c, o);
	print_strv(c, o, c->args[at + 1]);
	sc_arg(c, o);
	print_env(c, o, c->args[at + 2]);
	if (at) {
		static const struct sc_named fl[] = {
			{ 0x1000, "AT_EMPTY_PATH" },
			{ 0x100, "AT_SYMLINK_NOFOLLOW" },
			{ 0, NULL },
		};
		sc_arg(c, o);
		sc_flags(o, c->args[4], fl, "0");
	}
}

static const struct sc_named clone_flags[] = {
	{ CLONE_VM, "CLONE_VM" },
	{ CLONE_FS, "CLONE_FS" },
	{ CLONE_FILES, "CLONE_FILES" },
	{ CLONE_SIGHAND, "CLONE_SIGHAND" },
	{ CLONE_PIDFD, "CLONE_PIDFD" },
	{ CLONE_PTRACE, "CLONE_PTRACE" },
	{ CLONE_VFORK, "CLONE_VFORK" },
	{ CLONE_PARENT, "CLONE_PARENT" },
	{ CLONE_THREAD, "CLONE_THREAD" },
	{ CLONE_NEWNS, "CLONE_NEWNS" },
	{ CLONE_SYSVSEM, "CLONE_SYSVSEM" },
	{ CLONE_SETTLS, "CLONE_SETTLS" },
	{ CLONE_PARENT_SETTID, "CLONE_PARENT_SETTID" },
	{ CLONE_CHILD_CLEARTID, "CLONE_CHILD_CLEARTID" },
	{ CLONE_DETACHED, "CLONE_DETACHED" },
	{ CLONE_UNTRACED, "CLONE_UNTRACED" },
	{ CLONE_CHILD_SETTID, "CLONE_CHILD_SETTID" },
	{ CLONE_NEWCGROUP, "CLONE_NEWCGROUP" },
	{ CLONE_NEWUTS, "CLONE_NEWUTS" },
	{ CLONE_NEWIPC, "CLONE_NEWIPC" },
	{ CLONE_NEWUSER, "CLONE_NEWUSER" },
	{ CLONE_NEWPID, "CLONE_NEWPID" },
	{ CLONE_NEWNET, "CLONE_NEWNET" },
	{ CLONE_IO, "CLONE_IO" },
	{ 0, NULL },
};

static void print_clone_flags(struct buf *o, unsigned long long f)
{
	unsigned long long sig = f & 0xff;
	f &= ~0xffULL;
	if (f)
		sc_flags(o, f, clone_flags, NULL);
	if (sig) {
		if (f)
			buf_addc(o, '|');
		sc_signal(o, sig);
	}
	if (!f && !sig)
		buf_addc(o, '0');
}

/* clone(flags, stack, parent_tid, child_tid, tls) on x86_64;
 * aarch64 swaps the last two */
static void dec_clone(struct sc_call *c, struct buf *o, int exiting)
{
	unsigned long long f = c->args[0];
	int ctid = c->arch == SC_ARCH_AARCH64 ? 4 : 3, tls = c->arch == SC_ARCH_AARCH64 ? 3 : 4;
	sc_arg(c, o);
	buf_addstr(o, "child_stack=");
	sc_ptr(o, c->args[1]);
	sc_arg(c, o);
	buf_addstr(o, "flags=");
	print_clone_flags(o, f);
	if (f & (CLONE_PARENT_SETTID | CLONE_PIDFD)) {
		sc_arg(c, o);
		buf_addstr(o, f & CLONE_PIDFD ? "parent_tid=" : "parent_tid=");
		sc_ptr(o, c->args[2]);
	}
	if (f & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) {
		sc_arg(c, o);
		buf_addstr(o, "child_tidptr=");
		sc_ptr(o, c->args[ctid]);
	}
	if (f & CLONE_SETTLS) {
		sc_arg(c, o);
		buf_addstr(o, "tls=");
		sc_ptr(o, c->args[tls]);
	}
}

static void dec_clone3(struct sc_call *c, struct buf *o, int exiting)
{
	unsigned long long a[8];
	sc_arg(c, o);
	if (c->args[1] < 64 || sc_mem_read(c, c->args[0], a, sizeof(a))) {
		sc_ptr(o, c->args[0]);
	} else {
		buf_addstr(o, "{flags=");
		sc_flags(o, a[0], clone_flags, "0");
		buf_addstr(o, ", exit_signal=");
		sc_signal(o, a[4]);
		buf_addstr(o, ", stack=");
		sc_ptr(o, a[5]);
		buf_addstr(o, ", stack_size=");
		sc_hex(o, a[6]);
		buf_addstr(o, "}");
	}
	sc_arg(c, o);
	sc_udec(o, c->args[1]);
}

static void print_wstatus(struct buf *o, int s)
{
	if (WIFEXITED(s))
		buf_addf(o, "[{WIFEXITED(s) && WEXITSTATUS(s) == %d}]", WEXITSTATUS(s));
	else if (WIFSIGNALED(s)) {
		buf_addstr(o, "[{WIFSIGNALED(s) && WTERMSIG(s) == ");
		sc_signal(o, (unsigned)WTERMSIG(s));
		if (WCOREDUMP(s))
			buf_addstr(o, " && WCOREDUMP(s)");
		buf_addstr(o, "}]");
	} else if (WIFSTOPPED(s)) {
		buf_addstr(o, "[{WIFSTOPPED(s) && WSTOPSIG(s) == ");
		sc_signal(o, (unsigned)WSTOPSIG(s));
		buf_addstr(o, "}]");
	} else if (WIFCONTINUED(s))
		buf_addstr(o, "[{WIFCONTINUED(s)}]");
	else
		buf_addf(o, "[%#x]", s);
}

static const struct sc_named wait_opts[] = {
	{ WNOHANG, "WNOHANG" },	      { WUNTRACED, "WSTOPPED" }, { WEXITED, "WEXITED" },
	{ WCONTINUED, "WCONTINUED" }, { WNOWAIT, "WNOWAIT" },	 { __WNOTHREAD, "__WNOTHREAD" },
	{ __WALL, "__WALL" },	      { __WCLONE, "__WCLONE" },	 { 0, NULL },
};

static void dec_wait4(struct sc_call *c, struct buf *o, int exiting)
{
	int s;
	if (!exiting) {
		sc_arg(c, o);
		sc_int(o, c->args[0]);
		return;
	}
	sc_arg(c, o);
	if (!c->args[1])
		buf_addstr(o, "NULL");
	else if (c->ret <= 0 || sc_mem_read(c, c->args[1], &s, sizeof(s)))
		sc_ptr(o, c->args[1]);
	else
		print_wstatus(o, s);
	sc_arg(c, o);
	sc_flags(o, (unsigned)c->args[2], wait_opts, "0");
	sc_arg(c, o);
	sc_rusage(c, o, c->args[3]);
}

/* waitid(idtype, id, infop, options, rusage) */
static void dec_waitid(struct sc_call *c, struct buf *o, int exiting)
{
	static const struct sc_named idtypes[] = {
		{ 0, "P_ALL" }, { 1, "P_PID" }, { 2, "P_PGID" }, { 3, "P_PIDFD" }, { 0, NULL },
	};
	unsigned char si[128];
	if (!exiting) {
		sc_arg(c, o);
		sc_xlat(o, (unsigned)c->args[0], idtypes, 0);
		sc_args(c, o, 1, 2);
		return;
	}
	sc_arg(c, o);
	if (!c->args[2])
		buf_addstr(o, "NULL");
	else if (c->ret < 0 || sc_mem_read(c, c->args[2], si, sizeof(si)))
		sc_ptr(o, c->args[2]);
	else if (!((const int *)(const void *)si)[0])
		buf_addstr(o, "{}"); /* WNOHANG, nothing to report */
	else
		sc_siginfo(o, si);
	sc_arg(c, o);
	sc_flags(o, (unsigned)c->args[3], wait_opts, "0");
	sc_arg(c, o);
	sc_rusage(c, o, c->args[4]);
}

static void dec_exit(struct sc_call *c, struct buf *o, int exiting)
{
	sc_arg(c, o);
	sc_int(o, c->args[0]);
	c->suppress_ret = 1;
}

static void dec_kill(struct sc_call *c, struct buf *o, int exiting)
{
	int n = c->ent->nargs;
	for (int i = 0; i < n - 1; i++) {
		sc_arg(c, o);
		sc_int(o, c->args[i]);
	}
	sc_arg(c, o);
	sc_signal(o, c->args[n - 1]);
}

static void dec_getres(struct sc_call *c, struct buf *o, int exiting)
{
	if (!exiting)
		return;
	for (int i = 0; i < 3; i++) {
		unsigned v;
		sc_arg(c, o);
		if (c->ret < 0 || sc_mem_read(c, c->args[i], &v, sizeof(v)))
			sc_ptr(o, c->args[i]);
		else
			buf_addf(o, "[%u]", v);
	}
}

/* an array of n gid_t: "[0, 4294901760]", cut after -s elements */
static void print_gids(struct sc_call *c, struct buf *o, unsigned long long addr,
		       unsigned long long n)
{
	size_t max = c->opts ? c->opts->strsize : 32;
	if (!addr) {
		buf_addstr(o, "NULL");
		return;
	}
	if (n > (1U << 16)) {
		sc_ptr(o, addr);
		return;
	}
	buf_addc(o, '[');
	for (unsigned long long i = 0; i < n; i++) {
		unsigned g;
		if (i)
			buf_add(o, ", ", 2);
		if (i >= max) {
			buf_add(o, "...", 3);
			break;
		}
		if (sc_mem_read(c, addr + 4 * i, &g, 4)) {
			if (!i) {
				buf_setlen(o, o->len - 1);
				sc_ptr(o, addr);
				return;
			}
			buf_add(o, "... /* ", 7);
			sc_ptr(o, addr + 4 * i);
			buf_add(o, " */", 3);
			break;
		}
		sc_uid(o, g);
	}
	buf_addc(o, ']');
}

static void dec_setgroups(struct sc_call *c, struct buf *o, int exiting)
{
	sc_arg(c, o);
	sc_int(o, c->args[0]);
	sc_arg(c, o);
	if ((int)c->args[0] < 0)
		sc_ptr(o, c->args[1]);
	else
		print_gids(c, o, c->args[1], (unsigned)c->args[0]);
}

static void dec_getgroups(struct sc_call *c, struct buf *o, int exiting)
{
	if (!exiting) {
		sc_arg(c, o);
		sc_int(o, c->args[0]);
		return;
	}
	sc_arg(c, o);
	if (c->ret < 0)
		sc_ptr(o, c->args[1]);
	else /* with a size of 0 nothing is written: [] */
		print_gids(c, o, c->args[1], (int)c->args[0] ? (unsigned long long)c->ret : 0);
}

static const char *const caps[] = {
	"CAP_CHOWN",
	"CAP_DAC_OVERRIDE",
	"CAP_DAC_READ_SEARCH",
	"CAP_FOWNER",
	"CAP_FSETID",
	"CAP_KILL",
	"CAP_SETGID",
	"CAP_SETUID",
	"CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE",
	"CAP_NET_BROADCAST",
	"CAP_NET_ADMIN",
	"CAP_NET_RAW",
	"CAP_IPC_LOCK",
	"CAP_IPC_OWNER",
	"CAP_SYS_MODULE",
	"CAP_SYS_RAWIO",
	"CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE",
	"CAP_SYS_PACCT",
	"CAP_SYS_ADMIN",
	"CAP_SYS_BOOT",
	"CAP_SYS_NICE",
	"CAP_SYS_RESOURCE",
	"CAP_SYS_TIME",
	"CAP_SYS_TTY_CONFIG",
	"CAP_MKNOD",
	"CAP_LEASE",
	"CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL",
	"CAP_SETFCAP",
	"CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN",
	"CAP_SYSLOG",
	"CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND",
	"CAP_AUDIT_READ",
	"CAP_PERFMON",
	"CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};

static const struct sc_named prctl_opts[] = {
	{ PR_SET_PDEATHSIG, "PR_SET_PDEATHSIG" },
	{ PR_GET_PDEATHSIG, "PR_GET_PDEATHSIG" },
	{ PR_GET_DUMPABLE, "PR_GET_DUMPABLE" },
	{ PR_SET_DUMPABLE, "PR_SET_DUMPABLE" },
	{ PR_GET_KEEPCAPS, "PR_GET_KEEPCAPS" },
	{ PR_SET_KEEPCAPS, "PR_SET_KEEPCAPS" },
	{ PR_SET_NAME, "PR_SET_NAME" },
	{ PR_GET_NAME, "PR_GET_NAME" },
	{ PR_GET_SECCOMP, "PR_GET_SECCOMP" },
	{ PR_SET_SECCOMP, "PR_SET_SECCOMP" },
	{ PR_CAPBSET_READ, "PR_CAPBSET_READ" },
	{ PR_CAPBSET_DROP, "PR_CAPBSET_DROP" },
	{ PR_SET_MM, "PR_SET_MM" },
	{ PR_SET_PTRACER, "PR_SET_PTRACER" },
	{ PR_SET_CHILD_SUBREAPER, "PR_SET_CHILD_SUBREAPER" },
	{ PR_GET_CHILD_SUBREAPER, "PR_GET_CHILD_SUBREAPER" },
	{ PR_SET_NO_NEW_PRIVS, "PR_SET_NO_NEW_PRIVS" },
	{ PR_GET_NO_NEW_PRIVS, "PR_GET_NO_NEW_PRIVS" },
	{ PR_SET_THP_DISABLE, "PR_SET_THP_DISABLE" },
	{ PR_CAP_AMBIENT, "PR_CAP_AMBIENT" },
	{ PR_SET_VMA, "PR_SET_VMA" },
	{ 0, NULL },
};

static void dec_prctl(struct sc_call *c, struct buf *o, int exiting)
{
	unsigned op = (unsigned)c->args[0];
	if (exiting) {
		if (op == PR_GET_NAME) {
			sc_arg(c, o);
			if (c->ret < 0)
				sc_ptr(o, c->args[1]);
			else
				sc_str(c, o, c->args[1]);
		}
		return;
	}
	sc_arg(c, o);
	sc_xlat(o, op, prctl_opts, 1);
	switch (op) {
	case PR_GET_DUMPABLE:
	case PR_GET_KEEPCAPS:
	case PR_GET_SECCOMP:
	case PR_GET_NO_NEW_PRIVS:
	case PR_GET_NAME:
		return;
	case PR_SET_NAME:
		sc_arg(c, o);
		sc_str(c, o, c->args[1]);
		return;
	case PR_SET_PDEATHSIG:
		sc_arg(c, o);
		sc_signal(o, c->args[1]);
		return;
	case PR_SET_DUMPABLE:
	case PR_SET_KEEPCAPS:
	case PR_SET_CHILD_SUBREAPER:
	case PR_CAPBSET_READ:
	case PR_CAPBSET_DROP:
		sc_arg(c, o);
		if (c->args[1] < sizeof(caps) / sizeof(caps[0]))
			buf_addstr(o, caps[c->args[1]]);
		else
			buf_addf(o, "%#llx /* CAP_??? */", c->args[1]);
		return;
	case PR_SET_NO_NEW_PRIVS:
		for (int i = 1; i < 5; i++) {
			sc_arg(c, o);
			sc_udec(o, c->args[i]);
		}
		return;
	default:
		for (int i = 1; i < 5; i++) {
			sc_arg(c, o);
			sc_hex(o, c->args[i]);
		}
	}
}

static const struct sc_named ptrace_reqs[] = {
	{ PTRACE_TRACEME, "PTRACE_TRACEME" },
	{ PTRACE_PEEKTEXT, "PTRACE_PEEKTEXT" },
	{ PTRACE_PEEKDATA, "PTRACE_PEEKDATA" },
	{ PTRACE_PEEKUSER, "PTRACE_PEEKUSER" },
	{ PTRACE_POKETEXT, "PTRACE_POKETEXT" },
	{ PTRACE_POKEDATA, "PTRACE_POKEDATA" },
	{ PTRACE_POKEUSER, "PTRACE_POKEUSER" },
	{ PTRACE_CONT, "PTRACE_CONT" },
	{ PTRACE_KILL, "PTRACE_KILL" },
	{ PTRACE_SINGLESTEP, "PTRACE_SINGLESTEP" },
	{ 12, "PTRACE_GETREGS" },
	{ 13, "PTRACE_SETREGS" },
	{ PTRACE_ATTACH, "PTRACE_ATTACH" },
	{ PTRACE_DETACH, "PTRACE_DETACH" },
	{ PTRACE_SYSCALL, "PTRACE_SYSCALL" },
	{ PTRACE_SETOPTIONS, "PTRACE_SETOPTIONS" },
	{ PTRACE_GETEVENTMSG, "PTRACE_GETEVENTMSG" },
	{ PTRACE_GETSIGINFO, "PTRACE_GETSIGINFO" },
	{ PTRACE_SETSIGINFO, "PTRACE_SETSIGINFO" },
	{ PTRACE_GETREGSET, "PTRACE_GETREGSET" },
	{ PTRACE_SETREGSET, "PTRACE_SETREGSET" },
	{ PTRACE_SEIZE, "PTRACE_SEIZE" },
	{ PTRACE_INTERRUPT, "PTRACE_INTERRUPT" },
	{ PTRACE_LISTEN, "PTRACE_LISTEN" },
	{ 0x420e, "PTRACE_GET_SYSCALL_INFO" },
	{ 0, NULL },
};

static void dec_ptrace(struct sc_call *c, struct buf *o, int exiting)
{
	unsigned req = (unsigned)c->args[0];
	sc_arg(c, o);
	sc_xlat(o, req, ptrace_reqs, 1);
	if (req == PTRACE_TRACEME)
		return;
	sc_arg(c, o);
	sc_int(o, c->args[1]);
	if (req == PTRACE_ATTACH || req == PTRACE_INTERRUPT || req == PTRACE_KILL)
		return;
	sc_arg(c, o);
	sc_hex(o, c->args[2]);
	sc_arg(c, o);
	sc_hex(o, c->args[3]);
}

const struct sc_decoder sc_proc_decoders[] = {
	{ "execve", dec_execve },	{ "execveat", dec_execve },	{ "clone", dec_clone },
	{ "clone3", dec_clone3 },	{ "wait4", dec_wait4 },		{ "exit", dec_exit },
	{ "exit_group", dec_exit },	{ "kill", dec_kill },		{ "tkill", dec_kill },
	{ "tgkill", dec_kill },		{ "getresuid", dec_getres },	{ "getresgid", dec_getres },
	{ "setgroups", dec_setgroups }, { "getgroups", dec_getgroups }, { "waitid", dec_waitid },
	{ "prctl", dec_prctl },		{ "ptrace", dec_ptrace },	{ NULL, NULL },
};
