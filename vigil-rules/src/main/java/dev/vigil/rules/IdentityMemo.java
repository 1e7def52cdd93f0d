package dev.vigil.rules;

import java.util.function.Function;

/**
 * Strings derived from a String (a path's directory, an image's tag...), remembered by the
 * source's identity: decoders intern what they hand out, so the same path is the same object and
 * is split once. Two-way set associative, so that two hot keys whose identity hashes collide do
 * not evict each other on every event (a direct-mapped table would then allocate per event).
 */
final class IdentityMemo {
    private final String[][] rows;

    /** {@code sets}: a power of two. */
    IdentityMemo(int sets) {
        rows = new String[sets * 2][];
    }

    /** The row for key (row[0] is the key itself), made by {@code derive} on a miss. */
    String[] get(String key, Function<String, String[]> derive) {
        int slot = (System.identityHashCode(key) & (rows.length / 2 - 1)) * 2;
        String[] first = rows[slot];
        if (first != null && first[0] == key) return first;
        String[] second = rows[slot + 1];
        if (second == null || second[0] != key) second = derive.apply(key);
        rows[slot + 1] = first; // most recently used first
        rows[slot] = second;
        return second;
    }
}
