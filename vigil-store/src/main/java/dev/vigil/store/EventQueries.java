package dev.vigil.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Turns an {@link EventQuery} into SQL and rows into {@link StoredEvent}s. */
final class EventQueries {
    static final int MAX_LIMIT = 10_000;
    /** Shortest container id prefix that matches by prefix; shorter strings must match exactly. */
    static final int MIN_ID_PREFIX = 12;

    private EventQueries() {}

    static List<StoredEvent> select(Connection c, EventQuery q) throws SQLException {
        List<String> where = new ArrayList<>();
        List<Object> args = new ArrayList<>();
        if (q.since() != null) {
            where.add("time_ns >= ?");
            args.add(EpochNanos.of(q.since()));
        }
        if (q.until() != null) {
            where.add("time_ns < ?");
            args.add(EpochNanos.of(q.until()));
        }
        List<String> types = nonBlank(q.types());
        if (!types.isEmpty()) {
            where.add("type IN (" + String.join(", ", types.stream().map(t -> "?").toList()) + ")");
            args.addAll(types);
        }
        equal(where, args, "rule", q.rule());
        equal(where, args, "pod_namespace", q.podNamespace());
        equal(where, args, "priority", q.priority());
        if (!isBlank(q.container())) {
            String container = q.container();
            String idUpperBound = prefixUpperBound(container);
            if (idUpperBound != null) {
                // A range rather than LIKE so the container_id index serves the prefix.
                where.add("((container_id >= ? AND container_id < ?) OR container_name = ?)");
                args.addAll(List.of(container, idUpperBound, container));
            } else {
                where.add("(container_id = ? OR container_name = ?)");
                args.addAll(List.of(container, container));
            }
        }
        String sql = "SELECT " + Schema.COLUMNS + " FROM events"
                + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                + " ORDER BY time_ns DESC, id DESC LIMIT ?";
        args.add(effectiveLimit(q.limit()));

        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, args);
            try (ResultSet r = s.executeQuery()) {
                List<StoredEvent> events = new ArrayList<>();
                while (r.next()) {
                    events.add(new StoredEvent(r.getLong(1), EpochNanos.toInstant(r.getLong(2)), r.getString(3),
                            r.getString(4), r.getString(5), r.getString(6), r.getString(7), r.getString(8),
                            r.getString(9), r.getString(10), r.getString(11), r.getString(12), r.getString(13)));
                }
                return events;
            }
        }
    }

    /** Non-positive limits mean "as many as allowed". */
    static int effectiveLimit(int limit) {
        return limit <= 0 ? MAX_LIMIT : Math.min(limit, MAX_LIMIT);
    }

    /**
     * The smallest string above every string starting with {@code prefix}, or null when the string is
     * too short to be a prefix or its last character cannot simply be incremented (container ids are
     * hex, so this only gives up on odd names, which still match exactly).
     */
    static String prefixUpperBound(String prefix) {
        if (prefix.length() < MIN_ID_PREFIX) {
            return null;
        }
        char last = prefix.charAt(prefix.length() - 1);
        // ASCII keeps UTF-16 order and SQLite's byte-wise UTF-8 order in step.
        if (last >= 0x7f) {
            return null;
        }
        return prefix.substring(0, prefix.length() - 1) + (char) (last + 1);
    }

    private static void equal(List<String> where, List<Object> args, String column, String value) {
        if (!isBlank(value)) {
            where.add(column + " = ?");
            args.add(value);
        }
    }

    static void bind(PreparedStatement s, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case Long l -> s.setLong(i + 1, l);
                case Integer n -> s.setInt(i + 1, n);
                case String str -> s.setString(i + 1, str);
                default -> throw new IllegalArgumentException("unexpected argument " + args.get(i));
            }
        }
    }

    private static List<String> nonBlank(Set<String> values) {
        if (values == null) {
            return List.of();
        }
        return values.stream().filter(v -> !isBlank(v)).sorted().toList();
    }

    static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
