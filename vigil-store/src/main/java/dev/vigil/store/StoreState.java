package dev.vigil.store;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** What {@link EventStore#health()} reports, shared between callers and the writer thread. */
final class StoreState {
    /** Whether writes work now and, if not, why. */
    record Availability(boolean available, String reason) {}

    final LongAdder dropped = new LongAdder();
    final AtomicLong expired = new AtomicLong();
    /** Kept by the writer (counted on open, then adjusted) so health() never scans the table. */
    final AtomicLong rows = new AtomicLong();
    /** Set when the writer thread has ended; later appends are dropped at once. */
    volatile boolean writerGone;
    private volatile Availability availability = new Availability(false, "not opened yet");

    Availability availability() {
        return availability;
    }

    boolean available() {
        return availability.available();
    }

    void available(boolean available, String reason) {
        availability = new Availability(available, available ? "" : reason);
    }
}
