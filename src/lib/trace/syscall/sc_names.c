/* sc_names - the names of signals and errors, as strace spells them. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/trace/syscall/sc.h"

const char *sc_signame(int sig)
{
	static char rt[16];
	const char *ab;

	/* real-time signals by the kernel's numbering, as strace names them
	 * (glibc's SIGRTMIN is 34: it keeps 32 and 33 for itself) */
	if (sig == 32)
		return "SIGRTMIN";
	if (sig > 32 && sig <= 64) {
		snprintf(rt, sizeof(rt), "SIGRT_%d", sig - 32);
		return rt;
	}
	ab = sigabbrev_np(sig);
	if (!ab)
		return NULL;
	/* sigabbrev_np says "IOT"/"CLD"/"POLL" for some; strace's spelling */
	static const struct {
		const char *from, *to;
	} fix[] = { { "CHLD", "SIGCHLD" }, { "IO", "SIGIO" },	  { "POLL", "SIGIO" },
		    { "IOT", "SIGABRT" },  { "ABRT", "SIGABRT" }, { "CLD", "SIGCHLD" } };
	for (size_t i = 0; i < sizeof(fix) / sizeof(fix[0]); i++)
		if (!strcmp(ab, fix[i].from))
			return fix[i].to;
	static char name[24];
	snprintf(name, sizeof(name), "SIG%s", ab);
	return name;
}

int sc_signal_parse(const char *s)
{
	long v;
	char *end;

	if (!*s)
		return -1;
	v = strtol(s, &end, 10);
	if (!*end)
		return v > 0 && v < 65 ? (int)v : -1;
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (int sig = 1; sig < 65; sig++) {
		const char *n = sc_signame(sig);
		if (n && !strcasecmp(n + 3, s))
			return sig;
	}
	return -1;
}

const char *sc_errname(int err)
{
	switch (err) {
	case 512:
		return "ERESTARTSYS";
	case 513:
		return "ERESTARTNOINTR";
	case 514:
		return "ERESTARTNOHAND";
	case 515:
		return "ENOIOCTLCMD";
	case 516:
		return "ERESTART_RESTARTBLOCK";
	default:
		return strerrorname_np(err);
	}
}

const char *sc_errtext(int err)
{
	switch (err) {
	case 512:
		return "To be restarted if SA_RESTART is set";
	case 513:
		return "To be restarted";
	case 514:
		return "To be restarted if no handler";
	case 516:
		return "Interrupted by signal";
	default:
		return strerror(err);
	}
}
