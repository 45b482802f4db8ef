// SPDX-License-Identifier: GPL-2.0
/*
 * sinkhole.bpf.c - the kernel side of the sandbox's sinkhole.
 *
 * Inside the sandbox's network namespace every address is local (routes
 * `local 0.0.0.0/0` and `local ::/0` on the loopback), so a connection to
 * any address stays on this machine with its destination address intact;
 * only the port has to be bent towards the sinkhole's sockets.  These
 * cgroup hooks, attached to the sandbox's cgroup, do that on connect and
 * on an unconnected UDP send, and remember the port asked for under the
 * address (the sinkhole reads it back with the address its accepted
 * socket was reached at).  On the way back, recvmsg and getpeername show
 * the program the port it asked for.  Loopback destinations are left
 * alone (they reach what the program itself listens on), except port 53:
 * a resolver on the loopback is the sinkhole's too.
 */
#include "vmlinux.h"
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "sinkhole.bpf.h"

char LICENSE[] SEC("license") = "GPL";

const volatile __u32 cfg_tcp_port = 0; /* network order */
const volatile __u32 cfg_udp_port = 0;

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, SH_ENTRIES);
	__type(key, struct sh_key);
	__type(value, struct sh_val);
} dest SEC(".maps");

#define SOCK_STREAM_ 1
#define SOCK_DGRAM_ 2

static __always_inline int bend(struct bpf_sock_addr *ctx, int v6)
{
	struct sh_key k = {};
	struct sh_val v = {};
	__u32 port = ctx->user_port, type = ctx->type;
	int loop;

	if (type != SOCK_STREAM_ && type != SOCK_DGRAM_)
		return 1;
	if (v6) {
		k.family = 10;
		k.addr[0] = ctx->user_ip6[0];
		k.addr[1] = ctx->user_ip6[1];
		k.addr[2] = ctx->user_ip6[2];
		k.addr[3] = ctx->user_ip6[3];
		loop = (!k.addr[0] && !k.addr[1] && !k.addr[2] && k.addr[3] == bpf_htonl(1)) ||
		       (!k.addr[0] && !k.addr[1] && k.addr[2] == bpf_htonl(0xffff) &&
			(bpf_ntohl(k.addr[3]) >> 24) == 127);
	} else {
		k.family = 2;
		k.addr[0] = ctx->user_ip4;
		loop = (bpf_ntohl(k.addr[0]) >> 24) == 127;
	}
	if (loop && port != bpf_htons(53))
		return 1;
	v.port = port;
	v.type = type;
	bpf_map_update_elem(&dest, &k, &v, BPF_ANY);
	ctx->user_port = type == SOCK_STREAM_ ? cfg_tcp_port : cfg_udp_port;
	return 1;
}

/* back: a reply from the sinkhole's UDP port shows the port asked for */
static __always_inline int unbend(struct bpf_sock_addr *ctx, int v6)
{
	struct sh_key k = {};
	struct sh_val *v;
	if (ctx->user_port != cfg_udp_port && ctx->user_port != cfg_tcp_port)
		return 1;
	if (v6) {
		k.family = 10;
		k.addr[0] = ctx->user_ip6[0];
		k.addr[1] = ctx->user_ip6[1];
		k.addr[2] = ctx->user_ip6[2];
		k.addr[3] = ctx->user_ip6[3];
	} else {
		k.family = 2;
		k.addr[0] = ctx->user_ip4;
	}
	v = bpf_map_lookup_elem(&dest, &k);
	if (v)
		ctx->user_port = v->port;
	return 1;
}

SEC("cgroup/connect4")
int sh_connect4(struct bpf_sock_addr *ctx)
{
	return bend(ctx, 0);
}
SEC("cgroup/connect6")
int sh_connect6(struct bpf_sock_addr *ctx)
{
	return bend(ctx, 1);
}
SEC("cgroup/sendmsg4")
int sh_sendmsg4(struct bpf_sock_addr *ctx)
{
	return bend(ctx, 0);
}
SEC("cgroup/sendmsg6")
int sh_sendmsg6(struct bpf_sock_addr *ctx)
{
	return bend(ctx, 1);
}
SEC("cgroup/recvmsg4")
int sh_recvmsg4(struct bpf_sock_addr *ctx)
{
	return unbend(ctx, 0);
}
SEC("cgroup/recvmsg6")
int sh_recvmsg6(struct bpf_sock_addr *ctx)
{
	return unbend(ctx, 1);
}
SEC("cgroup/getpeername4")
int sh_getpeername4(struct bpf_sock_addr *ctx)
{
	return unbend(ctx, 0);
}
SEC("cgroup/getpeername6")
int sh_getpeername6(struct bpf_sock_addr *ctx)
{
	return unbend(ctx, 1);
}
