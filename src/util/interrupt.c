#include "util/interrupt.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
	struct sigaction sa;
	caught = sig;
	/* the next one of the kind is not asked twice */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigaction(sig, &sa, NULL);
}

void interrupt_catch(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

int interrupt_signal(void)
{
	return caught;
}

const char *interrupt_name(int sig)
{
	switch (sig) {
	case SIGINT:
		return "SIGINT";
	case SIGTERM:
		return "SIGTERM";
	case SIGHUP:
		return "SIGHUP";
	}
	return "a signal";
}

void interrupt_raise_after(const char *name, unsigned long long n)
{
	const char *e = getenv(name);
	char *end;
	unsigned long long want;

	if (!e || !*e)
		return;
	want = strtoull(e, &end, 10);
	if (!*end && n >= want && !caught)
		raise(SIGINT);
}
