/*
 * sandbox - run an unknown program in a throw-away copy of this machine.
 * See sandbox.h for the steps and what they are for.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <linux/capability.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "lib/evidence/evidence.h"
#include "lib/sandbox/sandbox.h"
#include "lib/sandbox/sblimits.h"
#include "util/xalloc.h"

#define OUT_KEEP (1u << 20) /* program output kept, per stream */

/* ---- small helpers ---- */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- the upper layer: a detached tmpfs ---- */

static int make_upper(struct buf *why)
{
	int fs, mfd, d;
	static const char *const opaque[] = { "upper/tmp", "upper/var/tmp", "upper/run" };

	fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0) {
		buf_addstr(why, "fsopen tmpfs");
		return -errno;
	}
	if (fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0755", 0) ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0)) {
		buf_addstr(why, "tmpfs for the upper layer");
		close(fs);
		return -errno;
	}
	mfd = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NODEV);
	close(fs);
	if (mfd < 0) {
		buf_addstr(why, "fsmount tmpfs");
		return -errno;
	}
	/* modes set explicitly: stranger runs with umask 077 */
	if (mkdirat(mfd, "upper", 0755) || mkdirat(mfd, "work", 0700) ||
	    mkdirat(mfd, "upper/var", 0755) || fchmodat(mfd, "upper", 0755, 0) ||
	    fchmodat(mfd, "upper/var", 0755, 0)) {
		buf_addstr(why, "upper layer folders");
		close(mfd);
		return -errno;
	}
	for (size_t i = 0; i < sizeof(opaque) / sizeof(opaque[0]); i++) {
		mode_t mode = strcmp(opaque[i], "upper/run") ? 01777 : 0755;
		if (mkdirat(mfd, opaque[i], mode) || fchmodat(mfd, opaque[i], mode, 0) ||
		    (d = openat(mfd, opaque[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
			buf_addf(why, "%s", opaque[i]);
			close(mfd);
			return -errno;
		}
		if (fsetxattr(d, "trusted.overlay.opaque", "y", 1, 0)) {
			buf_addf(why, "%s: opaque", opaque[i]);
			close(d);
			close(mfd);
			return -errno;
		}
		close(d);
	}
	return mfd;
}

/* ---- messages between the supervisor and the sandbox's PID 1 ---- */

enum {
	MSG_CGROUP = 'C', /* supervisor: you are in the cgroups */
	MSG_USERNS = 'U', /* pid 1: user namespace made, map it */
	MSG_MAPPED = 'M', /* supervisor: mapped */
	MSG_FILTER = 'S', /* pid 1: the seccomp listener (with the fd) */
	MSG_READY = 'R',  /* program: waiting for the go */
	MSG_EXIT = 'X',	  /* pid 1: the program's wait status */
	MSG_ERROR = 'E',  /* anyone inside: a step failed (text follows) */
};

struct msg {
	char type;
	int err;
	int status;
	char text[200];
};

static int send_msg(int sock, char type, int err, int status, const char *text, int fd)
{
	struct msg m;
	struct iovec iov = { &m, sizeof(m) };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr mh = { 0 };
	memset(&m, 0, sizeof(m));
	m.type = type;
	m.err = err;
	m.status = status;
	if (text)
		snprintf(m.text, sizeof(m.text), "%s", text);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (fd >= 0) {
		struct cmsghdr *c;
		memset(&u, 0, sizeof(u));
		mh.msg_control = u.buf;
		mh.msg_controllen = sizeof(u.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	return sendmsg(sock, &mh, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

/* recv_msg - 0, -EPIPE when the other end is gone, or -errno */
static int recv_msg(int sock, struct msg *m, int *fd)
{
	struct iovec iov = { m, sizeof(*m) };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr mh = { 0 };
	ssize_t k;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = u.buf;
	mh.msg_controllen = sizeof(u.buf);
	if (fd)
		*fd = -1;
	do
		k = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (k < 0 && errno == EINTR);
	if (k < 0)
		return -errno;
	if (k == 0)
		return -EPIPE;
	if ((size_t)k != sizeof(*m))
		return -EPROTO;
	m->text[sizeof(m->text) - 1] = '\0';
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			int got;
			memcpy(&got, CMSG_DATA(c), sizeof(int));
			if (fd && *fd < 0)
				*fd = got;
			else
				close(got);
		}
	return 0;
}

/* ---- inside: PID 1 and the program ---- */

struct inside {
	const struct sandbox_opts *o;
	int sock;     /* to the supervisor */
	int upper;    /* the detached tmpfs */
	int go;	      /* read end: the program execs when it gets a byte */
	int out, err; /* write ends of the program's stdout/stderr */
	int progfd;   /* O_PATH of the program, for unreachable paths */
	char **envp;  /* the program's environment */
};

/*
 * The program's environment: a root login's, with the responder's PATH,
 * language and terminal type, and nothing else of the responder's (no
 * tokens, agent sockets or proxies).
 */
static char **make_env(void)
{
	static const char *const keep[] = { "PATH", "LANG", "LC_ALL", "TERM", NULL };
	static const char *const fixed[] = { "HOME=/root",    "USER=root", "LOGNAME=root",
					     "SHELL=/bin/sh", "PWD=/",	   NULL };
	char **v = xcalloc(16, sizeof(*v));
	size_t n = 0;
	for (size_t i = 0; keep[i]; i++) {
		const char *val = getenv(keep[i]);
		struct buf b = BUF_INIT;
		if (!val && strcmp(keep[i], "PATH"))
			continue;
		buf_addf(&b, "%s=%s", keep[i],
			 val ? val
			     : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
		v[n++] = buf_detach(&b, NULL);
	}
	for (size_t i = 0; fixed[i]; i++)
		v[n++] = xstrdup(fixed[i]);
	return v;
}

static void free_env(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static _Noreturn void fail(struct inside *in, const char *what)
{
	int e = errno;
	send_msg(in->sock, MSG_ERROR, e, 0, what, -1);
	_exit(2);
}

static int lo_up(void)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = 0;
	if (s < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, "lo", 3);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		rc = ioctl(s, SIOCSIFFLAGS, &ifr);
	} else
		rc = -1;
	close(s);
	return rc;
}

static int make_dev(const char *root)
{
	static const struct {
		const char *name;
		unsigned maj, min;
	} nodes[] = { { "null", 1, 3 },	  { "zero", 1, 5 },    { "full", 1, 7 },
		      { "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 } };
	static const char *const links[][2] = {
		{ "ptmx", "pts/ptmx" },		 { "fd", "/proc/self/fd" },
		{ "stdin", "/proc/self/fd/0" },	 { "stdout", "/proc/self/fd/1" },
		{ "stderr", "/proc/self/fd/2" },
	};
	char p[256];
	snprintf(p, sizeof(p), "%s/dev", root);
	if (mount("tmpfs", p, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=1m"))
		return -1;
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		snprintf(p, sizeof(p), "%s/dev/%s", root, nodes[i].name);
		if (mknod(p, S_IFCHR | 0666, makedev(nodes[i].maj, nodes[i].min)) || chmod(p, 0666))
			return -1;
	}
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		snprintf(p, sizeof(p), "%s/dev/%s", root, links[i][0]);
		if (symlink(links[i][1], p))
			return -1;
	}
	snprintf(p, sizeof(p), "%s/dev/pts", root);
	if (mkdir(p, 0755) || mount("devpts", p, "devpts", MS_NOSUID | MS_NOEXEC,
				    "newinstance,ptmxmode=0666,mode=0620"))
		return -1;
	snprintf(p, sizeof(p), "%s/dev/shm", root);
	if (mkdir(p, 01777) || chmod(p, 01777) ||
	    mount("tmpfs", p, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=64m"))
		return -1;
	return 0;
}

static int drop_caps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	char b[16];
	int last = 40;
	if (!sblimits_read("/proc/sys/kernel/cap_last_cap", b, sizeof(b)))
		last = atoi(b);
	for (int c = 0; c <= last; c++)
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) && errno != EINVAL)
			return -1;
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	memset(d, 0, sizeof(d));
	return (int)syscall(SYS_capset, &h, d);
}

static _Noreturn void program_main(struct inside *in)
{
	char c;
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	const struct sandbox_opts *o = in->o;

	setsid();
	if (null < 0 || dup2(null, 0) < 0 || dup2(in->out, 1) < 0 || dup2(in->err, 2) < 0)
		fail(in, "program's standard fds");
	/* nothing of ours reaches the program beyond 0-2 */
	if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC))
		fail(in, "close_range");
	if (in->progfd >= 0)
		fcntl(in->progfd, F_SETFD, FD_CLOEXEC);
	send_msg(in->sock, MSG_READY, 0, 0, NULL, -1);
	if (read(in->go, &c, 1) != 1)
		_exit(2);
	close(in->go);
	/* no core file for the host's core handler to pick up */
	setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 });
	execvpe(o->argv[0], o->argv, in->envp);
	/* a path the sandbox hides (/tmp) or the unprivileged user cannot
	 * reach: exec the file the supervisor opened on the host */
	if ((errno == EACCES || errno == ENOENT) && in->progfd >= 0)
		syscall(SYS_execveat, in->progfd, "", o->argv, in->envp, AT_EMPTY_PATH);
	fail(in, o->argv[0]);
}

/* PID 1 keeps only what it needs of the supervisor's fds */
static void close_except(const struct inside *in)
{
	int keep[] = { in->sock, in->upper, in->go, in->out, in->err, in->progfd };
	int lo = 3;
	/* keep[] sorted, so the gaps between kept fds can be closed */
	for (size_t i = 0; i < 6; i++)
		for (size_t j = i + 1; j < 6; j++)
			if (keep[j] < keep[i]) {
				int x = keep[i];
				keep[i] = keep[j];
				keep[j] = x;
			}
	for (size_t i = 0; i < 6; i++) {
		if (keep[i] > lo)
			syscall(SYS_close_range, lo, keep[i] - 1, 0);
		if (keep[i] >= lo)
			lo = keep[i] + 1;
	}
	syscall(SYS_close_range, lo, ~0U, 0);
}

static _Noreturn void pid1_main(struct inside *in)
{
	struct msg m;
	char mnt[] = "/tmp", p[256];
	int lfd, st;
	pid_t prog, w;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	umask(022);
	setsid();
	close_except(in);
	if (recv_msg(in->sock, &m, NULL) || m.type != MSG_CGROUP)
		_exit(2);
	if (unshare(CLONE_NEWCGROUP))
		fail(in, "cgroup namespace");
	if (lo_up())
		fail(in, "loopback up");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		fail(in, "private mounts");
	snprintf(p, sizeof(p),
		 "lowerdir=/,upperdir=/proc/self/fd/%d/upper,workdir=/proc/self/fd/%d/work",
		 in->upper, in->upper);
	if (mount("overlay", mnt, "overlay", 0, p))
		fail(in, "overlay mount");
	close(in->upper);
	snprintf(p, sizeof(p), "%s/proc", mnt);
	if (mount("proc", p, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		fail(in, "mount /proc");
	snprintf(p, sizeof(p), "%s/sys", mnt);
	if (mount("sysfs", p, "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		fail(in, "mount /sys");
	if (make_dev(mnt))
		fail(in, "/dev");
	if (chdir(mnt) || syscall(SYS_pivot_root, ".", ".") || umount2(".", MNT_DETACH) ||
	    chdir("/"))
		fail(in, "pivot_root");
	{
		/* not the responder's terminal */
		int null = open("/dev/null", O_RDWR);
		if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
			fail(in, "/dev/null");
		if (null > 2)
			close(null);
	}

	if (setgroups(0, NULL))
		fail(in, "setgroups");
	if (unshare(CLONE_NEWUSER))
		fail(in, "user namespace");
	if (send_msg(in->sock, MSG_USERNS, 0, 0, NULL, -1) || recv_msg(in->sock, &m, NULL) ||
	    m.type != MSG_MAPPED)
		_exit(2);
	if (setresgid(0, 0, 0) || setresuid(0, 0, 0))
		fail(in, "setresuid");
	prctl(PR_SET_PDEATHSIG, SIGKILL); /* a credential change cleared it */
	if (drop_caps())
		fail(in, "capabilities");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		fail(in, "no_new_privs");
	lfd = sbfilter_install();
	if (lfd < 0) {
		errno = -lfd;
		fail(in, "seccomp filter");
	}
	if (send_msg(in->sock, MSG_FILTER, 0, 0, NULL, lfd))
		_exit(2);
	close(lfd);

	prog = fork();
	if (prog < 0)
		fail(in, "fork");
	if (prog == 0)
		program_main(in);
	close(in->go);
	close(in->out);
	close(in->err);
	if (in->progfd >= 0)
		close(in->progfd);
	/* the reaper: PID 1 waits for every process until none is left */
	for (;;) {
		w = waitpid(-1, &st, 0);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			_exit(0);
		if (w == prog)
			send_msg(in->sock, MSG_EXIT, 0, st, NULL, -1);
	}
}

/* ---- the supervisor ---- */

struct tracer {
	pid_t pid;
	int err; /* its stderr */
	int attached;
	int done;
	int status;
};

static void tracer_read(struct tracer *t, struct sandbox_result *r)
{
	char b[4096];
	ssize_t k = read(t->err, b, sizeof(b));
	if (k > 0) {
		if (r->trace_err.len < OUT_KEEP)
			buf_add(&r->trace_err, b, (size_t)k);
		if (strstr(r->trace_err.data, " attached"))
			t->attached = 1;
	} else if (k == 0 || (errno != EINTR && errno != EAGAIN)) {
		close(t->err);
		t->err = -1;
	}
}

static int tracer_start(const struct sandbox_opts *o, pid_t pid, struct tracer *t, struct buf *why)
{
	int pfd[2];
	char spid[16], slim[16];
	const char *argv[16];
	size_t n = 0;

	snprintf(spid, sizeof(spid), "%d", (int)pid);
	snprintf(slim, sizeof(slim), "%ld", o->string_limit ? o->string_limit : 256);
	argv[n++] = "stranger";
	argv[n++] = "trace";
	argv[n++] = "-f";
	argv[n++] = "-tt";
	argv[n++] = "-s";
	argv[n++] = slim;
	argv[n++] = "-o";
	argv[n++] = o->trace_path;
	if (o->backend) {
		argv[n++] = "--backend";
		argv[n++] = o->backend;
	}
	argv[n++] = "-p";
	argv[n++] = spid;
	argv[n] = NULL;
	if (pipe2(pfd, O_CLOEXEC)) {
		buf_addstr(why, "pipe");
		return -errno;
	}
	t->pid = fork();
	if (t->pid < 0) {
		buf_addstr(why, "fork tracer");
		return -errno;
	}
	if (t->pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		/* its own process group: a Ctrl-C is for the supervisor to handle */
		setpgid(0, 0);
		dup2(null, 0);
		dup2(null, 1);
		dup2(pfd[1], 2);
		signal(SIGINT, SIG_IGN);
		execv("/proc/self/exe", (char *const *)argv);
		_exit(127);
	}
	close(pfd[1]);
	t->err = pfd[0];
	fcntl(t->err, F_SETFL, O_NONBLOCK);
	return 0;
}

static void pipe_read(int *fd, struct buf *b, unsigned long long *total)
{
	char tmp[65536];
	ssize_t k = read(*fd, tmp, sizeof(tmp));
	if (k > 0) {
		*total += (unsigned long long)k;
		if (b->len < OUT_KEEP)
			buf_add(b, tmp,
				b->len + (size_t)k > OUT_KEEP ? OUT_KEEP - b->len : (size_t)k);
	} else if (k == 0 || (errno != EINTR && errno != EAGAIN)) {
		close(*fd);
		*fd = -1;
	}
}

static void add_refusal(struct sandbox_result *r, const struct sbfilter_refusal *f)
{
	if (r->nrefused % 32 == 0)
		r->refused = xreallocarray(r->refused, r->nrefused + 32, sizeof(*f));
	r->refused[r->nrefused++] = *f;
}

static pid_t first_child(pid_t pid)
{
	char p[64], b[256];
	snprintf(p, sizeof(p), "/proc/%d/task/%d/children", (int)pid, (int)pid);
	if (sblimits_read(p, b, sizeof(b)))
		return -1;
	return (pid_t)atoi(b);
}

/* end the run: freeze everything, note it, kill it, thaw */
static void stop_all(struct sblimits *cg, struct sandbox_result *r, pid_t pid1)
{
	int frozen = sblimits_freeze(cg, 1) == 0;
	pid_t *v = NULL;
	size_t n = sblimits_procs(cg, &v);
	if (frozen && !r->frozen) {
		r->frozen = v;
		r->nfrozen = n;
	}
	for (size_t i = 0; i < n; i++)
		kill(v[i], SIGKILL);
	kill(pid1, SIGKILL);
	sblimits_freeze(cg, 0);
	if (v != r->frozen)
		free(v);
}

int sandbox_run(const struct sandbox_opts *o, struct sandbox_result *r, struct buf *why)
{
	struct sblimits cg;
	struct inside in = {
		.o = o, .sock = -1, .upper = -1, .go = -1, .out = -1, .err = -1, .progfd = -1
	};
	struct tracer t = { .pid = -1, .err = -1 };
	struct sinkhole *sink = NULL;
	int sp[2] = { -1, -1 }, gp[2] = { -1, -1 }, op[2] = { -1, -1 }, ep[2] = { -1, -1 },
	    listener = -1, rc = 0, pid1_status = 0, pidfd = -1;
	pid_t pid1 = -1;
	struct msg m;
	double t0 = 0, deadline = 0;
	char p[64], map[64];

	memset(r, 0, sizeof(*r));
	r->upper_fd = -1;
	buf_init(&r->trace_err, 0);
	rc = sblimits_create(&cg, o, why);
	if (rc)
		goto out;
	rc = make_upper(why);
	if (rc < 0)
		goto out;
	in.upper = rc;
	rc = 0;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) || pipe2(gp, O_CLOEXEC) ||
	    pipe2(op, O_CLOEXEC) || pipe2(ep, O_CLOEXEC)) {
		rc = -errno;
		buf_addstr(why, "pipes");
		goto out;
	}
	/* the upper tmpfs fd must cross the clone (the overlay names it by
	 * /proc/self/fd) but no exec: it is closed right after the mount */
	/* the program as the host names it, for a path the sandbox hides */
	in.progfd = strchr(o->argv[0], '/') ? open(o->argv[0], O_PATH | O_CLOEXEC) : -1;
	in.envp = make_env();
	in.sock = sp[1];
	in.go = gp[0];
	in.out = op[1];
	in.err = ep[1];
	fflush(NULL);
	pid1 = (pid_t)syscall(SYS_clone,
			      CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWUTS |
				  CLONE_NEWIPC | SIGCHLD,
			      NULL, NULL, NULL, 0);
	if (pid1 < 0) {
		rc = -errno;
		buf_addstr(why, "clone into new namespaces");
		goto out;
	}
	if (pid1 == 0) {
		close(sp[0]);
		close(gp[1]);
		close(op[0]);
		close(ep[0]);
		pid1_main(&in);
	}
	close(sp[1]);
	close(gp[0]);
	close(op[1]);
	close(ep[1]);
	sp[1] = gp[0] = op[1] = ep[1] = -1;
	if (in.progfd >= 0) {
		close(in.progfd);
		in.progfd = -1;
	}
	r->upper_fd = openat(in.upper, "upper", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(in.upper);
	in.upper = -1;

	if ((rc = sblimits_join(&cg, pid1, why)))
		goto out;
	send_msg(sp[0], MSG_CGROUP, 0, 0, NULL, -1);
	/* the setup, step by step; an 'E' from inside names what failed */
	for (int step = 0; step < 3; step++) {
		int fd = -1;
		if ((rc = recv_msg(sp[0], &m, &fd)))
			break;
		if (m.type == MSG_ERROR) {
			buf_addf(why, "%s", m.text);
			rc = -(m.err ? m.err : EIO);
			break;
		}
		if (m.type == MSG_USERNS) {
			snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)o->uid);
			snprintf(p, sizeof(p), "/proc/%d/uid_map", (int)pid1);
			if ((rc = sblimits_write(p, map))) {
				buf_addstr(why, "uid_map");
				break;
			}
			snprintf(p, sizeof(p), "/proc/%d/gid_map", (int)pid1);
			if ((rc = sblimits_write(p, map))) {
				buf_addstr(why, "gid_map");
				break;
			}
			send_msg(sp[0], MSG_MAPPED, 0, 0, NULL, -1);
		} else if (m.type == MSG_FILTER) {
			listener = fd;
			if (o->net == SANDBOX_NET_SINKHOLE) {
				char e[200] = "";
				int cgfd = open(cg.v2, O_RDONLY | O_DIRECTORY | O_CLOEXEC), nfd;
				snprintf(p, sizeof(p), "/proc/%d/ns/net", (int)pid1);
				nfd = open(p, O_RDONLY | O_CLOEXEC);
				rc = cgfd < 0 || nfd < 0
					 ? -errno
					 : sinkhole_new(cgfd, nfd, &sink, e, sizeof(e));
				if (cgfd >= 0)
					close(cgfd);
				if (nfd >= 0)
					close(nfd);
				if (rc) {
					buf_addf(why, "sinkhole%s%s (--net=none needs none)",
						 e[0] ? ": " : "", e);
					break;
				}
			}
		} else if (m.type == MSG_READY) {
			r->pid = first_child(pid1);
			break;
		} else {
			rc = -EPROTO;
			buf_addstr(why, "sandbox setup");
			break;
		}
	}
	if (rc == -EPIPE) {
		buf_addstr(why, "sandbox setup");
	}
	if (rc)
		goto out;
	if (r->pid <= 0) {
		rc = -ESRCH;
		buf_addstr(why, "the program's process");
		goto out;
	}
	if ((rc = tracer_start(o, r->pid, &t, why)))
		goto out;
	/* wait (at most 10 s) until the tracer has attached */
	for (double until = now_s() + 10; !t.attached && t.err >= 0 && now_s() < until;) {
		struct pollfd pf = { t.err, POLLIN, 0 };
		if (o->interrupted && *o->interrupted)
			break;
		if (poll(&pf, 1, 100) > 0)
			tracer_read(&t, r);
	}
	if (o->interrupted && *o->interrupted) {
		r->end = SANDBOX_END_INTERRUPTED;
		rc = -EINTR;
		buf_addstr(why, "interrupted");
		goto out;
	}
	if (!t.attached) {
		rc = -EIO;
		buf_addstr(why, "the tracer did not attach");
		buf_rtrim(&r->trace_err);
		if (r->trace_err.len)
			buf_addf(why, " (%s)", r->trace_err.data);
		goto out;
	}
	r->backend[0] = '\0';
	snprintf(r->backend, sizeof(r->backend), "%s",
		 strstr(r->trace_err.data, "using ptrace") ? "ptrace"
		 : o->backend				   ? o->backend
							   : "bpf");
	evidence_iso8601(r->start_iso);
	t0 = now_s();
	deadline = o->timeout > 0 ? t0 + o->timeout : 0;
	if (write(gp[1], "g", 1) != 1) {
		rc = -errno;
		buf_addstr(why, "starting the program");
		goto out;
	}
	close(gp[1]);
	gp[1] = -1;
	fcntl(op[0], F_SETFL, O_NONBLOCK);
	fcntl(ep[0], F_SETFL, O_NONBLOCK);
	/* PID 1's end wakes the loop at once (no pidfd: the 100 ms tick) */
	pidfd = (int)syscall(SYS_pidfd_open, pid1, 0);

	/* the run */
	for (int ended = 0, stopped = 0; !ended;) {
		struct pollfd pf[40];
		int sfd[32];
		size_t n = 0, ns = sink ? sinkhole_fds(sink, sfd, 32) : 0;
		double now;
		int st;
		pid_t w;

		pf[n++] = (struct pollfd){ sp[0], POLLIN, 0 };
		pf[n++] = (struct pollfd){ listener, POLLIN, 0 };
		pf[n++] = (struct pollfd){ op[0], POLLIN, 0 };
		pf[n++] = (struct pollfd){ ep[0], POLLIN, 0 };
		pf[n++] = (struct pollfd){ t.err, POLLIN, 0 };
		pf[n++] = (struct pollfd){ pidfd, POLLIN, 0 };
		for (size_t i = 0; i < ns; i++)
			pf[n++] = (struct pollfd){ sfd[i], POLLIN, 0 };
		poll(pf, n, 100);
		now = now_s();
		if (pf[0].revents & POLLIN && !recv_msg(sp[0], &m, NULL) && m.type == MSG_EXIT) {
			r->have_status = 1;
			r->status = m.status;
		} else if (pf[0].revents & POLLIN && m.type == MSG_ERROR) {
			/* the exec failed: the program never ran */
			buf_addf(why, "%s", m.text);
			rc = -(m.err ? m.err : EIO);
		}
		if (listener >= 0 && pf[1].revents & (POLLIN | POLLERR | POLLHUP)) {
			struct sbfilter_refusal f;
			int k = sbfilter_serve(listener, &f);
			if (!k) {
				f.time = now - t0;
				add_refusal(r, &f);
			} else if (k != -ENOENT && pf[1].revents & (POLLERR | POLLHUP)) {
				close(listener);
				listener = -1;
			}
		}
		if (op[0] >= 0 && pf[2].revents)
			pipe_read(&op[0], &r->out, &r->out_total);
		if (ep[0] >= 0 && pf[3].revents)
			pipe_read(&ep[0], &r->err, &r->err_total);
		if (t.err >= 0 && pf[4].revents)
			tracer_read(&t, r);
		if (sink && ns)
			sinkhole_serve(sink, now - t0, &r->sink);
		sblimits_sample(&cg, r);
		if (o->tick)
			o->tick(o->tick_ctx, now - t0);
		if (!stopped && deadline && now >= deadline) {
			r->end = SANDBOX_END_TIMEOUT;
			stop_all(&cg, r, pid1);
			stopped = 1;
		}
		if (!stopped && o->interrupted && *o->interrupted) {
			r->end = SANDBOX_END_INTERRUPTED;
			stop_all(&cg, r, pid1);
			stopped = 1;
		}
		w = waitpid(pid1, &st, WNOHANG);
		if (w == pid1) {
			pid1_status = st;
			pid1 = -1;
			ended = 1;
		}
	}
	r->elapsed = now_s() - t0;
	(void)pid1_status;
	/* whatever is still in the pipes and on the socket */
	while (op[0] >= 0)
		pipe_read(&op[0], &r->out, &r->out_total);
	while (ep[0] >= 0)
		pipe_read(&ep[0], &r->err, &r->err_total);
	while (!r->have_status) {
		struct pollfd pf = { sp[0], POLLIN, 0 };
		if (poll(&pf, 1, 0) <= 0 || recv_msg(sp[0], &m, NULL))
			break;
		if (m.type == MSG_EXIT) {
			r->have_status = 1;
			r->status = m.status;
		}
	}

out:
	if (pid1 > 0) {
		/* the setup failed half way: nothing of it may stay */
		stop_all(&cg, r, pid1);
		waitpid(pid1, NULL, 0);
	}
	if (t.pid > 0) {
		/* the tracer ends when its tracees are gone; give it 5 s */
		int st = 0;
		for (int i = 0; i < 500; i++) {
			if (t.err >= 0) {
				struct pollfd pf = { t.err, POLLIN, 0 };
				if (poll(&pf, 1, 0) > 0)
					tracer_read(&t, r);
			}
			if (waitpid(t.pid, &st, WNOHANG) == t.pid) {
				t.pid = -1;
				break;
			}
			if (i == 300)
				kill(t.pid, SIGINT);
			usleep(10000);
		}
		if (t.pid > 0) {
			kill(t.pid, SIGKILL);
			waitpid(t.pid, &st, 0);
		}
		r->trace_status = st;
		while (t.err >= 0)
			tracer_read(&t, r);
	}
	if (listener >= 0)
		close(listener);
	if (sink)
		sinkhole_free(sink);
	sblimits_stats(&cg, r);
	sblimits_remove(&cg);
	for (int i = 0; i < 2; i++) {
		if (sp[i] >= 0)
			close(sp[i]);
		if (gp[i] >= 0)
			close(gp[i]);
		if (op[i] >= 0)
			close(op[i]);
		if (ep[i] >= 0)
			close(ep[i]);
	}
	if (t.err >= 0)
		close(t.err);
	if (pidfd >= 0)
		close(pidfd);
	if (in.upper >= 0)
		close(in.upper);
	if (in.progfd >= 0)
		close(in.progfd);
	free_env(in.envp);
	return rc;
}

void sandbox_result_release(struct sandbox_result *r)
{
	buf_release(&r->trace_err);
	buf_release(&r->out);
	buf_release(&r->err);
	free(r->refused);
	free(r->frozen);
	if (r->upper_fd >= 0)
		close(r->upper_fd);
	sinkhole_log_release(&r->sink);
	memset(r, 0, sizeof(*r));
	r->upper_fd = -1;
}
