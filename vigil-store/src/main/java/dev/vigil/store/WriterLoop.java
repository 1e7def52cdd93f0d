package dev.vigil.store;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The writer thread: takes queued events in batches, writes each batch in one transaction, runs
 * retention between batches, and moves between available and unavailable as writes fail and
 * succeed. All database writes happen here; nothing thrown here leaves the thread.
 *
 * <p>While unavailable it keeps draining the queue, counting the events it cannot keep as
 * dropped, and tries again after a wait that doubles per failure.
 */
final class WriterLoop implements Runnable {
    private static final System.Logger LOG = System.getLogger(WriterLoop.class.getName());

    /** Wakes the writer so that it notices {@link #stop()}. */
    static final Object WAKE = new Object();

    /** Queued behind events; released once they are committed (or dropped). */
    static final class Barrier {
        /** Run retention to completion before releasing (tests). */
        final boolean maintain;
        final CountDownLatch done = new CountDownLatch(1);

        Barrier(boolean maintain) {
            this.maintain = maintain;
        }
    }

    private final DatabaseFiles files;
    private final Retention retention;
    private final Retainer retainer;
    private final StoreOptions options;
    private final BlockingQueue<Object> queue;
    private final StoreState state;
    private final ReadSide reads;

    private volatile boolean stopping;
    /** A query hit SQLITE_CORRUPT; the writer checks the file at its next turn. */
    private volatile boolean corruptionReported;

    // Writer-thread state.
    private final List<Object> batch;
    private final List<StoredEvent> events;
    private final List<Barrier> barriers = new ArrayList<>();
    private EventWriter writer;
    private boolean verifyOnOpen;
    /** The last write failed: reopening the file alone does not make the store available again. */
    private boolean writeFailing;
    private Duration backoff;
    private long retryAtNanos;
    private long nextMaintenanceNanos;
    private boolean maintenanceDue;
    private long sizeStuckUntilNanos;
    private boolean retentionFailing;

    WriterLoop(DatabaseFiles files, Retention retention, StoreOptions options, BlockingQueue<Object> queue,
               StoreState state) {
        this.files = files;
        this.retention = retention;
        this.retainer = new Retainer(retention, files);
        this.options = options;
        this.queue = queue;
        this.state = state;
        this.reads = new ReadSide(files, e -> corruptionReported = true);
        this.batch = new ArrayList<>(options.batchSize());
        this.events = new ArrayList<>(options.batchSize());
        this.backoff = options.retryInitial();
        long now = System.nanoTime();
        this.retryAtNanos = now;
        this.nextMaintenanceNanos = now;
    }

    ReadSide reads() {
        return reads;
    }

    /** Opens the database on the caller's thread, so health() is meaningful as soon as the store exists. */
    void openNow() {
        tryOpen();
    }

    /** Asks the thread to write what is queued and end. */
    void stop() {
        stopping = true;
        queue.offer(WAKE); // if the queue is full the writer is busy and will see the flag anyway
    }

    @Override
    public void run() {
        try {
            maintain(false); // retention on open; a long backlog continues in steps between batches
            loop();
        } catch (Throwable t) {
            // Only an Error gets here; the store can no longer write, so say so rather than hang.
            LOG.log(Level.ERROR, "event store writer stopped", t);
            state.available(false, "writer stopped: " + SqliteFailure.describe(t));
        } finally {
            shutdown();
        }
    }

    private void loop() {
        while (true) {
            Object first;
            try {
                first = stopping ? queue.poll() : queue.poll(millisToNextTask(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                stopping = true;
                continue;
            }
            if (first == null) {
                if (stopping) {
                    return;
                }
                guarded(this::maintainIfDue);
                continue;
            }
            batch.clear();
            batch.add(first);
            queue.drainTo(batch, options.batchSize() - 1);
            handle(batch);
        }
    }

    private void handle(List<Object> items) {
        events.clear();
        barriers.clear();
        boolean maintain = false;
        for (Object item : items) {
            if (item instanceof StoredEvent event) {
                events.add(event);
            } else if (item instanceof Barrier barrier) {
                barriers.add(barrier);
                maintain |= barrier.maintain;
            }
        }
        boolean accounted = false;
        try {
            options.beforeBatch().run();
            if (!events.isEmpty()) {
                write(events); // stores or counts every event; does not throw
            }
            accounted = true;
            if (maintain) {
                maintain(true);
            } else {
                maintainIfDue();
            }
        } catch (RuntimeException e) {
            if (!accounted) {
                state.dropped.add(events.size());
            }
            LOG.log(Level.WARNING, "event store writer: unexpected failure", e);
        } finally {
            for (Barrier barrier : barriers) {
                barrier.done.countDown();
            }
        }
    }

    private void write(List<StoredEvent> batch) {
        long now = System.nanoTime();
        boolean retryDue = now - retryAtNanos >= 0;
        if (writer == null && retryDue) {
            tryOpen();
        }
        if (writer == null || (!state.available() && !retryDue)) {
            state.dropped.add(batch.size());
            return;
        }
        try {
            writer.insert(batch);
            state.rows.addAndGet(batch.size());
            writeFailing = false;
            if (!state.available()) {
                becameAvailable();
            }
            if (System.nanoTime() - sizeStuckUntilNanos >= 0 && retainer.overCap()) {
                maintenanceDue = true;
            }
        } catch (SQLException | RuntimeException e) {
            state.dropped.add(batch.size());
            failed("cannot write events", e);
            writeFailing = true;
        }
    }

    private void maintainIfDue() {
        if (corruptionReported) {
            corruptionReported = false;
            if (writer != null) {
                verifyOnOpen = true;
                closeWriter();
                tryOpen();
            }
        }
        long now = System.nanoTime();
        if (writer == null) {
            if (now - retryAtNanos >= 0) {
                tryOpen();
            }
            return;
        }
        if (maintenanceDue || now - nextMaintenanceNanos >= 0) {
            maintain(false);
        }
    }

    /** Runs retention: one bounded step, or until the limits are met when {@code complete}. */
    private void maintain(boolean complete) {
        nextMaintenanceNanos = System.nanoTime() + options.maintenanceInterval().toNanos();
        maintenanceDue = false;
        if (writer == null) {
            return;
        }
        try {
            Retainer.Step step;
            do {
                step = retainer.step(writer, state.rows.get(), options.clock().instant());
                if (step.removed() > 0) {
                    state.expired.addAndGet(step.removed());
                    state.rows.addAndGet(-step.removed());
                }
            } while (complete && step.more());
            maintenanceDue = step.more();
            if (step.stuck()) {
                sizeStuckUntilNanos = nextMaintenanceNanos;
            }
            retentionFailing = false;
        } catch (SQLException | RuntimeException e) {
            // Retention failing alone does not stop inserts; a damaged file does.
            if (e instanceof SQLException s && SqliteFailure.of(s) == SqliteFailure.CORRUPT) {
                failed("retention failed", e);
            } else {
                LOG.log(retentionFailing ? Level.DEBUG : Level.WARNING, "event store {0}: retention failed: {1}",
                        files.file(), SqliteFailure.describe(e));
                retentionFailing = true;
            }
        }
    }

    private void tryOpen() {
        boolean wasAvailable = state.available();
        try {
            writer = openMovingAsideIfDamaged();
            verifyOnOpen = false;
            reads.open();
            state.rows.set(writer.countRows());
            LOG.log(wasAvailable || writeFailing ? Level.DEBUG : Level.INFO, "event store {0}: {1} events",
                    files.file(), Long.toString(state.rows.get()));
            if (!writeFailing) {
                state.available(true, "");
                backoff = options.retryInitial();
            }
        } catch (SQLException | IOException | RuntimeException | LinkageError e) {
            // LinkageError: the driver's native library could not be loaded (e.g. no writable temp dir).
            closeWriter();
            failed("cannot open " + files.file(), e);
        }
    }

    /**
     * A file that is damaged or not a database is renamed, never deleted, and a new one started:
     * keeping new events matters more than keeping the agent from running over old evidence.
     */
    private EventWriter openMovingAsideIfDamaged() throws SQLException, IOException {
        try {
            return EventWriter.open(files, retention, verifyOnOpen);
        } catch (SQLException e) {
            if (SqliteFailure.of(e) != SqliteFailure.CORRUPT) {
                throw e;
            }
            reads.close();
            Path aside;
            try {
                aside = files.moveAside(options.clock().instant());
            } catch (IOException io) {
                throw new IOException("damaged (" + SqliteFailure.describe(e) + ") and cannot be moved aside: "
                        + SqliteFailure.describe(io), io);
            }
            LOG.log(Level.WARNING, "event store {0} is damaged ({1}); moved it to {2} and started a new one",
                    files.file(), SqliteFailure.describe(e), aside);
            return EventWriter.open(files, retention, false);
        }
    }

    private void failed(String context, Throwable e) {
        SqliteFailure kind = e instanceof SQLException s ? SqliteFailure.of(s) : SqliteFailure.OTHER;
        String reason = context + ": " + SqliteFailure.describe(e);
        boolean wasAvailable = state.available();
        state.available(false, reason);
        LOG.log(wasAvailable ? Level.WARNING : Level.DEBUG, "event store {0} unavailable, retrying in {1} ms: {2}",
                files.file(), backoff.toMillis(), reason);
        retryAtNanos = System.nanoTime() + backoff.toNanos();
        backoff = min(backoff.multipliedBy(2), options.retryMax());
        if (kind == SqliteFailure.CORRUPT) {
            verifyOnOpen = true;
        }
        // A full disk is retried on the same connection; anything else gets a fresh one.
        if (kind != SqliteFailure.FULL) {
            closeWriter();
        }
    }

    private void becameAvailable() {
        state.available(true, "");
        backoff = options.retryInitial();
        LOG.log(Level.INFO, "event store {0} is writable again", files.file());
    }

    private long millisToNextTask() {
        if (maintenanceDue) {
            return 0;
        }
        long next = writer == null ? retryAtNanos : nextMaintenanceNanos;
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(next - System.nanoTime()));
    }

    private void guarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "event store writer: unexpected failure", e);
        }
    }

    private void closeWriter() {
        if (writer != null) {
            writer.close();
            writer = null;
        }
    }

    private void shutdown() {
        closeWriter();
        if (stopping) {
            state.available(false, "closed");
        }
        state.writerGone = true;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
