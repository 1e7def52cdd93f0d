package dev.vigil.events.process;

import java.util.function.Consumer;

/**
 * pid to process image, open addressing with linear probing: no boxed keys, no entry objects,
 * so putting and removing allocate nothing once the table has grown to its working size (it
 * doubles when 3/4 full and never shrinks; the cache above it bounds the count).
 */
final class PidMap {
    private int[] keys;
    private ProcessInfo[] values;
    private int size;

    PidMap(int initialCapacity) {
        int cap = Integer.highestOneBit(Math.max(16, initialCapacity) - 1) << 1;
        keys = new int[cap];
        values = new ProcessInfo[cap];
    }

    int size() {
        return size;
    }

    ProcessInfo get(int pid) {
        int mask = keys.length - 1;
        for (int i = slot(pid, mask); values[i] != null; i = (i + 1) & mask) if (keys[i] == pid) return values[i];
        return null;
    }

    /** Maps pid to p; returns the image it replaced, or null. */
    ProcessInfo put(int pid, ProcessInfo p) {
        if ((size + 1) * 4L > keys.length * 3L) grow();
        int mask = keys.length - 1;
        int i = slot(pid, mask);
        for (; values[i] != null; i = (i + 1) & mask) {
            if (keys[i] == pid) {
                ProcessInfo old = values[i];
                values[i] = p;
                return old;
            }
        }
        keys[i] = pid;
        values[i] = p;
        size++;
        return null;
    }

    ProcessInfo remove(int pid) {
        int mask = keys.length - 1;
        int i = slot(pid, mask);
        for (; values[i] != null; i = (i + 1) & mask) if (keys[i] == pid) break;
        ProcessInfo old = values[i];
        if (old == null) return null;
        // Backward shift: move later members of the probe run into the hole so lookups never stop early.
        for (int hole = i, j = (i + 1) & mask; ; j = (j + 1) & mask) {
            if (values[j] == null) {
                values[hole] = null;
                break;
            }
            int home = slot(keys[j], mask);
            boolean movable = hole <= j ? home <= hole || home > j : home <= hole && home > j;
            if (movable) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        size--;
        return old;
    }

    /** Every image, in table order; the consumer must not change the map. */
    void forEach(Consumer<ProcessInfo> action) {
        for (ProcessInfo p : values) if (p != null) action.accept(p);
    }

    private void grow() {
        int[] oldKeys = keys;
        ProcessInfo[] oldValues = values;
        keys = new int[oldKeys.length * 2];
        values = new ProcessInfo[oldKeys.length * 2];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) if (oldValues[i] != null) put(oldKeys[i], oldValues[i]);
    }

    private static int slot(int pid, int mask) {
        int h = pid * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }
}
