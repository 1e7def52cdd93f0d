package dev.vigil.kernel.wire;

import java.nio.charset.StandardCharsets;

/**
 * The open filter's path fingerprints, bit for bit as bpf/include/vigil_pathfp.h computes them in
 * the kernel (PathFingerprintTest compiles that header with the host's cc and compares): a
 * component's fingerprint mixes its length with its first and last (up to) 8 bytes; a
 * component-boundary prefix's folds its components' root to leaf, starting from {@link #SEED}
 * for the root. The kernel walks an opened file's dentries, fingerprints each name with two
 * reads and tests the results against the agent's entries: no path string, no loop per byte.
 */
public final class PathFingerprint {
    public static final long SEED = 0x9e3779b97f4a7c15L;
    private static final long LEN_MUL = 0xd6e8feb86659fd93L;
    /** log2 of the bloom filter's bits (VIGIL_FP_BLOOM_SHIFT). */
    public static final int BLOOM_SHIFT = 14;
    public static final int BLOOM_BITS = 1 << BLOOM_SHIFT, BLOOM_WORDS = BLOOM_BITS / 64;

    private PathFingerprint() {}

    /** murmur3's 64-bit finalizer (vigil_fp_mix). */
    static long mix(long x) {
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        x *= 0xc4ceb9fe1a85ec53L;
        x ^= x >>> 33;
        return x;
    }

    /** A component's fingerprint from its raw bytes (a file name: no slash). */
    public static long component(byte[] name, int from, int len) {
        long first = le(name, from, Math.min(len, 8));
        long last = len > 8 ? le(name, from + len - 8, 8) : 0;
        return mix(mix(first ^ (len & 0xffffffffL) * LEN_MUL) ^ last);
    }

    public static long component(String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        return component(b, 0, b.length);
    }

    /** The prefix one component longer (vigil_fp_prefix). */
    public static long prefix(long prefix, long component) {
        return mix(prefix ^ component);
    }

    /**
     * An absolute path's fingerprint, as a component-boundary prefix ("/etc/shadow"): its
     * components folded from {@link #SEED}. Empty components (a doubled or trailing slash) are
     * skipped, as the kernel's paths have none.
     */
    public static long path(String path) {
        byte[] b = path.getBytes(StandardCharsets.UTF_8);
        long fp = SEED;
        int start = 0;
        for (int i = 0; i <= b.length; i++) {
            if (i == b.length || b[i] == '/') {
                if (i > start) fp = prefix(fp, component(b, start, i - start));
                start = i + 1;
            }
        }
        return fp;
    }

    /** The bloom filter bit (0 or 1: which of the two) of a prefix's or a component's fingerprint (vigil_fp_bit). */
    public static int bloomBit(long fp, boolean component, int which) {
        int shift = (component ? 2 : 0) * BLOOM_SHIFT + (which != 0 ? BLOOM_SHIFT : 0);
        return (int) (fp >>> shift) & (BLOOM_BITS - 1);
    }

    /** Sets the key's two bits in words (BLOOM_WORDS longs, bit i in words[i / 64] at i % 64). */
    public static void addToBloom(long[] words, long fp, boolean component) {
        for (int which = 0; which < 2; which++) {
            int bit = bloomBit(fp, component, which);
            words[bit >>> 6] |= 1L << (bit & 63);
        }
    }

    private static long le(byte[] b, int from, int n) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) v = (v << 8) | (b[from + i] & 0xff);
        return v;
    }
}
