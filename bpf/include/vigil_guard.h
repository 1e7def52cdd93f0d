/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Escape protection, shared by its kernel programs and the agent: which processes are
 * guarded (scope), what each policy slot does per protection (settings), the command
 * library, the sensitive-path table, and the alert record every guard program emits.
 *
 * The maps are created once by core.bpf.c and reused by every guard object, so switching
 * a guard sensor off and on keeps the policy the agent compiled into them.
 */
#ifndef VIGIL_GUARD_H
#define VIGIL_GUARD_H

#include "vigil_events.h"

/* Protections, by index into vigil_guard_settings.action. */
enum vigil_protection {
	VIGIL_PROT_COMMAND = 0,          /* command library, decided per rule by the masks */
	VIGIL_PROT_HOST_FILE = 1,        /* a host file reached from a container */
	VIGIL_PROT_HOST_FILE_SENSITIVE = 2,
	VIGIL_PROT_RELEASE_AGENT = 3,    /* cgroup v1 release_agent write */
	VIGIL_PROT_CORE_PATTERN = 4,
	VIGIL_PROT_SYSRQ = 5,            /* /proc/sysrq-trigger write */
	VIGIL_PROT_PROC_SYS_WRITE = 6,
	VIGIL_PROT_SYS_KERNEL_WRITE = 7,
	VIGIL_PROT_BLOCK_DEVICE = 8,
	VIGIL_PROT_MOUNT = 9,            /* mount, umount, pivot_root */
	VIGIL_PROT_PTRACE = 10,
	VIGIL_PROT_HOST_NAMESPACE = 11,  /* setns into one of the host's namespaces */
	VIGIL_PROT_NAMESPACE = 12,       /* unshare, setns elsewhere */
	VIGIL_PROT_MODULE = 13,
	VIGIL_PROT_BPF = 14,
	VIGIL_PROT_KEXEC = 15,
	VIGIL_PROT_OPEN_BY_HANDLE = 16,
	VIGIL_PROT_MKNOD = 17,           /* block device nodes */
	VIGIL_PROT_RUNTIME_SOCKET = 18,  /* connect to a container runtime's socket */
	VIGIL_PROT_CGROUP_CONTROL = 19,  /* cgroup v1 devices.allow, notify_on_release write */
	VIGIL_PROT_MAX = 32,
};

enum vigil_action {
	VIGIL_ACT_NONE = 0,
	VIGIL_ACT_ALERT = 1,
	VIGIL_ACT_BLOCK = 2,
};

/* How a block was carried out. */
enum vigil_enforcement {
	VIGIL_ENF_NONE = 0,   /* alert only */
	VIGIL_ENF_SIGNAL = 1, /* SIGKILL before the syscall returns or the image runs */
	VIGIL_ENF_LSM = 2,    /* the LSM hook returned -EPERM */
	VIGIL_ENF_CGROUP = 3, /* a cgroup device or sysctl program refused: EPERM */
};

/* What a file record's operation was (vigil_guard_event.arg for file protections). */
enum vigil_file_op {
	VIGIL_OP_OPEN = 0,
	VIGIL_OP_UNLINK = 1,
	VIGIL_OP_RMDIR = 2,
	VIGIL_OP_RENAME = 3,
	VIGIL_OP_CHMOD = 4,
	VIGIL_OP_CHOWN = 5,
	VIGIL_OP_LINK = 6,
	VIGIL_OP_MKNOD = 7,
	VIGIL_OP_TRUNCATE = 8,
	VIGIL_OP_SYMLINK = 9,
};

/* Flags on guard records. */
#define VIGIL_GF_PATH_TRUNCATED   (1 << 0)
#define VIGIL_GF_DETAIL_TRUNCATED (1 << 1)
#define VIGIL_GF_WRITE            (1 << 2) /* the file was opened for writing */

/* What one policy slot does. Slots are compiled by the agent from the policies in force. */
struct vigil_guard_settings {
	__u64 command_alert; /* command-library rule ids (bit n = rule n) that alert */
	__u64 command_block; /* ... and that block; a rule in both blocks */
	__u8 action[VIGIL_PROT_MAX]; /* enum vigil_action per enum vigil_protection */
};

/* cgroup v2 id -> slot. Missing: not guarded, unless vigil_guard_config.host_slot says so. */
struct vigil_guard_scope {
	__u32 slot;
	__u32 flags; /* VIGIL_SCOPE_* */
};

/*
 * The agent attached the cgroup device and sysctl programs to this cgroup: writes to
 * /proc/sys get EPERM at write time there, so the open is let through without a kill.
 */
#define VIGIL_SCOPE_CGROUP_HOOKS 1

/*
 * Slot 0 is never written: all its actions are "none". A zeroed config (before the agent has
 * written it) therefore guards no host process and gives new container cgroups no action.
 */
#define VIGIL_GUARD_NO_SLOT 0u

struct vigil_guard_config {
	__u64 prefix_lens;    /* bit n: some command token rule is a prefix of n bytes */
	__u64 needs_group1;   /* command rules that need an argument of group 1 */
	__u64 needs_group2;   /* ... and of group 2 */
	__u64 lsm_rules;      /* command rules the LSM exec program decides (no argument groups) */
	__u32 host_slot;      /* slot for processes outside containers; VIGIL_GUARD_NO_SLOT (0): none */
	__u32 default_slot;   /* slot a new cgroup under a container parent starts with */
};

/* Command library: executable names (basename hash) -> rules that name them. */
#define VIGIL_CMD_MULTICALL 1 /* busybox-like: the applet is argv[1] */
struct vigil_cmd_binary {
	__u64 rules;
	__u32 flags;
	__u32 reserved;
};

#define VIGIL_TOKEN_EXACT 0
#define VIGIL_TOKEN_PREFIX 1
struct vigil_cmd_token_key {
	__u64 hash; /* FNV-1a 64 of the argument (or its first n bytes) */
	__u32 kind; /* VIGIL_TOKEN_* */
	__u32 reserved;
};

struct vigil_cmd_token {
	__u64 group1; /* rules for which this argument satisfies their first group */
	__u64 group2;
};

/*
 * Sensitive paths, by filesystem: fs is a host superblock's device number for host files,
 * or a pseudo-filesystem magic (proc, sysfs, cgroup) for kernel interfaces. The path is
 * relative to that filesystem's root, hashed at each component boundary.
 */
struct vigil_path_key {
	__u64 hash;
	__u32 fs;
	__u32 reserved;
};

#define VIGIL_PATH_WRITE_ONLY 1 /* only opens for writing count */
struct vigil_path_rule {
	__u32 protection;
	__u32 flags;
};

/* Filesystem "numbers" for kernel interfaces in vigil_path_key.fs (their magic numbers). */
#define VIGIL_FS_PROC    0x9fa0u
#define VIGIL_FS_SYSFS   0x62656572u
#define VIGIL_FS_CGROUP  0x27e0ebu
#define VIGIL_FS_CGROUP2 0x63677270u
/* Or'ed into vigil_path_key.fs: the hash is of "/<last component>" wherever it is. */
#define VIGIL_FS_BASENAME 0x80000000u

/*
 * An alert from a guard program. Strings follow back to back: path, then detail.
 *   command:  path = the executed file, detail = argv (NUL separated)
 *   files:    path = as the process sees it, detail = relative to its filesystem's root
 *   others:   path/detail per protection (mount: source, fstype), arg a number (target pid,
 *             namespace inode, syscall-specific flags, device)
 */
struct vigil_guard_event {
	struct vigil_event_header hdr;
	__u64 exec_ktime;  /* the process's vigil_proc_key */
	__s64 arg;
	__u64 dev;         /* superblock device of the file, or the device node's number */
	__u32 protection;  /* enum vigil_protection */
	__u32 rule;        /* command-library rule id for VIGIL_PROT_COMMAND */
	__u32 mnt_ns;
	__u32 open_flags;
	__u8 action;       /* enum vigil_action */
	__u8 enforcement;  /* enum vigil_enforcement */
	__u16 flags;       /* VIGIL_GF_* */
	__u16 path_len;
	__u16 detail_len;
};

#endif /* VIGIL_GUARD_H */
