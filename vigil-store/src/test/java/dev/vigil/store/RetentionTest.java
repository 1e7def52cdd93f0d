package dev.vigil.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static dev.vigil.store.Events.alert;
import static dev.vigil.store.Events.containerId;
import static org.assertj.core.api.Assertions.assertThat;

/** Events leave by age and by size, and the file really shrinks. */
class RetentionTest {
    @TempDir
    Path dir;

    @Test
    void oldEventsGoOnOpen() {
        Path file = dir.resolve("events.db");
        Instant now = Instant.now();
        try (SqliteEventStore store = SqliteEventStore.open(file, Retention.unlimited())) {
            for (int i = 0; i < 100; i++) {
                store.append(alert(now.minus(Duration.ofHours(2)).plusSeconds(i), "old", "alert", "", ""));
            }
            for (int i = 0; i < 50; i++) {
                store.append(alert(now.minusSeconds(i), "new", "alert", "", ""));
            }
        }

        try (SqliteEventStore store = SqliteEventStore.open(file, new Retention(Duration.ofHours(1), 0))) {
            store.flush(); // the writer applies retention before its first batch

            assertThat(store.health().rows()).isEqualTo(50);
            assertThat(store.health().expired()).isEqualTo(100);
            assertThat(store.query(EventQuery.all(1000))).hasSize(50).allMatch(e -> e.rule().equals("new"));
        }
    }

    @Test
    void eventsAgeOutWhileRunning() throws Exception {
        StoreOptions options = StoreOptions.defaults().withMaintenanceInterval(Duration.ofMillis(100));
        try (SqliteEventStore store = SqliteEventStore.open(dir.resolve("events.db"),
                new Retention(Duration.ofSeconds(1), 0), options)) {
            Instant now = Instant.now();
            store.append(alert(now.minusSeconds(5), "stale", "alert", "", ""));
            store.append(alert(now.plusSeconds(60), "fresh", "alert", "", ""));
            store.flush();

            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (store.health().expired() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }

            assertThat(store.health().expired()).isEqualTo(1);
            assertThat(store.query(EventQuery.all(10))).extracting(StoredEvent::rule).containsExactly("fresh");
        }
    }

    @Test
    void sizeStaysNearTheCap() throws Exception {
        long cap = 2L << 20;
        Instant t0 = Instant.now().minus(Duration.ofHours(1));
        int total = 12_000; // about 8 MB of rows and indexes uncapped
        long largest = 0;
        AtomicLong largestAnyTime = new AtomicLong();
        try (SqliteEventStore store = SqliteEventStore.open(dir.resolve("events.db"), new Retention(null, cap))) {
            Thread sampler = Thread.ofPlatform().daemon(true).start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    largestAnyTime.accumulateAndGet(store.health().bytes(), Math::max);
                    Thread.onSpinWait();
                }
            });
            for (int i = 0; i < total; i++) {
                store.append(alert(t0.plusMillis(i), "rule-" + (i % 20), i % 5 == 0 ? "block" : "alert",
                        containerId(i % 200), "app-" + (i % 200)));
                if (i % 1_000 == 999) {
                    store.flush();
                    largest = Math.max(largest, store.health().bytes());
                }
            }
            store.flush();
            sampler.interrupt();
            sampler.join();
            StoreHealth health = store.health();
            System.out.printf("size retention: cap %d B, largest after a flush %d B, largest at any time %d B,"
                            + " final %d B, %d rows kept, %d expired%n",
                    cap, largest, largestAnyTime.get(), health.bytes(), health.rows(), health.expired());

            assertThat(health.available()).isTrue();
            assertThat(largest).isLessThanOrEqualTo(cap);
            // Transient overshoot: a batch lands before retention runs, and the deletions pass through
            // the WAL before the checkpoint truncates it. Both are small next to a realistic cap.
            assertThat(largestAnyTime.get()).isLessThanOrEqualTo(cap * 2);
            assertThat(health.bytes()).isLessThanOrEqualTo(cap).isGreaterThan(cap / 4);
            assertThat(health.expired()).isGreaterThan(total / 2);
            assertThat(health.rows() + health.expired()).isEqualTo(total);
            // The oldest went, the newest stayed.
            List<StoredEvent> newest = store.query(EventQuery.all(1));
            assertThat(newest.getFirst().time()).isEqualTo(t0.plusMillis(total - 1));
            List<StoredEvent> all = store.query(EventQuery.all(0));
            assertThat(all.getLast().time()).isAfter(t0.plusMillis(total / 2));
            assertThat(all).hasSize((int) Math.min(health.rows(), EventQueries.MAX_LIMIT));
        }
    }

    @Test
    void fileShrinksWhenTheCapIsLowered() throws Exception {
        Path file = dir.resolve("events.db");
        try (SqliteEventStore store = SqliteEventStore.open(file, Retention.unlimited())) {
            for (int i = 0; i < 20_000; i++) {
                store.append(alert(Instant.now(), "r", "alert", containerId(i % 50), "c" + (i % 50)));
            }
        }
        long before = new DatabaseFiles(file).bytes();
        assertThat(before).isGreaterThan(8L << 20);

        try (SqliteEventStore store = SqliteEventStore.open(file, new Retention(null, 1L << 20))) {
            // More than one step's worth (10,000 rows) must go: the steps continue without new events.
            boolean shrunk = FailureTest.eventually(() -> store.health().bytes() <= 1L << 20);
            store.flush(); // the step that shrank the file has also counted what it removed

            assertThat(shrunk).as("shrunk: %s", store.health()).isTrue();
            assertThat(store.health().expired()).isGreaterThan(Retainer.STEP_ROWS);
            assertThat(store.health().rows()).isPositive();
            assertThat(store.health().rows() + store.health().expired()).isEqualTo(20_000);
        }
    }
}
