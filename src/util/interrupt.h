/*
 * interrupt - a Ctrl-C that stops the work, not the program.
 *
 * interrupt_catch() turns SIGINT, SIGTERM and SIGHUP into a flag
 * (SA_RESTART, so no system call fails with EINTR because of it); long
 * loops poll interrupt_signal() and wind down: what was written is kept
 * and marked partial, a stopped target is resumed, and the command exits
 * with 128 + the signal.  A second signal of the same kind while winding
 * down ends the program at once (the default action).
 *
 * interrupt_raise_after(name, n) is a test point: when the environment
 * variable `name` holds a number N and n reaches N, the process sends
 * itself SIGINT, so tests can interrupt work at an exact place.
 */
#ifndef STRANGER_UTIL_INTERRUPT_H
#define STRANGER_UTIL_INTERRUPT_H

void interrupt_catch(void);
/* interrupt_signal - the signal caught, or 0 */
int interrupt_signal(void);
/* interrupt_name - "SIGINT", "SIGTERM", "SIGHUP" */
const char *interrupt_name(int sig);
void interrupt_raise_after(const char *name, unsigned long long n);

#endif
