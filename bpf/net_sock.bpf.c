// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Socket-level egress deny on a container's cgroup v2: connect() and unconnected sendmsg()
 * to a denied destination fail with EPERM at once, where the TC layer alone would let the
 * application wait for a timeout. Same policy maps as net_tc (the agent shares the fds).
 *
 * The programs are attached to the container's cgroup with BPF_F_ALLOW_MULTI, but the
 * endpoint is found by the caller's cgroup id, so a container whose processes sit in child
 * cgroups is found by walking ancestors.
 */
#include "vigil_net_maps.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define VIGIL_NET_CG_DEPTH 8

static __always_inline struct vigil_net_endpoint *vigil_net_cg_endpoint(void)
{
	__u64 id = bpf_get_current_cgroup_id();
	struct vigil_net_endpoint *ep = bpf_map_lookup_elem(&vigil_net_ep_cg, &id);

	if (ep)
		return ep;
	for (int level = VIGIL_NET_CG_DEPTH; level > 0; level--) {
		id = bpf_get_current_ancestor_cgroup_id(level);
		if (!id)
			continue;
		ep = bpf_map_lookup_elem(&vigil_net_ep_cg, &id);
		if (ep)
			return ep;
	}
	return 0;
}

static __always_inline int vigil_net_sock(struct bpf_sock_addr *ctx, __u8 family)
{
	struct vigil_net_pkt p = {};
	struct vigil_net_endpoint *ep = vigil_net_cg_endpoint();
	__u32 rule_id = 0;
	int action;

	if (!ep)
		return 1;
	p.family = family;
	p.proto = ctx->protocol;
	if (p.proto != IPPROTO_TCP && p.proto != IPPROTO_UDP)
		return 1;
	p.has_ports = 1;
	p.dport = bpf_ntohs(ctx->user_port);
	if (family == 4) {
		__u32 a = ctx->user_ip4;
		__builtin_memcpy(p.daddr, &a, 4);
	} else {
		__u32 a[4];
		a[0] = ctx->user_ip6[0];
		a[1] = ctx->user_ip6[1];
		a[2] = ctx->user_ip6[2];
		a[3] = ctx->user_ip6[3];
		/* ::ffff:a.b.c.d from a dual-stack socket is IPv4 on the wire: judge it as such. */
		if (a[0] == 0 && a[1] == 0 && a[2] == bpf_htonl(0xffff)) {
			p.family = 4;
			__builtin_memcpy(p.daddr, &a[3], 4);
		} else {
			__builtin_memcpy(p.daddr, a, 16);
		}
	}
	action = vigil_net_decide(ep->policy_id, VIGIL_NET_DIR_EGRESS, &p, &rule_id);
	vigil_net_count(ep->ep_id, rule_id, VIGIL_NET_DIR_EGRESS, action, VIGIL_NET_LAYER_SOCK, 0);
	if (action == VIGIL_NET_ACT_DENY) {
		vigil_net_flow_blocked(ep->ep_id, VIGIL_NET_DIR_EGRESS, VIGIL_NET_LAYER_SOCK, &p, rule_id, 0);
		return 0; /* EPERM */
	}
	return 1;
}

SEC("cgroup/connect4")
int vigil_net_conn4(struct bpf_sock_addr *ctx)
{
	return vigil_net_sock(ctx, 4);
}

SEC("cgroup/connect6")
int vigil_net_conn6(struct bpf_sock_addr *ctx)
{
	return vigil_net_sock(ctx, 6);
}

SEC("cgroup/sendmsg4")
int vigil_net_send4(struct bpf_sock_addr *ctx)
{
	return vigil_net_sock(ctx, 4);
}

SEC("cgroup/sendmsg6")
int vigil_net_send6(struct bpf_sock_addr *ctx)
{
	return vigil_net_sock(ctx, 6);
}
