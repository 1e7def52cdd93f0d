/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The escape guard's maps and the helpers every guard program uses: who is guarded, what
 * their policy slot says, hashing, the sensitive-path matcher, the alert record, and the
 * kill. core.bpf.c creates the maps; guard objects reuse them (see vigil_common.h).
 */
#ifndef VIGIL_GUARD_MAPS_H
#define VIGIL_GUARD_MAPS_H

#include "vigil_common.h"
#include "vigil_guard.h"
#include "vigil_task.h"

#define VIGIL_GUARD_SLOTS 256

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct vigil_guard_scope);
} vigil_guard_scope SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VIGIL_GUARD_SLOTS);
	__type(key, __u32);
	__type(value, struct vigil_guard_settings);
} vigil_guard_policies SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vigil_guard_config);
} vigil_guard_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, struct vigil_cmd_binary);
} vigil_cmd_binaries SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct vigil_cmd_token_key);
	__type(value, struct vigil_cmd_token);
} vigil_cmd_tokens SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct vigil_path_key);
	__type(value, struct vigil_path_rule);
} vigil_guard_paths SEC(".maps");

/* Superblock devices of the host's own filesystems (s_dev -> unused). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u32);
} vigil_guard_host_fs SEC(".maps");

/* Mount ids (struct mount.mnt_id) that belong to a container: runtime files and volumes. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u32);
} vigil_guard_own_mounts SEC(".maps");

/* Namespace inode numbers of the host (init) namespaces. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u32);
} vigil_guard_host_ns SEC(".maps");

/* cgroup v2 ids under which runtimes make container cgroups (libpod_parent, kubepods...). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u64);
	__type(value, __u32);
} vigil_guard_parents SEC(".maps");

#ifndef VIGIL_GUARD_NO_PROGRAMS

#define VIGIL_SIGKILL 9
#define VIGIL_EPERM 1
#define VIGIL_FMODE_WRITE 0x2
#define VIGIL_S_IFMT 00170000
#define VIGIL_S_IFBLK 0060000

/*
 * An index the verifier can bound: the empty asm hides what clang knows of v, so the mask
 * stays in the code (clang drops masks it can prove redundant; the verifier cannot).
 */
#define vigil_bound(v, mask) ({ __u64 __v = (v); asm volatile("" : "+r"(__v)); __v & (mask); })

#define VIGIL_FNV_OFFSET 0xcbf29ce484222325ULL
#define VIGIL_FNV_PRIME 0x100000001b3ULL

static __always_inline __u64 vigil_fnv(__u64 h, __u8 c)
{
	return (h ^ c) * VIGIL_FNV_PRIME;
}

static __always_inline struct vigil_guard_config *vigil_guard_cfg(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&vigil_guard_config, &zero);
}

/* The calling task's policy slot, or NULL when it is not guarded. */
static __always_inline struct vigil_guard_settings *vigil_guard_current(__u32 *scope_flags)
{
	__u64 cgroup = bpf_get_current_cgroup_id();
	struct vigil_guard_scope *scope = bpf_map_lookup_elem(&vigil_guard_scope, &cgroup);
	struct vigil_guard_config *cfg;
	__u32 slot;


	if (scope) {
		slot = scope->slot;
		*scope_flags = scope->flags;
	} else {
		cfg = vigil_guard_cfg();
		if (!cfg || cfg->host_slot == VIGIL_GUARD_NO_SLOT)
			return 0;
		slot = cfg->host_slot;
		*scope_flags = 0;
	}
	return bpf_map_lookup_elem(&vigil_guard_policies, &slot);
}

static __always_inline __u8 vigil_guard_action(struct vigil_guard_settings *s, __u32 protection)
{
	/* Keeps clang from dropping the mask where it "knows" the range; the verifier does not. */
	asm volatile("" : "+r"(protection));
	return s->action[protection & (VIGIL_PROT_MAX - 1)];
}

/*
 * What a guard program does about `protection` for the calling task: VIGIL_ACT_NONE when it is
 * not guarded, the protection is off for it, or it is the runtime setting a container up.
 */
static __always_inline __u8 vigil_guard_decide(__u32 protection)
{
	__u32 scope_flags;
	struct vigil_guard_settings *settings = vigil_guard_current(&scope_flags);
	__u8 action;

	if (!settings)
		return VIGIL_ACT_NONE;
	action = vigil_guard_action(settings, protection);
	if (action == VIGIL_ACT_NONE || vigil_is_runtime_setup())
		return VIGIL_ACT_NONE;
	return action;
}

/*
 * Offsets and lengths are masked before each variable-sized copy so the verifier can bound
 * them; real values (80 + 2 * 1024) are far below the masks.
 */
#define VIGIL_GREC_AREA 8192
#define VIGIL_GOFF_MASK 4095
#define VIGIL_GLEN_MASK 2047

_Static_assert(sizeof(struct vigil_guard_event) + 2 * VIGIL_PATH_MAX <= VIGIL_GOFF_MASK,
	       "record offsets must fit the offset mask");

#include "vigil_path.h"

/* Per-CPU workspace of one guard program run: the record, two path buffers, argv. */
struct vigil_guard_scratch {
	__u8 rec[VIGIL_GREC_AREA];
	struct vigil_path_buf path;
	struct vigil_path_buf fspath;
	__u8 args[2 * VIGIL_ARGS_MAX]; /* argv, then room the index mask needs */
	__u8 name[VIGIL_NAME_MAX + 1];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vigil_guard_scratch);
} vigil_guard_scratch SEC(".maps");

static __always_inline struct vigil_guard_scratch *vigil_guard_workspace(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&vigil_guard_scratch, &zero);
}

/* Starts a record in s->rec; strings are appended with vigil_guard_append_*. */
static __always_inline struct vigil_guard_event *
vigil_guard_begin(struct vigil_guard_scratch *s, __u32 protection, __u8 action, __u8 enforcement)
{
	struct vigil_guard_event *ev = (void *)s->rec;
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct task_struct *t = (void *)bpf_get_current_task();

	__builtin_memset(ev, 0, sizeof(*ev));
	vigil_fill_header(&ev->hdr, VIGIL_EV_GUARD, 0);
	ev->exec_ktime = vigil_proc_exec_ktime(tgid);
	ev->protection = protection;
	ev->action = action;
	ev->enforcement = enforcement;
	ev->mnt_ns = BPF_CORE_READ(t, nsproxy, mnt_ns, ns.inum);
	return ev;
}

/* Copies len bytes from kernel memory src to the record at off; returns bytes appended. */
static __always_inline __u32 vigil_guard_append_kernel(struct vigil_guard_scratch *s, __u64 off,
							const void *src, __u32 len)
{
	len &= VIGIL_GLEN_MASK;
	if (len > VIGIL_PATH_MAX)
		len = VIGIL_PATH_MAX;
	off &= VIGIL_GOFF_MASK;
	if (bpf_probe_read_kernel(&s->rec[off], len, src))
		return 0;
	return len;
}

/* Appends a NUL-terminated user string (at most max bytes, no NUL kept). */
static __always_inline __u32 vigil_guard_append_user_str(struct vigil_guard_scratch *s, __u64 off,
							  const void *src)
{
	long n;

	off &= VIGIL_GOFF_MASK;
	n = bpf_probe_read_user_str(&s->rec[off], 256, src);
	return n > 0 ? (__u32)(n - 1) : 0;
}

static __always_inline void vigil_guard_submit(struct vigil_guard_event *ev, __u64 size)
{
	size &= VIGIL_GOFF_MASK;
	ev->hdr.size = size;
	vigil_submit(ev, size, VIGIL_EV_GUARD);
}

/*
 * An alert-only finding repeated by the same cgroup on the same object (file inode, syscall
 * argument) within VIGIL_ALERT_WINDOW_NS is counted, not sent: a container reading a host
 * volume in a loop must not become a flood of identical alerts. Blocks are always sent.
 */
#define VIGIL_ALERT_WINDOW_NS (10ULL * 1000 * 1000 * 1000)

struct vigil_alert_key {
	__u64 cgroup;
	__u64 object;
	__u32 protection;
	__u32 reserved;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct vigil_alert_key);
	__type(value, __u64);
} vigil_guard_recent SEC(".maps");

static __always_inline bool vigil_guard_repeat(__u32 protection, __u64 object)
{
	struct vigil_alert_key key = {
		.cgroup = bpf_get_current_cgroup_id(), .object = object, .protection = protection,
	};
	__u64 now = bpf_ktime_get_ns();
	__u64 *last = bpf_map_lookup_elem(&vigil_guard_recent, &key);

	if (last && now - *last < VIGIL_ALERT_WINDOW_NS) {
		vigil_count_error(VIGIL_ERR_ALERT_REPEAT);
		return true;
	}
	bpf_map_update_elem(&vigil_guard_recent, &key, &now, BPF_ANY);
	return false;
}

/* Blocks in the signal mode: SIGKILL is delivered before the task returns to user space. */
static __always_inline void vigil_guard_kill(void)
{
	bpf_send_signal(VIGIL_SIGKILL);
}

/* Matching a path, given as buf[start, start + len), against vigil_guard_paths. */
struct vigil_path_match {
	const char *buf;
	__u32 start;
	__u32 len;
	__u32 fs;
	__u64 hash;
	__u64 base; /* hash of "/<component>" for the component being read */
	struct vigil_path_rule best; /* protection VIGIL_PROT_MAX: none yet */
};

static __always_inline void vigil_path_match_lookup(struct vigil_path_match *m)
{
	struct vigil_path_key key = { .hash = m->hash, .fs = m->fs };
	struct vigil_path_rule *rule = bpf_map_lookup_elem(&vigil_guard_paths, &key);

	/* Longer prefixes come later, so the last hit is the most specific. */
	if (rule)
		m->best = *rule;
}

static int vigil_path_match_step(__u32 i, void *ctx)
{
	struct vigil_path_match *m = ctx;
	__u8 c;

	if (i >= m->len)
		return 1;
	if (bpf_probe_read_kernel(&c, 1, m->buf + ((m->start + i) & (VIGIL_PATH_MAX - 1))))
		return 1;
	/* A component boundary: the path up to here is a candidate prefix. */
	if (c == '/' && i > 0)
		vigil_path_match_lookup(m);
	m->hash = vigil_fnv(m->hash, c);
	m->base = c == '/' ? vigil_fnv(VIGIL_FNV_OFFSET, c) : vigil_fnv(m->base, c);
	return 0;
}

/* The most specific rule for fs:path (a prefix at a component boundary, or all of it). */
static __always_inline struct vigil_path_rule vigil_path_match(const char *buf, __u32 start,
							       __u32 len, __u32 fs)
{
	struct vigil_path_match m = {
		.buf = buf, .start = start, .len = len, .fs = fs,
		.hash = VIGIL_FNV_OFFSET, .base = VIGIL_FNV_OFFSET, .best = { .protection = VIGIL_PROT_MAX },
	};

	struct vigil_path_key base_key = {};
	struct vigil_path_rule *by_name;

	bpf_loop(VIGIL_PATH_MAX, vigil_path_match_step, &m, 0);
	vigil_path_match_lookup(&m);
	if (m.best.protection < VIGIL_PROT_MAX)
		return m.best;
	/* Files that matter by name in any directory (cgroup control files in every cgroup). */
	base_key.hash = m.base;
	base_key.fs = fs | VIGIL_FS_BASENAME;
	by_name = bpf_map_lookup_elem(&vigil_guard_paths, &base_key);
	if (by_name)
		m.best = *by_name;
	return m.best;
}

/*
 * Path of a dentry relative to its filesystem's root, ignoring mounts: what the file is
 * called on the filesystem, whichever mount the process reached it through.
 */
static __always_inline __u32 vigil_fs_path_build(struct vigil_path_buf *buf, struct dentry *d,
						 bool *truncated)
{
	struct vigil_path_walk w = {
		.buf = buf,
		.dentry = d,
		.pos = VIGIL_PATH_MAX,
		.fs_only = true,
	};
	__u32 pos;

	bpf_loop(VIGIL_PATH_DEPTH, vigil_path_step, &w, 0);
	if (w.truncated || !w.done)
		*truncated = true;
	pos = w.pos;
	if (pos >= VIGIL_PATH_MAX) {
		pos = VIGIL_PATH_MAX - 1;
		buf->b[pos] = '/';
	}
	return VIGIL_PATH_MAX - pos;
}

#endif /* VIGIL_GUARD_NO_PROGRAMS */

#endif /* VIGIL_GUARD_MAPS_H */
