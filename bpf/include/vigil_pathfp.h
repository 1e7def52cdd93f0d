/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Path fingerprints for the syscalls sensor's open filter: a path is judged without building its
 * string. Each component gets a 64-bit fingerprint from its length and its first and last (up
 * to) 8 bytes, which two reads of the dentry's name give; a component-boundary prefix gets the
 * fingerprints of its components folded root to leaf. The agent computes the same values for
 * the prefixes and names the rules give (dev.vigil.kernel.wire.PathFingerprint, which must stay
 * bit for bit equal to this file: PathFingerprintTest compiles this header with the host's cc
 * and compares), puts them in vigil_syscall_paths and sets their bits in a small bloom filter.
 *
 * Plain C on purpose (no BPF helpers): the test builds it for the host.
 */
#ifndef VIGIL_PATHFP_H
#define VIGIL_PATHFP_H

#define VIGIL_FP_SEED 0x9e3779b97f4a7c15ULL
#define VIGIL_FP_LEN_MUL 0xd6e8feb86659fd93ULL

/* log2 of the bloom filter's bits; each key sets two bits. */
#define VIGIL_FP_BLOOM_SHIFT 14
#define VIGIL_FP_BLOOM_BITS (1u << VIGIL_FP_BLOOM_SHIFT)
#define VIGIL_FP_BLOOM_MASK (VIGIL_FP_BLOOM_BITS - 1)
#define VIGIL_FP_BLOOM_WORDS (VIGIL_FP_BLOOM_BITS / 64)

/* murmur3's 64-bit finalizer. */
static __always_inline __u64 vigil_fp_mix(__u64 x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/*
 * A component of len bytes: first = its first min(len, 8) bytes as a little-endian u64, zero
 * filled; last = its last 8 bytes the same way when len > 8, else 0.
 */
static __always_inline __u64 vigil_fp_component(__u64 first, __u64 last, __u32 len)
{
	return vigil_fp_mix(vigil_fp_mix(first ^ ((__u64)len * VIGIL_FP_LEN_MUL)) ^ last);
}

/* The prefix one component longer; the empty prefix (the root) is VIGIL_FP_SEED. */
static __always_inline __u64 vigil_fp_prefix(__u64 prefix, __u64 component)
{
	return vigil_fp_mix(prefix ^ component);
}

/*
 * The bloom filter's two bits of a key: prefixes use fingerprint bits 0-27, components bits
 * 28-55, so the two kinds do not share positions by construction.
 */
static __always_inline __u32 vigil_fp_bit(__u64 fp, int component, int second)
{
	return (__u32)(fp >> ((component ? 2 : 0) * VIGIL_FP_BLOOM_SHIFT + (second ? VIGIL_FP_BLOOM_SHIFT : 0))) &
	       VIGIL_FP_BLOOM_MASK;
}

#endif /* VIGIL_PATHFP_H */
