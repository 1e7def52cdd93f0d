package dev.vigil.agent.store;

import dev.vigil.store.EventQuery;
import dev.vigil.store.EventStore;
import dev.vigil.store.StoreHealth;
import dev.vigil.store.StoreStats;
import dev.vigil.store.StoredEvent;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Stands in for a store that could not be opened: counts what it could not keep, answers empty. */
public final class UnavailableStore implements EventStore {
    private final String reason;
    private final AtomicLong dropped = new AtomicLong();

    public UnavailableStore(String reason) {
        this.reason = reason;
    }

    @Override
    public void append(StoredEvent event) {
        dropped.incrementAndGet();
    }

    @Override
    public List<StoredEvent> query(EventQuery query) {
        return List.of();
    }

    @Override
    public StoreStats stats(Instant since, Duration bucket, int top) {
        return new StoreStats(0, List.of(), List.of(), List.of());
    }

    @Override
    public StoreHealth health() {
        return new StoreHealth(false, reason, 0, 0, dropped.get(), 0);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
}
