package dev.vigil.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Writes records into a {@link RingBuffer} held in ordinary memory, with the kernel's record
 * format and publication order (length word last, release semantics), and mirrors each write
 * into the second half as the kernel's double mapping would. For consumer tests and benchmarks.
 */
public final class InMemoryRingProducer implements AutoCloseable {
    private static final VarHandle LONG = JAVA_LONG.varHandle();
    private static final VarHandle INT = JAVA_INT.varHandle();

    private final Arena arena = Arena.ofShared();
    private final MemorySegment consumerPage, producerPage, data;
    private final long size;
    private final RingBuffer ring;
    private long producerPos;

    public InMemoryRingProducer(long dataSize) {
        if (Long.bitCount(dataSize) != 1 || dataSize < 64) throw new IllegalArgumentException("size must be a power of two >= 64");
        this.size = dataSize;
        this.consumerPage = arena.allocate(64, 64);
        this.producerPage = arena.allocate(64, 64);
        this.data = arena.allocate(2 * dataSize, 4096);
        this.ring = RingBuffer.inMemory(consumerPage, producerPage, data);
    }

    public RingBuffer ring() {
        return ring;
    }

    /** Appends one record; false when the consumer has not freed enough space (the kernel would count a drop). */
    public boolean write(MemorySegment record) {
        return write(record, false);
    }

    /** Appends a record marked discarded, which consumers must skip. */
    public boolean writeDiscarded(MemorySegment record) {
        return write(record, true);
    }

    private boolean write(MemorySegment record, boolean discard) {
        long length = record.byteSize();
        long total = (length + 8 + 7) & ~7L;
        long consumer = (long) LONG.getAcquire(consumerPage, 0L);
        if (producerPos + total - consumer > size) return false;
        long at = producerPos & (size - 1);
        copyIn(record, at + 8);
        setPlain(at + 4, 0);
        int word = (int) length | (discard ? 1 << 30 : 0);
        INT.setRelease(data, at + size, word);
        INT.setRelease(data, at, word);
        producerPos += total;
        LONG.setRelease(producerPage, 0L, producerPos);
        return true;
    }

    /** Moves the consumer back to the start so the same records are consumed again (benchmarks). */
    public void rewindConsumer() {
        LONG.setRelease(consumerPage, 0L, 0L);
        ring.resetPosition();
    }

    private void copyIn(MemorySegment record, long at) {
        for (long i = 0; i < record.byteSize(); i++) {
            byte b = record.get(JAVA_BYTE, i);
            long pos = (at + i) & (2 * size - 1);
            data.set(JAVA_BYTE, pos, b);
            data.set(JAVA_BYTE, pos < size ? pos + size : pos - size, b);
        }
    }

    private void setPlain(long at, int value) {
        data.set(JAVA_INT, at, value);
        data.set(JAVA_INT, at < size ? at + size : at - size, value);
    }

    @Override
    public void close() {
        ring.close();
        arena.close();
    }
}
