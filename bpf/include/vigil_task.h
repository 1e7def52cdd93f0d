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

/* The struct file behind a task's fd, or NULL (closed, out of range). */
static __always_inline struct file *vigil_task_file(struct task_struct *t, __u32 fd)
{
	struct file **fds = BPF_CORE_READ(t, files, fdt, fd);
	__u32 max = BPF_CORE_READ(t, files, fdt, max_fds);
	struct file *f = 0;

	if (fd >= max)
		return 0;
	bpf_core_read(&f, sizeof(f), &fds[fd]);
	return f;
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
