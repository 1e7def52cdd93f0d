package dev.vigil.events.wire;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Turns the same bytes into the same String without allocating again: binaries and working
 * directories repeat across millions of events. A fixed-size direct-mapped table, so memory is
 * bounded and a collision just replaces the slot. Single-threaded, like the ring consumer using it.
 */
public final class StringCache {
    private final byte[][] keys;
    private final String[] values;
    private final int mask;
    private final int maxLength;
    private long hits, misses;

    public StringCache(int slots, int maxLength) {
        int size = Integer.highestOneBit(Math.max(16, slots - 1) << 1);
        this.keys = new byte[size][];
        this.values = new String[size];
        this.mask = size - 1;
        this.maxLength = maxLength;
    }

    public String intern(MemorySegment segment, long offset, int length) {
        if (length == 0) return "";
        int h = 1;
        for (long i = offset, end = offset + length; i < end; i++) h = 31 * h + segment.get(JAVA_BYTE, i);
        int slot = (h ^ (h >>> 16)) & mask;
        byte[] key = keys[slot];
        if (key != null && key.length == length && sameBytes(key, segment, offset)) {
            hits++;
            return values[slot];
        }
        misses++;
        byte[] bytes = new byte[length];
        MemorySegment.copy(segment, JAVA_BYTE, offset, bytes, 0, length);
        String s = new String(bytes, StandardCharsets.UTF_8);
        if (length <= maxLength) {
            keys[slot] = bytes;
            values[slot] = s;
        }
        return s;
    }

    private static boolean sameBytes(byte[] key, MemorySegment segment, long offset) {
        for (int i = 0; i < key.length; i++) if (key[i] != segment.get(JAVA_BYTE, offset + i)) return false;
        return true;
    }

    public long hits() {
        return hits;
    }

    public long misses() {
        return misses;
    }

    public void clear() {
        Arrays.fill(keys, null);
        Arrays.fill(values, null);
    }
}
