package dev.vigil.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Consumer of a BPF ring buffer map, reading the shared memory directly instead of taking one
 * upcall per record through {@code ring_buffer__poll}.
 *
 * <p>Layout (kernel/bpf/ringbuf.c): page 0, writable by us, holds {@code consumer_pos}; from page 1
 * on, read-only, {@code producer_pos} and then the data area mapped twice in a row, so a record
 * that wraps past the end is still contiguous in our mapping. Each record has an 8-byte header
 * whose first u32 is its length with two flag bits: BUSY (still being written) and DISCARD.
 *
 * <p>Ordering: {@code producer_pos} and every length word are read with acquire semantics so the
 * record bytes behind them are visible; {@code consumer_pos} is published with release semantics
 * once per batch, which frees the space for producers.
 *
 * <p>Threading: one consumer thread only. {@link #consume} and {@link #await} must not be called
 * concurrently; counters may be read from any thread.
 */
public final class RingBuffer implements AutoCloseable {
    /** Receives each record in place. The segment is valid only during the call. */
    @FunctionalInterface
    public interface RecordHandler {
        void onRecord(MemorySegment data, long offset, int length);
    }

    private static final int BUSY = 1 << 31, DISCARD = 1 << 30, HEADER = 8;
    private static final VarHandle LONG = JAVA_LONG.varHandle();
    private static final VarHandle INT = JAVA_INT.varHandle();
    /** Commit at least this often inside a batch so producers regain space during long drains. */
    private static final int COMMIT_EVERY = 256;

    private final String name;
    private final int epollFd;
    private final long mask;
    private final Runnable release;
    private final MemorySegment consumerPage;
    private final MemorySegment producerPage;
    private final MemorySegment data;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment epollEvents;
    private long consumerPos;
    private boolean closed;

    private volatile long records, bytes, handlerFailures;
    private volatile Throwable lastFailure;

    private RingBuffer(String name, MemorySegment consumerPage, MemorySegment producerPage, MemorySegment data, int epollFd,
                       Runnable release) {
        this.name = name;
        this.mask = data.byteSize() / 2 - 1;
        this.consumerPage = consumerPage;
        this.producerPage = producerPage;
        this.data = data;
        this.consumerPos = (long) LONG.getAcquire(consumerPage, 0L);
        this.epollEvents = arena.allocate(16, 8);
        this.epollFd = epollFd;
        this.release = release;
    }

    /** Maps the ring buffer of a loaded object. */
    public static RingBuffer open(BpfMap map) {
        if (map.type() != BpfMap.TYPE_RINGBUF) throw new IllegalArgumentException(map.name() + " is not a ring buffer");
        int fd = map.fd();
        long dataSize = Integer.toUnsignedLong(map.maxEntries());
        long page = LibC.pageSize();
        long producerSize = page + 2 * dataSize;
        MemorySegment cons = mmap(fd, page, LibC.PROT_READ | LibC.PROT_WRITE, 0);
        MemorySegment prod;
        int ep;
        try {
            prod = mmap(fd, producerSize, LibC.PROT_READ, page);
        } catch (RuntimeException e) {
            munmap(cons, page);
            throw e;
        }
        try {
            ep = epollOn(fd);
        } catch (RuntimeException e) {
            munmap(prod, producerSize);
            munmap(cons, page);
            throw e;
        }
        return new RingBuffer(map.name(), cons, prod, prod.asSlice(page, 2 * dataSize), ep, () -> {
            munmap(prod, producerSize);
            munmap(cons, page);
        });
    }

    /**
     * A ring in ordinary memory with no kernel behind it, for benchmarks and tests of consumers;
     * {@link InMemoryRingProducer} writes into it as the kernel would.
     */
    static RingBuffer inMemory(MemorySegment consumerPage, MemorySegment producerPage, MemorySegment data) {
        return new RingBuffer("in-memory", consumerPage, producerPage, data, -1, () -> {});
    }

    /**
     * Hands every complete record to the handler, up to {@code maxRecords}, and returns how many
     * it handed over. A handler that throws is counted and the record skipped; it never stops the ring.
     */
    public int consume(RecordHandler handler, int maxRecords) {
        long cons = consumerPos;
        long prod = (long) LONG.getAcquire(producerPage, 0L);
        int handled = 0, sinceCommit = 0;
        long byteCount = 0;
        while (cons < prod && handled < maxRecords) {
            long at = cons & mask;
            int word = (int) INT.getAcquire(data, at);
            if ((word & BUSY) != 0) break;
            int length = word & ~(BUSY | DISCARD);
            if ((word & DISCARD) == 0) {
                try {
                    handler.onRecord(data, at + HEADER, length);
                } catch (VirtualMachineError e) {
                    throw e;
                } catch (Throwable t) {
                    handlerFailures++;
                    lastFailure = t;
                }
                handled++;
                byteCount += length;
            }
            cons += (length + HEADER + 7) & ~7L;
            if (++sinceCommit == COMMIT_EVERY) {
                LONG.setRelease(consumerPage, 0L, cons);
                sinceCommit = 0;
            }
            if (cons == prod) prod = (long) LONG.getAcquire(producerPage, 0L);
        }
        if (cons != consumerPos) {
            LONG.setRelease(consumerPage, 0L, cons);
            consumerPos = cons;
            records += handled;
            bytes += byteCount;
        }
        return handled;
    }

    /**
     * Waits up to {@code timeoutMillis} for the kernel to signal new data. Producers submit most
     * records without a wakeup (each costs microseconds), so callers also treat a timeout as a cue
     * to look.
     */
    public void await(int timeoutMillis) {
        if (epollFd < 0) {
            Thread.onSpinWait();
            return;
        }
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = call.allocate(Native.CALL_STATE);
            int rc = (int) LibC.epoll_wait.invokeExact(state, epollFd, epollEvents, 1, timeoutMillis);
            if (rc < 0 && Native.errno(state) != Errno.EINTR) throw new BpfException("epoll_wait on ring " + name, Native.errno(state));
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
    }

    /** For {@link InMemoryRingProducer#reset()}: re-reads the consumer position. */
    void resetPosition() {
        consumerPos = (long) LONG.getAcquire(consumerPage, 0L);
    }

    /** Bytes written by producers and not yet consumed. */
    public long pendingBytes() {
        return (long) LONG.getAcquire(producerPage, 0L) - (long) LONG.getAcquire(consumerPage, 0L);
    }

    public long capacityBytes() {
        return mask + 1;
    }

    public long records() {
        return records;
    }

    public long bytes() {
        return bytes;
    }

    /** Records whose handler threw: delivered by the kernel, lost by the agent. */
    public long handlerFailures() {
        return handlerFailures;
    }

    public Throwable lastFailure() {
        return lastFailure;
    }

    public String name() {
        return name;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        LibC.closeQuietly(epollFd);
        release.run();
        arena.close();
    }

    private static MemorySegment mmap(int fd, long size, int prot, long offset) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.CALL_STATE);
            MemorySegment p = (MemorySegment) LibC.mmap.invokeExact(state, MemorySegment.NULL, size, prot, LibC.MAP_SHARED, fd, offset);
            if (p.address() == -1L) throw new BpfException("mmap ring buffer (" + size + " bytes at " + offset + ")", Native.errno(state));
            return p.reinterpret(size);
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
    }

    private static void munmap(MemorySegment segment, long size) {
        try {
            int ignored = (int) LibC.munmap.invokeExact(segment, size);
        } catch (Throwable ignored) {
            // unmapping at close cannot be retried meaningfully
        }
    }

    private static int epollOn(int mapFd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.CALL_STATE);
            int ep = (int) LibC.epoll_create1.invokeExact(state, LibC.EPOLL_CLOEXEC);
            if (ep < 0) throw new BpfException("epoll_create1", Native.errno(state));
            // struct epoll_event is packed on x86-64: u32 events, u64 data.
            MemorySegment event = arena.allocate(12);
            event.set(JAVA_INT, 0, LibC.EPOLLIN);
            int rc = (int) LibC.epoll_ctl.invokeExact(state, ep, LibC.EPOLL_CTL_ADD, mapFd, event);
            if (rc < 0) {
                int errno = Native.errno(state);
                LibC.closeQuietly(ep);
                throw new BpfException("epoll_ctl on ring buffer", errno);
            }
            return ep;
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
    }
}
