// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Escape guard, files: what a guarded process opened, located from the kernel's own
 * dentry and superblock (after every symlink, bind mount and /proc/<pid>/root hop), then
 * classified: a host filesystem (and how sensitive the path is there), a kernel interface
 * (cgroup release_agent, /proc/sysrq-trigger, /proc/sys, /sys/kernel), a block device.
 */
#include "vigil_guard_maps.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct vigil_open_verdict {
	__u32 protection;
	__u8 action;
	__u32 fs_len;
	bool fs_cut;
	bool write;
	__u64 dev;
};

static __always_inline bool vigil_is_proc_sys(__u32 protection)
{
	return protection == VIGIL_PROT_CORE_PATTERN || protection == VIGIL_PROT_PROC_SYS_WRITE;
}

/* Decides about one opened file; fills the record's fs path in s->fspath when it matters. */
static __always_inline bool vigil_classify_open(struct vigil_guard_scratch *s,
						struct vigil_guard_settings *settings,
						__u32 scope_flags, struct file *file,
						struct vigil_open_verdict *v)
{
	struct dentry *d = BPF_CORE_READ(file, f_path.dentry);
	struct vfsmount *mnt = BPF_CORE_READ(file, f_path.mnt);
	struct super_block *sb = BPF_CORE_READ(d, d_sb);
	__u32 magic = BPF_CORE_READ(sb, s_magic);
	__u32 dev = BPF_CORE_READ(sb, s_dev);
	__u16 mode = BPF_CORE_READ(file, f_inode, i_mode);
	struct vigil_path_rule rule;
	__u32 fs, mnt_id;

	v->write = BPF_CORE_READ(file, f_mode) & VIGIL_FMODE_WRITE;
	v->dev = dev;
	if ((mode & VIGIL_S_IFMT) == VIGIL_S_IFBLK) {
		v->protection = VIGIL_PROT_BLOCK_DEVICE;
		v->dev = BPF_CORE_READ(file, f_inode, i_rdev);
		goto decide;
	}
	if (magic == VIGIL_FS_PROC || magic == VIGIL_FS_SYSFS || magic == VIGIL_FS_CGROUP ||
	    magic == VIGIL_FS_CGROUP2)
		fs = magic;
	else if (bpf_map_lookup_elem(&vigil_guard_host_fs, &dev))
		fs = dev;
	else
		return false;

	v->fs_len = vigil_fs_path_build(&s->fspath, d, &v->fs_cut);
	rule = vigil_path_match(s->fspath.b, VIGIL_PATH_MAX - v->fs_len, v->fs_len, fs);
	if (rule.protection < VIGIL_PROT_MAX && (!(rule.flags & VIGIL_PATH_WRITE_ONLY) || v->write)) {
		v->protection = rule.protection;
		/* With the cgroup sysctl program on this cgroup the write itself gets EPERM. */
		if ((scope_flags & VIGIL_SCOPE_CGROUP_HOOKS) && vigil_is_proc_sys(v->protection))
			return false;
		goto decide;
	}
	if (fs != dev)
		return false;
	mnt_id = BPF_CORE_READ(vigil_real_mount(mnt), mnt_id);
	if (bpf_map_lookup_elem(&vigil_guard_own_mounts, &mnt_id))
		return false;
	v->protection = VIGIL_PROT_HOST_FILE;
decide:
	v->action = vigil_guard_action(settings, v->protection);
	return v->action != VIGIL_ACT_NONE;
}

static __always_inline void vigil_emit_open(struct vigil_guard_scratch *s, struct file *file,
					    struct vigil_open_verdict *v, __u8 enforcement)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct fs_struct *fs = BPF_CORE_READ(t, fs);
	struct vigil_guard_event *ev = vigil_guard_begin(s, v->protection, v->action, enforcement);
	bool truncated = false;
	__u64 off = sizeof(*ev);
	__u32 len;

	ev->dev = v->dev;
	ev->open_flags = BPF_CORE_READ(file, f_flags);
	if (v->write)
		ev->flags |= VIGIL_GF_WRITE;
	len = vigil_path_build(&s->path, BPF_CORE_READ(file, f_path.dentry),
			       BPF_CORE_READ(file, f_path.mnt), &fs->root, &truncated);
	len = vigil_guard_append_kernel(s, off, &s->path.b[(VIGIL_PATH_MAX - len) & (VIGIL_PATH_MAX - 1)], len);
	ev->path_len = len;
	off += len;
	if (truncated)
		ev->flags |= VIGIL_GF_PATH_TRUNCATED;
	if (v->fs_len) {
		len = vigil_guard_append_kernel(s, off,
						&s->fspath.b[(VIGIL_PATH_MAX - v->fs_len) & (VIGIL_PATH_MAX - 1)],
						v->fs_len);
		ev->detail_len = len;
		off += len;
	}
	if (v->fs_cut)
		ev->flags |= VIGIL_GF_DETAIL_TRUNCATED;
	vigil_guard_submit(ev, off);
}

/* The signal mode: the open has happened; SIGKILL lands before the fd reaches user code. */
static __always_inline int vigil_guard_opened(long ret)
{
	struct vigil_guard_settings *settings;
	struct vigil_guard_scratch *s;
	struct vigil_open_verdict v = {};
	struct file *file;
	__u32 scope_flags;

	if (ret < 0)
		return 0;
	settings = vigil_guard_current(&scope_flags);
	if (!settings)
		return 0;
	s = vigil_guard_workspace();
	file = vigil_task_file((void *)bpf_get_current_task(), (__u32)ret);
	if (!s || !file || !vigil_classify_open(s, settings, scope_flags, file, &v))
		return 0;
	if (v.action == VIGIL_ACT_BLOCK)
		vigil_guard_kill();
	vigil_emit_open(s, file, &v, v.action == VIGIL_ACT_BLOCK ? VIGIL_ENF_SIGNAL : VIGIL_ENF_NONE);
	return 0;
}

SEC("tp/syscalls/sys_exit_openat")
int vigil_guard_openat(struct trace_event_raw_sys_exit *ctx)
{
	return vigil_guard_opened(ctx->ret);
}

SEC("tp/syscalls/sys_exit_open")
int vigil_guard_open(struct trace_event_raw_sys_exit *ctx)
{
	return vigil_guard_opened(ctx->ret);
}

SEC("tp/syscalls/sys_exit_openat2")
int vigil_guard_openat2(struct trace_event_raw_sys_exit *ctx)
{
	return vigil_guard_opened(ctx->ret);
}

SEC("tp/syscalls/sys_exit_creat")
int vigil_guard_creat(struct trace_event_raw_sys_exit *ctx)
{
	return vigil_guard_opened(ctx->ret);
}

/* The LSM mode: file_open runs inside the open, -EPERM fails it and no fd is made. */
SEC("lsm/file_open")
int BPF_PROG(vigil_guard_file_open, struct file *file, int ret)
{
	struct vigil_guard_settings *settings;
	struct vigil_guard_scratch *s;
	struct vigil_open_verdict v = {};
	__u32 scope_flags;

	if (ret)
		return ret;
	settings = vigil_guard_current(&scope_flags);
	if (!settings)
		return 0;
	s = vigil_guard_workspace();
	if (!s || !vigil_classify_open(s, settings, scope_flags, file, &v))
		return 0;
	vigil_emit_open(s, file, &v, v.action == VIGIL_ACT_BLOCK ? VIGIL_ENF_LSM : VIGIL_ENF_NONE);
	return v.action == VIGIL_ACT_BLOCK ? -VIGIL_EPERM : 0;
}
