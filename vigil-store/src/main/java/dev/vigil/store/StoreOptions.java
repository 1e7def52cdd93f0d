package dev.vigil.store;

import java.time.Duration;
import java.time.InstantSource;

/**
 * Tunables of {@link SqliteEventStore} that production leaves at their defaults; tests shorten
 * the timings and may hold the writer before each batch.
 *
 * @param queueCapacity       events waiting for the writer; beyond this, appends drop
 * @param batchSize           most events written in one transaction
 * @param maintenanceInterval how often retention runs when nothing else triggers it
 * @param retryInitial        first wait after a failure before writing or opening again
 * @param retryMax            longest wait between attempts (the wait doubles per failure)
 * @param clock               wall clock for retention cutoffs, bucket ends and file names
 * @param beforeBatch         runs on the writer thread before each batch (tests pause the writer here)
 */
record StoreOptions(int queueCapacity, int batchSize, Duration maintenanceInterval, Duration retryInitial,
                    Duration retryMax, InstantSource clock, Runnable beforeBatch) {

    static StoreOptions defaults() {
        return new StoreOptions(65_536, 4_096, Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMinutes(1),
                InstantSource.system(), () -> {});
    }

    StoreOptions withQueueCapacity(int capacity) {
        return new StoreOptions(capacity, batchSize, maintenanceInterval, retryInitial, retryMax, clock, beforeBatch);
    }

    StoreOptions withMaintenanceInterval(Duration interval) {
        return new StoreOptions(queueCapacity, batchSize, interval, retryInitial, retryMax, clock, beforeBatch);
    }

    StoreOptions withRetry(Duration initial, Duration max) {
        return new StoreOptions(queueCapacity, batchSize, maintenanceInterval, initial, max, clock, beforeBatch);
    }

    StoreOptions withClock(InstantSource source) {
        return new StoreOptions(queueCapacity, batchSize, maintenanceInterval, retryInitial, retryMax, source, beforeBatch);
    }

    StoreOptions withBeforeBatch(Runnable hook) {
        return new StoreOptions(queueCapacity, batchSize, maintenanceInterval, retryInitial, retryMax, clock, hook);
    }
}
