/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Maps and the rule evaluation shared by the TC programs and the cgroup socket hooks. Both
 * objects declare these maps; the agent loads net_tc first and makes net_sock reuse its map
 * fds, so both layers read one policy and write one set of counters.
 */
#ifndef VIGIL_NET_MAPS_H
#define VIGIL_NET_MAPS_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "vigil_net.h"

/* ifindex (host side of a container's interface) -> endpoint */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct vigil_net_endpoint);
} vigil_net_ep_if SEC(".maps");

/* cgroup v2 id (a container's cgroup) -> endpoint */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct vigil_net_endpoint);
} vigil_net_ep_cg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct vigil_net_policy);
} vigil_net_pol SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct vigil_net_lpm4_key);
	__type(value, struct vigil_net_rule_set);
} vigil_net_lpm4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct vigil_net_lpm6_key);
	__type(value, struct vigil_net_rule_set);
} vigil_net_lpm6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct vigil_net_counter_key);
	__type(value, struct vigil_net_counter);
} vigil_net_cnt SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct vigil_net_flow_key);
	__type(value, struct vigil_net_flow);
} vigil_net_flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VIGIL_NET_ERR_MAX);
	__type(key, __u32);
	__type(value, __u64);
} vigil_net_err SEC(".maps");

static __always_inline void vigil_net_error(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&vigil_net_err, &slot);
	if (v)
		*v += 1;
}

/* What a packet or a socket call is, reduced to what rules look at. */
struct vigil_net_pkt {
	__u8 family; /* 4 or 6 */
	__u8 proto;
	__u8 has_ports;
	__u8 reserved;
	__u16 sport;
	__u16 dport;
	__u8 saddr[16];
	__u8 daddr[16];
};

/* Rule list of the longest prefix of the remote address under (policy, direction). */
static __always_inline struct vigil_net_rule_set *vigil_net_lookup(__u32 scope, const struct vigil_net_pkt *p,
								    const __u8 *remote)
{
	if (p->family == 4) {
		struct vigil_net_lpm4_key k = { .prefixlen = 32 + 32, .scope = scope };
		__builtin_memcpy(k.addr, remote, 4);
		return bpf_map_lookup_elem(&vigil_net_lpm4, &k);
	}
	struct vigil_net_lpm6_key k6 = { .prefixlen = 32 + 128, .scope = scope };
	__builtin_memcpy(k6.addr, remote, 16);
	return bpf_map_lookup_elem(&vigil_net_lpm6, &k6);
}

/* Returns VIGIL_NET_ACT_*; *rule_id names the deciding rule (a default has its own id). */
static __always_inline int vigil_net_decide(__u32 policy_id, __u8 dir, const struct vigil_net_pkt *p, __u32 *rule_id)
{
	const __u8 *remote = dir == VIGIL_NET_DIR_EGRESS ? p->daddr : p->saddr;
	struct vigil_net_rule_set *set = vigil_net_lookup(policy_id << 1 | dir, p, remote);
	struct vigil_net_policy *pol;

	if (set) {
		for (int i = 0; i < VIGIL_NET_RULES_MAX; i++) {
			struct vigil_net_rule *r;

			if (i >= set->count)
				break;
			r = &set->rules[i];
			if (r->proto && r->proto != p->proto)
				continue;
			if (r->port_hi && (!p->has_ports || p->dport < r->port_lo || p->dport > r->port_hi))
				continue;
			*rule_id = r->rule_id;
			return r->action;
		}
	}
	pol = bpf_map_lookup_elem(&vigil_net_pol, &policy_id);
	if (!pol) {
		/* An endpoint never names a policy that is not written yet; count it if it ever does. */
		vigil_net_error(VIGIL_NET_ERR_NO_POLICY);
		*rule_id = 0;
		return VIGIL_NET_ACT_ALLOW;
	}
	*rule_id = pol->default_rule_id[dir & 1];
	return pol->default_action[dir & 1];
}

static __always_inline void vigil_net_count(__u32 ep_id, __u32 rule_id, __u8 dir, __u8 action, __u8 layer, __u64 bytes)
{
	struct vigil_net_counter_key k = { .ep_id = ep_id, .rule_id = rule_id, .dir = dir, .action = action, .layer = layer };
	struct vigil_net_counter *c = bpf_map_lookup_elem(&vigil_net_cnt, &k);

	if (c) {
		/* Per-CPU value: no other CPU writes this copy. */
		c->packets += 1;
		c->bytes += bytes;
		return;
	}
	struct vigil_net_counter init = { .packets = 1, .bytes = bytes };
	if (bpf_map_update_elem(&vigil_net_cnt, &k, &init, BPF_NOEXIST) != 0) {
		/* Lost a race with another CPU's insert: its copy exists now, ours is a fresh slot. */
		c = bpf_map_lookup_elem(&vigil_net_cnt, &k);
		if (c) {
			c->packets += 1;
			c->bytes += bytes;
		} else {
			vigil_net_error(VIGIL_NET_ERR_COUNTER_FULL);
		}
	}
}

/* One record per blocked 5-tuple; repeats only bump its counters, so a flood costs no events. */
static __always_inline void vigil_net_flow_blocked(__u32 ep_id, __u8 dir, __u8 layer, const struct vigil_net_pkt *p,
						   __u32 rule_id, __u64 bytes)
{
	struct vigil_net_flow_key k = {};
	struct vigil_net_flow *f;
	__u64 now = bpf_ktime_get_ns();

	k.ep_id = ep_id;
	k.dir = dir;
	k.proto = p->proto;
	k.family = p->family;
	k.layer = layer;
	k.sport = p->sport;
	k.dport = p->dport;
	__builtin_memcpy(k.saddr, p->saddr, 16);
	__builtin_memcpy(k.daddr, p->daddr, 16);
	f = bpf_map_lookup_elem(&vigil_net_flows, &k);
	if (f) {
		__sync_fetch_and_add(&f->packets, 1);
		__sync_fetch_and_add(&f->bytes, bytes);
		f->last_seen_ns = now;
		f->rule_id = rule_id;
		return;
	}
	struct vigil_net_flow init = { .rule_id = rule_id, .first_seen_ns = now, .last_seen_ns = now, .packets = 1, .bytes = bytes };
	if (bpf_map_update_elem(&vigil_net_flows, &k, &init, BPF_NOEXIST) != 0) {
		f = bpf_map_lookup_elem(&vigil_net_flows, &k);
		if (f) {
			__sync_fetch_and_add(&f->packets, 1);
			__sync_fetch_and_add(&f->bytes, bytes);
		} else {
			vigil_net_error(VIGIL_NET_ERR_FLOW_INSERT);
		}
	}
}

#endif
