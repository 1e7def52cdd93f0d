package dev.vigil.store;

import java.time.Duration;

/**
 * How much history the store keeps. Either limit may be switched off.
 *
 * @param maxAge   events older than this are removed; null, zero or negative keeps events of any age
 * @param maxBytes when the database files (main file and WAL) grow past this, the oldest events are
 *                 removed until the data fits in about 90% of it; zero or negative means no cap
 */
public record Retention(Duration maxAge, long maxBytes) {

    /** A week of events in at most 1 GiB. */
    public static Retention defaults() {
        return new Retention(Duration.ofDays(7), 1L << 30);
    }

    /** Keeps everything (tests, benchmarks). */
    public static Retention unlimited() {
        return new Retention(null, 0);
    }

    boolean limitsAge() {
        return maxAge != null && maxAge.isPositive();
    }

    boolean limitsSize() {
        return maxBytes > 0;
    }

    /** How large the WAL may stay between checkpoints: small next to the cap, so the files track the data. */
    long walBytes() {
        long mib = 1 << 20;
        return limitsSize() ? Math.clamp(maxBytes / 16, 64 * 1024, 64 * mib) : 64 * mib;
    }

    /**
     * How much data retention leaves: 90% of the cap less the WAL's share, so the files (data plus
     * WAL) get 10% of the cap to grow into before retention runs again.
     */
    long dataTarget() {
        return Math.max(0, maxBytes / 10 * 9 - walBytes());
    }
}
