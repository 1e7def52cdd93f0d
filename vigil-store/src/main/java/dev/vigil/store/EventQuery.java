package dev.vigil.store;

import java.time.Instant;
import java.util.Set;

/**
 * A filter over stored events; null or empty fields match everything. {@code container} matches
 * the id (or an id prefix of 12 or more characters) or the name.
 */
public record EventQuery(Instant since, Instant until, Set<String> types, String rule, String container, String podNamespace,
                         String priority, int limit) {
    public static EventQuery all(int limit) {
        return new EventQuery(null, null, Set.of(), null, null, null, null, limit);
    }
}
