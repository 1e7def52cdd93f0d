/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Maps and helpers every Vigil kernel program shares: the event ring buffer, its drop and
 * error counters, the userspace-tunable config, and the one submit path that applies the
 * wakeup policy.
 *
 * Each .bpf.c is its own object, so each object gets its own instance of these maps; the
 * agent shares one instance between objects by reusing the map fd (bpf_map__reuse_fd)
 * before loading the second object.
 */
#ifndef VIGIL_COMMON_H
#define VIGIL_COMMON_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "vigil_events.h"

/* Default ring size; userspace may call bpf_map__set_max_entries() before load. */
#define VIGIL_RINGBUF_BYTES (8u << 20)

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, VIGIL_RINGBUF_BYTES);
} vigil_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VIGIL_EV_TYPE_MAX);
	__type(key, __u32);
	__type(value, __u64);
} vigil_ringbuf_drops SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VIGIL_ERR_MAX);
	__type(key, __u32);
	__type(value, __u64);
} vigil_errors SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vigil_config);
} vigil_config SEC(".maps");

/*
 * tgid -> the identity of the image that tgid runs now. Userspace seeds it with processes
 * that were running before load; fork inserts, exec replaces, exit removes.
 */
#define VIGIL_PROCS_MAX 32768

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VIGIL_PROCS_MAX);
	__type(key, __u32);
	__type(value, struct vigil_proc_key);
} vigil_procs SEC(".maps");

/* Both counter arrays have power-of-two sizes, so a mask keeps any index in range. */
_Static_assert((VIGIL_EV_TYPE_MAX & (VIGIL_EV_TYPE_MAX - 1)) == 0, "mask needs power of two");
_Static_assert((VIGIL_ERR_MAX & (VIGIL_ERR_MAX - 1)) == 0, "mask needs power of two");

static __always_inline void vigil_count(void *counters, __u32 index)
{
	__u64 *slot = bpf_map_lookup_elem(counters, &index);

	/* Per-CPU slot: no other writer, a plain add is exact. */
	if (slot)
		*slot += 1;
}

static __always_inline void vigil_count_error(enum vigil_error err)
{
	vigil_count(&vigil_errors, (__u32)err & (VIGIL_ERR_MAX - 1));
}

static __always_inline void vigil_fill_header(struct vigil_event_header *hdr, __u16 type,
					      __u32 size)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	hdr->type = type;
	hdr->reserved = 0;
	hdr->size = size;
	hdr->ktime_ns = bpf_ktime_get_boot_ns();
	hdr->pid = (__u32)pid_tgid;
	hdr->tgid = (__u32)(pid_tgid >> 32);
	hdr->cgroup_id = bpf_get_current_cgroup_id();
}

/*
 * Copies one record into vigil_events. A wakeup costs a few microseconds, more than the
 * record itself, so with wakeup_bytes set the consumer is only woken once that much data
 * waits (counting this record) and otherwise relies on its own poll timer.
 */
static __always_inline long vigil_submit(void *data, __u64 size, __u32 type)
{
	__u32 zero = 0;
	struct vigil_config *cfg = bpf_map_lookup_elem(&vigil_config, &zero);
	__u64 flags = 0;
	long err;

	if (cfg && cfg->wakeup_bytes) {
		__u64 waiting = bpf_ringbuf_query(&vigil_events, BPF_RB_AVAIL_DATA);

		flags = waiting + size >= cfg->wakeup_bytes ? BPF_RB_FORCE_WAKEUP
							     : BPF_RB_NO_WAKEUP;
	}
	err = bpf_ringbuf_output(&vigil_events, data, size, flags);
	if (err)
		vigil_count(&vigil_ringbuf_drops, type & (VIGIL_EV_TYPE_MAX - 1));
	return err;
}

/* 0 means unknown: the process predates the agent and was not seeded, or the map was full. */
static __always_inline __u64 vigil_proc_exec_ktime(__u32 tgid)
{
	struct vigil_proc_key *key = bpf_map_lookup_elem(&vigil_procs, &tgid);

	return key ? key->exec_ktime : 0;
}

static __always_inline void vigil_proc_set(__u32 tgid, __u64 exec_ktime)
{
	struct vigil_proc_key key = { .exec_ktime = exec_ktime };

	if (bpf_map_update_elem(&vigil_procs, &tgid, &key, BPF_ANY))
		vigil_count_error(VIGIL_ERR_PROC_MAP_FULL);
}

#endif /* VIGIL_COMMON_H */
