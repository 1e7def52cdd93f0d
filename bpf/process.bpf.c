// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Process lifecycle: exec, fork and exit records, and the vigil_procs identity map that
 * every other event is tied to.
 */
#include "vigil_common.h"
#include "vigil_task.h"
#include "vigil_path.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/*
 * clang writes BTF only for types some symbol uses, and the records below are built in
 * scratch memory or on the stack. These never-read pointers put every wire struct into the
 * object's BTF, where the agent's layout test compares them with its Java view. libbpf
 * skips the section (no map, nothing loaded).
 */
#define VIGIL_BTF_ANCHOR(name) \
	struct name *vigil_btf_##name __attribute__((section(".vigil.btf"), used))
VIGIL_BTF_ANCHOR(vigil_event_header);
VIGIL_BTF_ANCHOR(vigil_exec_event);
VIGIL_BTF_ANCHOR(vigil_fork_event);
VIGIL_BTF_ANCHOR(vigil_exit_event);

/*
 * Record offsets and lengths are masked before each variable-sized copy so the verifier can
 * bound them; the real values are far below the masks (fixed part + 2 paths + args =
 * 3176 bytes), so masking never changes them.
 */
#define VIGIL_REC_AREA 8192
#define VIGIL_OFF_MASK 4095
#define VIGIL_LEN_MASK 2047

_Static_assert(sizeof(struct vigil_exec_event) + 2 * VIGIL_PATH_MAX + VIGIL_ARGS_MAX <=
		       VIGIL_OFF_MASK,
	       "record offsets must fit the offset mask");
_Static_assert(VIGIL_PATH_MAX <= VIGIL_LEN_MASK && VIGIL_ARGS_MAX <= VIGIL_LEN_MASK,
	       "string lengths must fit the length mask");
_Static_assert(VIGIL_OFF_MASK + VIGIL_LEN_MASK < VIGIL_REC_AREA, "masked copies must fit");

/* An exec record is too big for the 512-byte BPF stack; this is its per-CPU workspace. */
struct vigil_exec_scratch {
	__u8 rec[VIGIL_REC_AREA];
	struct vigil_path_buf path;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vigil_exec_scratch);
} vigil_exec_scratch SEC(".maps");

/* Appends the path just built in s->path at rec offset off; returns the bytes appended. */
static __always_inline __u64 vigil_emit_path(struct vigil_exec_scratch *s, __u64 off, __u32 len)
{
	len &= VIGIL_LEN_MASK;
	if (len > VIGIL_PATH_MAX)
		return 0;
	off &= VIGIL_OFF_MASK;
	if (bpf_probe_read_kernel(&s->rec[off], len, &s->path.b[VIGIL_PATH_MAX - len]))
		return 0;
	return len;
}

/*
 * argv as the new image sees it, from its own stack: NUL-separated, the final NUL dropped
 * unless the copy was cut. Returns the bytes appended at rec offset off.
 */
static __always_inline __u64 vigil_emit_args(struct vigil_exec_scratch *s, __u64 off,
					     struct task_struct *p, __u16 *flags)
{
	struct mm_struct *mm = BPF_CORE_READ(p, mm);
	unsigned long start = BPF_CORE_READ(mm, arg_start);
	unsigned long end = BPF_CORE_READ(mm, arg_end);
	__u64 len;

	if (end <= start)
		return 0;
	len = end - start;
	if (len > VIGIL_ARGS_MAX) {
		len = VIGIL_ARGS_MAX;
		*flags |= VIGIL_F_ARGS_TRUNCATED;
	}
	len &= VIGIL_LEN_MASK;
	off &= VIGIL_OFF_MASK;
	if (bpf_probe_read_user(&s->rec[off], len, (const void *)start)) {
		vigil_count_error(VIGIL_ERR_READ_ARGS);
		return 0;
	}
	if (!(*flags & VIGIL_F_ARGS_TRUNCATED) && len &&
	    s->rec[(off + len - 1) & VIGIL_OFF_MASK] == 0)
		len--;
	return len;
}

/*
 * Why this hook: it fires once the new image is committed (creds, mm, argv in place) and
 * before that image runs one user instruction; tp_btf gives typed arguments without kprobes.
 */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(vigil_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 zero = 0;
	struct vigil_exec_scratch *s = bpf_map_lookup_elem(&vigil_exec_scratch, &zero);
	struct vigil_exec_event *ev;
	struct vigil_creds creds;
	struct fs_struct *fs;
	struct file *file;
	struct path *root;
	bool truncated;
	__u16 flags = 0;
	__u32 len;
	__u64 off;

	if (!s)
		return 0;
	ev = (void *)s->rec;
	__builtin_memset(ev, 0, sizeof(*ev));

	vigil_fill_header(&ev->hdr, VIGIL_EV_EXEC, 0);
	ev->start_boottime = BPF_CORE_READ(p, start_boottime);
	ev->ppid = vigil_task_ppid(p);
	vigil_task_pid_ns(p, &ev->nspid, &ev->pid_ns);
	ev->mnt_ns = vigil_task_mnt_ns(p);
	ev->net_ns = vigil_task_net_ns(p);
	vigil_task_creds(p, &creds);
	ev->cap_effective = creds.cap_effective;
	ev->uid = creds.uid;
	ev->gid = creds.gid;
	ev->euid = creds.euid;
	ev->egid = creds.egid;

	/* The parent's identity is read before ours replaces whatever this tgid ran before. */
	ev->parent_exec_ktime = vigil_proc_exec_ktime(ev->ppid);
	vigil_proc_set(ev->hdr.tgid, ev->hdr.ktime_ns);

	fs = BPF_CORE_READ(p, fs);
	root = &fs->root;
	off = sizeof(*ev);

	/* bprm->file is what runs: for a #! script that is the interpreter, as /proc/pid/exe. */
	file = BPF_CORE_READ(bprm, file);
	truncated = false;
	len = vigil_path_build(&s->path, BPF_CORE_READ(file, f_path.dentry),
			       BPF_CORE_READ(file, f_path.mnt), root, &truncated);
	if (truncated)
		flags |= VIGIL_F_BINARY_TRUNCATED;
	/*
	 * A file unlinked before the exec (run through /proc/PID/fd/N: a dropper hiding its
	 * binary) or a memfd: the path walk still finds the old name, which /proc/PID/exe and
	 * Falco mark with " (deleted)"; the decoder adds that mark from this flag.
	 */
	if (BPF_CORE_READ(file, f_inode, i_nlink) == 0)
		flags |= VIGIL_F_BINARY_DELETED;
	len = vigil_emit_path(s, off, len);
	ev->binary_len = len;
	off += len;

	len = vigil_emit_args(s, off, p, &flags);
	ev->args_len = len;
	off += len;

	truncated = false;
	len = vigil_path_build(&s->path, BPF_CORE_READ(fs, pwd.dentry), BPF_CORE_READ(fs, pwd.mnt),
			       root, &truncated);
	if (truncated)
		flags |= VIGIL_F_CWD_TRUNCATED;
	len = vigil_emit_path(s, off, len);
	ev->cwd_len = len;
	off += len;

	ev->flags = flags;
	off &= VIGIL_OFF_MASK;
	ev->hdr.size = off;
	vigil_submit(ev, off, VIGIL_EV_EXEC);
	return 0;
}

/*
 * Why this hook: it sees every new process before the child can run, so the child has an
 * identity in vigil_procs before it can cause any other event.
 */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(vigil_fork, struct task_struct *parent, struct task_struct *child)
{
	struct vigil_fork_event ev = {};
	__u32 pid = BPF_CORE_READ(child, pid);
	__u32 tgid = BPF_CORE_READ(child, tgid);

	/* A new thread joins an existing process; only new processes get an identity. */
	if (pid != tgid)
		return 0;

	vigil_fill_header(&ev.hdr, VIGIL_EV_FORK, sizeof(ev));
	ev.hdr.pid = pid;
	ev.hdr.tgid = tgid;
	ev.ppid = BPF_CORE_READ(parent, tgid);
	ev.parent_exec_ktime = vigil_proc_exec_ktime(ev.ppid);
	ev.start_boottime = BPF_CORE_READ(child, start_boottime);
	vigil_proc_set(tgid, ev.hdr.ktime_ns);
	vigil_submit(&ev, sizeof(ev), VIGIL_EV_FORK);
	return 0;
}

/*
 * Why this hook: the exiting task still has its exit code and parent here, on every kernel
 * with BTF. Only the first argument is used: 6.18 added a second (group_dead), 6.1 lacks it.
 */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(vigil_exit, struct task_struct *p)
{
	struct vigil_exit_event ev = {};
	struct vigil_proc_key *key;
	__u32 tgid;

	/* Every thread passes here; the process is gone only when the last one does. */
	if (BPF_CORE_READ(p, signal, live.counter) != 0)
		return 0;

	tgid = BPF_CORE_READ(p, tgid);
	key = bpf_map_lookup_elem(&vigil_procs, &tgid);
	if (key) {
		ev.exec_ktime = key->exec_ktime;
		/*
		 * Threads dying together can all read live == 0 after the last decrement;
		 * the one whose delete wins reports, so a known process exits exactly once.
		 */
		if (bpf_map_delete_elem(&vigil_procs, &tgid))
			return 0;
	}

	vigil_fill_header(&ev.hdr, VIGIL_EV_EXIT, sizeof(ev));
	ev.hdr.pid = BPF_CORE_READ(p, pid);
	ev.hdr.tgid = tgid;
	ev.exit_code = BPF_CORE_READ(p, exit_code);
	ev.ppid = vigil_task_ppid(p);
	vigil_submit(&ev, sizeof(ev), VIGIL_EV_EXIT);
	return 0;
}
