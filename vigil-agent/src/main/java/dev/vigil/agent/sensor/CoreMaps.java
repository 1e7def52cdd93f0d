package dev.vigil.agent.sensor;

import dev.vigil.kernel.BpfException;
import dev.vigil.kernel.BpfMap;
import dev.vigil.kernel.BpfObject;
import dev.vigil.kernel.probe.Feature;
import dev.vigil.kernel.probe.KernelFeatures;
import dev.vigil.kernel.wire.PathFingerprint;
import dev.vigil.kernel.wire.Wire;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.stream.Stream;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The maps every sensor shares, created from bpf/core.bpf.c before any sensor loads: the event
 * ring buffer, its drop and error counters, the config, and the process identity table. Sensors
 * come and go (feature switches); these stay for the agent's life.
 */
public final class CoreMaps implements AutoCloseable {
    public static final String RING = "vigil_events", RING_DROPS = "vigil_ringbuf_drops", ERRORS = "vigil_errors",
            CONFIG = "vigil_config", PROCS = "vigil_procs";
    /** The escape guard's policy maps (bpf/include/vigil_guard_maps.h), written by the agent's guard. */
    public static final List<String> GUARD_MAPS = List.of("vigil_guard_scope", "vigil_guard_policies", "vigil_guard_config",
            "vigil_cmd_binaries", "vigil_cmd_tokens", "vigil_guard_paths", "vigil_guard_host_fs", "vigil_guard_own_mounts",
            "vigil_guard_host_ns", "vigil_guard_parents");
    /** The syscalls sensor's filter and counters (bpf/include/vigil_syscall.h): they outlive a reload of the sensor. */
    public static final String SYSCALL_FILTER = "vigil_syscall_filter", SYSCALL_COUNTS = "vigil_syscall_counts",
            SYSCALL_PATHS = "vigil_syscall_paths", SYSCALL_PATH_BLOOM = "vigil_syscall_path_bloom";
    private static final List<String> SHARED = java.util.stream.Stream.concat(Stream.of(RING, RING_DROPS, ERRORS, CONFIG, PROCS,
                    SYSCALL_FILTER, SYSCALL_COUNTS, SYSCALL_PATHS, SYSCALL_PATH_BLOOM),
            GUARD_MAPS.stream()).toList();

    private final BpfObject object;

    private CoreMaps(BpfObject object) {
        this.object = object;
    }

    public static CoreMaps create(KernelFeatures features, int ringBytes, int wakeupBytes) {
        for (Feature required : List.of(Feature.BTF, Feature.RINGBUF)) {
            if (!features.has(required)) {
                throw new IllegalStateException("Vigil needs " + required.description() + ": " + features.status(required).detail());
            }
        }
        BpfObject object = BpfObject.openResource("core");
        try {
            object.map(RING).setMaxEntries(ringBytes);
            object.load();
            CoreMaps core = new CoreMaps(object);
            core.setWakeupBytes(wakeupBytes);
            return core;
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
    }

    /** One of the shared maps, by name. */
    public BpfMap map(String name) {
        return object.map(name);
    }

    /** Points the shared maps of a sensor's object, not yet loaded, at ours. */
    public void shareWith(BpfObject sensorObject) {
        for (BpfMap m : sensorObject.maps()) {
            if (SHARED.contains(m.name())) m.reuse(object.map(m.name()));
        }
    }

    public void setWakeupBytes(int wakeupBytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocateFrom(JAVA_INT, 0);
            MemorySegment value = arena.allocate(Wire.Config.LAYOUT);
            value.set(JAVA_INT, Wire.Config.WAKEUP_BYTES, wakeupBytes);
            object.map(CONFIG).update(key, value, BpfMap.BPF_ANY);
        }
    }

    /**
     * Tells the kernel about a process that was running before the agent, so its children's
     * records name it as parent. False when the kernel already knew it or had no room.
     */
    public boolean seedProcess(int pid, long execKtime, Arena arena) {
        MemorySegment key = arena.allocateFrom(JAVA_INT, pid);
        MemorySegment value = arena.allocateFrom(JAVA_LONG, execKtime);
        try {
            object.map(PROCS).update(key, value, BpfMap.BPF_NOEXIST);
            return true;
        } catch (BpfException e) {
            return false;
        }
    }

    /** Entries in the kernel's process table now; walks the map, so for scrapes, not hot paths. */
    public long countProcs() {
        BpfMap procs = object.map(PROCS);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocate(JAVA_INT), b = arena.allocate(JAVA_INT);
            long n = 0;
            boolean more = procs.nextKey(MemorySegment.NULL, a);
            while (more && n <= procs.maxEntries()) {
                n++;
                more = procs.nextKey(a, b);
                MemorySegment t = a;
                a = b;
                b = t;
            }
            return n;
        }
    }

    public int procsMaxEntries() {
        return object.map(PROCS).maxEntries();
    }

    public BpfMap ring() {
        return object.map(RING);
    }

    public long ringDrops(int eventType) {
        return object.map(RING_DROPS).sumPerCpuCounter(eventType);
    }

    /**
     * Sets which syscall kinds (bit 1 << Wire.SK_*) the kernel sends (the rest stop at the programs'
     * first lookup), which open classes (Wire.OPEN_*) it sends on any path, and for the other
     * classes the path entries (key: Wire.SYS_PATH_* type and PathFingerprint) that let an open
     * through, with the bloom filter the kernel tests before it looks an entry up. Called once,
     * before the syscalls sensor loads.
     */
    public void setSyscallFilter(long kinds, int openAny, java.util.Map<PathEntry, Integer> paths) {
        if (paths.size() > Wire.SYS_PATHS_MAX) throw new IllegalArgumentException(paths.size() + " open path entries; the kernel holds " + Wire.SYS_PATHS_MAX);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(Wire.SysPathKey.LAYOUT), value = arena.allocate(JAVA_INT);
            long[] bloom = new long[PathFingerprint.BLOOM_WORDS];
            for (var e : paths.entrySet()) {
                if (e.getValue() != 0) PathFingerprint.addToBloom(bloom, e.getKey().hash(), e.getKey().type() == Wire.SYS_PATH_COMPONENT);
                key.fill((byte) 0);
                key.set(JAVA_INT, Wire.SysPathKey.TYPE, e.getKey().type());
                key.set(JAVA_LONG, Wire.SysPathKey.HASH, e.getKey().hash());
                value.set(JAVA_INT, 0, e.getValue());
                object.map(SYSCALL_PATHS).update(key, value, BpfMap.BPF_ANY);
            }
            MemorySegment bits = arena.allocate(Wire.SysPathBloom.LAYOUT);
            MemorySegment.copy(bloom, 0, bits, JAVA_LONG, Wire.SysPathBloom.WORDS, bloom.length);
            object.map(SYSCALL_PATH_BLOOM).update(arena.allocateFrom(JAVA_INT, 0), bits, BpfMap.BPF_ANY);
            MemorySegment filter = arena.allocate(Wire.SyscallFilter.LAYOUT);
            filter.set(JAVA_LONG, Wire.SyscallFilter.KINDS, kinds);
            filter.set(JAVA_INT, Wire.SyscallFilter.OPEN_ANY, openAny);
            object.map(SYSCALL_FILTER).update(arena.allocateFrom(JAVA_INT, 0), filter, BpfMap.BPF_ANY);
        }
    }

    /**
     * One vigil_syscall_paths key: a component-boundary path prefix or a path component, by its
     * fingerprint (PathFingerprint, as bpf/include/vigil_pathfp.h computes it in the kernel).
     */
    public record PathEntry(int type, long hash) {
        public static PathEntry prefix(String path) {
            return new PathEntry(Wire.SYS_PATH_PREFIX, PathFingerprint.path(path));
        }

        public static PathEntry component(String name) {
            return new PathEntry(Wire.SYS_PATH_COMPONENT, PathFingerprint.component(name));
        }
    }

    /** Syscall records of this kind the kernel put in the ring. */
    public long syscallsSent(int kind) {
        return object.map(SYSCALL_COUNTS).sumPerCpuCounter(kind);
    }

    /** Syscalls of this kind a program saw and dropped because no rule needs the kind. */
    public long syscallsFiltered(int kind) {
        return object.map(SYSCALL_COUNTS).sumPerCpuCounter(Wire.SK_MAX + kind);
    }

    public long errors(int reason) {
        return object.map(ERRORS).sumPerCpuCounter(reason);
    }

    @Override
    public void close() {
        object.close();
    }
}
