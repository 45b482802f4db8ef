/* sc_signal - decoders for signals (rt_sigaction, rt_sigprocmask, ...)
 * and the siginfo of a "--- SIGCHLD {...} ---" line. */
#include <signal.h>
#include <string.h>

#include "lib/trace/syscall/sc.h"

static const struct sc_named sa_flags[] = {
	{ SA_NOCLDSTOP, "SA_NOCLDSTOP" },
	{ SA_NOCLDWAIT, "SA_NOCLDWAIT" },
	{ SA_SIGINFO, "SA_SIGINFO" },
	{ 0x04000000, "SA_RESTORER" },
	{ SA_ONSTACK, "SA_ONSTACK" },
	{ SA_RESTART, "SA_RESTART" },
	{ SA_NODEFER, "SA_NODEFER" },
	{ SA_RESETHAND, "SA_RESETHAND" },
	{ 0, NULL },
};

/* the kernel's struct sigaction: handler, flags, restorer, mask */
static void print_sigaction(struct sc_call *c, struct buf *o, unsigned long long addr)
{
	unsigned long long a[4];

	if (!addr) {
		buf_addstr(o, "NULL");
		return;
	}
	if (sc_mem_read(c, addr, a, sizeof(a))) {
		sc_ptr(o, addr);
		return;
	}
	buf_addstr(o, "{sa_handler=");
	if (a[0] == 0)
		buf_addstr(o, "SIG_DFL");
	else if (a[0] == 1)
		buf_addstr(o, "SIG_IGN");
	else
		sc_hex(o, a[0]);
	buf_addstr(o, ", sa_mask=");
	sc_sigset(c, o, addr + 24, 8);
	buf_addstr(o, ", sa_flags=");
	sc_flags(o, a[1], sa_flags, "0");
	if (a[1] & 0x04000000) {
		buf_addstr(o, ", sa_restorer=");
		sc_hex(o, a[2]);
	}
	buf_addc(o, '}');
}

static void dec_rt_sigaction(struct sc_call *c, struct buf *o, int exiting)
{
	if (!exiting) {
		sc_arg(c, o);
		sc_signal(o, c->args[0]);
		sc_arg(c, o);
		print_sigaction(c, o, c->args[1]);
		return;
	}
	sc_arg(c, o);
	if (c->ret < 0 && c->args[2])
		sc_ptr(o, c->args[2]);
	else
		print_sigaction(c, o, c->args[2]);
	sc_arg(c, o);
	sc_udec(o, c->args[3]);
}

static void dec_rt_sigprocmask(struct sc_call *c, struct buf *o, int exiting)
{
	static const struct sc_named how[] = {
		{ SIG_BLOCK, "SIG_BLOCK" },
		{ SIG_UNBLOCK, "SIG_UNBLOCK" },
		{ SIG_SETMASK, "SIG_SETMASK" },
		{ 0, NULL },
	};
	if (!exiting) {
		sc_arg(c, o);
		sc_xlat(o, (unsigned)c->args[0], how, 0);
		sc_arg(c, o);
		sc_sigset(c, o, c->args[1], c->args[3]);
		return;
	}
	sc_arg(c, o);
	if (c->ret < 0 && c->args[2])
		sc_ptr(o, c->args[2]);
	else
		sc_sigset(c, o, c->args[2], c->args[3]);
	sc_arg(c, o);
	sc_udec(o, c->args[3]);
}

static void dec_sigset_size(struct sc_call *c, struct buf *o, int exiting)
{
	sc_arg(c, o);
	sc_sigset(c, o, c->args[0], c->args[1]);
	sc_arg(c, o);
	sc_udec(o, c->args[1]);
}

static void dec_rt_sigpending(struct sc_call *c, struct buf *o, int exiting)
{
	if (!exiting)
		return;
	sc_arg(c, o);
	if (c->ret < 0)
		sc_ptr(o, c->args[0]);
	else
		sc_sigset(c, o, c->args[0], c->args[1]);
	sc_arg(c, o);
	sc_udec(o, c->args[1]);
}

static void dec_sigaltstack(struct sc_call *c, struct buf *o, int exiting)
{
	unsigned long long ss[3];
	int i = exiting ? 1 : 0;

	sc_arg(c, o);
	if (!c->args[i])
		buf_addstr(o, "NULL");
	else if ((exiting && c->ret < 0) || sc_mem_read(c, c->args[i], ss, sizeof(ss)))
		sc_ptr(o, c->args[i]);
	else
		buf_addf(o, "{ss_sp=%s%llx, ss_flags=%s, ss_size=%llu}", ss[0] ? "0x" : "", ss[0],
			 (unsigned)ss[1] == 1	? "SS_ONSTACK"
			 : (unsigned)ss[1] == 2 ? "SS_DISABLE"
						: "0",
			 ss[2]);
}

void sc_siginfo(struct buf *o, const void *p)
{
	const siginfo_t *si = p;
	static const struct sc_named si_codes[] = {
		{ (unsigned)SI_USER, "SI_USER" },
		{ (unsigned)SI_KERNEL, "SI_KERNEL" },
		{ (unsigned)SI_QUEUE, "SI_QUEUE" },
		{ (unsigned)SI_TIMER, "SI_TIMER" },
		{ (unsigned)SI_MESGQ, "SI_MESGQ" },
		{ (unsigned)SI_ASYNCIO, "SI_ASYNCIO" },
		{ (unsigned)SI_SIGIO, "SI_SIGIO" },
		{ (unsigned)SI_TKILL, "SI_TKILL" },
		{ 0, NULL },
	};
	static const struct sc_named cld[] = {
		{ CLD_EXITED, "CLD_EXITED" },
		{ CLD_KILLED, "CLD_KILLED" },
		{ CLD_DUMPED, "CLD_DUMPED" },
		{ CLD_TRAPPED, "CLD_TRAPPED" },
		{ CLD_STOPPED, "CLD_STOPPED" },
		{ CLD_CONTINUED, "CLD_CONTINUED" },
		{ 0, NULL },
	};
	static const struct sc_named segv[] = {
		{ SEGV_MAPERR, "SEGV_MAPERR" },
		{ SEGV_ACCERR, "SEGV_ACCERR" },
		{ 0, NULL },
	};
	const char *code;

	buf_addstr(o, "{si_signo=");
	sc_signal(o, (unsigned)si->si_signo);
	buf_addstr(o, ", si_code=");
	code = sc_xlat_name((unsigned)si->si_code, si_codes);
	if (!code && si->si_signo == SIGCHLD)
		code = sc_xlat_name((unsigned)si->si_code, cld);
	if (!code && si->si_signo == SIGSEGV)
		code = sc_xlat_name((unsigned)si->si_code, segv);
	if (code)
		buf_addstr(o, code);
	else
		sc_dec(o, si->si_code);
	if (si->si_code <= 0 && si->si_code != SI_KERNEL) {
		buf_addf(o, ", si_pid=%d, si_uid=%u", (int)si->si_pid, (unsigned)si->si_uid);
		if (si->si_code == SI_QUEUE)
			buf_addf(o, ", si_value={int=%d, ptr=%p}", si->si_value.sival_int,
				 si->si_value.sival_ptr);
	} else if (si->si_signo == SIGCHLD) {
		buf_addf(o, ", si_pid=%d, si_uid=%u, si_status=", (int)si->si_pid,
			 (unsigned)si->si_uid);
		if (si->si_code == CLD_EXITED)
			sc_dec(o, si->si_status);
		else
			sc_signal(o, (unsigned)si->si_status);
		buf_addf(o, ", si_utime=%ld, si_stime=%ld", (long)si->si_utime, (long)si->si_stime);
	} else if (si->si_signo == SIGSEGV || si->si_signo == SIGBUS || si->si_signo == SIGILL ||
		   si->si_signo == SIGFPE || si->si_signo == SIGTRAP) {
		buf_addstr(o, ", si_addr=");
		sc_ptr(o, (unsigned long long)(unsigned long)si->si_addr);
	}
	buf_addc(o, '}');
}

const struct sc_decoder sc_signal_decoders[] = {
	{ "rt_sigaction", dec_rt_sigaction }, { "rt_sigprocmask", dec_rt_sigprocmask },
	{ "rt_sigsuspend", dec_sigset_size }, { "rt_sigpending", dec_rt_sigpending },
	{ "sigaltstack", dec_sigaltstack },   { NULL, NULL },
};
