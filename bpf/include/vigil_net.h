/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Network protection: the structs the TC programs (net_tc.bpf.c), the socket hooks
 * (net_sock.bpf.c) and the Java side (dev.vigil.net.NetWire, checked against this BTF by a
 * test) share. Plain C types only, so this header needs nothing but <linux/types.h>-style
 * __u* types, which vmlinux.h provides.
 *
 * Policy model in the kernel: an endpoint (a container's interface, a container's cgroup)
 * names a policy id; rules live in LPM tries under (policy id, direction). Userspace never
 * edits a policy in use: it writes a new id, then flips the endpoint to it with one map
 * update, so a packet sees the old policy or the new one, never a mix or nothing.
 */
#ifndef VIGIL_NET_H
#define VIGIL_NET_H

#define VIGIL_NET_RULES_MAX 16

/* Directions are the container's point of view. */
#define VIGIL_NET_DIR_INGRESS 0
#define VIGIL_NET_DIR_EGRESS 1

#define VIGIL_NET_ACT_ALLOW 0
#define VIGIL_NET_ACT_DENY 1

/* Where a verdict was made: the TC program on the interface, or a cgroup socket hook. */
#define VIGIL_NET_LAYER_TC 0
#define VIGIL_NET_LAYER_SOCK 1

/* Counter slots of vigil_net_err. */
#define VIGIL_NET_ERR_COUNTER_FULL 0
#define VIGIL_NET_ERR_FLOW_INSERT 1
#define VIGIL_NET_ERR_NO_POLICY 2
#define VIGIL_NET_ERR_MAX 4

/* What an interface or a cgroup is bound to. classid != 0: HTB class for container ingress. */
struct vigil_net_endpoint {
	__u32 ep_id;
	__u32 policy_id;
	__u32 classid;
	__u32 flags;
};

/* Per policy id: the default action of each direction (index VIGIL_NET_DIR_*). */
struct vigil_net_policy {
	__u8 default_action[2];
	__u16 reserved;
	__u32 default_rule_id[2];
};

/*
 * One rule of a prefix's list. proto 0 = any; port_hi 0 = no port condition (a rule with a
 * port range matches only packets that carry ports: TCP, UDP).
 */
struct vigil_net_rule {
	__u32 rule_id;
	__u8 action;
	__u8 proto;
	__u16 port_lo;
	__u16 port_hi;
	__u16 reserved;
};

/*
 * The rules of one LPM entry, in evaluation order; the first that matches decides. Userspace
 * appends the rules of every shorter covering prefix after the prefix's own, so one lookup of
 * the longest prefix gives longest-prefix-wins with fallback to shorter prefixes.
 */
struct vigil_net_rule_set {
	__u32 count;
	__u32 reserved;
	struct vigil_net_rule rules[VIGIL_NET_RULES_MAX];
};

/* LPM keys: prefixlen counts the 32 bits of scope plus the address prefix. */
struct vigil_net_lpm4_key {
	__u32 prefixlen;
	__u32 scope; /* policy_id << 1 | direction; always fully inside the prefix */
	__u8 addr[4];
};

struct vigil_net_lpm6_key {
	__u32 prefixlen;
	__u32 scope;
	__u8 addr[16];
};

/* Per-CPU counters, per (endpoint, rule, direction, verdict, layer). */
struct vigil_net_counter_key {
	__u32 ep_id;
	__u32 rule_id;
	__u8 dir;
	__u8 action;
	__u8 layer;
	__u8 reserved;
};

struct vigil_net_counter {
	__u64 packets;
	__u64 bytes;
};

/* A blocked flow, aggregated in the kernel (LRU: a flood of new tuples evicts old records). */
struct vigil_net_flow_key {
	__u32 ep_id;
	__u8 dir;
	__u8 proto;
	__u8 family; /* 4 or 6 */
	__u8 layer;
	__u16 sport; /* host order; 0 without ports */
	__u16 dport;
	__u8 saddr[16]; /* IPv4 in the first 4 bytes */
	__u8 daddr[16];
};

struct vigil_net_flow {
	__u32 rule_id;
	__u32 reserved;
	__u64 first_seen_ns; /* bpf_ktime_get_ns */
	__u64 last_seen_ns;
	__u64 packets;
	__u64 bytes;
};

#endif
