// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Network protection on a container's interface: one direct-action cls_bpf program per
 * direction on the clsact qdisc of the host side of the container's veth (or of a configured
 * underlay interface). The host side's ingress is what the container sends (its egress), the
 * host side's egress is what it receives.
 *
 * Stateless L3/L4: every IPv4/IPv6 packet is judged on its own by (remote address, protocol,
 * destination port). Packets that are not IP (ARP) and IPv6 neighbour discovery always pass,
 * so that a deny-all policy does not cut the link layer out from under allowed traffic.
 */
#include "vigil_net_maps.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Allowed packets go on to the next filter (another program's, at a later priority): UNSPEC, not OK. */
#define TC_ACT_UNSPEC (-1)
#define TC_ACT_SHOT 2
#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define IPPROTO_ICMPV6 58
#define IP_OFFSET 0x1FFF

/* Non-zero: ICMPv6 type that belongs to neighbour discovery or router discovery (133..137). */
static __always_inline int vigil_net_is_nd(__u8 type)
{
	return type >= 133 && type <= 137;
}

/* Fills p from the packet; returns 0 when the packet is not subject to policy. */
static __always_inline int vigil_net_parse(struct __sk_buff *skb, struct vigil_net_pkt *p)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	void *l4;

	if ((void *)(eth + 1) > end)
		return 0;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);

		if ((void *)(ip + 1) > end)
			return 0;
		p->family = 4;
		p->proto = ip->protocol;
		__builtin_memcpy(p->saddr, &ip->saddr, 4);
		__builtin_memcpy(p->daddr, &ip->daddr, 4);
		/* Later fragments carry no L4 header: judged on address and protocol alone. */
		if (ip->frag_off & bpf_htons(IP_OFFSET))
			return 1;
		l4 = (void *)ip + ip->ihl * 4;
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > end)
			return 0;
		p->family = 6;
		p->proto = ip6->nexthdr; /* extension headers are not walked: the first one is the protocol */
		__builtin_memcpy(p->saddr, &ip6->saddr, 16);
		__builtin_memcpy(p->daddr, &ip6->daddr, 16);
		l4 = (void *)(ip6 + 1);
		if (p->proto == IPPROTO_ICMPV6) {
			__u8 *type = l4;
			if ((void *)(type + 1) <= end && vigil_net_is_nd(*type))
				return 0;
		}
	} else {
		return 0;
	}
	if (p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP) {
		__be16 *ports = l4;
		if ((void *)(ports + 2) > end)
			return 1;
		p->has_ports = 1;
		p->sport = bpf_ntohs(ports[0]);
		p->dport = bpf_ntohs(ports[1]);
	}
	return 1;
}

static __always_inline int vigil_net_tc(struct __sk_buff *skb, __u8 dir)
{
	struct vigil_net_pkt p = {};
	struct vigil_net_endpoint *ep;
	__u32 ifindex = skb->ifindex;
	__u32 rule_id = 0;
	int action;

	ep = bpf_map_lookup_elem(&vigil_net_ep_if, &ifindex);
	if (!ep)
		return TC_ACT_UNSPEC;
	if (!vigil_net_parse(skb, &p))
		return TC_ACT_UNSPEC;
	action = vigil_net_decide(ep->policy_id, dir, &p, &rule_id);
	vigil_net_count(ep->ep_id, rule_id, dir, action, VIGIL_NET_LAYER_TC, skb->len);
	if (action == VIGIL_NET_ACT_DENY) {
		vigil_net_flow_blocked(ep->ep_id, dir, VIGIL_NET_LAYER_TC, &p, rule_id, skb->len);
		return TC_ACT_SHOT;
	}
	/* HTB on this interface picks the class named by skb->priority (major:minor). */
	if (dir == VIGIL_NET_DIR_INGRESS && ep->classid)
		skb->priority = ep->classid;
	return TC_ACT_UNSPEC;
}

/* Host side ingress: packets the container sends. */
SEC("tc")
int vigil_net_tc_eg(struct __sk_buff *skb)
{
	return vigil_net_tc(skb, VIGIL_NET_DIR_EGRESS);
}

/* Host side egress: packets the container receives. */
SEC("tc")
int vigil_net_tc_in(struct __sk_buff *skb)
{
	return vigil_net_tc(skb, VIGIL_NET_DIR_INGRESS);
}
