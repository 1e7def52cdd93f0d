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

/* A file's identity for alert de-duplication: its inode, on its superblock. */
static __always_inline __u64 vigil_file_object(struct file *file)
{
	return BPF_CORE_READ(file, f_inode, i_ino) ^ ((__u64)BPF_CORE_READ(file, f_inode, i_sb, s_dev) << 40);
}

static __always_inline bool vigil_is_proc_sys(__u32 protection)
{
	return protection == VIGIL_PROT_CORE_PATTERN || protection == VIGIL_PROT_PROC_SYS_WRITE;
}

/*
 * Decides about one file, known by (dentry, mount) and whether it is being changed; fills the
 * record's fs path in s->fspath when it matters.
 */
static __always_inline bool vigil_classify(struct vigil_guard_scratch *s,
					   struct vigil_guard_settings *settings, __u32 scope_flags,
					   struct dentry *d, struct vfsmount *mnt, bool write,
					   struct vigil_open_verdict *v)
{
	struct super_block *sb = BPF_CORE_READ(d, d_sb);
	__u32 magic = BPF_CORE_READ(sb, s_magic);
	__u32 dev = BPF_CORE_READ(sb, s_dev);
	struct inode *inode = BPF_CORE_READ(d, d_inode);
	__u16 mode = inode ? BPF_CORE_READ(inode, i_mode) : 0;
	struct vigil_path_rule rule;
	__u32 fs, mnt_id;

	v->write = write;
	v->dev = dev;
	if ((mode & VIGIL_S_IFMT) == VIGIL_S_IFBLK) {
		v->protection = VIGIL_PROT_BLOCK_DEVICE;
		v->dev = BPF_CORE_READ(inode, i_rdev);
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

static __always_inline bool vigil_classify_open(struct vigil_guard_scratch *s,
						struct vigil_guard_settings *settings,
						__u32 scope_flags, struct file *file,
						struct vigil_open_verdict *v)
{
	return vigil_classify(s, settings, scope_flags, BPF_CORE_READ(file, f_path.dentry),
			      BPF_CORE_READ(file, f_path.mnt),
			      BPF_CORE_READ(file, f_mode) & VIGIL_FMODE_WRITE, v);
}

/* What was done to the file: an open (with its flags) or a VIGIL_OP_* path operation. */
static __always_inline void vigil_emit_file(struct vigil_guard_scratch *s, struct dentry *d,
					    struct vfsmount *mnt, __u32 open_flags, __s64 op,
					    struct vigil_open_verdict *v, __u8 enforcement)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct fs_struct *fs = BPF_CORE_READ(t, fs);
	struct vigil_guard_event *ev = vigil_guard_begin(s, v->protection, v->action, enforcement);
	bool truncated = false;
	__u64 off = sizeof(*ev);
	__u32 len;

	ev->dev = v->dev;
	ev->open_flags = open_flags;
	ev->arg = op;
	if (v->write)
		ev->flags |= VIGIL_GF_WRITE;
	len = vigil_path_build(&s->path, d, mnt, &fs->root, &truncated);
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
	if (!s || !file || !vigil_classify_open(s, settings, scope_flags, file, &v) || vigil_is_runtime_setup())
		return 0;
	if (v.action == VIGIL_ACT_ALERT && vigil_guard_repeat(v.protection, vigil_file_object(file)))
		return 0;
	if (v.action == VIGIL_ACT_BLOCK)
		vigil_guard_kill();
	vigil_emit_file(s, BPF_CORE_READ(file, f_path.dentry), BPF_CORE_READ(file, f_path.mnt),
			BPF_CORE_READ(file, f_flags), VIGIL_OP_OPEN, &v,
			v.action == VIGIL_ACT_BLOCK ? VIGIL_ENF_SIGNAL : VIGIL_ENF_NONE);
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
	if (!s || !vigil_classify_open(s, settings, scope_flags, file, &v) || vigil_is_runtime_setup())
		return 0;
	if (v.action == VIGIL_ACT_ALERT && vigil_guard_repeat(v.protection, vigil_file_object(file)))
		return 0;
	vigil_emit_file(s, BPF_CORE_READ(file, f_path.dentry), BPF_CORE_READ(file, f_path.mnt),
			BPF_CORE_READ(file, f_flags), VIGIL_OP_OPEN, &v,
			v.action == VIGIL_ACT_BLOCK ? VIGIL_ENF_LSM : VIGIL_ENF_NONE);
	return v.action == VIGIL_ACT_BLOCK ? -VIGIL_EPERM : 0;
}

/*
 * Path operations (unlink, rename, chmod, chown, link, mknod, truncate, symlink, rmdir) name
 * their file by a string until the kernel has looked it up; only hooks inside the VFS see the
 * dentry. The LSM path hooks are such hooks; without BPF LSM (and without fentry or kprobes)
 * there is none, and these operations are reported unavailable rather than guessed from strings.
 */
static __always_inline int vigil_guard_path_op(struct dentry *d, struct vfsmount *mnt, __s64 op)
{
	struct vigil_guard_settings *settings;
	struct vigil_guard_scratch *s;
	struct vigil_open_verdict v = {};
	__u32 scope_flags;

	settings = vigil_guard_current(&scope_flags);
	if (!settings)
		return 0;
	s = vigil_guard_workspace();
	if (!s || !d || !vigil_classify(s, settings, scope_flags, d, mnt, true, &v) || vigil_is_runtime_setup())
		return 0;
	/* By inode number: in LSM programs the dentry is a typed pointer, which BPF may not mix into a key. */
	if (v.action == VIGIL_ACT_ALERT &&
	    vigil_guard_repeat(v.protection, BPF_CORE_READ(d, d_inode, i_ino) ^ ((__u64)op << 56)))
		return 0;
	vigil_emit_file(s, d, mnt, 0, op, &v, v.action == VIGIL_ACT_BLOCK ? VIGIL_ENF_LSM : VIGIL_ENF_NONE);
	return v.action == VIGIL_ACT_BLOCK ? -VIGIL_EPERM : 0;
}

SEC("lsm/path_unlink")
int BPF_PROG(vigil_guard_unlink, const struct path *dir, struct dentry *dentry, int ret)
{
	return ret ? ret : vigil_guard_path_op(dentry, BPF_CORE_READ(dir, mnt), VIGIL_OP_UNLINK);
}

SEC("lsm/path_rmdir")
int BPF_PROG(vigil_guard_rmdir, const struct path *dir, struct dentry *dentry, int ret)
{
	return ret ? ret : vigil_guard_path_op(dentry, BPF_CORE_READ(dir, mnt), VIGIL_OP_RMDIR);
}

/* The renamed file is judged where it comes from; a rename onto a sensitive path is judged there too. */
SEC("lsm/path_rename")
int BPF_PROG(vigil_guard_rename, const struct path *old_dir, struct dentry *old_dentry,
	     const struct path *new_dir, struct dentry *new_dentry)
{
	int rc = vigil_guard_path_op(old_dentry, BPF_CORE_READ(old_dir, mnt), VIGIL_OP_RENAME);

	if (rc)
		return rc;
	/* The target name's dentry exists (maybe negative); its parent locates it. */
	return vigil_guard_path_op(new_dentry, BPF_CORE_READ(new_dir, mnt), VIGIL_OP_RENAME);
}

SEC("lsm/path_chmod")
int BPF_PROG(vigil_guard_chmod, const struct path *path, umode_t mode, int ret)
{
	return ret ? ret : vigil_guard_path_op(BPF_CORE_READ(path, dentry), BPF_CORE_READ(path, mnt), VIGIL_OP_CHMOD);
}

SEC("lsm/path_chown")
int BPF_PROG(vigil_guard_chown, const struct path *path, unsigned int uid, unsigned int gid, int ret)
{
	return ret ? ret : vigil_guard_path_op(BPF_CORE_READ(path, dentry), BPF_CORE_READ(path, mnt), VIGIL_OP_CHOWN);
}

SEC("lsm/path_link")
int BPF_PROG(vigil_guard_link, struct dentry *old_dentry, const struct path *new_dir,
	     struct dentry *new_dentry, int ret)
{
	return ret ? ret : vigil_guard_path_op(old_dentry, BPF_CORE_READ(new_dir, mnt), VIGIL_OP_LINK);
}

SEC("lsm/path_mknod")
int BPF_PROG(vigil_guard_path_mknod, const struct path *dir, struct dentry *dentry, umode_t mode,
	     unsigned int dev, int ret)
{
	return ret ? ret : vigil_guard_path_op(dentry, BPF_CORE_READ(dir, mnt), VIGIL_OP_MKNOD);
}

SEC("lsm/path_truncate")
int BPF_PROG(vigil_guard_truncate, const struct path *path, int ret)
{
	return ret ? ret : vigil_guard_path_op(BPF_CORE_READ(path, dentry), BPF_CORE_READ(path, mnt), VIGIL_OP_TRUNCATE);
}

SEC("lsm/path_symlink")
int BPF_PROG(vigil_guard_symlink, const struct path *dir, struct dentry *dentry, const char *old_name,
	     int ret)
{
	return ret ? ret : vigil_guard_path_op(dentry, BPF_CORE_READ(dir, mnt), VIGIL_OP_SYMLINK);
}
