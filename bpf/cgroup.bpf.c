// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Container tracking: cgroup v2 directories as they are made and removed. Runtimes create a
 * container's cgroup before its first process starts, so the agent learns the cgroup id to
 * container id mapping ahead of any event from inside, however short the container's life.
 */
#include "vigil_common.h"
#define VIGIL_GUARD_NO_PROGRAMS
#include "vigil_guard_maps.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct vigil_cgroup_event *vigil_btf_vigil_cgroup_event __attribute__((section(".vigil.btf"), used));

#define VIGIL_CGROUP_PATH_MASK (VIGIL_CGROUP_PATH_MAX - 1)
_Static_assert((VIGIL_CGROUP_PATH_MAX & VIGIL_CGROUP_PATH_MASK) == 0, "mask needs power of two");

struct vigil_cgroup_scratch {
	struct vigil_cgroup_event ev;
	char path[VIGIL_CGROUP_PATH_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vigil_cgroup_scratch);
} vigil_cgroup_scratch SEC(".maps");

static __always_inline int vigil_cgroup_record(struct cgroup *cgrp, const char *path, __u16 type)
{
	__u32 zero = 0;
	struct vigil_cgroup_scratch *s;
	long n;

	/* Hierarchy 0 is cgroup v2, whose ids are the ones tasks report; v1 trees are not needed. */
	if (BPF_CORE_READ(cgrp, root, hierarchy_id) != 0)
		return 0;
	s = bpf_map_lookup_elem(&vigil_cgroup_scratch, &zero);
	if (!s)
		return 0;
	n = bpf_probe_read_kernel_str(s->path, sizeof(s->path), path);
	if (n <= 0)
		n = 1;
	n = (n - 1) & VIGIL_CGROUP_PATH_MASK; /* without the NUL */
	s->ev.id = BPF_CORE_READ(cgrp, kn, id);
	s->ev.level = BPF_CORE_READ(cgrp, level);
	s->ev.path_len = n;
	s->ev.reserved = 0;
	vigil_fill_header(&s->ev.hdr, type, sizeof(s->ev) + n);
	vigil_submit(s, sizeof(s->ev) + n, type);
	return 0;
}

/*
 * The escape guard must hold from a container's first instruction, long before the agent
 * has asked the runtime who the container is. A cgroup made under a guarded cgroup inherits
 * its slot; one made under a runtime's container parent (libpod_parent, kubepods...) starts
 * with the default slot. The agent refines the slot once it knows the container.
 */
static __always_inline void vigil_guard_inherit(struct cgroup *cgrp)
{
	__u64 id = BPF_CORE_READ(cgrp, kn, id);
	__u64 parent = BPF_CORE_READ(cgrp, self.parent, cgroup, kn, id);
	struct vigil_guard_scope *scope = bpf_map_lookup_elem(&vigil_guard_scope, &parent);
	struct vigil_guard_scope fresh = {};
	__u32 zero = 0;
	struct vigil_guard_config *cfg;

	if (scope) {
		fresh.slot = scope->slot;
	} else if (bpf_map_lookup_elem(&vigil_guard_parents, &parent)) {
		cfg = bpf_map_lookup_elem(&vigil_guard_config, &zero);
		if (!cfg)
			return;
		fresh.slot = cfg->default_slot;
	} else {
		return;
	}
	bpf_map_update_elem(&vigil_guard_scope, &id, &fresh, BPF_NOEXIST);
}

#define VIGIL_PARENT_NAME_MAX 16

static __always_inline bool vigil_name_is(const char *name, const char *want, int len)
{
	int i;

	for (i = 0; i < VIGIL_PARENT_NAME_MAX; i++) {
		if (i >= len)
			return name[i] == 0;
		if (name[i] != want[i])
			return false;
	}
	return false;
}

/*
 * A runtime's container parent made while the agent runs (the first container of a fresh
 * node): it becomes a parent at once, so the containers made under it next are guarded from
 * their first instruction. The names are the top-level ones runtimes use (EscapeGuard's list);
 * machine.slice is not one: virtual machines live there too, and a VM's qemu opens block devices.
 */
static __always_inline void vigil_guard_learn_parent(struct cgroup *cgrp, const char *path)
{
	char name[VIGIL_PARENT_NAME_MAX + 1] = {};
	__u64 id;
	__u32 one = 1;

	if (BPF_CORE_READ(cgrp, level) != 1)
		return;
	if (bpf_probe_read_kernel_str(name, sizeof(name), path) <= 0)
		return;
	if (!vigil_name_is(name, "/libpod_parent", 14) && !vigil_name_is(name, "/kubepods", 9) &&
	    !vigil_name_is(name, "/kubepods.slice", 15) && !vigil_name_is(name, "/docker", 7))
		return;
	id = BPF_CORE_READ(cgrp, kn, id);
	bpf_map_update_elem(&vigil_guard_parents, &id, &one, BPF_ANY);
}

/* cgroup_mkdir fires once the directory exists and has its id, before any task can join it. */
SEC("tp_btf/cgroup_mkdir")
int BPF_PROG(vigil_cgroup_mkdir, struct cgroup *cgrp, const char *path)
{
	if (BPF_CORE_READ(cgrp, root, hierarchy_id) == 0) {
		vigil_guard_inherit(cgrp);
		vigil_guard_learn_parent(cgrp, path);
	}
	return vigil_cgroup_record(cgrp, path, VIGIL_EV_CGROUP_MKDIR);
}

/* cgroup_rmdir tells the agent when a container's id may leave its tables. */
SEC("tp_btf/cgroup_rmdir")
int BPF_PROG(vigil_cgroup_rmdir, struct cgroup *cgrp, const char *path)
{
	__u64 id = BPF_CORE_READ(cgrp, kn, id);

	if (BPF_CORE_READ(cgrp, root, hierarchy_id) == 0)
		bpf_map_delete_elem(&vigil_guard_scope, &id);
	return vigil_cgroup_record(cgrp, path, VIGIL_EV_CGROUP_RMDIR);
}
