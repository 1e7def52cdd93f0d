package dev.vigil.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/** A raw fd the JDK cannot give us (cgroup directories for cgroup attachment); closed on close. */
public final class FileDescriptor implements AutoCloseable {
    private final int fd;
    private final String path;
    private boolean closed;

    private FileDescriptor(int fd, String path) {
        this.fd = fd;
        this.path = path;
    }

    /** Opens a directory read-only, as cgroup attachment wants it. */
    public static FileDescriptor openDirectory(Path dir) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.CALL_STATE);
            int fd = (int) LibC.open.invokeExact(state, arena.allocateFrom(dir.toString()), LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC);
            if (fd < 0) throw new BpfException("open " + dir, Native.errno(state));
            return new FileDescriptor(fd, dir.toString());
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
    }

    public int fd() {
        return fd;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        LibC.closeQuietly(fd);
    }

    @Override
    public String toString() {
        return "fd " + fd + " (" + path + ")";
    }
}
