package dev.vigil.bench;

import dev.vigil.events.Records;
import dev.vigil.kernel.InMemoryRingProducer;
import dev.vigil.kernel.RingBuffer;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A ring filled once with a realistic mix of lifecycle records (a fork, an exec, an exit per
 * process, as a shell loop produces), consumed again and again by rewinding the consumer.
 * Records are built byte for byte as the kernel writes them, by the decoder tests' builder.
 */
@State(Scope.Thread)
public abstract class RecordFixtures {
    static final int PROCESSES = 1024;
    static final int RECORDS = PROCESSES * 3;

    private Arena arena;
    protected InMemoryRingProducer producer;
    protected RingBuffer ring;

    @Setup
    public void fillRing() {
        arena = Arena.ofShared();
        producer = new InMemoryRingProducer(4 << 20);
        long t = 1_000_000;
        for (int i = 0; i < PROCESSES; i++) {
            int pid = 1000 + i;
            write(Records.fork(arena, t++, pid, 999, 5));
            long exec = t++;
            write(Records.exec(arena, exec, pid, 999, 5, "/usr/bin/true", "/bin/true\0--flag\0value", "/home/user/work"));
            write(Records.exit(arena, t++, pid, exec, 0));
        }
        ring = producer.ring();
    }

    @TearDown
    public void freeRing() {
        producer.close();
        arena.close();
    }

    private void write(MemorySegment record) {
        if (!producer.write(record)) throw new IllegalStateException("fixture ring too small");
    }
}
