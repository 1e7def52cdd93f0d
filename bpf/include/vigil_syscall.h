/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * File, network and privilege syscalls for the detection rules: one compact record type
 * (VIGIL_EV_SYSCALL) for all of them, and the filter the agent writes from the loaded rules so
 * that kinds no rule reads never leave the kernel.
 *
 * The maps live in the core object (core.bpf.c includes this header without programs), so the
 * filter the agent wrote survives a feature switch that reloads the syscalls sensor.
 */
#ifndef VIGIL_SYSCALL_H
#define VIGIL_SYSCALL_H

#include "vigil_common.h"
#include "vigil_pathfp.h"

/* What a record is about; one bit each in vigil_syscall_filter.kinds. */
enum vigil_sys_kind {
	VIGIL_SK_OPEN_READ = 0,  /* an open whose access mode reads (O_RDONLY, O_RDWR) */
	VIGIL_SK_OPEN_WRITE = 1, /* an open whose access mode writes (O_WRONLY, O_RDWR), creat */
	VIGIL_SK_CONNECT = 2,
	VIGIL_SK_UNLINK = 3,
	VIGIL_SK_SYMLINK = 4,
	VIGIL_SK_CHMOD = 5,
	VIGIL_SK_SETUID = 6,
	VIGIL_SK_PTRACE = 7,
	VIGIL_SK_MOUNT = 8,
	VIGIL_SK_MODULE = 9,
	VIGIL_SK_BPF = 10,
	VIGIL_SK_MEMFD = 11,
	VIGIL_SK_NAMESPACE = 12, /* unshare, setns */
	VIGIL_SK_ACCEPT = 13,    /* accept, accept4: the new connection's two ends */
	VIGIL_SK_BIND = 14,      /* the address asked for */
	VIGIL_SK_LISTEN = 15,    /* the socket's bound address; arg = backlog */
	VIGIL_SK_DUP = 16,       /* dup, dup2, dup3: fd = the new fd, arg = the old one, what it is in mode/family */
	VIGIL_SK_RENAME = 17,    /* path = old, path2 = new */
	VIGIL_SK_LINK = 18,      /* path = existing, path2 = new link */
	VIGIL_SK_MKNOD = 19,     /* path, mode; arg = dev */
	VIGIL_SK_CHOWN = 20,     /* path; arg = uid, mode = gid */
	VIGIL_SK_SETGID = 21,    /* arg = the gid asked for */
	VIGIL_SK_CAPSET = 22,    /* arg = effective, mode = permitted, open_flags = inheritable (first 32 caps) */
	VIGIL_SK_DNS = 23,       /* a UDP send to port 53: path = the first question's name */
	VIGIL_SK_MAX = 32,       /* size of the per-kind counter arrays */
};

/* Record flags. */
#define VIGIL_SF_PATH_TRUNCATED  (1 << 0)
#define VIGIL_SF_PATH2_TRUNCATED (1 << 1)
#define VIGIL_SF_PATH_FROM_USER  (1 << 2) /* path is the caller's string, not resolved from a struct file */
#define VIGIL_SF_OUTSIDE_ROOT    (1 << 3) /* opens: the file lies outside the task's root; path2 is the path the caller gave */

#define VIGIL_SYS_PATH_MAX 512

struct vigil_syscall_event {
	struct vigil_event_header hdr;
	__u64 exec_ktime;  /* the process image's vigil_proc_key; 0 when unknown */
	__s64 ret;         /* the syscall's result (exit programs), 0 on enter programs */
	__u64 arg;         /* the kind's scalar: new uid, ptrace request, bpf cmd, unshare flags, setns fd */
	__u32 nr;          /* syscall number (x86_64), names the Falco event type */
	__u32 kind;        /* enum vigil_sys_kind */
	__u32 open_flags;  /* struct file's f_flags (opens), the flags argument, or a socket's type (SOCK_STREAM...) */
	__u32 mode;        /* inode mode of the opened (dup: duplicated) file, or the mode argument (chmod) */
	__s32 fd;          /* the fd the syscall returned or worked on, -1 when none */
	__u16 family;      /* AF_INET, AF_INET6, AF_UNIX; 0 when not a socket */
	__u16 flags;       /* VIGIL_SF_* */
	__u16 lport;       /* host order */
	__u16 rport;       /* host order */
	__u16 path_len;
	__u16 path2_len;
	__u8 laddr[16];    /* IPv4 in the first 4 bytes */
	__u8 raddr[16];
	/* then path[path_len] path2[path2_len]: file or unix socket path; symlink link path, mount dir */
};

/* Open access classes, as the rules' evt.is_open_read / is_open_write see them. */
#define VIGIL_OPEN_READ  1 /* O_RDONLY, O_RDWR */
#define VIGIL_OPEN_WRITE 2 /* O_WRONLY, O_RDWR */

/* Index 0: which kinds some rule needs. Zero (the initial value) sends nothing. */
struct vigil_syscall_filter {
	__u64 kinds;    /* 1 << enum vigil_sys_kind */
	__u32 open_any; /* VIGIL_OPEN_* classes some rule reads on any path; the others only on vigil_syscall_paths */
	__u32 reserved;
};

/*
 * Paths some open rule can match (OpenPaths in vigil-rules): an open of a class not in
 * open_any is sent when a component-boundary prefix of its path (or all of it) or one of its
 * components has a fingerprint (vigil_pathfp.h) that is an entry whose value has the class's
 * bit. The open program tests each fingerprint against vigil_syscall_path_bloom first (two bits
 * per entry, set by the agent from the same entries) and looks up the hash only on a hit.
 */
#define VIGIL_SYS_PATH_PREFIX    1
#define VIGIL_SYS_PATH_COMPONENT 2
#define VIGIL_SYS_PATHS_MAX 4096

struct vigil_sys_path_key {
	__u32 type;     /* VIGIL_SYS_PATH_* */
	__u32 reserved;
	__u64 hash;     /* the prefix's or component's fingerprint (vigil_pathfp.h) */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VIGIL_SYS_PATHS_MAX);
	__type(key, struct vigil_sys_path_key);
	__type(value, __u32); /* VIGIL_OPEN_* */
} vigil_syscall_paths SEC(".maps");

/* Index 0: bit vigil_fp_bit(hash, type == COMPONENT, 0 and 1) is set for each vigil_syscall_paths key. */
struct vigil_sys_path_bloom {
	__u64 words[VIGIL_FP_BLOOM_WORDS];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vigil_sys_path_bloom);
} vigil_syscall_path_bloom SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vigil_syscall_filter);
} vigil_syscall_filter SEC(".maps");

/* Per kind: [0..31] records submitted, [32..63] seen by a program but filtered out in the kernel. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2 * VIGIL_SK_MAX);
	__type(key, __u32);
	__type(value, __u64);
} vigil_syscall_counts SEC(".maps");

#endif /* VIGIL_SYSCALL_H */
