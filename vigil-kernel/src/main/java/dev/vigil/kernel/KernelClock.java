package dev.vigil.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Converts the CLOCK_BOOTTIME nanoseconds that kernel programs stamp on records into wall-clock
 * time. The offset is re-measured on demand because NTP slews the realtime clock.
 */
public final class KernelClock {
    private static final int CLOCK_REALTIME = 0, CLOCK_BOOTTIME = 7;

    private volatile long bootEpochNanos;

    public KernelClock() {
        resync();
    }

    /** Re-measures realtime minus boottime. */
    public void resync() {
        bootEpochNanos = now(CLOCK_REALTIME) - now(CLOCK_BOOTTIME);
    }

    /** Epoch nanoseconds of a boot-time stamp. */
    public long toEpochNanos(long bootNanos) {
        return bootEpochNanos + bootNanos;
    }

    public static long bootNanos() {
        return now(CLOCK_BOOTTIME);
    }

    private static long now(int clock) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ts = arena.allocate(16, 8);
            int rc = (int) LibC.clock_gettime.invokeExact(clock, ts);
            if (rc != 0) throw new IllegalStateException("clock_gettime(" + clock + ") failed");
            return ts.get(JAVA_LONG, 0) * 1_000_000_000L + ts.get(JAVA_LONG, 8);
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
    }
}
