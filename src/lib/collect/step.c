#include "lib/collect/step.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/xalloc.h"

static int self_fd = -1;

double step_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int step_init(void)
{
	if (self_fd >= 0)
		return 0;
	/* O_CLOEXEC is fine for fexecve of an ELF binary (not of a script) */
	self_fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	return self_fd < 0 ? -errno : 0;
}

void step_result_release(struct step_result *r)
{
	buf_release(&r->err);
}

_Noreturn static void child(char **av, int out, int err)
{
	int null = open("/dev/null", O_RDONLY);
	static const char msg[] = "stranger: collect: cannot run the step\n";
	struct sigaction sa;

	setpgid(0, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	if (null >= 0)
		dup2(null, 0);
	if (out >= 0)
		dup2(out, 1);
	else if (null >= 0) {
		int w = open("/dev/null", O_WRONLY);
		if (w >= 0)
			dup2(w, 1);
	}
	dup2(err, 2);
	fexecve(self_fd, av, environ);
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(127);
	_exit(127);
}

static void end_group(pid_t pid, int sig)
{
	kill(-pid, sig);
	kill(pid, sig);
}

int step_run(struct evidence *ev, char *const argv[], const char *out_name, double limit,
	     volatile sig_atomic_t *stop, struct step_result *r)
{
	int op[2] = { -1, -1 }, ep[2];
	struct evidence_file *f = NULL;
	double t0 = step_now(), killed_at = 0;
	int status = 0, rc, open_out = 0, open_err = 1;
	pid_t pid;
	char chunk[65536];
	char **av;
	size_t argn = 0;

	memset(r, 0, sizeof(*r));
	buf_init(&r->err, 0);
	r->exit_code = -1;
	evidence_iso8601(r->started);
	if (self_fd < 0 && (rc = step_init()))
		return rc;
	/*
	 * The argument vector is made before the fork: a hasher thread of the
	 * evidence folder may hold the allocator's lock at that moment, and
	 * the child must not allocate.
	 */
	while (argv[argn])
		argn++;
	av = xcalloc(argn + 2, sizeof(*av));
	av[0] = "stranger";
	for (size_t i = 0; i < argn; i++)
		av[i + 1] = argv[i];
	if (out_name) {
		rc = evidence_file_open(ev, out_name, &f);
		if (rc) {
			f = NULL;
			goto fail;
		}
		if (pipe2(op, O_CLOEXEC)) {
			rc = -errno;
			goto fail;
		}
		open_out = 1;
	}
	if (pipe2(ep, O_CLOEXEC)) {
		rc = -errno;
		goto fail;
	}
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		close(ep[0]);
		close(ep[1]);
		goto fail;
	}
	if (pid == 0) {
		if (open_out)
			close(op[0]);
		close(ep[0]);
		child(av, open_out ? op[1] : -1, ep[1]);
	}
	setpgid(pid, pid); /* either side may win the race; both ask */
	if (open_out)
		close(op[1]);
	close(ep[1]);

	while (open_out || open_err) {
		struct pollfd pf[2];
		nfds_t np = 0;
		double now = step_now();

		if (!killed_at && ((limit > 0 && now - t0 > limit) || (stop && *stop))) {
			if (stop && *stop)
				r->interrupted = 1;
			else
				r->timed_out = 1;
			end_group(pid, SIGTERM);
			killed_at = now;
		} else if (killed_at && now - killed_at > 1.0) {
			end_group(pid, SIGKILL);
			killed_at = now + 3600; /* once */
		}
		if (open_out)
			pf[np++] = (struct pollfd){ .fd = op[0], .events = POLLIN };
		if (open_err)
			pf[np++] = (struct pollfd){ .fd = ep[0], .events = POLLIN };
		if (poll(pf, np, 100) < 0 && errno != EINTR)
			break;
		for (nfds_t i = 0; i < np; i++) {
			ssize_t n;
			if (!(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(pf[i].fd, chunk, sizeof(chunk));
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0) {
				close(pf[i].fd);
				if (pf[i].fd == ep[0])
					open_err = 0;
				else
					open_out = 0;
				continue;
			}
			if (pf[i].fd == ep[0]) {
				size_t room = STEP_ERR_MAX - r->err.len;
				size_t take = (size_t)n < room ? (size_t)n : room;
				buf_add(&r->err, chunk, take);
				r->err_dropped += (size_t)n - take;
			} else {
				evidence_file_write(f, chunk, (size_t)n);
			}
		}
	}
	/* its output is closed; it may still linger, and the limit holds */
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		double now = step_now();
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			status = 0;
			break;
		}
		if (!killed_at && ((limit > 0 && now - t0 > limit) || (stop && *stop))) {
			if (stop && *stop)
				r->interrupted = 1;
			else
				r->timed_out = 1;
			end_group(pid, SIGTERM);
			killed_at = now;
		} else if (killed_at && now - killed_at > 1.0) {
			end_group(pid, SIGKILL);
			killed_at = now + 3600;
		}
		usleep(10000);
	}
	free(av);
	if (WIFEXITED(status))
		r->exit_code = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		r->signo = WTERMSIG(status);
	r->seconds = step_now() - t0;
	if (f) {
		unsigned char d[HASH_LEN];
		r->out_err = evidence_file_close(f, d, &r->out_size);
		hash_hex(d, r->out_sha256);
	}
	return 0;
fail:
	free(av);
	if (op[0] >= 0) {
		close(op[0]);
		close(op[1]);
	}
	if (f)
		evidence_file_close(f, NULL, NULL);
	return rc;
}
