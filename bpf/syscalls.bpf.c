// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * File, network and privilege syscalls for the detection rules (docs/rules.md), one
 * VIGIL_EV_SYSCALL record each. Opens and connects are taken at sys_exit, where the fd names
 * the kernel's own struct file: the path comes from its dentry and mount (after symlinks, relative
 * paths and /proc/<pid>/root hops; a file outside the task's root also carries the path as given),
 * the flags from f_flags, the endpoints from the socket. The
 * rest are taken at sys_enter, where the arguments are all the rules read.
 *
 * Every program first reads vigil_syscall_filter: a kind no loaded rule needs costs one array
 * lookup (and a per-CPU count), and nothing is copied or sent.
 */
#include "vigil_common.h"
#include "vigil_path.h"
#include "vigil_task.h"
#include "vigil_syscall.h"
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct vigil_syscall_event *vigil_btf_vigil_syscall_event __attribute__((section(".vigil.btf"), used));
struct vigil_syscall_filter *vigil_btf_vigil_syscall_filter __attribute__((section(".vigil.btf"), used));
struct vigil_sys_path_key *vigil_btf_vigil_sys_path_key __attribute__((section(".vigil.btf"), used));

#define VIGIL_SREC_AREA 2048
/* Keeps a mask clang could prove redundant, so the verifier sees the bound. */
#define vigil_sys_bound(v, mask) ({ __u64 __v = (v); asm volatile("" : "+r"(__v)); __v & (mask); })
#define VIGIL_SPATH_MASK (VIGIL_SYS_PATH_MAX - 1)
_Static_assert((VIGIL_SYS_PATH_MAX & VIGIL_SPATH_MASK) == 0, "mask needs power of two");
_Static_assert(sizeof(struct vigil_syscall_event) + 2 * VIGIL_SYS_PATH_MAX < VIGIL_SREC_AREA,
	       "a record with both paths fits the scratch area");

#define VIGIL_AF_UNIX 1
#define VIGIL_AF_INET 2
#define VIGIL_AF_INET6 10
#define VIGIL_EINPROGRESS 115
#define VIGIL_S_IFMT 0170000
#define VIGIL_S_IFSOCK 0140000
#define VIGIL_SOCK_DGRAM 2
#define VIGIL_DNS_PORT 53

#define VIGIL_DNS_QNAME_MAX 128
/* Component fingerprints one open's filter walk keeps (at most VIGIL_PATH_DEPTH are used). */
#define VIGIL_SYS_FP_MAX 64

struct vigil_sys_scratch {
	__u8 rec[VIGIL_SREC_AREA];
	struct vigil_path_buf path;
	__u64 fps[VIGIL_SYS_FP_MAX]; /* the open filter's component fingerprints, leaf first */
	__u8 dchunk[128];            /* the open filter's read of one dentry (VIGIL_SYS_DCHUNK) */
	__u8 dns[VIGIL_DNS_QNAME_MAX]; /* the query's bytes after its 12-byte header */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vigil_sys_scratch);
} vigil_sys_scratch SEC(".maps");

/* connect: what sys_enter saw, for sys_exit, by thread. */
struct vigil_connect_args {
	__s32 fd;
	__u32 reserved;
	__u8 addr[112]; /* the caller's sockaddr, as much as struct sockaddr_un holds */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct vigil_connect_args);
} vigil_sys_connects SEC(".maps");

static __always_inline bool vigil_sys_wanted(__u32 kind)
{
	__u32 zero = 0;
	struct vigil_syscall_filter *f = bpf_map_lookup_elem(&vigil_syscall_filter, &zero);

	if (f && (f->kinds & (1ULL << (kind & (VIGIL_SK_MAX - 1)))))
		return true;
	vigil_count(&vigil_syscall_counts, VIGIL_SK_MAX + (kind & (VIGIL_SK_MAX - 1)));
	return false;
}

static __always_inline struct vigil_syscall_event *vigil_sys_begin(struct vigil_sys_scratch **sp,
								   __u32 kind, __u32 nr)
{
	__u32 zero = 0;
	struct vigil_sys_scratch *s = bpf_map_lookup_elem(&vigil_sys_scratch, &zero);
	struct vigil_syscall_event *ev;

	*sp = s;
	if (!s)
		return 0;
	ev = (void *)s->rec;
	__builtin_memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->nr = nr;
	ev->fd = -1;
	ev->exec_ktime = vigil_proc_exec_ktime(bpf_get_current_pid_tgid() >> 32);
	return ev;
}

static __always_inline void vigil_sys_submit(struct vigil_syscall_event *ev)
{
	__u64 size = sizeof(*ev) + (ev->path_len & VIGIL_SPATH_MASK) + (ev->path2_len & VIGIL_SPATH_MASK);

	vigil_fill_header(&ev->hdr, VIGIL_EV_SYSCALL, size);
	if (size > VIGIL_SREC_AREA)
		return;
	if (!vigil_submit(ev, size, VIGIL_EV_SYSCALL))
		vigil_count(&vigil_syscall_counts, ev->kind & (VIGIL_SK_MAX - 1));
}

/* The user string at ptr as the record's first (second = false) or second path. */
static __always_inline void vigil_sys_user_path(struct vigil_sys_scratch *s, struct vigil_syscall_event *ev,
						const char *ptr, bool second)
{
	__u64 off = sizeof(*ev) + (second ? (ev->path_len & VIGIL_SPATH_MASK) : 0);
	long n;

	if (!ptr)
		return;
	off &= VIGIL_SREC_AREA / 2 - 1;
	n = bpf_probe_read_user_str(&s->rec[off], VIGIL_SYS_PATH_MAX, ptr);
	if (n <= 1)
		return;
	n -= 1; /* no NUL on the wire */
	if (n >= VIGIL_SYS_PATH_MAX - 1)
		ev->flags |= second ? VIGIL_SF_PATH2_TRUNCATED : VIGIL_SF_PATH_TRUNCATED;
	if (second) {
		ev->path2_len = n & VIGIL_SPATH_MASK;
	} else {
		ev->path_len = n & VIGIL_SPATH_MASK;
		ev->flags |= VIGIL_SF_PATH_FROM_USER;
	}
}

/*
 * Builds the absolute path of (dentry, mnt) as the task sees it in s->path; returns its length.
 * *outside (when not null): the file lies outside the task's root (vigil_path_build_at).
 */
static __always_inline __u32 vigil_sys_build(struct vigil_sys_scratch *s, struct dentry *d, struct vfsmount *mnt,
					     bool *truncated, bool *outside)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct fs_struct *fs = BPF_CORE_READ(t, fs);

	return vigil_path_build_at(&s->path, d, mnt, &fs->root, truncated, outside);
}

/* The path vigil_sys_build left in s->path as the record's first path; keeps the end of a long one. */
static __always_inline void vigil_sys_put_path(struct vigil_sys_scratch *s, struct vigil_syscall_event *ev,
					       __u32 len, bool truncated)
{
	if (len > VIGIL_SYS_PATH_MAX - 1) {
		len = VIGIL_SYS_PATH_MAX - 1;
		truncated = true;
	}
	len = vigil_sys_bound(len, VIGIL_SPATH_MASK);
	if (bpf_probe_read_kernel(&s->rec[sizeof(*ev)], len, &s->path.b[(VIGIL_PATH_MAX - len) & (VIGIL_PATH_MAX - 1)]))
		return;
	ev->path_len = len;
	if (truncated)
		ev->flags |= VIGIL_SF_PATH_TRUNCATED;
}

/* The absolute path of (dentry, mnt) as the task sees it, as the record's first path. */
static __always_inline void vigil_sys_kernel_path(struct vigil_sys_scratch *s, struct vigil_syscall_event *ev,
						  struct dentry *d, struct vfsmount *mnt)
{
	bool truncated = false;
	__u32 len = vigil_sys_build(s, d, mnt, &truncated, 0);

	vigil_sys_put_path(s, ev, len, truncated);
}

static __always_inline struct file *vigil_sys_file(__u32 fd)
{
	return vigil_task_file((void *)bpf_get_current_task(), fd);
}

/* ---------------------------------------------------------------- opens */

/*
 * The open filter decides before any path string exists. One walk up the dentries and mounts,
 * step for step as vigil_path_build's (same stops: the task's root, a namespace root, a detached
 * mount, a dentry in no tree), fingerprints each component it would have written from its length
 * and its first and last 8 bytes (vigil_pathfp.h); the fingerprints of the component-boundary
 * prefixes are then folded root to leaf. Each fingerprint is tested against the bloom filter (bits in one array
 * value: no helper call), and only a hit costs a hash lookup for the entry's classes. The path
 * string is built afterwards, for the opens that are sent.
 */
_Static_assert(VIGIL_PATH_DEPTH <= VIGIL_SYS_FP_MAX, "a walk's components fit");

/*
 * Reads are what an open costs here (each bpf_probe_read_kernel is a helper call), so each is
 * made to count: one read of a dentry from d_parent on gives its parent, its name's length and
 * pointer and, for a name stored in the dentry itself (d_shortname, d_iname: up to 31 or 39
 * bytes, nearly every name), the name's bytes; one read of a mount gives its parent, its
 * mountpoint and its root. The layouts are CO-RE offsets; a kernel where the fields do not lie
 * within one read takes one read per field.
 */
#define VIGIL_SYS_DCHUNK 96

/* Kernels before 6.14 keep short names in d_iname. */
struct dentry___iname {
	unsigned char d_iname[32];
} __attribute__((preserve_access_index));

static __always_inline __u32 vigil_sys_inline_name_off(void)
{
	if (bpf_core_field_exists(struct dentry, d_shortname))
		return bpf_core_field_offset(struct dentry, d_shortname);
	return bpf_core_field_offset(struct dentry___iname, d_iname);
}

struct vigil_sys_fp_walk {
	__u64 *fps;               /* the scratch's component fingerprints, leaf first */
	__u8 *chunk;              /* the scratch's VIGIL_SYS_DCHUNK + 32 bytes for one dentry */
	struct dentry *dentry;
	struct mount *mnt;
	struct mount *mnt_parent; /* of mnt */
	struct dentry *mnt_mountpoint;
	struct dentry *mnt_root;
	struct dentry *root_dentry;
	struct vfsmount *root_mnt;
	__u32 n;                  /* components fingerprinted */
	bool done;
	bool at_root;             /* the walk met the task's root (else the file lies outside it) */
	bool unsure;              /* a name could not be read: no verdict, the open is sent */
};

/* mnt's parent, mountpoint and root, in one read where the layout allows. */
static __always_inline bool vigil_sys_mount_read(struct vigil_sys_fp_walk *w, struct mount *mnt)
{
	__u32 lo = bpf_core_field_offset(struct mount, mnt_parent);
	__u32 mp = bpf_core_field_offset(struct mount, mnt_mountpoint);
	__u32 rt = bpf_core_field_offset(struct mount, mnt) + bpf_core_field_offset(struct vfsmount, mnt_root);
	__u64 m[4] = {};

	w->mnt = mnt;
	if (mp == lo + 8 && rt == lo + 16) {
		if (bpf_probe_read_kernel(m, 24, (void *)mnt + lo))
			return false;
		w->mnt_parent = (void *)m[0];
		w->mnt_mountpoint = (void *)m[1];
		w->mnt_root = (void *)m[2];
		return true;
	}
	w->mnt_parent = BPF_CORE_READ(mnt, mnt_parent);
	w->mnt_mountpoint = BPF_CORE_READ(mnt, mnt_mountpoint);
	w->mnt_root = BPF_CORE_READ(mnt, mnt.mnt_root);
	return true;
}

/* The fingerprint of dentry's name and its parent; false when they could not be read. */
static __always_inline bool vigil_sys_fp_dentry(struct vigil_sys_fp_walk *w, struct dentry *dentry, __u64 *fp,
						struct dentry **parent)
{
	__u32 lo = bpf_core_field_offset(struct dentry, d_parent);
	__u32 qlen = bpf_core_field_offset(struct dentry, d_name) + bpf_core_field_offset(struct qstr, len);
	__u32 qname = bpf_core_field_offset(struct dentry, d_name) + bpf_core_field_offset(struct qstr, name);
	__u32 in = vigil_sys_inline_name_off();
	__u8 *c = w->chunk;
	const unsigned char *name;
	__u64 first = 0, last = 0;
	__u32 len, at;

	if (qlen >= lo && qlen + 4 <= lo + VIGIL_SYS_DCHUNK && qname >= lo && qname + 8 <= lo + VIGIL_SYS_DCHUNK &&
	    in >= lo && in + 8 <= lo + VIGIL_SYS_DCHUNK) {
		if (bpf_probe_read_kernel(c, VIGIL_SYS_DCHUNK, (void *)dentry + lo))
			return false;
		*parent = *(struct dentry **)c;
		len = *(__u32 *)(c + (qlen - lo));
		name = *(const unsigned char **)(c + (qname - lo));
		if (len > VIGIL_NAME_MAX)
			return false;
		/* A name in the dentry itself: its bytes came with the read. */
		if ((void *)name == (void *)dentry + in && in - lo + len <= VIGIL_SYS_DCHUNK) {
			first = *(__u64 *)(c + (in - lo));
			if (len < 8) {
				first &= (1ULL << (len * 8)) - 1;
			} else if (len > 8) {
				at = vigil_sys_bound(in - lo + len - 8, VIGIL_SYS_DCHUNK * 2 - 1);
				if (at > VIGIL_SYS_DCHUNK - 8)
					return false;
				last = *(__u64 *)(c + at);
			}
			*fp = vigil_fp_component(first, last, len);
			return true;
		}
	} else {
		*parent = BPF_CORE_READ(dentry, d_parent);
		len = BPF_CORE_READ(dentry, d_name.len);
		name = BPF_CORE_READ(dentry, d_name.name);
		if (len > VIGIL_NAME_MAX)
			return false;
	}
	if (len >= 8) {
		if (bpf_probe_read_kernel(&first, 8, name))
			return false;
		if (len > 8 && bpf_probe_read_kernel(&last, 8, name + len - 8))
			return false;
	} else if (bpf_probe_read_kernel(&first, vigil_sys_bound(len, 7), name)) {
		return false;
	}
	*fp = vigil_fp_component(first, last, len);
	return true;
}

/* One step up, as vigil_path_step takes it (the fs_only mode aside). */
static int vigil_sys_fp_step(__u32 index, void *ctx)
{
	struct vigil_sys_fp_walk *w = ctx;
	struct dentry *dentry = w->dentry;
	struct mount *mnt = w->mnt, *up;
	struct dentry *parent = 0;
	__u64 fp;

	if (dentry == w->root_dentry && (void *)vigil_mount_vfs(mnt) == (void *)w->root_mnt) {
		w->at_root = true;
		goto done;
	}
	if (dentry == w->mnt_root) {
		up = w->mnt_parent;
		/* A namespace root, a detached or an internal mount is its own parent. */
		if (!up || up == mnt)
			goto done;
		w->dentry = w->mnt_mountpoint;
		if (!vigil_sys_mount_read(w, up)) {
			w->unsure = true;
			goto done;
		}
		return 0;
	}
	if (!vigil_sys_fp_dentry(w, dentry, &fp, &parent)) {
		w->unsure = true;
		goto done;
	}
	w->fps[vigil_sys_bound(w->n, VIGIL_SYS_FP_MAX - 1)] = fp;
	w->n++;
	/* A dentry in no tree: its name was the whole path. */
	if (!parent || dentry == parent)
		goto done;
	w->dentry = parent;
	return 0;
done:
	w->done = true;
	return 1;
}

static __always_inline bool vigil_sys_bloom_has(const struct vigil_sys_path_bloom *bloom, __u64 fp, int component)
{
	__u32 a = vigil_fp_bit(fp, component, 0), b = vigil_fp_bit(fp, component, 1);

	return (bloom->words[vigil_sys_bound(a >> 6, VIGIL_FP_BLOOM_WORDS - 1)] >> (a & 63)) &
	       (bloom->words[vigil_sys_bound(b >> 6, VIGIL_FP_BLOOM_WORDS - 1)] >> (b & 63)) & 1;
}

static __always_inline __u32 vigil_sys_path_lookup(__u32 type, __u64 fp)
{
	struct vigil_sys_path_key key = { .type = type, .hash = fp };
	__u32 *v = bpf_map_lookup_elem(&vigil_syscall_paths, &key);

	return v ? *v : 0;
}

/*
 * The VIGIL_OPEN_* classes of the path entries the path of (d, mnt) meets, as the task sees it;
 * every class when the walk could not finish (too deep, a name it could not read) or ended
 * outside the task's root.
 */
static __always_inline __u32 vigil_sys_path_classes(struct vigil_sys_scratch *s, struct dentry *root_dentry,
						  struct vfsmount *root_mnt, struct dentry *d, struct vfsmount *mnt)
{
	__u32 zero = 0, classes = 0, n, i;
	const struct vigil_sys_path_bloom *bloom = bpf_map_lookup_elem(&vigil_syscall_path_bloom, &zero);
	struct vigil_sys_fp_walk w = {
		.fps = s->fps,
		.chunk = s->dchunk,
		.dentry = d,
		.root_dentry = root_dentry,
		.root_mnt = root_mnt,
	};
	__u64 prefix = VIGIL_FP_SEED, fp;

	if (!bloom || !vigil_sys_mount_read(&w, vigil_real_mount(mnt)))
		return VIGIL_OPEN_READ | VIGIL_OPEN_WRITE;
	bpf_loop(VIGIL_PATH_DEPTH, vigil_sys_fp_step, &w, 0);
	/*
	 * Outside the task's root (vigil_path_build_at's outside) the rules read the path as given,
	 * which the entries were not matched on: sent (rare).
	 */
	if (!w.done || w.unsure || !w.at_root)
		return VIGIL_OPEN_READ | VIGIL_OPEN_WRITE;
	n = w.n;
	/* Root to leaf: s->fps[n - 1] is the first component. */
	for (i = 0; i < VIGIL_SYS_FP_MAX; i++) {
		if (i >= n)
			break;
		fp = s->fps[vigil_sys_bound(n - 1 - i, VIGIL_SYS_FP_MAX - 1)];
		if (vigil_sys_bloom_has(bloom, fp, 1))
			classes |= vigil_sys_path_lookup(VIGIL_SYS_PATH_COMPONENT, fp);
		prefix = vigil_fp_prefix(prefix, fp);
		if (vigil_sys_bloom_has(bloom, prefix, 0))
			classes |= vigil_sys_path_lookup(VIGIL_SYS_PATH_PREFIX, prefix);
	}
	return classes;
}

/*
 * The kernel clears O_CREAT, O_EXCL and O_TRUNC from a file's f_flags once it is open, but the
 * rules read them (truncated logs, created dot files). The exit still has what was asked for:
 * the task's saved user registers hold the syscall's arguments until it returns to user space.
 * Read only for an open that is sent (no entry program, no per-thread map).
 */
#define VIGIL_O_CREATION (0100 | 0200 | 01000) /* O_CREAT | O_EXCL | O_TRUNC */
#define VIGIL_NR_OPEN 2
#define VIGIL_NR_CREAT 85
#define VIGIL_NR_OPENAT 257
#define VIGIL_NR_OPENAT2 437

static __always_inline __u32 vigil_sys_asked_flags(__u32 nr)
{
	struct pt_regs *regs;
	__u64 flags = 0;

	if (nr == VIGIL_NR_CREAT)
		return 0100 | 01000;
	regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	if (nr == VIGIL_NR_OPEN)
		flags = BPF_CORE_READ(regs, si);
	else if (nr == VIGIL_NR_OPENAT)
		flags = BPF_CORE_READ(regs, dx);
	else if (nr == VIGIL_NR_OPENAT2) /* struct open_how, whose first member is the flags */
		bpf_probe_read_user(&flags, sizeof(flags), (void *)BPF_CORE_READ(regs, dx));
	return (__u32)flags & VIGIL_O_CREATION;
}

/* What the open filter reads of the opened file, in one read where the layout allows. */
struct vigil_sys_file_bits {
	struct inode *inode;
	struct vfsmount *mnt;
	struct dentry *dentry;
	__u32 flags;
};

#define VIGIL_SYS_FCHUNK 64

static __always_inline bool vigil_sys_file_read(struct file *file, struct vigil_sys_file_bits *b)
{
	__u32 oi = bpf_core_field_offset(struct file, f_inode);
	__u32 of = bpf_core_field_offset(struct file, f_flags);
	__u32 op = bpf_core_field_offset(struct file, f_path);
	__u32 lo = oi < of ? (oi < op ? oi : op) : (of < op ? of : op);
	__u64 c[VIGIL_SYS_FCHUNK / 8] = {};

	if (oi + 8 <= lo + VIGIL_SYS_FCHUNK && of + 4 <= lo + VIGIL_SYS_FCHUNK && op + 16 <= lo + VIGIL_SYS_FCHUNK &&
	    (oi - lo) % 8 == 0 && (of - lo) % 4 == 0 && (op - lo) % 8 == 0) {
		if (bpf_probe_read_kernel(c, VIGIL_SYS_FCHUNK, (void *)file + lo))
			return false;
		b->inode = (void *)c[(oi - lo) / 8];
		b->flags = ((__u32 *)c)[(of - lo) / 4];
		b->mnt = (void *)c[(op - lo) / 8];
		b->dentry = (void *)c[(op - lo) / 8 + 1];
		return true;
	}
	b->inode = BPF_CORE_READ(file, f_inode);
	b->flags = BPF_CORE_READ(file, f_flags);
	b->mnt = BPF_CORE_READ(file, f_path.mnt);
	b->dentry = BPF_CORE_READ(file, f_path.dentry);
	return true;
}

#define VIGIL_AT_FDCWD -100

/*
 * An open whose file lies outside the task's root (reached through /proc/PID/root into another
 * root or mount namespace, a /proc/PID/ns file...): no path from the task's root names it, so the
 * record also carries the path the caller gave, as path2 with VIGIL_SF_OUTSIDE_ROOT, which is
 * what Falco's fd.name reports. It is read at exit from the caller's saved registers (x86_64:
 * open and creat take it in rdi, openat and openat2 in rsi after the dirfd in rdi), so the entry
 * programs keep nothing for the common case. A relative name is carried only against the working
 * directory (AT_FDCWD), which userspace prepends; against another dirfd the resolved path stays.
 */
static __always_inline void vigil_sys_given_path(struct vigil_sys_scratch *s, struct vigil_syscall_event *ev, long nr)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	const char *name;
	int dirfd = VIGIL_AT_FDCWD;
	char first = 0;

	if (nr == VIGIL_NR_OPEN || nr == VIGIL_NR_CREAT) {
		name = (const char *)BPF_CORE_READ(regs, di);
	} else {
		dirfd = (int)BPF_CORE_READ(regs, di);
		name = (const char *)BPF_CORE_READ(regs, si);
	}
	if (bpf_probe_read_user(&first, 1, name) || (first != '/' && dirfd != VIGIL_AT_FDCWD))
		return;
	vigil_sys_user_path(s, ev, name, true);
	if (ev->path2_len)
		ev->flags |= VIGIL_SF_OUTSIDE_ROOT;
}

static __always_inline int vigil_sys_opened(struct trace_event_raw_sys_exit *ctx)
{
	__u32 zero = 0;
	struct vigil_syscall_filter *f = bpf_map_lookup_elem(&vigil_syscall_filter, &zero);
	const __u64 open_bits = (1ULL << VIGIL_SK_OPEN_READ) | (1ULL << VIGIL_SK_OPEN_WRITE);
	struct vigil_sys_scratch *s;
	struct vigil_syscall_event *ev;
	struct vigil_sys_file_bits fb;
	struct task_struct *t;
	struct fdtable *fdt;
	void *fds;
	struct file *file = 0;
	struct inode *inode;
	__u32 flags, classes, wanted, len, kind;
	bool truncated = false, outside = false;
	long ret = ctx->ret;

	/* The hot path: no rule reads opens (counted as open_read: the flags are not read here). */
	if (!f || !(f->kinds & open_bits)) {
		vigil_count(&vigil_syscall_counts, VIGIL_SK_MAX + VIGIL_SK_OPEN_READ);
		return 0;
	}
	/* The rules read opens that happened. */
	if (ret < 0)
		return 0;
	/*
	 * The task as a BTF pointer: its files, fd table and root are plain loads, not helper calls;
	 * only the fd array's slot (an array of pointers, which BTF does not type) needs a read.
	 */
	t = bpf_get_current_task_btf();
	fdt = t->files->fdt;
	if ((__u32)ret >= fdt->max_fds)
		return 0;
	fds = fdt->fd;
	if (bpf_probe_read_kernel(&file, sizeof(file), (void *)fds + (__u64)(__u32)ret * sizeof(file)) || !file ||
	    !vigil_sys_file_read(file, &fb))
		return 0;
	flags = fb.flags;
	/* O_RDWR is both a read and a write, as Falco's evt.is_open_read/is_open_write say. */
	classes = (flags & 3) == 0 ? VIGIL_OPEN_READ : (flags & 3) == 1 ? VIGIL_OPEN_WRITE : VIGIL_OPEN_READ | VIGIL_OPEN_WRITE;
	if (!(f->kinds & (1ULL << VIGIL_SK_OPEN_READ)))
		classes &= ~VIGIL_OPEN_READ;
	if (!(f->kinds & (1ULL << VIGIL_SK_OPEN_WRITE)))
		classes &= ~VIGIL_OPEN_WRITE;
	kind = (flags & 3) == 0 || (flags & 3) == 2 ? VIGIL_SK_OPEN_READ : VIGIL_SK_OPEN_WRITE;
	if (!classes)
		goto filtered;
	s = bpf_map_lookup_elem(&vigil_sys_scratch, &zero);
	if (!s)
		return 0;
	wanted = classes & f->open_any;
	/* Classes no rule reads on every path: only paths some rule names, decided before the path is built. */
	if (classes & ~wanted)
		wanted |= classes & vigil_sys_path_classes(s, t->fs->root.dentry, t->fs->root.mnt, fb.dentry, fb.mnt);
	if (!wanted)
		goto filtered;
	/* What was asked for, as the entry would have kept it: only when some rule reads writes. */
	if (f->kinds & (1ULL << VIGIL_SK_OPEN_WRITE))
		flags |= vigil_sys_asked_flags((__u32)ctx->id);
	len = vigil_sys_build(s, fb.dentry, fb.mnt, &truncated, &outside);
	if (!(wanted & VIGIL_OPEN_READ))
		kind = VIGIL_SK_OPEN_WRITE;
	ev = vigil_sys_begin(&s, kind, (__u32)ctx->id);
	if (!ev)
		return 0;
	ev->ret = ret;
	ev->fd = (__s32)ret;
	ev->open_flags = flags;
	inode = fb.inode; /* a local: BPF_CORE_READ would relocate fb's own member too */
	ev->mode = inode ? BPF_CORE_READ(inode, i_mode) : 0;
	vigil_sys_put_path(s, ev, len, truncated);
	if (outside)
		vigil_sys_given_path(s, ev, ctx->id);
	vigil_sys_submit(ev);
	return 0;
filtered:
	vigil_count(&vigil_syscall_counts, VIGIL_SK_MAX + kind);
	return 0;
}

SEC("tp/syscalls/sys_exit_openat")
int vigil_sys_openat(struct trace_event_raw_sys_exit *ctx)
{
	return vigil_sys_opened(ctx);
}

SEC("tp/syscalls/sys_exit_open")
int vigil_sys_open(struct trace_event_raw_sys_exit *ctx)
{
	return vigil_sys_opened(ctx);
}

SEC("tp/syscalls/sys_exit_openat2")
int vigil_sys_openat2(struct trace_event_raw_sys_exit *ctx)
{
	return vigil_sys_opened(ctx);
}

SEC("tp/syscalls/sys_exit_creat")
int vigil_sys_creat(struct trace_event_raw_sys_exit *ctx)
{
	return vigil_sys_opened(ctx);
}

/* ---------------------------------------------------------------- connect */

SEC("tp/syscalls/sys_enter_connect")
int vigil_sys_connect_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct vigil_connect_args a = {};
	__u64 id = bpf_get_current_pid_tgid();
	const void *addr = (const void *)ctx->args[1];
	__u32 len = (__u32)ctx->args[2];

	if (!vigil_sys_wanted(VIGIL_SK_CONNECT))
		return 0;
	a.fd = (__s32)ctx->args[0];
	if (len > sizeof(a.addr))
		len = sizeof(a.addr);
	if (addr && len)
		bpf_probe_read_user(a.addr, len & 127, addr);
	bpf_map_update_elem(&vigil_sys_connects, &id, &a, BPF_ANY);
	return 0;
}

SEC("tp/syscalls/sys_exit_connect")
int vigil_sys_connect_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct vigil_connect_args *a = bpf_map_lookup_elem(&vigil_sys_connects, &id);
	struct vigil_sys_scratch *s;
	struct vigil_syscall_event *ev;
	struct file *file;
	struct socket *sock;
	struct sock *sk;
	long ret = ctx->ret;
	__u16 family;

	if (!a)
		return 0;
	/* A non-blocking connect in progress is a connection attempt the rules want too. */
	if (ret < 0 && ret != -VIGIL_EINPROGRESS)
		goto out;
	ev = vigil_sys_begin(&s, VIGIL_SK_CONNECT, (__u32)ctx->id);
	if (!ev)
		goto out;
	ev->ret = ret;
	ev->fd = a->fd;
	__builtin_memcpy(&family, a->addr, sizeof(family));
	ev->family = family;
	if (family == VIGIL_AF_INET) {
		__builtin_memcpy(ev->raddr, &a->addr[4], 4);
		ev->rport = ((__u16)a->addr[2] << 8) | a->addr[3];
	} else if (family == VIGIL_AF_INET6) {
		__builtin_memcpy(ev->raddr, &a->addr[8], 16);
		ev->rport = ((__u16)a->addr[2] << 8) | a->addr[3];
	} else if (family == VIGIL_AF_UNIX) {
		/* sun_path, NUL-terminated or filling the struct; abstract names start with NUL. */
		__u32 n = 0;

		for (n = 0; n < 108; n++)
			if (!a->addr[2 + n])
				break;
		n &= 127;
		if (n && n <= 108 && !bpf_probe_read_kernel(&s->rec[sizeof(*ev)], n, &a->addr[2]))
			ev->path_len = n;
		ev->flags |= VIGIL_SF_PATH_FROM_USER;
	} else {
		goto out;
	}
	file = vigil_sys_file((__u32)a->fd);
	sock = file ? BPF_CORE_READ(file, private_data) : 0;
	sk = sock ? BPF_CORE_READ(sock, sk) : 0;
	/* tcp or udp for the rules' fd.l4proto: a connected UDP socket connects too. */
	if (sock)
		ev->open_flags = BPF_CORE_READ(sock, type);
	if (sk && family == VIGIL_AF_INET) {
		__u32 saddr = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);

		__builtin_memcpy(ev->laddr, &saddr, 4);
		ev->lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	} else if (sk && family == VIGIL_AF_INET6) {
		BPF_CORE_READ_INTO(&ev->laddr, sk, __sk_common.skc_v6_rcv_saddr);
		ev->lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	}
	vigil_sys_submit(ev);
out:
	bpf_map_delete_elem(&vigil_sys_connects, &id);
	return 0;
}

/* sk's local end (and with peer, its remote end) into the record; false for families other than IPv4/IPv6. */
static __always_inline bool vigil_sys_sk_ends(struct vigil_syscall_event *ev, struct sock *sk, bool peer)
{
	__u16 family;

	if (!sk)
		return false;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	ev->family = family;
	if (family == VIGIL_AF_INET) {
		__u32 a = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);

		__builtin_memcpy(ev->laddr, &a, 4);
		if (peer) {
			a = BPF_CORE_READ(sk, __sk_common.skc_daddr);
			__builtin_memcpy(ev->raddr, &a, 4);
		}
	} else if (family == VIGIL_AF_INET6) {
		BPF_CORE_READ_INTO(&ev->laddr, sk, __sk_common.skc_v6_rcv_saddr);
		if (peer)
			BPF_CORE_READ_INTO(&ev->raddr, sk, __sk_common.skc_v6_daddr);
	} else {
		return false;
	}
	ev->lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	if (peer)
		ev->rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	return true;
}

/* The socket behind fd's local end (and with peer, its remote end) into the record. */
static __always_inline bool vigil_sys_sock_ends(struct vigil_syscall_event *ev, __u32 fd, bool peer)
{
	struct file *file = vigil_sys_file(fd);
	struct socket *sock = file ? BPF_CORE_READ(file, private_data) : 0;
	struct sock *sk = sock ? BPF_CORE_READ(sock, sk) : 0;

	return vigil_sys_sk_ends(ev, sk, peer);
}

/* file's socket, or null when file is not one (private_data means something else then). */
static __always_inline struct socket *vigil_sys_socket(struct file *file, __u32 *mode)
{
	struct inode *inode = file ? BPF_CORE_READ(file, f_inode) : 0;
	__u32 m = inode ? BPF_CORE_READ(inode, i_mode) : 0;

	if (mode)
		*mode = m;
	if ((m & VIGIL_S_IFMT) != VIGIL_S_IFSOCK)
		return 0;
	return BPF_CORE_READ(file, private_data);
}

/* ---------------------------------------------------------------- accept, bind, listen */

static __always_inline int vigil_sys_accepted(struct trace_event_raw_sys_exit *ctx)
{
	struct vigil_sys_scratch *s;
	struct vigil_syscall_event *ev;
	long ret = ctx->ret;

	if (!vigil_sys_wanted(VIGIL_SK_ACCEPT) || ret < 0)
		return 0;
	ev = vigil_sys_begin(&s, VIGIL_SK_ACCEPT, (__u32)ctx->id);
	if (!ev)
		return 0;
	ev->ret = ret;
	ev->fd = (__s32)ret;
	/* Unix and other families: not reported (no rule reads their accepts). */
	if (vigil_sys_sock_ends(ev, (__u32)ret, true))
		vigil_sys_submit(ev);
	return 0;
}

SEC("tp/syscalls/sys_exit_accept")
int vigil_sys_accept(struct trace_event_raw_sys_exit *ctx)
{
	return vigil_sys_accepted(ctx);
}

SEC("tp/syscalls/sys_exit_accept4")
int vigil_sys_accept4(struct trace_event_raw_sys_exit *ctx)
{
	return vigil_sys_accepted(ctx);
}

/* The address asked for, from the caller's sockaddr (IPv4 and IPv6). */
SEC("tp/syscalls/sys_enter_bind")
int vigil_sys_bind(struct trace_event_raw_sys_enter *ctx)
{
	struct vigil_sys_scratch *s;
	struct vigil_syscall_event *ev;
	__u8 addr[24] = {};
	__u16 family;

	if (!vigil_sys_wanted(VIGIL_SK_BIND))
		return 0;
	if (bpf_probe_read_user(addr, sizeof(addr), (const void *)ctx->args[1]))
		return 0;
	__builtin_memcpy(&family, addr, sizeof(family));
	if (family != VIGIL_AF_INET && family != VIGIL_AF_INET6)
		return 0;
	ev = vigil_sys_begin(&s, VIGIL_SK_BIND, (__u32)ctx->id);
	if (!ev)
		return 0;
	ev->fd = (__s32)ctx->args[0];
	ev->family = family;
	ev->lport = ((__u16)addr[2] << 8) | addr[3];
	if (family == VIGIL_AF_INET)
		__builtin_memcpy(ev->laddr, &addr[4], 4);
	else
		__builtin_memcpy(ev->laddr, &addr[8], 16);
	vigil_sys_submit(ev);
	return 0;
}

SEC("tp/syscalls/sys_enter_listen")
int vigil_sys_listen(struct trace_event_raw_sys_enter *ctx)
{
	struct vigil_sys_scratch *s;
	struct vigil_syscall_event *ev;

	if (!vigil_sys_wanted(VIGIL_SK_LISTEN))
		return 0;
	ev = vigil_sys_begin(&s, VIGIL_SK_LISTEN, (__u32)ctx->id);
	if (!ev)
		return 0;
	ev->fd = (__s32)ctx->args[0];
	ev->arg = ctx->args[1];
	if (vigil_sys_sock_ends(ev, (__u32)ev->fd, false))
		vigil_sys_submit(ev);
	return 0;
}

/* ---------------------------------------------------------------- enter-side kinds */

/* An enter record with up to two user strings (null for none). */
static __always_inline int vigil_sys_enter(struct trace_event_raw_sys_enter *ctx, __u32 kind, const char *path,
					   const char *path2, __u64 arg, __u32 mode, __s32 fd)
{
	struct vigil_sys_scratch *s;
	struct vigil_syscall_event *ev;

	if (!vigil_sys_wanted(kind))
		return 0;
	ev = vigil_sys_begin(&s, kind, (__u32)ctx->id);
	if (!ev)
		return 0;
	ev->arg = arg;
	ev->mode = mode;
	ev->fd = fd;
	vigil_sys_user_path(s, ev, path, false);
	vigil_sys_user_path(s, ev, path2, true);
	vigil_sys_submit(ev);
	return 0;
}

SEC("tp/syscalls/sys_enter_unlink")
int vigil_sys_unlink(struct trace_event_raw_sys_enter *ctx)
{
	return vigil_sys_enter(ctx, VIGIL_SK_UNLINK, (const char *)ctx->args[0], 0, 0, 0, -1);
}

SEC("tp/syscalls/sys_enter_unlinkat")
int vigil_sys_unlinkat(struct trace_event_raw_sys_enter *ctx)
{
	return vigil_sys_enter(ctx, VIGIL_SK_UNLINK, (const char *)ctx->args[1], 0, ctx->args[2], 0, (__s32)ctx->args[0]);
}

/* path = the link made, path2 = what it points to. */
SEC("tp/syscalls/sys_enter_symlink")
int vigil_sys_symlink(struct trace_event_raw_sys_enter *ctx)
{
	return vigil_sys_enter(ctx, VIGIL_SK_SYMLINK, (const char *)ctx->args[1], (const char *)ctx->args[0], 0, 0, -1);
}

SEC("tp/syscalls/sys_enter_symlinkat")
int vigil_sys_symlinkat(struct trace_event_raw_sys_enter *ctx)
{
	return vigil_sys_enter(ctx, VIGIL_SK_SYMLINK, (const char *)ctx->args[2], (const char *)ctx->args[0], 0, 0, (__s32)ctx->args[1]);
}

SEC("tp/syscalls/sys_enter_chmod")
int vigil_sys_chmod(struct trace_event_raw_sys_enter *ctx)
{
	return vigil_sys_enter(ctx, VIGIL_SK_CHMOD, (const char *)ctx->args[0], 0, 0, (__u32)ctx->args[1], -1);
}

SEC("tp/syscalls/sys_enter_fchmodat")
int vigil_sys_fchmodat(struct trace_event_raw_sys_enter *ctx)
{
	return vigil_sys_enter(ctx, VIGIL_SK_CHMOD, (const char *)ctx->args[1], 0, 0, (__u32)ctx->args[2], (__s32)ctx->args[0]);
}

/* fchmod names no path: the fd's struct file gives it. */
SEC("tp/syscalls/sys_enter_fchmod")
int vigil_sys_fchmod(struct trace_event_raw_sys_enter *ctx)
{
	struct vigil_sys_scratch *s;
	struct vigil_syscall_event *ev;
	struct file *file;

	if (!vigil_sys_wanted(VIGIL_SK_CHMOD))
		return 0;
	ev = vigil_sys_begin(&s, VIGIL_SK_CHMOD, (__u32)ctx->id);
	if (!ev)
		return 0;
	ev->fd = (__s32)ctx->args[0];
	ev->mode = (__u32)ctx->args[1];
	file = vigil_sys_file((__u32)ev->fd);
	if (file)
		vigil_sys_kernel_path(s, ev, BPF_CORE_READ(file, f_path.dentry), BPF_CORE_READ(file, f_path.mnt));
	vigil_sys_submit(ev);
	return 0;
}

/* The uid the process asks for: setreuid/setresuid report the effective one unless it stays (-1). */
SEC("tp/syscalls/sys_enter_setuid")
int vigil_sys_setuid(struct trace_event_raw_sys_enter *ctx)
{
	return vigil_sys_enter(ctx, VIGIL_SK_SETUID, 0, 0, (__u32)ctx->args[0], 0, -1);
}

SEC("tp/syscalls/sys_enter_setreuid")
int vigil_sys_setreuid(struct trace_event_raw_sys_enter *ctx)
{
	__u32 e = (__u32)ctx->args[1];

	return vigil_sys_enter(ctx, VIGIL_SK_SETUID, 0, 0, e != (__u32)-1 ? e : (__u32)ctx->args[0], 0, -1);
}

SEC("tp/syscalls/sys_enter_setresuid")
int vigil_sys_setresuid(struct trace_event_raw_sys_enter *ctx)
{
	__u32 e = (__u32)ctx->args[1];

	return vigil_sys_enter(ctx, VIGIL_SK_SETUID, 0, 0, e != (__u32)-1 ? e : (__u32)ctx->args[0], 0, -1);
}

/* arg = request; mode carries the target pid. */
SEC("tp/syscalls/sys_enter_ptrace")
int vigil_sys_ptrace(struct trace_event_raw_sys_enter *ctx)
{
	return vigil_sys_enter(ctx, VIGIL_SK_PTRACE, 0, 0, ctx->args[0], (__u32)ctx->args[1], -1);
}

/* path = the mount point, path2 = the source; arg = the mount flags. */
SEC("tp/syscalls/sys_enter_mount")
int vigil_sys_mount(struct trace_event_raw_sys_enter *ctx)
{
	/* A runtime setting up a container mounts its rootfs, /proc, /dev...: not the container acting. */
	if (vigil_is_runtime_setup())
		return 0;
	return vigil_sys_enter(ctx, VIGIL_SK_MOUNT, (const char *)ctx->args[1], (const char *)ctx->args[0], ctx->args[3], 0, -1);
}

SEC("tp/syscalls/sys_enter_init_module")
int vigil_sys_init_module(struct trace_event_raw_sys_enter *ctx)
{
	return vigil_sys_enter(ctx, VIGIL_SK_MODULE, 0, 0, 0, 0, -1);
}

SEC("tp/syscalls/sys_enter_finit_module")
int vigil_sys_finit_module(struct trace_event_raw_sys_enter *ctx)
{
	return vigil_sys_enter(ctx, VIGIL_SK_MODULE, 0, 0, 0, 0, (__s32)ctx->args[0]);
}

SEC("tp/syscalls/sys_enter_bpf")
int vigil_sys_bpf(struct trace_event_raw_sys_enter *ctx)
{
	return vigil_sys_enter(ctx, VIGIL_SK_BPF, 0, 0, ctx->args[0], 0, -1);
}

/* path = the memfd's name; arg = its MFD_* flags. */
SEC("tp/syscalls/sys_enter_memfd_create")
int vigil_sys_memfd_create(struct trace_event_raw_sys_enter *ctx)
{
	return vigil_sys_enter(ctx, VIGIL_SK_MEMFD, (const char *)ctx->args[0], 0, ctx->args[1], 0, -1);
}

SEC("tp/syscalls/sys_enter_unshare")
int vigil_sys_unshare(struct trace_event_raw_sys_enter *ctx)
{
	if (vigil_is_runtime_setup())
		return 0;
	return vigil_sys_enter(ctx, VIGIL_SK_NAMESPACE, 0, 0, ctx->args[0], 0, -1);
}

SEC("tp/syscalls/sys_enter_setns")
int vigil_sys_setns(struct trace_event_raw_sys_enter *ctx)
{
	if (vigil_is_runtime_setup())
		return 0;
	return vigil_sys_enter(ctx, VIGIL_SK_NAMESPACE, 0, 0, ctx->args[1], 0, (__s32)ctx->args[0]);
}

/* ---------------------------------------------------------------- dup */

/*
 * What the duplicated file is: its inode mode, and for a socket its type and both ends, so that
 * a rule can tell a network socket put on a standard stream (the reverse shell's move).
 */
static __always_inline int vigil_sys_dup_record(__u32 nr, struct file *file, __s32 newfd, __u64 oldfd, long ret)
{
	struct vigil_sys_scratch *s;
	struct vigil_syscall_event *ev;
	struct socket *sock;
	__u32 mode = 0;

	/* A bad old fd fails the call (EBADF) and duplicates nothing. */
	if (!file)
		return 0;
	ev = vigil_sys_begin(&s, VIGIL_SK_DUP, nr);
	if (!ev)
		return 0;
	ev->fd = newfd;
	ev->arg = oldfd;
	ev->ret = ret;
	sock = vigil_sys_socket(file, &mode);
	ev->mode = mode;
	if (sock) {
		ev->open_flags = BPF_CORE_READ(sock, type);
		/* Other families keep their family (a unix socket reads as fd.typechar u) and no ends. */
		vigil_sys_sk_ends(ev, BPF_CORE_READ(sock, sk), true);
	}
	vigil_sys_submit(ev);
	return 0;
}

/* dup2/dup3 at enter: the old fd's file is what the new fd is about to be. */
SEC("tp/syscalls/sys_enter_dup2")
int vigil_sys_dup2(struct trace_event_raw_sys_enter *ctx)
{
	if (!vigil_sys_wanted(VIGIL_SK_DUP))
		return 0;
	return vigil_sys_dup_record((__u32)ctx->id, vigil_sys_file((__u32)ctx->args[0]), (__s32)ctx->args[1], (__u32)ctx->args[0], 0);
}

SEC("tp/syscalls/sys_enter_dup3")
int vigil_sys_dup3(struct trace_event_raw_sys_enter *ctx)
{
	if (!vigil_sys_wanted(VIGIL_SK_DUP))
		return 0;
	return vigil_sys_dup_record((__u32)ctx->id, vigil_sys_file((__u32)ctx->args[0]), (__s32)ctx->args[1], (__u32)ctx->args[0], 0);
}

/* dup at exit: only then is the new fd known (the old one is not: arg = -1). */
SEC("tp/syscalls/sys_exit_dup")
int vigil_sys_dup(struct trace_event_raw_sys_exit *ctx)
{
	long ret = ctx->ret;

	if (!vigil_sys_wanted(VIGIL_SK_DUP) || ret < 0)
		return 0;
	return vigil_sys_dup_record((__u32)ctx->id, vigil_sys_file((__u32)ret), (__s32)ret, (__u64)-1, ret);
}

/* ---------------------------------------------------------------- rename, link, mknod, chown */

/* path = the old name, path2 = the new one. */
SEC("tp/syscalls/sys_enter_rename")
int vigil_sys_rename(struct trace_event_raw_sys_enter *ctx)
{
	return vigil_sys_enter(ctx, VIGIL_SK_RENAME, (const char *)ctx->args[0], (const char *)ctx->args[1], 0, 0, -1);
}

SEC("tp/syscalls/sys_enter_renameat")
int vigil_sys_renameat(struct trace_event_raw_sys_enter *ctx)
{
	return vigil_sys_enter(ctx, VIGIL_SK_RENAME, (const char *)ctx->args[1], (const char *)ctx->args[3], 0, 0, (__s32)ctx->args[0]);
}

SEC("tp/syscalls/sys_enter_renameat2")
int vigil_sys_renameat2(struct trace_event_raw_sys_enter *ctx)
{
	return vigil_sys_enter(ctx, VIGIL_SK_RENAME, (const char *)ctx->args[1], (const char *)ctx->args[3], ctx->args[4], 0,
			       (__s32)ctx->args[0]);
}

/* path = the existing file, path2 = the new link. */
SEC("tp/syscalls/sys_enter_link")
int vigil_sys_link(struct trace_event_raw_sys_enter *ctx)
{
	return vigil_sys_enter(ctx, VIGIL_SK_LINK, (const char *)ctx->args[0], (const char *)ctx->args[1], 0, 0, -1);
}

SEC("tp/syscalls/sys_enter_linkat")
int vigil_sys_linkat(struct trace_event_raw_sys_enter *ctx)
{
	return vigil_sys_enter(ctx, VIGIL_SK_LINK, (const char *)ctx->args[1], (const char *)ctx->args[3], ctx->args[4], 0,
			       (__s32)ctx->args[0]);
}

SEC("tp/syscalls/sys_enter_mknod")
int vigil_sys_mknod(struct trace_event_raw_sys_enter *ctx)
{
	return vigil_sys_enter(ctx, VIGIL_SK_MKNOD, (const char *)ctx->args[0], 0, ctx->args[2], (__u32)ctx->args[1], -1);
}

SEC("tp/syscalls/sys_enter_mknodat")
int vigil_sys_mknodat(struct trace_event_raw_sys_enter *ctx)
{
	return vigil_sys_enter(ctx, VIGIL_SK_MKNOD, (const char *)ctx->args[1], 0, ctx->args[3], (__u32)ctx->args[2],
			       (__s32)ctx->args[0]);
}

/* arg = the uid asked for, mode = the gid (-1: unchanged). */
SEC("tp/syscalls/sys_enter_chown")
int vigil_sys_chown(struct trace_event_raw_sys_enter *ctx)
{
	return vigil_sys_enter(ctx, VIGIL_SK_CHOWN, (const char *)ctx->args[0], 0, (__u32)ctx->args[1], (__u32)ctx->args[2], -1);
}

SEC("tp/syscalls/sys_enter_lchown")
int vigil_sys_lchown(struct trace_event_raw_sys_enter *ctx)
{
	return vigil_sys_enter(ctx, VIGIL_SK_CHOWN, (const char *)ctx->args[0], 0, (__u32)ctx->args[1], (__u32)ctx->args[2], -1);
}

SEC("tp/syscalls/sys_enter_fchownat")
int vigil_sys_fchownat(struct trace_event_raw_sys_enter *ctx)
{
	return vigil_sys_enter(ctx, VIGIL_SK_CHOWN, (const char *)ctx->args[1], 0, (__u32)ctx->args[2], (__u32)ctx->args[3],
			       (__s32)ctx->args[0]);
}

/* fchown names no path: the fd's struct file gives it, as for fchmod. */
SEC("tp/syscalls/sys_enter_fchown")
int vigil_sys_fchown(struct trace_event_raw_sys_enter *ctx)
{
	struct vigil_sys_scratch *s;
	struct vigil_syscall_event *ev;
	struct file *file;

	if (!vigil_sys_wanted(VIGIL_SK_CHOWN))
		return 0;
	ev = vigil_sys_begin(&s, VIGIL_SK_CHOWN, (__u32)ctx->id);
	if (!ev)
		return 0;
	ev->fd = (__s32)ctx->args[0];
	ev->arg = (__u32)ctx->args[1];
	ev->mode = (__u32)ctx->args[2];
	file = vigil_sys_file((__u32)ev->fd);
	if (file)
		vigil_sys_kernel_path(s, ev, BPF_CORE_READ(file, f_path.dentry), BPF_CORE_READ(file, f_path.mnt));
	vigil_sys_submit(ev);
	return 0;
}

/* ---------------------------------------------------------------- setgid, capset */

/* The gid asked for, as setuid's records: the effective one unless it stays (-1). */
SEC("tp/syscalls/sys_enter_setgid")
int vigil_sys_setgid(struct trace_event_raw_sys_enter *ctx)
{
	return vigil_sys_enter(ctx, VIGIL_SK_SETGID, 0, 0, (__u32)ctx->args[0], 0, -1);
}

SEC("tp/syscalls/sys_enter_setregid")
int vigil_sys_setregid(struct trace_event_raw_sys_enter *ctx)
{
	__u32 e = (__u32)ctx->args[1];

	return vigil_sys_enter(ctx, VIGIL_SK_SETGID, 0, 0, e != (__u32)-1 ? e : (__u32)ctx->args[0], 0, -1);
}

SEC("tp/syscalls/sys_enter_setresgid")
int vigil_sys_setresgid(struct trace_event_raw_sys_enter *ctx)
{
	__u32 e = (__u32)ctx->args[1];

	return vigil_sys_enter(ctx, VIGIL_SK_SETGID, 0, 0, e != (__u32)-1 ? e : (__u32)ctx->args[0], 0, -1);
}

/* The first __user_cap_data_struct (capabilities 0-31, which hold every one the rules name). */
SEC("tp/syscalls/sys_enter_capset")
int vigil_sys_capset(struct trace_event_raw_sys_enter *ctx)
{
	struct vigil_sys_scratch *s;
	struct vigil_syscall_event *ev;
	__u32 data[3] = {}; /* effective, permitted, inheritable */

	if (!vigil_sys_wanted(VIGIL_SK_CAPSET))
		return 0;
	if (bpf_probe_read_user(data, sizeof(data), (const void *)ctx->args[1]))
		return 0;
	ev = vigil_sys_begin(&s, VIGIL_SK_CAPSET, (__u32)ctx->id);
	if (!ev)
		return 0;
	ev->arg = data[0];
	ev->mode = data[1];
	ev->open_flags = data[2];
	vigil_sys_submit(ev);
	return 0;
}

/* ---------------------------------------------------------------- DNS queries */

/*
 * A UDP send to port 53 (sendto, sendmsg, sendmmsg, or send on a connected socket): the first
 * question's name, turned from labels into dots in a bounded loop over the first 128 bytes.
 * addr is the caller's sockaddr, or null for a connected socket, whose peer is then the server.
 */
struct vigil_sys_qname {
	struct vigil_sys_scratch *s;
	__u32 n;     /* query bytes read into s->dns */
	__u32 next;  /* index of the next label's length byte */
	__u32 name;  /* dotted name's length so far */
	bool ended;  /* met the root label */
};

/* One byte of the question: a label length (a dot in the output, none before the first) or a character. */
static int vigil_sys_qname_step(__u32 i, void *ctx)
{
	struct vigil_sys_qname *q = ctx;
	__u8 c;

	if (i >= q->n || i >= VIGIL_DNS_QNAME_MAX)
		return 1;
	c = q->s->dns[vigil_sys_bound(i, VIGIL_DNS_QNAME_MAX - 1)];
	if (i == q->next) {
		if (c == 0) {
			q->ended = true;
			return 1;
		}
		if (c > 63) /* a compression pointer or garbage: not a query's first name */
			return 1;
		q->next = i + c + 1;
		if (i == 0)
			return 0;
		c = '.';
	}
	q->s->rec[sizeof(struct vigil_syscall_event) + vigil_sys_bound(i - 1, VIGIL_DNS_QNAME_MAX - 1)] = c;
	q->name = i;
	return 0;
}

static __always_inline int vigil_sys_dns(struct trace_event_raw_sys_enter *ctx, __u32 fd, const __u8 *buf, __u64 len,
					 const void *addr)
{
	struct vigil_sys_scratch *s;
	struct vigil_syscall_event *ev;
	struct socket *sock = vigil_sys_socket(vigil_sys_file(fd), 0);
	struct sock *sk;
	__u8 sa[24] = {};
	__u16 family = 0, port;
	struct vigil_sys_qname q = {};
	__u32 n, name;
	bool ended;

	if (!sock || BPF_CORE_READ(sock, type) != VIGIL_SOCK_DGRAM || !buf || len <= 12)
		return 0;
	sk = BPF_CORE_READ(sock, sk);
	if (addr) {
		if (bpf_probe_read_user(sa, sizeof(sa), addr))
			return 0;
		__builtin_memcpy(&family, sa, sizeof(family));
		if (family != VIGIL_AF_INET && family != VIGIL_AF_INET6)
			return 0;
		port = ((__u16)sa[2] << 8) | sa[3];
	} else {
		if (!sk)
			return 0;
		port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	}
	if (port != VIGIL_DNS_PORT)
		return 0;
	ev = vigil_sys_begin(&s, VIGIL_SK_DNS, (__u32)ctx->id);
	if (!ev)
		return 0;
	ev->fd = (__s32)fd;
	ev->open_flags = VIGIL_SOCK_DGRAM;
	vigil_sys_sk_ends(ev, sk, !addr);
	if (addr) {
		ev->family = family;
		ev->rport = port;
		if (family == VIGIL_AF_INET)
			__builtin_memcpy(ev->raddr, &sa[4], 4);
		else
			__builtin_memcpy(ev->raddr, &sa[8], 16);
	}
	n = len - 12 > VIGIL_DNS_QNAME_MAX ? VIGIL_DNS_QNAME_MAX : len - 12;
	n = vigil_sys_bound(n, VIGIL_DNS_QNAME_MAX * 2 - 1);
	if (n > VIGIL_DNS_QNAME_MAX || bpf_probe_read_user(s->dns, n, buf + 12))
		n = 0;
	/* \3www\7example\3com\0 -> www.example.com: each label length after the first becomes a dot. */
	q.s = s;
	q.n = n;
	bpf_loop(VIGIL_DNS_QNAME_MAX, vigil_sys_qname_step, &q, 0);
	name = q.name;
	ended = q.ended;
	ev->path_len = name;
	if (!ended)
		ev->flags |= VIGIL_SF_PATH_TRUNCATED;
	ev->flags |= VIGIL_SF_PATH_FROM_USER;
	vigil_sys_submit(ev);
	return 0;
}

SEC("tp/syscalls/sys_enter_sendto")
int vigil_sys_sendto(struct trace_event_raw_sys_enter *ctx)
{
	if (!vigil_sys_wanted(VIGIL_SK_DNS))
		return 0;
	return vigil_sys_dns(ctx, (__u32)ctx->args[0], (const __u8 *)ctx->args[1], ctx->args[2], (const void *)ctx->args[4]);
}

/* A query sent as the message at msg (a struct user_msghdr in user memory): its first iovec. */
static __always_inline int vigil_sys_dns_msg(struct trace_event_raw_sys_enter *ctx, __u32 fd, const void *msg)
{
	struct user_msghdr m = {};
	struct iovec iov = {};

	if (bpf_probe_read_user(&m, sizeof(m), msg) || !m.msg_iov || !m.msg_iovlen)
		return 0;
	if (bpf_probe_read_user(&iov, sizeof(iov), m.msg_iov))
		return 0;
	return vigil_sys_dns(ctx, fd, iov.iov_base, iov.iov_len, m.msg_name);
}

SEC("tp/syscalls/sys_enter_sendmsg")
int vigil_sys_sendmsg(struct trace_event_raw_sys_enter *ctx)
{
	if (!vigil_sys_wanted(VIGIL_SK_DNS))
		return 0;
	return vigil_sys_dns_msg(ctx, (__u32)ctx->args[0], (const void *)ctx->args[1]);
}

/*
 * glibc's resolver sends its A and AAAA questions for one name together with sendmmsg(2): the
 * first message (a struct mmsghdr starts with its msghdr) carries the name, which is what a
 * record reports.
 */
SEC("tp/syscalls/sys_enter_sendmmsg")
int vigil_sys_sendmmsg(struct trace_event_raw_sys_enter *ctx)
{
	if (!vigil_sys_wanted(VIGIL_SK_DNS) || !ctx->args[2])
		return 0;
	return vigil_sys_dns_msg(ctx, (__u32)ctx->args[0], (const void *)ctx->args[1]);
}

/*
 * write(2) is not hooked: a queries-only use of a hook on every write on the host measured
 * 2.1x on a 1-byte write loop (bench/overhead.sh), which is not "where cheap". A query written
 * to a connected UDP socket (busybox nslookup) is therefore not seen; send(2) and sendto(2)
 * with or without an address are.
 */
