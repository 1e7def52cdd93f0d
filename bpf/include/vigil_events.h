/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The wire format between Vigil's kernel programs and its Java agent.
 *
 * Every record in the ring buffer starts with struct vigil_event_header. Fixed parts are
 * laid out by hand with no implicit padding so that the Java view
 * (dev.vigil.kernel.wire.WireLayouts) can be checked member by member against the BTF of
 * the compiled object; a drift fails the build's layout test, not production.
 *
 * Variable-length strings follow the fixed part back to back, in the order the struct
 * lists their lengths, without terminating NULs.
 */
#ifndef VIGIL_EVENTS_H
#define VIGIL_EVENTS_H

/* Bounds on what one record copies; longer values are cut and flagged. */
#define VIGIL_PATH_MAX 1024
#define VIGIL_ARGS_MAX 1024
#define VIGIL_CGROUP_PATH_MAX 512

enum vigil_event_type {
	VIGIL_EV_EXEC = 1,
	VIGIL_EV_FORK = 2,
	VIGIL_EV_EXIT = 3,
	VIGIL_EV_CGROUP_MKDIR = 4,
	VIGIL_EV_CGROUP_RMDIR = 5,
	VIGIL_EV_GUARD = 6,        /* struct vigil_guard_event, vigil_guard.h */
	VIGIL_EV_SYSCALL = 7,      /* struct vigil_syscall_event, vigil_syscall.h */
	VIGIL_EV_TYPE_MAX = 64, /* size of the per-type drop counter array */
};

/* Errors counted in the vigil_errors per-CPU array, by index. */
enum vigil_error {
	VIGIL_ERR_PROC_MAP_FULL = 0, /* vigil_procs had no room for a new process */
	VIGIL_ERR_READ_ARGS = 1,     /* argv could not be read from user memory */
	VIGIL_ERR_PATH_DEPTH = 2,    /* a path walk hit its component bound */
	VIGIL_ERR_ALERT_REPEAT = 3,  /* a guard alert (not a block) repeated within the window: not sent */
	VIGIL_ERR_MAX = 16,
};

/* Flags on process events. */
#define VIGIL_F_ARGS_TRUNCATED   (1 << 0)
#define VIGIL_F_BINARY_TRUNCATED (1 << 1)
#define VIGIL_F_CWD_TRUNCATED    (1 << 2)
#define VIGIL_F_BINARY_DELETED   (1 << 3) /* the executable has no name left (unlinked file, memfd) */

struct vigil_event_header {
	__u16 type;      /* enum vigil_event_type */
	__u16 reserved;
	__u32 size;      /* whole record, header included */
	__u64 ktime_ns;  /* CLOCK_BOOTTIME, bpf_ktime_get_boot_ns() */
	__u32 pid;       /* thread id */
	__u32 tgid;      /* process id */
	__u64 cgroup_id; /* cgroup v2 id of the task */
};

/* The process's identity as other events refer to it: (tgid, exec_ktime) is unique per boot. */
struct vigil_proc_key {
	__u64 exec_ktime; /* boot-time ns of the exec (or fork) that created this image */
};

struct vigil_exec_event {
	struct vigil_event_header hdr;
	__u64 parent_exec_ktime; /* parent's vigil_proc_key; 0 when unknown */
	__u64 start_boottime;    /* task->start_boottime, as /proc/<pid>/stat field 22 counts */
	__u64 cap_effective;
	__u32 ppid;              /* real_parent->tgid */
	__u32 nspid;             /* pid in the task's own pid namespace */
	__u32 uid;
	__u32 gid;
	__u32 euid;
	__u32 egid;
	__u32 pid_ns;            /* namespace inode numbers, as /proc/<pid>/ns/<name> shows */
	__u32 mnt_ns;
	__u32 net_ns;
	__u16 flags;             /* VIGIL_F_* */
	__u16 binary_len;
	__u16 args_len;          /* argv strings separated by NUL */
	__u16 cwd_len;
	__u32 reserved;
	/* then: binary[binary_len] args[args_len] cwd[cwd_len] */
};

struct vigil_fork_event {
	struct vigil_event_header hdr; /* pid/tgid: the child */
	__u64 parent_exec_ktime;
	__u64 start_boottime;
	__u32 ppid;
	__u32 reserved;
};

struct vigil_exit_event {
	struct vigil_event_header hdr;
	__u64 exec_ktime;  /* the exiting image's vigil_proc_key; 0 when unknown */
	__u32 exit_code;   /* raw wait status: (code << 8) | signal */
	__u32 ppid;
};

/*
 * Tuning set by userspace before or after load, index 0 of the vigil_config array map.
 * wakeup_bytes: a record wakes the consumer only once at least this many bytes wait in
 * vigil_events; 0 keeps the ring buffer's default (a wakeup whenever the consumer has
 * caught up).
 */
struct vigil_config {
	__u32 wakeup_bytes;
	__u32 reserved;
};

/*
 * A cgroup v2 directory made or removed. Container runtimes make one per container before its
 * first process runs, so this record is how the agent knows a container's cgroup id even for
 * containers that live for milliseconds.
 */
struct vigil_cgroup_event {
	struct vigil_event_header hdr;
	__u64 id;           /* what bpf_get_current_cgroup_id() returns for tasks in it */
	__u32 level;        /* depth below the root, which is level 0 */
	__u16 path_len;
	__u16 reserved;
	/* then path[path_len], relative to the cgroup v2 root, e.g. /libpod_parent/libpod-<id> */
};

#endif /* VIGIL_EVENTS_H */
