#include "lib/trace/pathtrace.h"

#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/xalloc.h"

static void push(struct trace_paths *p, const char *s)
{
	p->v = xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
	p->v[p->n++] = xstrdup(s);
}

void trace_paths_add(struct trace_paths *p, const char *path, char **resolved)
{
	char *r = realpath(path, NULL);

	*resolved = NULL;
	push(p, path);
	if (r && strcmp(r, path)) {
		push(p, r);
		*resolved = xstrdup(r);
	}
	free(r);
}

void trace_paths_release(struct trace_paths *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

int trace_paths_fd(const struct trace_paths *p, pid_t pid, int fd)
{
	char link[64], target[PATH_MAX];
	ssize_t len;

	if (fd < 0)
		return 0;
	snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, fd);
	len = readlink(link, target, sizeof(target) - 1);
	if (len <= 0)
		return 0;
	target[len] = 0;
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(target, p->v[i]))
			return 1;
	return 0;
}

static int is(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(name, *list))
			return 1;
	return 0;
}

/* calls of the descriptor class whose first argument is not a descriptor */
static const char *const no_fd[] = {
	"bpf",
	"epoll_create",
	"epoll_create1",
	"eventfd",
	"eventfd2",
	"fanotify_init",
	"inotify_init",
	"inotify_init1",
	"io_uring_setup",
	"memfd_create",
	"memfd_secret",
	"perf_event_open",
	"pipe",
	"pipe2",
	"quotactl",
	"socket",
	"socketpair",
	"timerfd_create",
	"userfaultfd",
	"pidfd_open",
	"open_tree",
	"fsopen",
	"fspick",
	"mount_setattr",
	"landlock_create_ruleset",
	NULL,
};

/* the second descriptor argument's index, or 0 */
static int second_fd(const char *name)
{
	static const char *const at1[] = { "dup2", "dup3", "sendfile", "tee", "symlinkat", NULL };
	static const char *const at2[] = { "splice",	"copy_file_range", "linkat",	 "renameat",
					   "renameat2", "epoll_ctl",	   "move_mount", NULL };

	if (is(name, at1))
		return 1;
	if (is(name, at2))
		return 2;
	if (!strcmp(name, "mmap"))
		return 4;
	if (!strcmp(name, "fanotify_mark"))
		return 3;
	return 0;
}

/* poll, ppoll: the descriptors of the pollfd array */
static int poll_set(const struct trace_paths *p, struct sc_call *c)
{
	unsigned long long n = c->args[1] > 1024 ? 1024 : c->args[1];

	for (unsigned long long i = 0; i < n; i++) {
		struct pollfd pfd;
		if (!c->mem || c->mem(c->mem_ctx, c->args[0] + i * sizeof(pfd), &pfd,
				      sizeof(pfd)) != (long)sizeof(pfd))
			return 0;
		if (trace_paths_fd(p, c->pid, pfd.fd))
			return 1;
	}
	return 0;
}

/* select, pselect6: the descriptors of the three sets */
static int select_sets(const struct trace_paths *p, struct sc_call *c)
{
	int nfds = (int)c->args[0];
	unsigned char set[128];

	if (nfds <= 0)
		return 0;
	if (nfds > 1024)
		nfds = 1024;
	for (int k = 1; k <= 3; k++) {
		size_t bytes = ((size_t)nfds + 63) / 64 * 8;
		if (!c->args[k] || !c->mem ||
		    c->mem(c->mem_ctx, c->args[k], set, bytes) != (long)bytes)
			continue;
		for (int fd = 0; fd < nfds; fd++)
			if ((set[fd / 8] >> (fd % 8) & 1) && trace_paths_fd(p, c->pid, fd))
				return 1;
	}
	return 0;
}

int trace_paths_call_fds(const struct trace_paths *p, struct sc_call *c)
{
	const char *name;
	int k;

	if (!c->ent)
		return 0;
	name = c->ent->name;
	if (!strcmp(name, "poll") || !strcmp(name, "ppoll"))
		return poll_set(p, c);
	if (!strcmp(name, "select") || !strcmp(name, "pselect6"))
		return select_sets(p, c);
	if (!(c->ent->classes & (SC_CLASS_DESC | SC_CLASS_NETWORK)) || is(name, no_fd))
		return 0;
	if (strcmp(name, "mmap") && strcmp(name, "symlinkat") &&
	    trace_paths_fd(p, c->pid, (int)c->args[0]))
		return 1;
	k = second_fd(name);
	return k && trace_paths_fd(p, c->pid, (int)c->args[k]);
}
