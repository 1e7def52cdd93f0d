package dev.vigil.events.wire;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Turns the same bytes into the same value without allocating again: binaries, paths and whole
 * command lines repeat across millions of records. A fixed-size direct-mapped table, so memory
 * is bounded and a collision just replaces the slot. Single-threaded, like the ring consumer
 * using it.
 */
public class BytesCache<V> {
    /** Makes the value for bytes not seen (or evicted) yet; {@code bytes} is a fresh copy the value may keep. */
    @FunctionalInterface
    public interface Decoder<V> {
        V decode(byte[] bytes);
    }

    private final byte[][] keys;
    private final Object[] values;
    private final int mask;
    private final int maxLength;
    private final Decoder<V> decoder;
    private long hits, misses;

    public BytesCache(int slots, int maxLength, Decoder<V> decoder) {
        int size = Integer.highestOneBit(Math.max(16, slots - 1) << 1);
        this.keys = new byte[size][];
        this.values = new Object[size];
        this.mask = size - 1;
        this.maxLength = maxLength;
        this.decoder = decoder;
    }

    /** The value of {@code length} bytes at {@code offset}; longer than maxLength, decoded each time and not kept. */
    @SuppressWarnings("unchecked")
    public V get(MemorySegment segment, long offset, int length) {
        int h = 1;
        for (long i = offset, end = offset + length; i < end; i++) h = 31 * h + segment.get(JAVA_BYTE, i);
        int slot = (h ^ (h >>> 16)) & mask;
        byte[] key = keys[slot];
        if (key != null && key.length == length && sameBytes(key, segment, offset)) {
            hits++;
            return (V) values[slot];
        }
        misses++;
        byte[] bytes = new byte[length];
        MemorySegment.copy(segment, JAVA_BYTE, offset, bytes, 0, length);
        V value = decoder.decode(bytes);
        if (length <= maxLength) {
            keys[slot] = bytes;
            values[slot] = value;
        }
        return value;
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
