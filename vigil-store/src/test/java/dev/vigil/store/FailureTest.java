package dev.vigil.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;

import static dev.vigil.store.Events.alert;
import static org.assertj.core.api.Assertions.assertThat;

/** The store degrades instead of throwing: damaged files, unusable paths, a full queue, writer bugs. */
class FailureTest {
    static final StoreOptions FAST_RETRY = StoreOptions.defaults().withRetry(Duration.ofMillis(20), Duration.ofMillis(100));
    private static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");

    @TempDir
    Path dir;
    private final List<LogRecord> logs = new CopyOnWriteArrayList<>();
    private final Logger writerLog = Logger.getLogger(WriterLoop.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logs.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void captureLogs() {
        writerLog.addHandler(capture);
    }

    @AfterEach
    void releaseLogs() {
        writerLog.removeHandler(capture);
    }

    @Test
    void fileThatIsNotADatabaseIsMovedAsideNotDeleted() throws Exception {
        Path file = dir.resolve("events.db");
        byte[] garbage = new byte[64 * 1024];
        new Random(7).nextBytes(garbage);
        Files.write(file, garbage);

        try (SqliteEventStore store = SqliteEventStore.open(file, Retention.unlimited())) {
            store.append(alert(T0, "after", "alert", "", ""));
            store.flush();

            assertThat(store.health().available()).isTrue();
            assertThat(store.query(EventQuery.all(10))).extracting(StoredEvent::rule).containsExactly("after");
        }
        List<Path> aside = corruptCopies();
        assertThat(aside).hasSize(1);
        assertThat(aside.getFirst().getFileName().toString()).matches("events\\.db\\.corrupt-\\d+");
        assertThat(Files.readAllBytes(aside.getFirst())).isEqualTo(garbage);
        assertThat(logs).anySatisfy(r -> {
            assertThat(r.getLevel()).isEqualTo(Level.WARNING);
            assertThat(r.getParameters()).contains(aside.getFirst());
        });
    }

    @Test
    void damagedDatabaseIsMovedAsideAndTheStoreRecovers() throws Exception {
        Path file = dir.resolve("events.db");
        try (SqliteEventStore store = SqliteEventStore.open(file, Retention.unlimited())) {
            for (int i = 0; i < 5_000; i++) {
                store.append(alert(T0.plusMillis(i), "before", "alert", Events.containerId(i % 10), "c" + i % 10));
            }
        }
        // Keep the header page, so the file still looks like a database; scribble over the b-trees.
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            byte[] garbage = new byte[(int) raf.length() - 4096];
            new Random(11).nextBytes(garbage);
            raf.seek(4096);
            raf.write(garbage);
        }

        try (SqliteEventStore store = SqliteEventStore.open(file, Retention.unlimited(), FAST_RETRY)) {
            boolean recovered = eventually(() -> {
                store.append(alert(Instant.now(), "after", "alert", "", ""));
                store.flush();
                store.query(EventQuery.all(10)); // must not throw, whatever state the file is in
                return store.health().available() && !store.query(EventQuery.all(1)).isEmpty();
            });

            assertThat(recovered).as("store recovered: %s", store.health()).isTrue();
            assertThat(corruptCopies()).hasSize(1);
            assertThat(store.query(EventQuery.all(10))).allMatch(e -> e.rule().equals("after"));
        }
    }

    @Test
    void unusablePathReportsUnavailableThenRecovers() throws Exception {
        Path blocker = dir.resolve("state");
        Files.writeString(blocker, "a file where the store's directory should be");
        Path file = blocker.resolve("events.db");

        try (SqliteEventStore store = SqliteEventStore.open(file, Retention.unlimited(), FAST_RETRY)) {
            store.append(alert(T0, "lost", "alert", "", ""));
            store.flush();

            StoreHealth health = store.health();
            assertThat(health.available()).isFalse();
            assertThat(health.reason()).startsWith("cannot open " + file).doesNotContain("\n");
            assertThat(health.dropped()).isEqualTo(1);
            assertThat(store.query(EventQuery.all(10))).isEmpty();
            assertThat(store.stats(null, Duration.ofMinutes(1), 10).total()).isZero();

            Files.delete(blocker);
            Files.createDirectory(blocker);
            boolean recovered = eventually(() -> {
                store.append(alert(T0, "kept", "alert", "", ""));
                store.flush();
                return store.health().available() && !store.query(EventQuery.all(1)).isEmpty();
            });

            assertThat(recovered).as("store recovered: %s", store.health()).isTrue();
            assertThat(store.health().reason()).isEmpty();
        }
    }

    @Test
    void fileFromANewerAgentIsLeftAlone() throws Exception {
        Path file = dir.resolve("events.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            Sql.execute(c, "CREATE TABLE future (x)");
            Sql.execute(c, "PRAGMA user_version = 99");
        }
        byte[] before = Files.readAllBytes(file);

        try (SqliteEventStore store = SqliteEventStore.open(file, Retention.unlimited())) {
            store.append(alert(T0, "r", "alert", "", ""));
            store.flush();

            assertThat(store.health().available()).isFalse();
            assertThat(store.health().reason()).contains("newer");
            assertThat(store.health().dropped()).isEqualTo(1);
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(corruptCopies()).isEmpty();
    }

    @Test
    void fullQueueDropsAndCounts() throws Exception {
        CountDownLatch writerHeld = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean holdNext = new AtomicBoolean(true);
        StoreOptions options = StoreOptions.defaults().withQueueCapacity(100).withBeforeBatch(() -> {
            if (holdNext.getAndSet(false)) {
                writerHeld.countDown();
                await(release);
            }
        });
        try (SqliteEventStore store = SqliteEventStore.open(dir.resolve("events.db"), Retention.unlimited(), options)) {
            store.append(alert(T0, "r", "alert", "", ""));
            assertThat(writerHeld.await(5, TimeUnit.SECONDS)).isTrue(); // the writer holds that one event

            for (int i = 0; i < 125; i++) {
                store.append(alert(T0.plusMillis(i), "r", "alert", "", ""));
            }
            assertThat(store.health().dropped()).isEqualTo(25);

            release.countDown();
            store.flush();
            assertThat(store.health().rows()).isEqualTo(101);
            assertThat(store.health().dropped()).isEqualTo(25);
        }
    }

    @Test
    void writerSurvivesItsOwnBugs() {
        AtomicBoolean failNext = new AtomicBoolean(true);
        StoreOptions options = StoreOptions.defaults().withBeforeBatch(() -> {
            if (failNext.getAndSet(false)) {
                throw new IllegalStateException("boom");
            }
        });
        try (SqliteEventStore store = SqliteEventStore.open(dir.resolve("events.db"), Retention.unlimited(), options)) {
            store.append(alert(T0, "first", "alert", "", ""));
            store.flush();
            store.append(alert(T0, "second", "alert", "", ""));
            store.flush();

            assertThat(store.health().dropped()).isEqualTo(1);
            assertThat(store.query(EventQuery.all(10))).extracting(StoredEvent::rule).containsExactly("second");
            assertThat(Thread.getAllStackTraces().keySet()).anySatisfy(t -> {
                assertThat(t.getName()).isEqualTo("vigil-store-writer");
                assertThat(t.isDaemon()).isTrue();
            });
        }
        assertThat(logs).anyMatch(r -> r.getLevel() == Level.WARNING && r.getThrown() != null);
    }

    private List<Path> corruptCopies() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("events\\.db\\.corrupt-\\d+")).toList();
        }
    }

    static boolean eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
