// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Escape guard, privileged operations: the syscalls a container needs to reach the host
 * (mount, ptrace, setns/unshare, module and kexec loading, bpf, open_by_handle_at, block
 * device nodes) and connections to a container runtime's socket.
 *
 * Syscall-entry tracepoints see the arguments before the kernel acts. A SIGKILL sent here
 * lands when the syscall returns: the caller never runs again, but the syscall itself
 * completes (a mount is made in the caller's namespace before the caller dies). Where the
 * kernel offers BPF LSM the same decisions could fail the call; docs/escape.md lists the
 * residual risk per operation.
 */
#include "vigil_guard_maps.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define VIGIL_PTRACE_ATTACH 16
#define VIGIL_PTRACE_SEIZE 0x4206
#define VIGIL_AF_UNIX 1

/* Alerts (and blocks) one privileged call; strings are user memory, may be NULL. */
static __always_inline int vigil_privop(__u32 protection, __s64 arg, const void *str1,
					const void *str2)
{
	struct vigil_guard_scratch *s;
	struct vigil_guard_event *ev;
	__u8 action = vigil_guard_decide(protection);
	__u32 len;
	__u64 off;

	if (action == VIGIL_ACT_NONE)
		return 0;
	if (action == VIGIL_ACT_ALERT && vigil_guard_repeat(protection, (__u64)arg))
		return 0;
	s = vigil_guard_workspace();
	if (!s)
		return 0;
	if (action == VIGIL_ACT_BLOCK)
		vigil_guard_kill();
	ev = vigil_guard_begin(s, protection, action,
			       action == VIGIL_ACT_BLOCK ? VIGIL_ENF_SIGNAL : VIGIL_ENF_NONE);
	ev->arg = arg;
	off = sizeof(*ev);
	if (str1) {
		len = vigil_guard_append_user_str(s, off, str1);
		ev->path_len = len;
		off += len;
	}
	if (str2) {
		len = vigil_guard_append_user_str(s, off, str2);
		ev->detail_len = len;
		off += len;
	}
	vigil_guard_submit(ev, off);
	return 0;
}

SEC("tp/syscalls/sys_enter_mount")
int vigil_guard_mount(struct trace_event_raw_sys_enter *ctx)
{
	/* mount(source, target, fstype, flags, data): source and fstype say what is mounted. */
	return vigil_privop(VIGIL_PROT_MOUNT, ctx->args[3], (void *)ctx->args[0], (void *)ctx->args[2]);
}

SEC("tp/syscalls/sys_enter_umount")
int vigil_guard_umount(struct trace_event_raw_sys_enter *ctx)
{
	return vigil_privop(VIGIL_PROT_MOUNT, ctx->args[1], (void *)ctx->args[0], 0);
}

SEC("tp/syscalls/sys_enter_pivot_root")
int vigil_guard_pivot_root(struct trace_event_raw_sys_enter *ctx)
{
	return vigil_privop(VIGIL_PROT_MOUNT, 0, (void *)ctx->args[0], (void *)ctx->args[1]);
}

SEC("tp/syscalls/sys_enter_ptrace")
int vigil_guard_ptrace(struct trace_event_raw_sys_enter *ctx)
{
	long request = ctx->args[0];

	/* Attaching is the step every later peek, poke and register write needs. */
	if (request != VIGIL_PTRACE_ATTACH && request != VIGIL_PTRACE_SEIZE)
		return 0;
	return vigil_privop(VIGIL_PROT_PTRACE, ctx->args[1], 0, 0);
}

SEC("tp/syscalls/sys_enter_setns")
int vigil_guard_setns(struct trace_event_raw_sys_enter *ctx)
{
	struct file *f = vigil_task_file((void *)bpf_get_current_task(), ctx->args[0]);
	__u32 inum = f ? BPF_CORE_READ(f, f_inode, i_ino) : 0;

	/* The fd names a namespace file (nsfs), whose inode number is the namespace's. */
	if (inum && bpf_map_lookup_elem(&vigil_guard_host_ns, &inum))
		return vigil_privop(VIGIL_PROT_HOST_NAMESPACE, inum, 0, 0);
	return vigil_privop(VIGIL_PROT_NAMESPACE, inum, 0, 0);
}

SEC("tp/syscalls/sys_enter_unshare")
int vigil_guard_unshare(struct trace_event_raw_sys_enter *ctx)
{
	return vigil_privop(VIGIL_PROT_NAMESPACE, ctx->args[0], 0, 0);
}

SEC("tp/syscalls/sys_enter_init_module")
int vigil_guard_init_module(struct trace_event_raw_sys_enter *ctx)
{
	return vigil_privop(VIGIL_PROT_MODULE, ctx->args[1], 0, (void *)ctx->args[2]);
}

SEC("tp/syscalls/sys_enter_finit_module")
int vigil_guard_finit_module(struct trace_event_raw_sys_enter *ctx)
{
	return vigil_privop(VIGIL_PROT_MODULE, ctx->args[0], 0, (void *)ctx->args[1]);
}

SEC("tp/syscalls/sys_enter_bpf")
int vigil_guard_bpf(struct trace_event_raw_sys_enter *ctx)
{
	return vigil_privop(VIGIL_PROT_BPF, ctx->args[0], 0, 0);
}

SEC("tp/syscalls/sys_enter_kexec_load")
int vigil_guard_kexec_load(struct trace_event_raw_sys_enter *ctx)
{
	return vigil_privop(VIGIL_PROT_KEXEC, ctx->args[3], 0, 0);
}

SEC("tp/syscalls/sys_enter_kexec_file_load")
int vigil_guard_kexec_file_load(struct trace_event_raw_sys_enter *ctx)
{
	return vigil_privop(VIGIL_PROT_KEXEC, ctx->args[4], 0, (void *)ctx->args[3]);
}

SEC("tp/syscalls/sys_enter_open_by_handle_at")
int vigil_guard_open_by_handle(struct trace_event_raw_sys_enter *ctx)
{
	return vigil_privop(VIGIL_PROT_OPEN_BY_HANDLE, ctx->args[2], 0, 0);
}

static __always_inline int vigil_mknod(__u64 mode, __u64 dev, const void *path)
{
	if ((mode & VIGIL_S_IFMT) != VIGIL_S_IFBLK)
		return 0;
	return vigil_privop(VIGIL_PROT_MKNOD, dev, path, 0);
}

SEC("tp/syscalls/sys_enter_mknod")
int vigil_guard_mknod(struct trace_event_raw_sys_enter *ctx)
{
	return vigil_mknod(ctx->args[1], ctx->args[2], (void *)ctx->args[0]);
}

SEC("tp/syscalls/sys_enter_mknodat")
int vigil_guard_mknodat(struct trace_event_raw_sys_enter *ctx)
{
	return vigil_mknod(ctx->args[2], ctx->args[3], (void *)ctx->args[1]);
}

/* connect: the fd from the entry, kept per thread for the exit, only for guarded tasks. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u32);
} vigil_guard_connecting SEC(".maps");

SEC("tp/syscalls/sys_enter_connect")
int vigil_guard_connect_enter(struct trace_event_raw_sys_enter *ctx)
{
	__u32 tid, fd;

	if (vigil_guard_decide(VIGIL_PROT_RUNTIME_SOCKET) == VIGIL_ACT_NONE)
		return 0;
	tid = (__u32)bpf_get_current_pid_tgid();
	fd = ctx->args[0];
	bpf_map_update_elem(&vigil_guard_connecting, &tid, &fd, BPF_ANY);
	return 0;
}

/*
 * After a unix-socket connect the peer is the listener's twin and carries the listener's
 * own (dentry, mount): where the socket file really is on the host, whatever path the
 * container used to reach it.
 */
SEC("tp/syscalls/sys_exit_connect")
int vigil_guard_connect_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct vigil_guard_scratch *s;
	struct vigil_guard_event *ev;
	struct vigil_path_rule rule;
	struct unix_sock *peer;
	struct socket *sock;
	struct file *file;
	struct dentry *d;
	struct sock *sk;
	__u32 tid, dev, len;
	__u32 *fd, fdv;
	bool cut = false;
	__u8 action;
	__u64 off;

	tid = (__u32)bpf_get_current_pid_tgid();
	fd = bpf_map_lookup_elem(&vigil_guard_connecting, &tid);
	if (!fd)
		return 0;
	fdv = *fd;
	bpf_map_delete_elem(&vigil_guard_connecting, &tid);
	file = vigil_task_file((void *)bpf_get_current_task(), fdv);
	if (ctx->ret != 0 || !file)
		return 0;
	s = vigil_guard_workspace();
	if (!s)
		return 0;
	sock = BPF_CORE_READ(file, private_data);
	sk = BPF_CORE_READ(sock, sk);
	if (BPF_CORE_READ(sk, __sk_common.skc_family) != VIGIL_AF_UNIX)
		return 0;
	peer = (void *)BPF_CORE_READ((struct unix_sock *)sk, peer);
	d = BPF_CORE_READ(peer, path.dentry);
	if (!d)
		return 0;
	dev = BPF_CORE_READ(d, d_sb, s_dev);
	if (!bpf_map_lookup_elem(&vigil_guard_host_fs, &dev))
		return 0;
	len = vigil_fs_path_build(&s->fspath, d, &cut);
	rule = vigil_path_match(s->fspath.b, VIGIL_PATH_MAX - len, len, dev);
	if (rule.protection != VIGIL_PROT_RUNTIME_SOCKET)
		return 0;
	action = vigil_guard_decide(VIGIL_PROT_RUNTIME_SOCKET);
	if (action == VIGIL_ACT_NONE)
		return 0;
	if (action == VIGIL_ACT_BLOCK)
		vigil_guard_kill();
	ev = vigil_guard_begin(s, VIGIL_PROT_RUNTIME_SOCKET, action,
			       action == VIGIL_ACT_BLOCK ? VIGIL_ENF_SIGNAL : VIGIL_ENF_NONE);
	ev->dev = dev;
	ev->arg = fdv;
	off = sizeof(*ev);
	len = vigil_guard_append_kernel(s, off, &s->fspath.b[(VIGIL_PATH_MAX - len) & (VIGIL_PATH_MAX - 1)], len);
	ev->detail_len = len;
	off += len;
	if (cut)
		ev->flags |= VIGIL_GF_DETAIL_TRUNCATED;
	vigil_guard_submit(ev, off);
	return 0;
}
