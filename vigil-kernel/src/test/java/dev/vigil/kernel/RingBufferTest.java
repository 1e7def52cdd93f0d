package dev.vigil.kernel;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;

/** The consumer protocol over an in-memory ring: order, wrap-around, discards, full rings and failing handlers. */
class RingBufferTest {
    private static MemorySegment record(Arena arena, int value, int length) {
        MemorySegment r = arena.allocate(length, 8);
        r.set(JAVA_INT, 0, value);
        return r;
    }

    @Test
    void deliversRecordsInOrderAcrossManyWrapArounds() {
        try (InMemoryRingProducer producer = new InMemoryRingProducer(4096); Arena arena = Arena.ofConfined()) {
            List<Integer> seen = new ArrayList<>();
            int next = 0;
            for (int round = 0; round < 200; round++) {
                // Odd sizes so records straddle the end of the data area at varying offsets.
                while (producer.write(record(arena, next, 4 + (next % 53)))) next++;
                producer.ring().consume((seg, off, len) -> {
                    assertThat(len).isGreaterThanOrEqualTo(4);
                    seen.add(seg.get(JAVA_INT, off));
                }, Integer.MAX_VALUE);
            }
            assertThat(seen).hasSize(next);
            for (int i = 0; i < seen.size(); i++) assertThat(seen.get(i)).isEqualTo(i);
            assertThat(producer.ring().records()).isEqualTo(next);
            assertThat(producer.ring().pendingBytes()).isZero();
        }
    }

    @Test
    void fullRingRefusesUntilConsumed() {
        try (InMemoryRingProducer producer = new InMemoryRingProducer(256); Arena arena = Arena.ofConfined()) {
            int written = 0;
            while (producer.write(record(arena, written, 24))) written++;
            assertThat(written).isEqualTo(256 / 32);
            assertThat(producer.ring().consume((s, o, l) -> {}, 3)).isEqualTo(3);
            assertThat(producer.write(record(arena, 99, 24))).isTrue();
        }
    }

    @Test
    void skipsDiscardedRecords() {
        try (InMemoryRingProducer producer = new InMemoryRingProducer(1024); Arena arena = Arena.ofConfined()) {
            producer.write(record(arena, 1, 8));
            producer.writeDiscarded(record(arena, 2, 8));
            producer.write(record(arena, 3, 8));
            List<Integer> seen = new ArrayList<>();
            producer.ring().consume((seg, off, len) -> seen.add(seg.get(JAVA_INT, off)), 100);
            assertThat(seen).containsExactly(1, 3);
        }
    }

    @Test
    void aThrowingHandlerIsCountedAndDoesNotStopTheRing() {
        try (InMemoryRingProducer producer = new InMemoryRingProducer(1024); Arena arena = Arena.ofConfined()) {
            for (int i = 0; i < 5; i++) producer.write(record(arena, i, 8));
            List<Integer> seen = new ArrayList<>();
            producer.ring().consume((seg, off, len) -> {
                int v = seg.get(JAVA_INT, off);
                if (v == 2) throw new IllegalStateException("bad record");
                seen.add(v);
            }, 100);
            assertThat(seen).containsExactly(0, 1, 3, 4);
            assertThat(producer.ring().handlerFailures()).isEqualTo(1);
            assertThat(producer.ring().lastFailure()).hasMessage("bad record");
        }
    }

    @Test
    void respectsTheBatchLimit() {
        try (InMemoryRingProducer producer = new InMemoryRingProducer(4096); Arena arena = Arena.ofConfined()) {
            for (int i = 0; i < 10; i++) producer.write(record(arena, i, 8));
            assertThat(producer.ring().consume((s, o, l) -> {}, 4)).isEqualTo(4);
            assertThat(producer.ring().consume((s, o, l) -> {}, 100)).isEqualTo(6);
        }
    }
}
