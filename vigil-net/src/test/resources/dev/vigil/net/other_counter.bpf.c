// A stand-in for another agent's TC program: counts the packets it sees and lets them on.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} othr_hits SEC(".maps");

SEC("tc")
int othr_count(struct __sk_buff *skb)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&othr_hits, &k);

	if (v)
		__sync_fetch_and_add(v, 1);
	return -1; /* TC_ACT_UNSPEC: next filter */
}

char LICENSE[] SEC("license") = "GPL";
