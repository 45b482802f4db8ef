/*
 * stranger - live response for a machine that has been broken into.
 *
 * main() is a checklist (after Postfix): make sure fds 0-2 are open, set
 * the umask, find the command, run it, and make sure its output reached
 * stdout before reporting success.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmds.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/escape.h"
#include "version.h"

mode_t stranger_user_umask = 022;

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	/* look */
	{ "ps", cmd_ps, "list processes, flagging what is suspicious" },
	{ "lsof", cmd_lsof, "list open files, sockets and mapped files" },
	/* hold */
	{ "freeze", cmd_freeze, "stop a process (and its tree) without telling it" },
	{ "thaw", cmd_thaw, "undo freeze" },
	/* take */
	{ "recover", cmd_recover, "copy out a process's deleted executable and files" },
	{ "dump", cmd_dump, "write an ELF core file of a process (gdb loads it)" },
	/* read */
	{ "strings", cmd_strings, "printable strings of files, as GNU strings prints them" },
	{ "sdiff", cmd_sdiff, "compare the strings of a known-good file with a suspect's" },
	/* watch */
	{ "trace", cmd_trace, "system calls as strace shows them, with a wiretap" },
	/* check */
	{ "baseline", cmd_baseline, "record files' metadata and SHA-256 in a baseline DB" },
	{ "keygen", cmd_keygen, "make the key pair that signs baselines" },
	{ "verify", cmd_verify, "compare files with a baseline DB or with their packages" },
	{ "hidden", cmd_hidden, "ask the system several ways; report what it hides" },
	/* run */
	{ "sandbox", cmd_sandbox, "run an unknown program in a throw-away copy of this machine" },
	/* when */
	{ "timeline", cmd_timeline, "file times, process starts and logins in one timeline" },
	{ "chains", cmd_chains, "connection chains across hosts from their logs" },
	/* case */
	{ "collect", cmd_collect, "collect a whole case in order of volatility, sealed" },
	{ "report", cmd_report, "a case folder as one page, findings first" },
	{ "fleet", cmd_fleet, "one table of findings from a hunt across many hosts" },
	{ NULL, NULL, NULL },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: stranger COMMAND [OPTIONS] [ARGS]\n"
		     "       stranger --version\n\ncommands:\n");
	for (size_t i = 0; commands[i].name; i++)
		fprintf(out, "    %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\nstranger COMMAND --help shows a command's options; "
		     "man stranger has the rest.\n");
}

/* Make sure 0, 1 and 2 are open, so no file we open becomes "stdout". */
static void sane_fds(void)
{
	for (int fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		if (open("/dev/null", fd ? O_WRONLY : O_RDONLY) != fd)
			_exit(2);
	}
}

int main(int argc, char **argv)
{
	const struct command *cmd = NULL;
	int rc;

	sane_fds();
	/* evidence is for the responder's eyes only; a command stranger runs
	 * for the user (trace -- CMD) gets the user's own umask back */
	stranger_user_umask = umask(077);

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("stranger %s\n", STRANGER_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		if (argc > 2) {
			char *help[] = { argv[2], "--help", NULL };
			for (size_t i = 0; commands[i].name; i++)
				if (!strcmp(commands[i].name, argv[2])) {
					diag_set_command(commands[i].name);
					return commands[i].fn(2, help);
				}
		}
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; commands[i].name; i++)
		if (!strcmp(commands[i].name, argv[1]))
			cmd = &commands[i];
	if (!cmd) {
		struct buf b = BUF_INIT;
		escape_bytes(&b, argv[1], strnlen(argv[1], 64));
		error("unknown command '%s'; try 'stranger help'", b.data);
		buf_release(&b);
		return 2;
	}
	diag_set_command(cmd->name);
	rc = cmd->fn(argc - 1, argv + 1);

	/* Output that did not reach stdout is lost evidence: say so. */
	if (fflush(stdout) || ferror(stdout)) {
		if (errno != EPIPE)
			error_errno("write error on standard output");
		return 2;
	}
	return rc;
}
