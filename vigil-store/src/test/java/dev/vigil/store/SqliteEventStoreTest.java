package dev.vigil.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.vigil.store.Events.alert;
import static dev.vigil.store.Events.containerId;
import static dev.vigil.store.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

/** Writing, reading back, filtering and aggregating against a real SQLite file. */
class SqliteEventStoreTest {
    private static final Instant T0 = Instant.parse("2025-06-01T12:00:00.123456789Z");

    @TempDir
    Path dir;
    private Path file;
    private SqliteEventStore store;

    @BeforeEach
    void setUp() {
        file = dir.resolve("events.db");
        store = SqliteEventStore.open(file, Retention.unlimited());
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    @Test
    void eventsComeBackWithEveryFieldAndAnId() {
        StoredEvent sent = event(T0, "alert", "shell_in_container", "critical", "block", containerId(1), "web",
                "shop");

        store.append(sent);
        store.flush();

        List<StoredEvent> got = store.query(EventQuery.all(10));
        assertThat(got).hasSize(1);
        assertThat(got.getFirst().id()).isPositive();
        // Nanosecond precision survives the INTEGER column.
        assertThat(got.getFirst()).isEqualTo(Events.withId(sent, got.getFirst().id()));
        StoreHealth health = store.health();
        assertThat(health.available()).isTrue();
        assertThat(health.reason()).isEmpty();
        assertThat(health.rows()).isEqualTo(1);
        assertThat(health.bytes()).isPositive();
        assertThat(health.dropped()).isZero();
    }

    @Test
    void newestFirstWithLimit() {
        for (int i = 0; i < 10; i++) {
            store.append(alert(T0.plusSeconds(i), "r" + i, "alert", containerId(1), "web"));
        }
        // Same instant twice: the later insert counts as newer.
        store.append(alert(T0.plusSeconds(9), "r10", "alert", containerId(1), "web"));
        store.flush();

        List<StoredEvent> got = store.query(EventQuery.all(4));

        assertThat(got).extracting(StoredEvent::rule).containsExactly("r10", "r9", "r8", "r7");
    }

    @Test
    void limitIsCapped() {
        for (int i = 0; i < EventQueries.MAX_LIMIT + 50; i++) {
            store.append(alert(T0.plusMillis(i), "r", "alert", "", ""));
        }
        store.flush();

        assertThat(store.query(EventQuery.all(EventQueries.MAX_LIMIT * 2))).hasSize(EventQueries.MAX_LIMIT);
        assertThat(store.query(EventQuery.all(0))).hasSize(EventQueries.MAX_LIMIT);
        assertThat(store.query(EventQuery.all(3))).hasSize(3);
    }

    @Test
    void everyFilter() {
        String webId = containerId(1);
        String dbId = containerId(2);
        store.append(event(T0, "alert", "shell", "warning", "alert", webId, "web", "shop"));
        store.append(event(T0.plusSeconds(1), "alert", "miner", "critical", "block", dbId, "db", "shop"));
        store.append(event(T0.plusSeconds(2), "container_risk", "privileged", "warning", "", dbId, "db", "infra"));
        store.append(event(T0.plusSeconds(3), "alert", "shell", "critical", "alert", "", "", ""));
        store.flush();

        assertThat(rules(query(T0.plusSeconds(1), null, null, null, null, null, null))).containsExactly(
                "shell", "privileged", "miner");
        assertThat(rules(query(null, T0.plusSeconds(1), null, null, null, null, null))).containsExactly("shell");
        assertThat(rules(query(T0.plusSeconds(1), T0.plusSeconds(3), null, null, null, null, null)))
                .containsExactly("privileged", "miner");
        assertThat(rules(query(null, null, Set.of("container_risk"), null, null, null, null)))
                .containsExactly("privileged");
        assertThat(rules(query(null, null, Set.of("container_risk", "alert"), null, null, null, null))).hasSize(4);
        assertThat(rules(query(null, null, null, "shell", null, null, null))).containsExactly("shell", "shell");
        assertThat(rules(query(null, null, null, null, "db", null, null))).containsExactly("privileged", "miner");
        assertThat(rules(query(null, null, null, null, dbId, null, null))).containsExactly("privileged", "miner");
        assertThat(rules(query(null, null, null, null, dbId.substring(0, 12), null, null)))
                .containsExactly("privileged", "miner");
        // Too short to be a prefix, and no container is named like it.
        assertThat(query(null, null, null, null, dbId.substring(0, 11), null, null)).isEmpty();
        assertThat(rules(query(null, null, null, null, null, "infra", null))).containsExactly("privileged");
        assertThat(rules(query(null, null, null, null, null, null, "critical"))).containsExactly("shell", "miner");
        assertThat(rules(query(T0, null, Set.of("alert"), "shell", "web", "shop", "warning"))).containsExactly("shell");
        assertThat(query(T0, null, Set.of("alert"), "shell", "web", "shop", "critical")).isEmpty();
        // Empty strings and sets mean "any".
        assertThat(query(null, null, Set.of(), "", "", "", "")).hasSize(4);
    }

    @Test
    void idPrefixDoesNotMatchOtherIds() {
        String id = "abcdef0123456789" + "0".repeat(48);
        String sibling = "abcdef0123456790" + "0".repeat(48);
        store.append(alert(T0, "mine", "alert", id, ""));
        store.append(alert(T0, "other", "alert", sibling, ""));
        store.flush();

        assertThat(rules(query(null, null, null, null, "abcdef012345678", null, null))).containsExactly("mine");
        assertThat(rules(query(null, null, null, null, "abcdef01234567", null, null))).containsExactly("other", "mine");
    }

    @Test
    void statsCountRulesContainersAndActionsPerBucket() {
        Instant now = T0.plus(Duration.ofMinutes(10));
        store.close();
        store = SqliteEventStore.open(file, Retention.unlimited(),
                StoreOptions.defaults().withClock(InstantSource.fixed(now)));
        String webId = containerId(1);
        String unnamedId = containerId(3);
        // Before the window: must not count anywhere.
        store.append(alert(T0.minusSeconds(1), "old", "block", webId, "web"));
        // Minute 0: 2 blocks, 1 alert.
        store.append(alert(T0, "shell", "block", webId, "web"));
        store.append(alert(T0.plusSeconds(30), "shell", "block", webId, "web"));
        store.append(alert(T0.plusSeconds(59), "miner", "alert", containerId(2), "db"));
        // Minute 2: 1 alert in an unnamed container, a host alert, a risk event without a rule.
        store.append(alert(T0.plusSeconds(150), "miner", "alert", unnamedId, ""));
        store.append(alert(T0.plusSeconds(151), "shell", "alert", "", ""));
        store.append(event(T0.plusSeconds(152), "container_risk", "", "warning", "", webId, "web", "shop"));
        store.flush();

        StoreStats stats = store.stats(T0, Duration.ofMinutes(1), 10);

        assertThat(stats.total()).isEqualTo(6);
        assertThat(stats.topRules()).containsExactly(new StoreStats.Count("shell", 3), new StoreStats.Count("miner", 2));
        // Ties in key order.
        assertThat(stats.topContainers()).containsExactly(new StoreStats.Count("web", 3),
                new StoreStats.Count(unnamedId, 1), new StoreStats.Count("db", 1));
        assertThat(stats.blockedOverTime()).hasSize(10);
        assertThat(stats.blockedOverTime().get(0)).isEqualTo(new StoreStats.Bucket(T0, 2, 1));
        assertThat(stats.blockedOverTime().get(1)).isEqualTo(new StoreStats.Bucket(T0.plusSeconds(60), 0, 0));
        assertThat(stats.blockedOverTime().get(2)).isEqualTo(new StoreStats.Bucket(T0.plusSeconds(120), 0, 2));

        StoreStats top1 = store.stats(T0, Duration.ofMinutes(1), 1);
        assertThat(top1.topRules()).extracting(StoreStats.Count::key).containsExactly("shell");
        assertThat(top1.topContainers()).extracting(StoreStats.Count::key).containsExactly("web");

        StoreStats all = store.stats(null, null, 10);
        assertThat(all.total()).isEqualTo(7);
        assertThat(all.blockedOverTime()).isEmpty();
    }

    @Test
    void manyBucketsAreWidened() {
        Instant now = T0.plus(Duration.ofDays(30));
        store.close();
        store = SqliteEventStore.open(file, Retention.unlimited(),
                StoreOptions.defaults().withClock(InstantSource.fixed(now)));
        store.append(alert(T0, "r", "block", "", ""));
        store.flush();

        List<StoreStats.Bucket> buckets = store.stats(T0, Duration.ofSeconds(1), 5).blockedOverTime();

        assertThat(buckets).hasSizeLessThanOrEqualTo(EventStats.MAX_BUCKETS).hasSizeGreaterThan(1000);
        assertThat(buckets.getFirst()).isEqualTo(new StoreStats.Bucket(T0, 1, 0));
        assertThat(buckets.stream().mapToLong(StoreStats.Bucket::blocked).sum()).isEqualTo(1);
    }

    @Test
    void survivesReopen() {
        store.append(alert(T0, "before", "alert", containerId(1), "web"));
        store.close();

        store = SqliteEventStore.open(file, Retention.unlimited());
        store.append(alert(T0.plusSeconds(1), "after", "alert", containerId(1), "web"));
        store.flush();

        assertThat(rules(store.query(EventQuery.all(10)))).containsExactly("after", "before");
        assertThat(store.health().rows()).isEqualTo(2);
    }

    @Test
    void closeWritesWhatIsQueued() {
        for (int i = 0; i < 5_000; i++) {
            store.append(alert(T0.plusMillis(i), "r", "alert", "", ""));
        }
        store.close(); // no flush

        store = SqliteEventStore.open(file, Retention.unlimited());
        assertThat(store.health().rows()).isEqualTo(5_000);
    }

    @Test
    void appendsAfterCloseAndNullsAreDroppedNotThrown() {
        store.append(null);
        store.append(new StoredEvent(0, null, "alert", "", "", "", "", "", "", "", "", "", "{}"));
        store.close();
        store.close();
        store.append(alert(T0, "late", "alert", "", ""));
        store.flush();

        assertThat(store.health().dropped()).isEqualTo(3);
        assertThat(store.health().available()).isFalse();
        assertThat(store.query(EventQuery.all(10))).isEmpty();
    }

    @Test
    void nullStringsAreStoredAsEmpty() {
        store.append(new StoredEvent(0, T0, "alert", null, "r", null, null, null, null, null, null, null, null));
        store.flush();

        StoredEvent got = store.query(EventQuery.all(1)).getFirst();
        assertThat(got.containerId()).isEmpty();
        assertThat(got.json()).isEmpty();
    }

    @Test
    void newFileIsWalWithIncrementalVacuum() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            assertThat(Sql.queryString(c, "PRAGMA journal_mode")).isEqualTo("wal");
            assertThat(Sql.queryLong(c, "PRAGMA auto_vacuum")).isEqualTo(2); // INCREMENTAL
            assertThat(Sql.queryLong(c, "PRAGMA user_version")).isEqualTo(Schema.VERSION);
        }
    }

    @Test
    void queriesUseTheIndexes() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            assertThat(plan(c, "SELECT * FROM events WHERE rule = ? AND time_ns >= ? ORDER BY time_ns DESC, id DESC"))
                    .contains("events_rule_time (rule=? AND time_ns>?)").doesNotContain("TEMP B-TREE");
            assertThat(plan(c, "SELECT * FROM events WHERE type = ? AND time_ns >= ? ORDER BY time_ns DESC, id DESC"))
                    .contains("events_type_time (type=? AND time_ns>?)").doesNotContain("TEMP B-TREE");
            assertThat(plan(c, "SELECT * FROM events WHERE ((container_id >= ? AND container_id < ?)"
                    + " OR container_name = ?) AND time_ns >= ?"))
                    .contains("events_container_id_time (container_id>? AND container_id<?)")
                    .contains("events_container_name_time (container_name=? AND time_ns>?)");
            assertThat(plan(c, EventStats.TOTAL)).contains("COVERING INDEX events_time (time_ns>?)");
            // Seeks only: no scan of a whole index or table, no sort of all matching rows.
            assertThat(plan(c, EventStats.TOP_RULES))
                    .contains("COVERING INDEX events_rule_time (rule=? AND time_ns>?)")
                    .doesNotContain("SCAN events").doesNotContain("GROUP BY");
            assertThat(plan(c, EventStats.NAMED_CONTAINERS))
                    .contains("COVERING INDEX events_container_name_time (container_name=? AND time_ns>?)")
                    .doesNotContain("SCAN events").doesNotContain("TEMP B-TREE");
            assertThat(plan(c, EventStats.UNNAMED_CONTAINERS))
                    .contains("COVERING INDEX events_container_name_time (container_name=? AND time_ns>?)");
            assertThat(plan(c, EventStats.BUCKET)).contains("COVERING INDEX events_time (time_ns>? AND time_ns<?)");
        }
    }

    private static String plan(Connection c, String sql) throws Exception {
        StringBuilder plan = new StringBuilder();
        try (var s = c.prepareStatement("EXPLAIN QUERY PLAN " + sql); var r = s.executeQuery()) {
            while (r.next()) {
                plan.append(r.getString(4)).append('\n');
            }
        }
        return plan.toString();
    }

    private List<StoredEvent> query(Instant since, Instant until, Set<String> types, String rule, String container,
                                    String podNamespace, String priority) {
        return store.query(new EventQuery(since, until, types, rule, container, podNamespace, priority, 100));
    }

    private static List<String> rules(List<StoredEvent> events) {
        List<String> rules = new ArrayList<>();
        events.forEach(e -> rules.add(e.rule()));
        return rules;
    }
}
