/*
 * common - what several commands ask of their arguments in the same words:
 * the one PID argument, the -o evidence folder, the process to open.
 */
#include <errno.h>
#include <string.h>

#include "cmd/cmds.h"
#include "lib/evidence/evidence.h"
#include "lib/proc/proc.h"
#include "util/diag.h"
#include "util/opt.h"

pid_t cmd_pid_arg(const char *const *usage, int argc, char **argv, const char *const *output)
{
	pid_t pid;

	if (argc != 1)
		opt_usage_error(usage, argc ? "exactly one PID, please" : "no PID given");
	if (output && !*output)
		opt_usage_error(usage, "-o DIR is required");
	if (proc_parse_pid(argv[0], &pid))
		die("'%.64s': not a process ID", argv[0]);
	return pid;
}

int cmd_proc_open(pid_t pid)
{
	int procfd = proc_open(pid);

	struct buf sb = BUF_INIT;
	struct proc_stat st;

	if (procfd < 0)
		die("%d: no such process", (int)pid);
	/* a zombie has no memory, files or threads left to take or hold */
	if (!proc_read_at(procfd, "stat", &sb) && !proc_parse_stat(sb.data, sb.len, &st) &&
	    st.state == 'Z')
		die("%d: is a zombie: no memory left", (int)pid);
	buf_release(&sb);
	return procfd;
}

struct evidence *cmd_evidence_open(const char *dir, int argc, char **argv)
{
	struct evidence *ev;
	int rc = evidence_open(dir, argc, argv, &ev);

	if (rc == -ENOTEMPTY)
		die("%s: exists and is not empty; evidence is never mixed", dir);
	if (rc)
		die("%s: %s", dir, strerror(-rc));
	return ev;
}
