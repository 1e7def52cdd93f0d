package dev.vigil.store;

import java.time.Instant;
import java.util.List;

/** Aggregates for `vigil stats`. */
public record StoreStats(long total, List<Count> topRules, List<Count> topContainers, List<Bucket> blockedOverTime) {
    public record Count(String key, long count) {}

    public record Bucket(Instant start, long blocked, long alerted) {}
}
