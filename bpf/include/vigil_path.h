/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Turning a (vfsmount, dentry) pair into an absolute path without bpf_d_path, which
 * tracepoint programs may not call. The walk follows d_parent up to each mount's root and
 * then steps to the mountpoint in the parent mount, as the kernel's own d_path does, and
 * stops at the task's root (chroot/pivot_root) or at the root of its mount namespace.
 *
 * Names are written right to left, ending at buf->b[VIGIL_PATH_MAX], because the walk
 * meets the last component first.
 */
#ifndef VIGIL_PATH_H
#define VIGIL_PATH_H

#include "vigil_common.h"

/* Components (and mount crossings) one walk may visit before it gives up. */
#define VIGIL_PATH_DEPTH 48
#define VIGIL_NAME_MAX 255

_Static_assert((VIGIL_PATH_MAX & (VIGIL_PATH_MAX - 1)) == 0, "mask needs power of two");

struct vigil_path_buf {
	/*
	 * The path ends at VIGIL_PATH_MAX; the slack after it lets the verifier prove that a
	 * name of up to VIGIL_NAME_MAX bytes written at any masked position stays inside.
	 */
	char b[VIGIL_PATH_MAX + 1 + VIGIL_NAME_MAX];
};

static __always_inline struct mount *vigil_real_mount(struct vfsmount *m)
{
	return (void *)m - bpf_core_field_offset(struct mount, mnt);
}

static __always_inline struct vfsmount *vigil_mount_vfs(struct mount *m)
{
	return (void *)m + bpf_core_field_offset(struct mount, mnt);
}

/* Puts "/<name of d>" in front of what *pos marks; false when it does not fit. */
static __always_inline bool vigil_path_prepend(struct vigil_path_buf *buf, __u32 *pos,
					       struct dentry *d)
{
	__u32 len = BPF_CORE_READ(d, d_name.len);
	const unsigned char *name = BPF_CORE_READ(d, d_name.name);
	__u32 p = *pos;

	if (len > VIGIL_NAME_MAX || len + 1 > p)
		return false;
	p -= len + 1;
	p &= VIGIL_PATH_MAX - 1;
	buf->b[p] = '/';
	if (bpf_probe_read_kernel(&buf->b[p + 1], len & VIGIL_NAME_MAX, name))
		return false;
	*pos = p;
	return true;
}

/* State of one walk; lives on the caller's stack and is handed to each bpf_loop step. */
struct vigil_path_walk {
	struct vigil_path_buf *buf;
	struct dentry *dentry;
	struct vfsmount *vfsmnt;
	struct mount *mnt;
	struct dentry *root_dentry;
	struct vfsmount *root_mnt;
	__u32 pos;
	bool done;
	bool truncated;
	bool fs_only; /* stop at the filesystem's root instead of crossing mounts */
	bool at_root; /* the walk ended at root (not at a namespace root, a detached mount or a pseudo file) */
};

/*
 * One step up the tree. A step is a bpf_loop callback rather than a loop body because the
 * verifier then checks it as one function instead of following every branch of every
 * iteration (48 unrolled walks exceeded its 1M instruction budget).
 */
static int vigil_path_step(__u32 index, void *ctx)
{
	struct vigil_path_walk *w = ctx;
	/* Locals, not w->x, inside BPF_CORE_READ: it would relocate w's own members too. */
	struct dentry *dentry = w->dentry;
	struct vfsmount *vfsmnt = w->vfsmnt;
	struct mount *mnt = w->mnt;
	struct dentry *parent, *mnt_root;
	struct mount *up;

	if (w->fs_only) {
		parent = BPF_CORE_READ(dentry, d_parent);
		if (!parent || dentry == parent)
			goto done;
		if (!vigil_path_prepend(w->buf, &w->pos, dentry)) {
			w->truncated = true;
			goto done;
		}
		w->dentry = parent;
		return 0;
	}
	if (dentry == w->root_dentry && vfsmnt == w->root_mnt) {
		w->at_root = true;
		goto done;
	}
	mnt_root = BPF_CORE_READ(vfsmnt, mnt_root);
	if (dentry == mnt_root) {
		up = BPF_CORE_READ(mnt, mnt_parent);
		/* A namespace root, a detached or an internal mount is its own parent. */
		if (!up || up == mnt)
			goto done;
		w->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = up;
		w->vfsmnt = vigil_mount_vfs(up);
		return 0;
	}
	parent = BPF_CORE_READ(dentry, d_parent);
	if (!parent || dentry == parent) {
		/*
		 * A dentry in no tree (memfd, other pseudo files): its name is all the path
		 * there is, and "/memfd:x" says more than "/".
		 */
		if (!vigil_path_prepend(w->buf, &w->pos, dentry))
			w->truncated = true;
		goto done;
	}
	if (!vigil_path_prepend(w->buf, &w->pos, dentry)) {
		w->truncated = true;
		goto done;
	}
	w->dentry = parent;
	return 0;
done:
	w->done = true;
	return 1;
}

/*
 * Resolves (vfsmnt, dentry) against root (a struct path in kernel memory, normally
 * &task->fs->root). Returns the path's length; its bytes are
 * buf->b[VIGIL_PATH_MAX - len .. VIGIL_PATH_MAX). On a cut the result keeps the
 * components nearest the file and *truncated is set. *outside (when not null) says whether the
 * walk ended without meeting root: the file lies outside it (a /proc/PID/root hop into another
 * root or mount namespace, a namespace file, a detached mount, a pseudo file), and the path is
 * then relative to whatever root the walk did reach.
 */
static __always_inline __u32 vigil_path_build_at(struct vigil_path_buf *buf, struct dentry *dentry,
						 struct vfsmount *vfsmnt, struct path *root,
						 bool *truncated, bool *outside)
{
	struct vigil_path_walk w = {
		.buf = buf,
		.dentry = dentry,
		.vfsmnt = vfsmnt,
		.mnt = vigil_real_mount(vfsmnt),
		.root_dentry = BPF_CORE_READ(root, dentry),
		.root_mnt = BPF_CORE_READ(root, mnt),
		.pos = VIGIL_PATH_MAX,
	};
	__u32 pos;

	bpf_loop(VIGIL_PATH_DEPTH, vigil_path_step, &w, 0);
	if (w.truncated)
		*truncated = true;
	if (!w.done) {
		*truncated = true;
		vigil_count_error(VIGIL_ERR_PATH_DEPTH);
	}
	if (outside)
		*outside = w.done && !w.at_root;
	pos = w.pos;
	if (pos >= VIGIL_PATH_MAX) {
		pos = VIGIL_PATH_MAX - 1;
		buf->b[pos] = '/';
	}
	return VIGIL_PATH_MAX - pos;
}

static __always_inline __u32 vigil_path_build(struct vigil_path_buf *buf, struct dentry *dentry,
					      struct vfsmount *vfsmnt, struct path *root,
					      bool *truncated)
{
	return vigil_path_build_at(buf, dentry, vfsmnt, root, truncated, 0);
}

#endif /* VIGIL_PATH_H */
