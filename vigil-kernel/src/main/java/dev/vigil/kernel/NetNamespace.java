package dev.vigil.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * A network namespace held open by fd, and work done inside it. libbpf's TC calls and
 * if_nametoindex act on the namespace of the calling thread, so each {@link #call} runs on a
 * fresh platform thread that enters the namespace first and ends with the task: no pooled or
 * virtual-thread carrier is ever left behind in a container's namespace.
 *
 * Holding the fd (rather than re-opening /proc/PID/ns/net) keeps detaching in the namespace
 * that was attached to even after the container's process is gone or its pid reused, and
 * keeps that namespace alive until {@link #close}.
 */
public final class NetNamespace implements AutoCloseable {
    private final FileDescriptor file;
    private final int fd;
    private final String origin;

    private NetNamespace(FileDescriptor file, String origin) {
        this.file = file;
        this.fd = file.fd();
        this.origin = origin;
    }

    /** Opens a namespace file ({@code /proc/PID/ns/net}, {@code /run/netns/NAME}). */
    public static NetNamespace open(Path nsFile) {
        // Not checked to be a network namespace here: setns(CLONE_NEWNET) refuses anything else with EINVAL.
        return new NetNamespace(FileDescriptor.open(nsFile, LibC.O_RDONLY | LibC.O_CLOEXEC, "open network namespace"), nsFile.toString());
    }

    /** A path other processes can open to reach this namespace (e.g. {@code nsenter --net=PATH}) while it is held. */
    public Path path() {
        return Path.of("/proc/" + ProcessHandle.current().pid() + "/fd/" + fd);
    }

    /**
     * "device:inode" of the namespace: equal for two handles on the same one. (The fd's link text
     * is "net:[inode]" only when opened through /proc; a bind mount such as /run/netns/NAME shows
     * its path, so the stat of the file is compared instead.)
     */
    public String identity() {
        return identity(path());
    }

    private static String identity(Path nsFile) {
        try {
            return Files.getAttribute(nsFile, "unix:dev") + ":" + Files.getAttribute(nsFile, "unix:ino");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** True when this is the namespace the calling process's own threads live in (the host's, for the agent). */
    public boolean isCurrentProcessNamespace() {
        return identity().equals(identity(Path.of("/proc/self/ns/net")));
    }

    /** Runs {@code task} inside the namespace, on a thread of its own that ends with it. */
    public <T> T call(Callable<T> task) {
        ensureOpen();
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread t = Thread.ofPlatform().name("vigil-netns-" + fd).daemon(true).unstarted(() -> {
            try {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment state = arena.allocate(Native.CALL_STATE);
                    int rc = (int) LibC.setns.invokeExact(state, fd, LibC.CLONE_NEWNET);
                    if (rc != 0) throw new BpfException("setns into " + origin, Native.errno(state));
                }
                result[0] = task.call();
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        t.start();
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                // The task is a netlink call or two: finish waiting so the result is not lost.
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (failure[0] != null) throw LibBpf.rethrow(failure[0]);
        @SuppressWarnings("unchecked") T r = (T) result[0];
        return r;
    }

    public void run(Runnable task) {
        call(() -> {
            task.run();
            return null;
        });
    }

    /** The ifindex of {@code ifname} in this namespace, or 0 when it has no such interface. */
    public int ifindex(String ifname) {
        return call(() -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment state = arena.allocate(Native.CALL_STATE);
                return (int) LibC.if_nametoindex.invokeExact(state, arena.allocateFrom(ifname));
            } catch (Throwable t) {
                throw LibBpf.rethrow(t);
            }
        });
    }

    private void ensureOpen() {
        if (!file.isOpen()) throw new IllegalStateException("network namespace " + origin + " is closed");
    }

    @Override
    public void close() {
        file.close();
    }

    @Override
    public String toString() {
        return "network namespace " + origin;
    }
}
