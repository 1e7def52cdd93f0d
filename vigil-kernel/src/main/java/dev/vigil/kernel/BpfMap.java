package dev.vigil.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A map of a {@link BpfObject}. Keys and values are raw segments laid out as the C side declares
 * them; per-CPU maps take a value buffer of {@link #perCpuValueSize()} bytes.
 */
public final class BpfMap {
    public static final long BPF_ANY = 0, BPF_NOEXIST = 1, BPF_EXIST = 2;
    // enum bpf_map_type values that change how values are read.
    static final int TYPE_PERCPU_HASH = 5, TYPE_PERCPU_ARRAY = 6, TYPE_LRU_PERCPU_HASH = 10, TYPE_RINGBUF = 27;

    private final BpfObject owner;
    private final MemorySegment map;
    private final String name;

    BpfMap(BpfObject owner, MemorySegment map) {
        this.owner = owner;
        this.map = map;
        try {
            this.name = Native.cString((MemorySegment) LibBpf.map_name.invokeExact(map));
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
    }

    public String name() {
        return name;
    }

    public int fd() {
        owner.ensureOpen();
        try {
            int fd = (int) LibBpf.map_fd.invokeExact(map);
            if (fd < 0) throw new IllegalStateException("map " + name + " has no fd: its object is not loaded");
            return fd;
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
    }

    public int type() {
        return intCall(LibBpf.map_type);
    }

    public int keySize() {
        return intCall(LibBpf.map_key_size);
    }

    public int valueSize() {
        return intCall(LibBpf.map_value_size);
    }

    public int maxEntries() {
        return intCall(LibBpf.map_max_entries);
    }

    public boolean isPerCpu() {
        int t = type();
        return t == TYPE_PERCPU_ARRAY || t == TYPE_PERCPU_HASH || t == TYPE_LRU_PERCPU_HASH;
    }

    /** Bytes a lookup of a per-CPU map fills: one 8-byte aligned slot per possible CPU. */
    public long perCpuValueSize() {
        return (long) ((valueSize() + 7) & ~7) * possibleCpus();
    }

    /** Sets the entry count (bytes, for a ring buffer: a power of two times the page size); before load only. */
    public void setMaxEntries(int maxEntries) {
        owner.ensureOpen();
        try {
            LibBpf.check((int) LibBpf.map_set_max_entries.invokeExact(map, maxEntries), "set max_entries of map " + name);
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
    }

    /**
     * Makes this (not yet loaded) map use an existing map instead of creating its own, so that
     * programs of several objects share one instance. The definitions must match.
     */
    public void reuse(BpfMap existing) {
        owner.ensureOpen();
        try {
            LibBpf.check((int) LibBpf.map_reuse_fd.invokeExact(map, existing.fd()), "reuse map " + existing.name() + " for " + name);
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
    }

    public void update(MemorySegment key, MemorySegment value, long flags) {
        try {
            LibBpf.check((int) LibBpf.map_update_elem.invokeExact(fd(), key, value, flags), "update map " + name);
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
    }

    /** Fills {@code value} and returns true, or returns false when the key is absent. */
    public boolean lookup(MemorySegment key, MemorySegment value) {
        try {
            int rc = (int) LibBpf.map_lookup_elem.invokeExact(fd(), key, value);
            if (rc == -Errno.ENOENT) return false;
            LibBpf.check(rc, "look up map " + name);
            return true;
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
    }

    /** Returns false when the key was absent. */
    public boolean delete(MemorySegment key) {
        try {
            int rc = (int) LibBpf.map_delete_elem.invokeExact(fd(), key);
            if (rc == -Errno.ENOENT) return false;
            LibBpf.check(rc, "delete from map " + name);
            return true;
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
    }

    /** Iteration: the key after {@code key} ({@code MemorySegment.NULL} for the first); false at the end. */
    public boolean nextKey(MemorySegment key, MemorySegment next) {
        try {
            int rc = (int) LibBpf.map_get_next_key.invokeExact(fd(), key, next);
            if (rc == -Errno.ENOENT) return false;
            LibBpf.check(rc, "iterate map " + name);
            return true;
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
    }

    /** Sum over CPUs of the u64 at {@code index} of a per-CPU array of u64 counters. */
    public long sumPerCpuCounter(int index) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocateFrom(JAVA_INT, index);
            MemorySegment values = arena.allocate(perCpuValueSize(), 8);
            if (!lookup(key, values)) return 0;
            long sum = 0;
            long slot = (valueSize() + 7) & ~7;
            for (long off = 0; off < values.byteSize(); off += slot) sum += values.get(JAVA_LONG, off);
            return sum;
        }
    }

    public void pin(String path) {
        try (Arena arena = Arena.ofConfined()) {
            LibBpf.check((int) LibBpf.map_pin.invokeExact(map, arena.allocateFrom(path)), "pin map " + name + " at " + path);
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
    }

    private static volatile int possibleCpus;

    public static int possibleCpus() {
        int n = possibleCpus;
        if (n == 0) {
            try {
                n = LibBpf.check((int) LibBpf.num_possible_cpus.invokeExact(), "count possible CPUs");
            } catch (Throwable t) {
                throw LibBpf.rethrow(t);
            }
            possibleCpus = n;
        }
        return n;
    }

    private int intCall(MethodHandle getter) {
        owner.ensureOpen();
        try {
            return (int) getter.invokeExact(map);
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
    }

    @Override
    public String toString() {
        return "BpfMap[" + name + "]";
    }
}
