/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Reading a task's identity out of task_struct. Every read goes through CO-RE so one object
 * runs on kernels whose layouts differ (6.1 and 6.18 at least); a failed read yields 0,
 * which userspace treats as "unknown".
 */
#ifndef VIGIL_TASK_H
#define VIGIL_TASK_H

#include "vigil_common.h"

static __always_inline __u32 vigil_task_ppid(struct task_struct *t)
{
	return BPF_CORE_READ(t, real_parent, tgid);
}

/*
 * A pid is numbered once per namespace level; the deepest level is the task's own
 * namespace, the one its processes see (task_active_pid_ns()).
 */
static __always_inline void vigil_task_pid_ns(struct task_struct *t, __u32 *nspid,
					      __u32 *pid_ns)
{
	struct pid *pid = BPF_CORE_READ(t, thread_pid);
	unsigned int level = BPF_CORE_READ(pid, level);
	struct upid *up;

	/* numbers[] is a trailing array: the index is ours, the offsets come from CO-RE. */
	up = (void *)pid + bpf_core_field_offset(struct pid, numbers) +
	     (__u64)level * bpf_core_type_size(struct upid);
	*nspid = BPF_CORE_READ(up, nr);
	*pid_ns = BPF_CORE_READ(up, ns, ns.inum);
}

static __always_inline __u32 vigil_task_mnt_ns(struct task_struct *t)
{
	return BPF_CORE_READ(t, nsproxy, mnt_ns, ns.inum);
}

static __always_inline __u32 vigil_task_net_ns(struct task_struct *t)
{
	return BPF_CORE_READ(t, nsproxy, net_ns, ns.inum);
}

struct vigil_creds {
	__u64 cap_effective;
	__u32 uid;
	__u32 gid;
	__u32 euid;
	__u32 egid;
};

static __always_inline void vigil_task_creds(struct task_struct *t, struct vigil_creds *c)
{
	const struct cred *cred = BPF_CORE_READ(t, cred);

	c->uid = BPF_CORE_READ(cred, uid.val);
	c->gid = BPF_CORE_READ(cred, gid.val);
	c->euid = BPF_CORE_READ(cred, euid.val);
	c->egid = BPF_CORE_READ(cred, egid.val);
	/*
	 * kernel_cap_t is a u64 since 6.3 and a u32[2] before; both are the same 8 bytes
	 * (low word first on little-endian), so read the bytes, not the member.
	 */
	c->cap_effective = 0;
	bpf_core_read(&c->cap_effective, sizeof(c->cap_effective), &cred->cap_effective);
}

/*
 * The struct file behind fd in a files_struct, or NULL (closed, out of range). Every open pays
 * for this (the syscalls sensor and the file guard), so it reads as little as it can: the fdt
 * pointer and the fdtable embedded right after it (the table of a task with up to 64 fds) in one
 * read, then the file pointer. Kernels with another layout take one read per field.
 */
static __always_inline struct file *vigil_files_file(struct files_struct *files, __u32 fd)
{
	__u32 o_fdt = bpf_core_field_offset(struct files_struct, fdt);
	__u32 o_tab = bpf_core_field_offset(struct files_struct, fdtab);
	__u32 o_max = bpf_core_field_offset(struct fdtable, max_fds);
	__u32 o_fd = bpf_core_field_offset(struct fdtable, fd);
	struct {
		struct fdtable *fdt;
		__u32 max_fds;
		__u32 pad;
		struct file **fd;
	} c = {};
	struct fdtable *fdt;
	struct file *f = 0;

	if (!files)
		return 0;
	if (o_tab == o_fdt + 8 && o_max == 0 && o_fd == 8) {
		if (bpf_probe_read_kernel(&c, sizeof(c), (void *)files + o_fdt))
			return 0;
		/* A table grown past the embedded one: read its head. */
		if ((void *)c.fdt != (void *)files + o_tab &&
		    (!c.fdt || bpf_probe_read_kernel(&c.max_fds, 16, c.fdt)))
			return 0;
	} else {
		fdt = BPF_CORE_READ(files, fdt);
		c.max_fds = BPF_CORE_READ(fdt, max_fds);
		c.fd = BPF_CORE_READ(fdt, fd);
	}
	if (fd >= c.max_fds)
		return 0;
	/* A plain read: c is a local struct, not one CO-RE relocates. */
	bpf_probe_read_kernel(&f, sizeof(f), (void *)c.fd + (__u64)fd * sizeof(f));
	return f;
}

/* The struct file behind a task's fd, or NULL (closed, out of range). */
static __always_inline struct file *vigil_task_file(struct task_struct *t, __u32 fd)
{
	return vigil_files_file(BPF_CORE_READ(t, files), fd);
}

static __always_inline bool vigil_is_runc(const char *s)
{
	return s[0] == 'r' && s[1] == 'u' && s[2] == 'n' && s[3] == 'c';
}

/*
 * The runtime's own setup inside a new container's cgroup (runc init joining namespaces,
 * mounting the rootfs, pivot_root) is not the container acting. runc runs it as a copy of
 * its binary (/run/runc/<id>/runc.XXXX, or runc itself through /proc/self/exe, so comm may
 * be "exe") and later names the tasks "runc:[N:...]". A process can take such a name, so
 * this is a documented blind spot, not a trust boundary: the exec guard still sees every
 * program such a process executes. Programs ask only once they would act (it costs reads).
 */
static __always_inline bool vigil_is_runtime_setup(void)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	const unsigned char *exe;
	char name[4] = {};

	bpf_get_current_comm(name, sizeof(name));
	if (vigil_is_runc(name))
		return true;
	exe = BPF_CORE_READ(t, mm, exe_file, f_path.dentry, d_name.name);
	if (!exe || bpf_probe_read_kernel(name, sizeof(name), exe))
		return false;
	return vigil_is_runc(name);
}

#endif /* VIGIL_TASK_H */
