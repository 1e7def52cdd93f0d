package dev.vigil.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/** A raw fd the JDK cannot give us (cgroup directories, namespace files); closed on close. */
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
        return open(dir, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC, "open");
    }

    /** open(2) with {@code flags}; a failure says "{@code what} PATH" and the errno. */
    public static FileDescriptor open(Path path, int flags, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.CALL_STATE);
            int fd = (int) LibC.open.invokeExact(state, arena.allocateFrom(path.toString()), flags);
            if (fd < 0) throw new BpfException(what + " " + path, Native.errno(state));
            return new FileDescriptor(fd, path.toString());
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
    }

    public int fd() {
        return fd;
    }

    public synchronized boolean isOpen() {
        return !closed;
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
