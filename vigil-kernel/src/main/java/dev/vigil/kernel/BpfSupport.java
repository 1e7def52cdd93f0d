package dev.vigil.kernel;

import java.lang.foreign.MemorySegment;

/** libbpf's own probes: does the kernel know a program type, map type or helper? 1 yes, 0 no, negative -errno. */
public final class BpfSupport {
    private BpfSupport() {}

    public static int progType(int progType) {
        try {
            return (int) LibBpf.probe_prog_type.invokeExact(progType, MemorySegment.NULL);
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
    }

    public static int mapType(int mapType) {
        try {
            return (int) LibBpf.probe_map_type.invokeExact(mapType, MemorySegment.NULL);
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
    }

    public static int helper(int progType, int helperId) {
        try {
            return (int) LibBpf.probe_helper.invokeExact(progType, helperId, MemorySegment.NULL);
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
    }
}
