/*
 * cmds - the entry point of every subcommand.  Each lives in
 * src/cmd/NAME.c, takes the arguments after the command name (argv[0] is
 * the command name) and returns the exit status: 0 nothing found, 1
 * something found, 2 failure.
 */
#ifndef STRANGER_CMD_CMDS_H
#define STRANGER_CMD_CMDS_H

#include <sys/types.h>

/* the umask stranger was started with (main sets 077 for itself) */
extern mode_t stranger_user_umask;

struct evidence;

/*
 * Shared by the commands that take one process (cmd/common.c); each dies
 * with the command's one-line message (exit 2) on what it cannot use.
 *
 * cmd_pid_arg - the PID that is the one argument left after the options:
 * a usage error unless there is exactly one, or (output not NULL) when
 * *output, the -o DIR, was not given.
 */
pid_t cmd_pid_arg(const char *const *usage, int argc, char **argv, const char *const *output);
/* cmd_proc_open - proc_open(pid), or "PID: no such process" */
int cmd_proc_open(pid_t pid);
/* cmd_evidence_open - create the evidence folder dir; the case log
 * records argc/argv, the command line as given */
struct evidence *cmd_evidence_open(const char *dir, int argc, char **argv);

/* look */
int cmd_ps(int argc, char **argv);
int cmd_lsof(int argc, char **argv);
/* hold */
int cmd_freeze(int argc, char **argv);
int cmd_thaw(int argc, char **argv);
/* take */
int cmd_recover(int argc, char **argv);
int cmd_dump(int argc, char **argv);
/* read */
int cmd_strings(int argc, char **argv);
int cmd_sdiff(int argc, char **argv);
/* watch */
int cmd_trace(int argc, char **argv);
/* check */
int cmd_baseline(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_hidden(int argc, char **argv);
/* run */
int cmd_sandbox(int argc, char **argv);
/* when */
int cmd_timeline(int argc, char **argv);
int cmd_chains(int argc, char **argv);
/* case */
int cmd_collect(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_fleet(int argc, char **argv);

#endif
