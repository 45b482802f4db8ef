/*
 * sbtrace - what a sandboxed program did, read back from its trace.
 *
 * The input is the strace-format text `stranger trace -f -tt` writes
 * ("PID HH:MM:SS.uuuuuu call(args) = ret", with "<unfinished ...>" and
 * "<... call resumed>" halves, "+++ exited with N +++", "--- SIGNAL {...}
 * ---" and " | " wiretap lines).  It is the program's doing, so every
 * byte is hostile: lines are parsed with bounds, a line that does not
 * parse is counted and skipped, and the strings kept are the trace's own
 * quoted text (already escaped by the tracer, so printable).
 *
 * Kept: processes (parent, every successful execve/execveat with its
 * argv, how each ended), network calls with an address (connect, sendto,
 * bind; the address as the program gave it), listening sockets (a listen
 * on a bound fd), signals received and sent (kill, tkill, tgkill), and
 * file changes the kernel refused (an open for writing, unlink, rename,
 * mkdir, chmod ... that returned an error), and the wiretap: what each
 * accepted or connected socket read and wrote (read, write, recvfrom,
 * sendto, recv, send), in order, as the tracer quoted it.
 *
 * Errors: sbtrace_parse() cannot fail; `bad` counts lines it skipped.
 */
#ifndef STRANGER_LIB_SANDBOX_SBTRACE_H
#define STRANGER_LIB_SANDBOX_SBTRACE_H

#include <stddef.h>
#include <sys/types.h>

struct sbt_exec {
	char *time; /* "HH:MM:SS.uuuuuu" */
	char *path; /* quoted, as traced; "fd N" for execveat */
	char *argv; /* the [...] list, as traced */
};

struct sbt_proc {
	pid_t pid, ppid; /* ppid 0: the first process */
	char *start;	 /* time of the clone that made it */
	struct sbt_exec *exec;
	size_t nexec;
	int ended;    /* 0 unknown, 1 exited, 2 killed */
	int code;     /* exit code or signal name index */
	char end[48]; /* "exited with 0", "killed by SIGKILL" */
};

struct sbt_net {
	char *time;
	pid_t pid;
	char call[32];	 /* connect, sendto, bind, listen */
	char family[12]; /* AF_INET, AF_INET6, AF_UNIX, ... */
	char *addr;	 /* address text (quoted text of the trace, unquoted) */
	unsigned port;
	int fd;
	char *result; /* "0", "-1 ECONNREFUSED" */
};

struct sbt_event { /* signals and refused file changes */
	char *time;
	pid_t pid;
	char *text; /* the trace's line, from the call on */
};

/* what went over a socket, from the read and write calls on it */
struct sbt_conv {
	char *time;
	pid_t pid;
	int fd;
	int open;     /* not yet closed */
	char how[12]; /* "accepted" or "connected" */
	char *text;   /* "-> \"...\"\n<- \"...\"\n", the tracer's escaped text */
	size_t len;
	int cut;   /* more went over than is kept */
	char last; /* direction of the last data: '<' in, '-' out */
};

#define SBT_CONV_MAX 4096 /* bytes of text kept per conversation */

struct sb_trace {
	struct sbt_conv *convs;
	size_t nconvs;
	struct sbt_proc *procs;
	size_t nprocs;
	struct sbt_net *nets; /* connect, sendto */
	size_t nnets;
	struct sbt_net *listens; /* listen on a bound socket, with its address */
	size_t nlistens;
	struct sbt_event *signals;
	size_t nsignals;
	struct sbt_event *denied; /* file changes the kernel refused */
	size_t ndenied;
	struct sbt_event *eperm; /* any call answered EPERM */
	size_t neperm;
	size_t lines, calls, bad;
};

void sbtrace_parse(const char *data, size_t n, struct sb_trace *t);
void sbtrace_release(struct sb_trace *t);
/* sbtrace_proc - the process record of pid, or NULL */
const struct sbt_proc *sbtrace_proc(const struct sb_trace *t, pid_t pid);

#endif
