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

#endif
