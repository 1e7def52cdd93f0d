package dev.vigil.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The pseudo filesystems BPF work depends on. A fresh machine may lack the BPF filesystem and
 * tracefs mounts; the agent mounts them rather than failing later with a puzzling ENOENT.
 */
public final class Filesystems {
    public static final Path BPFFS = Path.of("/sys/fs/bpf");
    public static final Path TRACEFS = Path.of("/sys/kernel/tracing");
    public static final Path SECURITYFS = Path.of("/sys/kernel/security");

    private Filesystems() {}

    /** One mount from /proc/self/mountinfo. */
    public record Mount(String mountPoint, String type, String source) {}

    public static List<Mount> mounts() {
        try {
            return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().map(Filesystems::parseMountInfo).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Mount parseMountInfo(String line) {
        // fields: id parent major:minor root mountpoint options [optional...] - fstype source superoptions
        String[] f = line.split(" ");
        int dash = List.of(f).indexOf("-");
        return new Mount(unescape(f[4]), f[dash + 1], f[dash + 2]);
    }

    private static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }

    public static boolean isMounted(Path mountPoint, String type) {
        return mounts().stream().anyMatch(m -> m.mountPoint().equals(mountPoint.toString()) && m.type().equals(type));
    }

    /** Where cgroup v2 is mounted: /sys/fs/cgroup on unified hosts, /sys/fs/cgroup/unified on hybrid ones. */
    public static Optional<Path> cgroup2Root() {
        return mounts().stream().filter(m -> m.type().equals("cgroup2")).map(m -> Path.of(m.mountPoint())).findFirst();
    }

    /** Mounts {@code type} at {@code mountPoint} unless it is there; returns true when it mounted. */
    public static boolean ensureMounted(Path mountPoint, String type) {
        if (isMounted(mountPoint, type)) return false;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.CALL_STATE);
            MemorySegment name = arena.allocateFrom(type);
            int rc = (int) LibC.mount.invokeExact(state, name, arena.allocateFrom(mountPoint.toString()), name, 0L, MemorySegment.NULL);
            if (rc != 0) throw new BpfException("mount " + type + " at " + mountPoint, Native.errno(state));
            return true;
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
    }
}
