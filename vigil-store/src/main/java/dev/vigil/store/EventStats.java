package dev.vigil.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The aggregates of {@link EventStore#stats}. Every statement reads indexes only (never the
 * table), seeks to its range, and none sorts the matching rows; the cost follows the number of
 * events in the window plus one seek per distinct rule and container name stored.
 */
final class EventStats {
    static final int MAX_TOP = 1_000;
    /** More buckets than a chart can show; a longer range gets wider buckets instead. */
    static final int MAX_BUCKETS = 2_000;

    static final String TOTAL = "SELECT count(*) FROM events WHERE time_ns >= ?";
    // A skip scan: walk the distinct rules through the index (one seek each), then count each rule's
    // range. Costs a seek per rule plus the matching index entries, however large the table.
    static final String TOP_RULES = """
            WITH RECURSIVE r(rule) AS (
              SELECT (SELECT min(rule) FROM events WHERE rule > '')
              UNION ALL
              SELECT (SELECT min(rule) FROM events WHERE rule > r.rule) FROM r WHERE r.rule IS NOT NULL)
            SELECT rule, (SELECT count(*) FROM events e WHERE e.rule = r.rule AND e.time_ns >= ?1) AS n
            FROM r WHERE rule IS NOT NULL ORDER BY n DESC, rule LIMIT ?2""";
    // The same over container names; unnamed containers (known by id only) are few, so grouping
    // their range of the name index is cheap.
    static final String NAMED_CONTAINERS = """
            WITH RECURSIVE c(name) AS (
              SELECT (SELECT min(container_name) FROM events WHERE container_name > '')
              UNION ALL
              SELECT (SELECT min(container_name) FROM events WHERE container_name > c.name) FROM c
              WHERE c.name IS NOT NULL)
            SELECT name, (SELECT count(*) FROM events e WHERE e.container_name = c.name AND e.time_ns >= ?1)
            FROM c WHERE name IS NOT NULL""";
    static final String UNNAMED_CONTAINERS = """
            SELECT container_id, count(*) FROM events
            WHERE container_name = '' AND time_ns >= ?1 AND container_id <> ''
            GROUP BY container_id""";
    static final String OLDEST = "SELECT min(time_ns) FROM events";
    // Run once per bucket: a range of events_time (time_ns, action), read from the index alone.
    static final String BUCKET = """
            SELECT count(*) FILTER (WHERE action = 'block'), count(*) FILTER (WHERE action = 'alert')
            FROM events WHERE time_ns >= ? AND time_ns < ?""";

    private EventStats() {}

    /**
     * @param since  null for all events
     * @param bucket null or non-positive for no buckets
     * @param now    end of the last bucket
     */
    static StoreStats compute(Connection c, Instant since, Duration bucket, int top, Instant now) throws SQLException {
        long sinceNanos = since == null ? Long.MIN_VALUE : EpochNanos.of(since);
        int topN = Math.clamp(top, 0, MAX_TOP);
        // One read transaction, so the figures describe the same moment.
        Sql.execute(c, "BEGIN");
        try {
            long total = count(c, sinceNanos);
            List<StoreStats.Count> rules = topN == 0 ? List.of() : topRules(c, sinceNanos, topN);
            List<StoreStats.Count> containers = topN == 0 ? List.of() : topContainers(c, sinceNanos, topN);
            List<StoreStats.Bucket> buckets = buckets(c, since, bucket, now);
            return new StoreStats(total, rules, containers, buckets);
        } finally {
            Sql.rollbackQuietly(c); // ends the read transaction; nothing was written
        }
    }

    private static long count(Connection c, long sinceNanos) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(TOTAL)) {
            s.setLong(1, sinceNanos);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getLong(1) : 0;
            }
        }
    }

    private static List<StoreStats.Count> topRules(Connection c, long sinceNanos, int top) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(TOP_RULES)) {
            s.setLong(1, sinceNanos);
            s.setInt(2, top);
            List<StoreStats.Count> counts = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    if (r.getLong(2) > 0) { // rules seen only before the window sort last
                        counts.add(new StoreStats.Count(r.getString(1), r.getLong(2)));
                    }
                }
            }
            return counts;
        }
    }

    /** Counted by name, else by id; two containers of one name (a restart) count together. */
    private static List<StoreStats.Count> topContainers(Connection c, long sinceNanos, int top) throws SQLException {
        Map<String, Long> counts = new HashMap<>();
        for (String sql : List.of(NAMED_CONTAINERS, UNNAMED_CONTAINERS)) {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setLong(1, sinceNanos);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        if (r.getLong(2) > 0) {
                            counts.merge(r.getString(1), r.getLong(2), Long::sum);
                        }
                    }
                }
            }
        }
        return counts.entrySet().stream()
                .map(e -> new StoreStats.Count(e.getKey(), e.getValue()))
                .sorted(Comparator.comparingLong(StoreStats.Count::count).reversed().thenComparing(StoreStats.Count::key))
                .limit(top)
                .toList();
    }

    private static List<StoreStats.Bucket> buckets(Connection c, Instant since, Duration bucket, Instant now)
            throws SQLException {
        if (bucket == null || !bucket.isPositive()) {
            return List.of();
        }
        long end = EpochNanos.of(now);
        long start = since == null ? Long.MIN_VALUE : EpochNanos.of(since);
        if (since == null || overflows(end, start)) {
            // No (usable) start given: begin where the data begins.
            Long oldest = oldest(c);
            if (oldest == null) {
                return List.of();
            }
            start = Math.max(start, oldest);
        }
        if (start >= end || overflows(end, start)) {
            return List.of();
        }
        long span = end - start;
        long width = Math.max(EpochNanos.of(bucket), 1);
        long n = Math.ceilDiv(span, width);
        if (n > MAX_BUCKETS) {
            width = Math.ceilDiv(span, MAX_BUCKETS);
            n = Math.ceilDiv(span, width);
        }
        try (PreparedStatement s = c.prepareStatement(BUCKET)) {
            List<StoreStats.Bucket> buckets = new ArrayList<>((int) n);
            for (long i = 0; i < n; i++) {
                long bucketStart = start + i * width;
                s.setLong(1, bucketStart);
                // The last bucket takes in "now" itself, and events up to its natural end.
                s.setLong(2, i == n - 1 ? Math.max(bucketStart + width, end + 1) : bucketStart + width);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    buckets.add(new StoreStats.Bucket(EpochNanos.toInstant(bucketStart), r.getLong(1), r.getLong(2)));
                }
            }
            return buckets;
        }
    }

    private static Long oldest(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(OLDEST); ResultSet r = s.executeQuery()) {
            if (!r.next()) {
                return null;
            }
            long value = r.getLong(1);
            return r.wasNull() ? null : value;
        }
    }

    private static boolean overflows(long end, long start) {
        long span = end - start;
        // Overflow iff the operands have different signs and the result's sign differs from end's.
        return ((end ^ start) & (end ^ span)) < 0;
    }
}
