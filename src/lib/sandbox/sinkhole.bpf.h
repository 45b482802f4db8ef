/*
 * sinkhole.bpf.h - what the sinkhole's BPF hooks and their loader share.
 */
#ifndef STRANGER_SINKHOLE_BPF_H
#define STRANGER_SINKHOLE_BPF_H

#define SH_ENTRIES 4096

/* the destination as the program gave it: its address is the key */
struct sh_key {
	__u32 family;  /* 2 (AF_INET) or 10 (AF_INET6) */
	__u32 addr[4]; /* network order; IPv4 in addr[0] */
};

struct sh_val {
	__u32 port; /* network order, in the low 16 bits */
	__u32 type; /* SOCK_STREAM or SOCK_DGRAM */
};

#endif
