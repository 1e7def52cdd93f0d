package dev.vigil.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * The userspace twin of the kernel's open filter: of the rules about file opens whose condition
 * bounds the path ({@link OpenPaths} hints), which can match an open of a given fd.name. A rule
 * is a candidate when one of the path's component-boundary prefixes (or all of it) is one of its
 * prefixes, or one of its components is one of its components, exactly the kernel's test. An
 * open of a path no rule names then runs none of them instead of each rule's own path tests.
 *
 * <p>Immutable after construction and shared by engines; lookups hash regions of the path in
 * place (String.hashCode's polynomial), so they allocate nothing.
 */
final class PathIndex {
    private static final byte PREFIX = 1, COMPONENT = 2;

    private final CompiledRule[] rules;
    private final int[] hashes;
    private final String[] keys;
    private final byte[] kinds;
    private final long[][] masks;
    private final int mask;

    /** {@code rules}: bounded rules (no {@code any} hint), in file order; at most 64 * words of them. */
    PathIndex(List<CompiledRule> rules) {
        this.rules = rules.toArray(CompiledRule[]::new);
        record Entry(byte kind, String key, int rule) {}
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < this.rules.length; i++) {
            OpenPaths p = this.rules[i].openPaths();
            for (String prefix : p.prefixes()) entries.add(new Entry(PREFIX, prefix, i));
            for (String component : p.components()) entries.add(new Entry(COMPONENT, component, i));
        }
        int size = Integer.highestOneBit(Math.max(8, entries.size() * 2) - 1) << 1;
        hashes = new int[size];
        keys = new String[size];
        kinds = new byte[size];
        masks = new long[size][];
        mask = size - 1;
        for (Entry e : entries) add(e.kind(), e.key(), e.rule());
    }

    int words() {
        return (rules.length + 63) >>> 6;
    }

    boolean isEmpty() {
        return rules.length == 0;
    }

    private void add(byte kind, String key, int rule) {
        int h = key.hashCode();
        int slot = slot(kind, h);
        while (keys[slot] != null && !(kinds[slot] == kind && keys[slot].equals(key))) slot = (slot + 1) & mask;
        if (keys[slot] == null) {
            keys[slot] = key;
            kinds[slot] = kind;
            hashes[slot] = h;
            masks[slot] = new long[words()];
        }
        masks[slot][rule >>> 6] |= 1L << rule;
    }

    private int slot(byte kind, int h) {
        int x = (h ^ kind * 0x9E3779B9) * 0x85EBCA6B;
        return (x ^ (x >>> 15)) & mask;
    }

    /** Runs the candidate rules for the event's path; {@code scratch} has at least {@link #words()} words. */
    int run(RuleEvent e, String path, EvalContext c, AlertSink sink, long[] scratch) {
        int words = words();
        for (int w = 0; w < words; w++) scratch[w] = 0;
        int h = 0, component = 0, start = 0, length = path.length();
        for (int i = 0; i < length; i++) {
            char ch = path.charAt(i);
            if (ch == '/') {
                if (i > 0) {
                    mark(PREFIX, h, path, 0, i, scratch);
                    mark(COMPONENT, component, path, start, i - start, scratch);
                }
                component = 0;
                start = i + 1;
            } else {
                component = 31 * component + ch;
            }
            h = 31 * h + ch;
        }
        mark(PREFIX, h, path, 0, length, scratch);
        mark(COMPONENT, component, path, start, length - start, scratch);
        int n = 0;
        for (int w = 0; w < words; w++) {
            for (long bits = scratch[w]; bits != 0; bits &= bits - 1) {
                CompiledRule r = rules[(w << 6) + Long.numberOfTrailingZeros(bits)];
                if (r.test(e, c)) {
                    n++;
                    sink.onMatch(r, e, c);
                }
            }
        }
        return n;
    }

    /** Every rule of the index, in file order (for an open without a path). */
    CompiledRule[] rules() {
        return rules;
    }

    private void mark(byte kind, int h, String path, int from, int len, long[] out) {
        if (len <= 0) return;
        for (int slot = slot(kind, h); keys[slot] != null; slot = (slot + 1) & mask) {
            String key = keys[slot];
            if (hashes[slot] == h && kinds[slot] == kind && key.length() == len && path.regionMatches(from, key, 0, len)) {
                long[] m = masks[slot];
                for (int w = 0; w < m.length; w++) out[w] |= m[w];
                return;
            }
        }
    }
}
