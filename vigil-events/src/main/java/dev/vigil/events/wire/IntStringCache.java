package dev.vigil.events.wire;

import java.util.function.LongFunction;

/**
 * The text of a number-like key (fd numbers, IPv4 addresses, capability sets), made once per
 * key: a direct-mapped table, so memory is bounded and a collision just replaces the slot.
 * Single-threaded, like the ring consumer using it.
 */
public final class IntStringCache {
    private final long[] keys;
    private final String[] values;
    private final LongFunction<String> format;

    public IntStringCache(int slots, LongFunction<String> format) {
        int size = Integer.highestOneBit(Math.max(16, slots) - 1) << 1;
        keys = new long[size];
        values = new String[size];
        this.format = format;
    }

    public String get(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        int slot = (int) (h >>> 40) & (keys.length - 1);
        String s = values[slot];
        if (s == null || keys[slot] != key) {
            s = format.apply(key);
            keys[slot] = key;
            values[slot] = s;
        }
        return s;
    }

    /** Decimal text of small numbers, as rules compare evt.arg values. */
    public static IntStringCache decimal(int slots) {
        return new IntStringCache(slots, Long::toString);
    }
}
