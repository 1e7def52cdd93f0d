package dev.vigil.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Where alerts and security events are kept for queries and statistics, across agent restarts.
 * A store that cannot write (full disk, corrupt file, read-only) degrades to unavailable, as
 * {@link #health()} says, and counts what it could not keep; it never throws into the pipeline.
 */
public interface EventStore extends AutoCloseable {
    /** Keeps an event. Cheap for the caller: writes are batched. Never throws. */
    void append(StoredEvent event);

    /** Events matching the query, newest first. */
    List<StoredEvent> query(EventQuery query);

    /** Aggregates over events since {@code since}: top rules, top containers, blocked actions per bucket. */
    StoreStats stats(Instant since, Duration bucket, int top);

    StoreHealth health();

    /** Writes everything appended so far (tests, shutdown). */
    void flush();

    @Override
    void close();
}
