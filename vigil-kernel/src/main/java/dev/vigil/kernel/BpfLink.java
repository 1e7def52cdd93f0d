package dev.vigil.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** An attachment of a program to a hook. Closing it detaches the program, unless the link was pinned. */
public final class BpfLink implements AutoCloseable {
    private final MemorySegment link;
    private final String description;
    private boolean closed;

    BpfLink(MemorySegment link, String description) {
        this.link = link;
        this.description = description;
    }

    public String description() {
        return description;
    }

    public synchronized int fd() {
        if (closed) throw new IllegalStateException("link " + description + " is closed");
        try {
            return (int) LibBpf.link_fd.invokeExact(link);
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
    }

    /** Pins the link in bpffs so the attachment outlives this process (persistent enforcement). */
    public synchronized void pin(String path) {
        try (Arena arena = Arena.ofConfined()) {
            LibBpf.check((int) LibBpf.link_pin.invokeExact(link, arena.allocateFrom(path)), "pin link " + description + " at " + path);
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            LibBpf.check((int) LibBpf.link_destroy.invokeExact(link), "detach " + description);
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
    }

    @Override
    public String toString() {
        return "BpfLink[" + description + "]";
    }
}
