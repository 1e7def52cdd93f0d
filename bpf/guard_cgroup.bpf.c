// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Escape guard, cgroup hooks: refusals the kernel makes itself, with EPERM, where BPF LSM
 * is not available. The agent attaches these to each guarded container's cgroup v2 (never
 * to the root): the device program runs on every open or mknod of a device node, the sysctl
 * program on every read and write of a /proc/sys file.
 */
#include "vigil_guard_maps.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define VIGIL_DEVCG_DEV_BLOCK 1
#define VIGIL_DEVCG_ACC_MKNOD 1

static __always_inline int vigil_cgroup_verdict(__u32 protection, __s64 arg, const char *name,
						__u32 name_len)
{
	struct vigil_guard_scratch *s;
	struct vigil_guard_event *ev;
	__u8 action = vigil_guard_decide(protection);
	__u32 len;
	__u64 off;

	if (action == VIGIL_ACT_NONE)
		return 1;
	s = vigil_guard_workspace();
	if (!s)
		return action == VIGIL_ACT_BLOCK ? 0 : 1;
	ev = vigil_guard_begin(s, protection, action,
			       action == VIGIL_ACT_BLOCK ? VIGIL_ENF_CGROUP : VIGIL_ENF_NONE);
	ev->arg = arg;
	ev->dev = arg;
	off = sizeof(*ev);
	if (name) {
		len = vigil_guard_append_kernel(s, off, name, name_len);
		ev->detail_len = len;
		off += len;
	}
	vigil_guard_submit(ev, off);
	return action == VIGIL_ACT_BLOCK ? 0 : 1;
}

SEC("cgroup/dev")
int vigil_guard_device(struct bpf_cgroup_dev_ctx *ctx)
{
	__u32 type = ctx->access_type & 0xffff;
	__u32 access = ctx->access_type >> 16;
	/* As the kernel keeps dev_t inside (MKDEV): major << 20 | minor. */
	__s64 dev = ((__s64)ctx->major << 20) | ctx->minor;

	if (type != VIGIL_DEVCG_DEV_BLOCK)
		return 1;
	return vigil_cgroup_verdict(access & VIGIL_DEVCG_ACC_MKNOD ? VIGIL_PROT_MKNOD
								   : VIGIL_PROT_BLOCK_DEVICE,
				    dev, 0, 0);
}

SEC("cgroup/sysctl")
int vigil_guard_sysctl(struct bpf_sysctl *ctx)
{
	struct vigil_guard_scratch *s;
	struct vigil_path_rule rule;
	long n;

	if (!ctx->write)
		return 1;
	s = vigil_guard_workspace();
	if (!s)
		return 1;
	/* "kernel/core_pattern" becomes "/sys/kernel/core_pattern", its path in procfs. */
	__builtin_memcpy(s->name, "/sys/", 5);
	n = bpf_sysctl_get_name(ctx, (char *)&s->name[5], 200, 0);
	if (n < 0)
		n = 200;
	n += 5;
	rule = vigil_path_match((const char *)s->name, 0, n & 255, VIGIL_FS_PROC);
	if (rule.protection != VIGIL_PROT_CORE_PATTERN && rule.protection != VIGIL_PROT_PROC_SYS_WRITE)
		return 1;
	return vigil_cgroup_verdict(rule.protection, 0, (const char *)s->name, n & 255);
}
