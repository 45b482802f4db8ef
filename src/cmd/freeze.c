/*
 * freeze, thaw - hold the suspect still.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmds.h"
#include "lib/hold/freeze.h"
#include "lib/proc/proc.h"
#include "util/diag.h"
#include "util/opt.h"

static const char *const freeze_usage[] = {
	"stranger freeze [--method=cgroup|signal] [--tree] PID",
	"",
	"Stop every thread of PID (with --tree, of its descendants too) so that it",
	"runs no instruction until `stranger thaw PID`.  The cgroup method (the",
	"default where a cgroup freezer is mounted) sends no signal, so neither the",
	"process nor its parent is told; the signal method is SIGSTOP.",
	"",
	"Each step is recorded before it is taken, so a freeze that is interrupted",
	"(Ctrl-C, SIGKILL) is undone by `stranger thaw PID` or finished by running",
	"the same freeze again.",
	NULL,
};

static const char *const thaw_usage[] = {
	"stranger thaw PID",
	"",
	"Undo `stranger freeze PID`, by the method that froze it: the processes",
	"go back to the cgroups they came from and run again.",
	NULL,
};

int cmd_freeze(int argc, char **argv)
{
	const char *method = NULL;
	int tree = 0, rc;
	enum freeze_method m = FREEZE_AUTO;
	struct freeze_result res;
	struct buf why = BUF_INIT;
	const struct opt opts[] = {
		OPT_STRING(0, "method", &method, "cgroup|signal",
			   "how to freeze (default: cgroup where available)"),
		OPT_BOOL(0, "tree", &tree, "freeze the descendants too"),
		OPT_END(),
	};
	pid_t pid;

	argc = opt_parse(argc, argv, opts, freeze_usage, 0);
	pid = cmd_pid_arg(freeze_usage, argc, argv, NULL);
	if (method) {
		unsigned av = freeze_available();
		if (!strcmp(method, "signal"))
			m = FREEZE_SIGNAL;
		else if (!strcmp(method, "cgroup"))
			m = av & (1u << FREEZE_CGROUP_V2)   ? FREEZE_CGROUP_V2
			    : av & (1u << FREEZE_CGROUP_V1) ? FREEZE_CGROUP_V1
							    : FREEZE_NONE;
		else if (!strcmp(method, "cgroup-v2"))
			m = FREEZE_CGROUP_V2;
		else if (!strcmp(method, "cgroup-v1"))
			m = FREEZE_CGROUP_V1;
		else
			opt_usage_error(freeze_usage, "unknown method '%.32s'", method);
		if (m == FREEZE_NONE)
			die("no cgroup freezer is mounted; try --method=signal");
	}
	rc = freeze_pid(pid, m, tree, &res, &why);
	if (rc == -ESRCH || rc == -ENOENT)
		die("%d: no such process", (int)pid);
	/* a reason of our own says it all; errno's words only add noise */
	if (rc && why.len && (rc == -EALREADY || rc == -EPERM || rc == -EINVAL))
		die("%d: %s", (int)pid, why.data);
	if (rc)
		die("%d: %s%s%s", (int)pid, why.len ? why.data : "", why.len ? ": " : "",
		    strerror(-rc));
	printf("froze %d by %s", (int)pid, freeze_method_name(res.method));
	if (res.cgroup[0])
		printf(" (%s)", res.cgroup);
	printf(": %zu process%s", res.npids, res.npids == 1 ? "" : "es");
	if (res.npids > 1)
		printf(" (%d and %zu descendant%s)", (int)pid, res.npids - 1,
		       res.npids == 2 ? "" : "s");
	printf(", %zu thread%s%s\n", res.nthreads, res.nthreads == 1 ? "" : "s",
	       res.resumed ? "; resumed an interrupted freeze" : "");
	printf("undo: stranger thaw %d\n", (int)pid);
	freeze_result_release(&res);
	buf_release(&why);
	return 0;
}

int cmd_thaw(int argc, char **argv)
{
	const struct opt opts[] = { OPT_END() };
	struct freeze_result res;
	struct buf why = BUF_INIT;
	size_t gone;
	pid_t pid;
	int rc;

	argc = opt_parse(argc, argv, opts, thaw_usage, 0);
	pid = cmd_pid_arg(thaw_usage, argc, argv, NULL);
	rc = freeze_thaw(pid, &res, &gone, &why);
	if (rc == -ENOENT)
		die("%d: not frozen by stranger", (int)pid);
	if (rc)
		die("%d: %s", (int)pid, strerror(-rc));
	if (why.len)
		warning("%s", why.data);
	printf("thawed %d by %s: %zu process%s, %zu thread%s", (int)pid,
	       freeze_method_name(res.method), res.npids - gone, res.npids - gone == 1 ? "" : "es",
	       res.nthreads, res.nthreads == 1 ? "" : "s");
	if (gone)
		printf("; %zu exited while frozen", gone);
	if (res.resumed)
		printf("; undid an interrupted freeze");
	printf("\n");
	freeze_result_release(&res);
	buf_release(&why);
	return 0;
}
