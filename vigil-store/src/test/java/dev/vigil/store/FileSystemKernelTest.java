package dev.vigil.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.vigil.store.Events.alert;
import static dev.vigil.store.Events.containerId;
import static dev.vigil.store.FailureTest.FAST_RETRY;
import static dev.vigil.store.FailureTest.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/** A real full disk and a real read-only remount, on a small tmpfs (needs root). */
@Tag("kernel")
class FileSystemKernelTest {
    @TempDir
    Path base;
    private Path mount;
    private boolean mounted;

    @BeforeEach
    void mountTmpfs() throws Exception {
        assumeThat(System.getProperty("user.name")).as("needs root to mount").isEqualTo("root");
        mount = Files.createDirectory(base.resolve("fs"));
        run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount.toString());
        mounted = true;
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            run("umount", "-l", mount.toString());
        }
    }

    @Test
    void fullDiskMakesTheStoreUnavailableUntilSpaceReturns() throws Exception {
        // Most of the file system goes to a filler that the test can delete to free space again.
        Path filler = mount.resolve("filler");
        Files.write(filler, new byte[1024 * 1024]);
        try (SqliteEventStore store = SqliteEventStore.open(mount.resolve("events.db"), Retention.unlimited(),
                FAST_RETRY)) {
            assertThat(store.health().available()).isTrue();

            int appended = 0;
            while (store.health().available() && appended < 100_000) {
                for (int i = 0; i < 100; i++, appended++) {
                    store.append(alert(Instant.now(), "r" + appended % 20, "alert", containerId(appended % 200),
                            "c" + appended % 200));
                }
                store.flush();
            }

            StoreHealth full = store.health();
            System.out.printf("disk full after %d events: %s%n", appended, full);
            assertThat(full.available()).isFalse();
            assertThat(full.reason()).containsIgnoringCase("full").doesNotContain("\n");
            assertThat(full.dropped()).isPositive();
            assertThat(full.rows()).isPositive().isLessThan(appended);
            assertThat(full.rows() + full.dropped()).isEqualTo(appended);
            // Reading still works on a full disk; another append is stored or counted, never thrown.
            List<StoredEvent> stored = store.query(EventQuery.all(10));
            assertThat(stored).hasSize(10);
            assertThat(store.stats(null, Duration.ofMinutes(1), 5).total()).isEqualTo(full.rows());
            store.append(alert(Instant.now(), "more", "alert", "", ""));
            store.flush();
            StoreHealth after = store.health();
            assertThat(after.rows() + after.dropped()).isEqualTo(appended + 1);

            Files.delete(filler);
            boolean recovered = eventually(() -> {
                store.append(alert(Instant.now(), "back", "alert", "", ""));
                store.flush();
                return store.health().available();
            });

            assertThat(recovered).as("recovered: %s", store.health()).isTrue();
            assertThat(store.query(EventQuery.all(1))).extracting(StoredEvent::rule).containsExactly("back");
        }
    }

    /**
     * Linux refuses to remount a file system read-only while files on it are open for writing, so
     * the store meets the read-only file system when it opens, and must notice when it turns writable.
     */
    @Test
    void readOnlyFileSystemMakesTheStoreUnavailableUntilWritable() throws Exception {
        Path file = mount.resolve("events.db");
        try (SqliteEventStore store = SqliteEventStore.open(file, Retention.unlimited())) {
            store.append(alert(Instant.now(), "before", "alert", "", ""));
        }
        run("mount", "-o", "remount,ro", mount.toString());

        try (SqliteEventStore store = SqliteEventStore.open(file, Retention.unlimited(), FAST_RETRY)) {
            store.append(alert(Instant.now(), "lost", "alert", "", ""));
            store.flush();
            StoreHealth readOnly = store.health();
            System.out.println("read-only: " + readOnly);
            assertThat(readOnly.available()).isFalse();
            assertThat(readOnly.reason()).startsWith("cannot open").doesNotContain("\n");
            assertThat(readOnly.dropped()).isEqualTo(1);
            store.query(EventQuery.all(10)); // answers or is empty; must not throw
            assertThat(corruptCopies()).isEmpty();

            run("mount", "-o", "remount,rw", mount.toString());
            boolean recovered = eventually(() -> {
                store.append(alert(Instant.now(), "after", "alert", "", ""));
                store.flush();
                return store.health().available();
            });

            assertThat(recovered).as("recovered: %s", store.health()).isTrue();
            store.flush();
            assertThat(store.query(EventQuery.all(100))).extracting(StoredEvent::rule)
                    .contains("before", "after").doesNotContain("lost");
        }
    }

    private List<Path> corruptCopies() throws IOException {
        try (var files = Files.list(mount)) {
            return files.filter(p -> p.getFileName().toString().contains(".corrupt-")).toList();
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }
}
