/*
 * bindhook - a post-bind BPF hook that refuses chosen sockets' binds.
 * See bindhook.h.
 */
#include "lib/hidden/bindhook.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/proc/cgroup.h"
#include "lib/proc/mounts.h"
#include "util/buf.h"
#include "util/xalloc.h"

#ifndef SO_COOKIE
#define SO_COOKIE 57
#endif

struct bindhook {
	int map, prog, link;
	int family;
};

static int sys_bpf(int cmd, union bpf_attr *a)
{
	return (int)syscall(__NR_bpf, cmd, a, sizeof(*a));
}

#define INSN(c, d, s, o, i)                                                                        \
	{                                                                                          \
		.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)                \
	}

/*
 * The program, for a socket that has just been given its port:
 *
 *	key = bpf_get_socket_cookie(sk);
 *	return bpf_map_lookup_elem(&chosen, &key) ? 0 : 1;
 *
 * 0 refuses the bind (EPERM), 1 lets it be.
 */
static int load_prog(int map, int family)
{
	struct bpf_insn insns[] = {
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_get_socket_cookie),
		INSN(BPF_STX | BPF_MEM | BPF_DW, BPF_REG_10, BPF_REG_0, -8, 0),
		INSN(BPF_LD | BPF_IMM | BPF_DW, BPF_REG_1, BPF_PSEUDO_MAP_FD, 0, map),
		INSN(0, 0, 0, 0, 0),
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0),
		INSN(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -8),
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem),
		INSN(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0, 2, 0),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 1),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	union bpf_attr a;
	int fd, tries = 5;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_SOCK;
	a.expected_attach_type =
	    family == AF_INET6 ? BPF_CGROUP_INET6_POST_BIND : BPF_CGROUP_INET4_POST_BIND;
	a.insns = (uint64_t)(uintptr_t)insns;
	a.insn_cnt = sizeof(insns) / sizeof(insns[0]);
	a.license = (uint64_t)(uintptr_t) "GPL";
	memcpy(a.prog_name, "stranger_bind", sizeof("stranger_bind"));
	/* the kernel answers EAGAIN now and then; libbpf tries five times too */
	do
		fd = sys_bpf(BPF_PROG_LOAD, &a);
	while (fd < 0 && errno == EAGAIN && --tries);
	return fd;
}

/* our own cgroup v2 folder: the unified mount joined with "0::PATH" */
static int open_own_cgroup(void)
{
	struct buf dir = BUF_INIT;
	int fd = -1, err = ENOENT;

	mounts_cgroup(&dir, NULL);
	if (dir.len && !cgroup_of(0, NULL, &dir)) {
		fd = open(dir.data, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		err = errno;
	}
	buf_release(&dir);
	errno = err;
	return fd;
}

static int sock_cookie(int fd, uint64_t *cookie)
{
	socklen_t len = sizeof(*cookie);
	return getsockopt(fd, SOL_SOCKET, SO_COOKIE, cookie, &len) ? -errno : 0;
}

int bindhook_add(struct bindhook *h, int fd)
{
	union bpf_attr a;
	uint64_t cookie;
	uint8_t one = 1;
	int rc = sock_cookie(fd, &cookie);

	if (rc)
		return rc;
	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)h->map;
	a.key = (uint64_t)(uintptr_t)&cookie;
	a.value = (uint64_t)(uintptr_t)&one;
	return sys_bpf(BPF_MAP_UPDATE_ELEM, &a) ? -errno : 0;
}

void bindhook_del(struct bindhook *h, int fd)
{
	union bpf_attr a;
	uint64_t cookie;

	if (sock_cookie(fd, &cookie))
		return;
	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)h->map;
	a.key = (uint64_t)(uintptr_t)&cookie;
	sys_bpf(BPF_MAP_DELETE_ELEM, &a);
}

/*
 * refuses - does the hook refuse a bind of this protocol, and does the
 * socket stay usable?  Port 0: the kernel picks a free one.
 */
static int refuses(struct bindhook *h, int type)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = socket(h->family, type | SOCK_CLOEXEC, 0), rc = 0;

	if (fd < 0)
		return -errno;
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = (sa_family_t)h->family;
	len = h->family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	rc = bindhook_add(h, fd);
	for (int i = 0; !rc && i < 2; i++)
		if (!bind(fd, (struct sockaddr *)&ss, len))
			rc = -EOPNOTSUPP; /* bound: the hook did not run */
		else if (errno != EPERM)
			rc = -errno;
	bindhook_del(h, fd);
	close(fd);
	return rc;
}

struct bindhook *bindhook_open(int family)
{
	struct bindhook *h = xcalloc(1, sizeof(*h));
	union bpf_attr a;
	int cg = -1, err;

	h->map = h->prog = h->link = -1;
	h->family = family;
	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_HASH;
	a.key_size = sizeof(uint64_t);
	a.value_size = 1;
	a.max_entries = 1024;
	memcpy(a.map_name, "stranger_bind", sizeof("stranger_bind"));
	h->map = sys_bpf(BPF_MAP_CREATE, &a);
	if (h->map < 0)
		goto fail;
	h->prog = load_prog(h->map, family);
	if (h->prog < 0)
		goto fail;
	cg = open_own_cgroup();
	if (cg < 0)
		goto fail;
	memset(&a, 0, sizeof(a));
	a.link_create.prog_fd = (uint32_t)h->prog;
	a.link_create.target_fd = (uint32_t)cg;
	a.link_create.attach_type =
	    family == AF_INET6 ? BPF_CGROUP_INET6_POST_BIND : BPF_CGROUP_INET4_POST_BIND;
	h->link = sys_bpf(BPF_LINK_CREATE, &a);
	close(cg);
	if (h->link < 0)
		goto fail;
	err = refuses(h, SOCK_STREAM);
	if (!err)
		err = refuses(h, SOCK_DGRAM);
	if (err) {
		errno = -err;
		goto fail;
	}
	return h;
fail:
	err = errno;
	bindhook_close(h);
	errno = err;
	return NULL;
}

void bindhook_close(struct bindhook *h)
{
	if (!h)
		return;
	if (h->link >= 0)
		close(h->link);
	if (h->prog >= 0)
		close(h->prog);
	if (h->map >= 0)
		close(h->map);
	free(h);
}
