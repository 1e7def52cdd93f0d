package dev.vigil.store;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An {@link EventStore} in one SQLite file (WAL mode), written by one background thread.
 *
 * <p><b>Writes.</b> {@link #append} only offers the event to a bounded queue (65,536 events); the
 * daemon thread {@code vigil-store-writer} inserts what has queued in batches of up to 4,096, one
 * transaction each. When the queue is full the event is dropped and counted in
 * {@link StoreHealth#dropped()}; so are null events and events without a time.
 *
 * <p><b>Retention.</b> On open, every 30 s, and whenever a batch leaves the files over the cap,
 * events older than {@link Retention#maxAge()} are deleted, then the oldest events until data and
 * WAL fit in about 90% of {@link Retention#maxBytes()}; the freed pages are returned to the file
 * system (incremental vacuum, then a truncating checkpoint). At most 10,000 rows go per step, so
 * inserts are never held up for long. Deletions are counted in {@link StoreHealth#expired()}.
 *
 * <p><b>Failures.</b> Nothing is thrown to callers. If the file cannot be opened or written (disk
 * full, read-only, I/O error, a schema from a newer agent), {@link #health()} reports unavailable
 * with a one-line reason, events are dropped and counted, and the writer tries again after 1 s,
 * doubling up to a minute; the first successful write makes the store available again. A file that
 * is damaged or not a database (SQLITE_CORRUPT, SQLITE_NOTADB, on open or later) is never deleted:
 * it is renamed, with its WAL, to {@code <file>.corrupt-<epoch seconds>}, a WARNING is logged and
 * a new database started.
 *
 * <p><b>Queries.</b> {@link #query} and {@link #stats} read through their own connection, so they
 * see committed events and do not wait for the writer. They still answer while writes fail (a full
 * disk can be read); when the file cannot be read at all they return an empty list and empty
 * statistics rather than throw ({@link #health()} says why). {@code query}: newest first, at most
 * {@value EventQueries#MAX_LIMIT} events (a limit of 0 or less means that many), {@code since}
 * inclusive, {@code until} exclusive. {@code stats}: {@code since} null means all events; buckets
 * run from {@code since} (else the oldest event) to now, the last one including now; a null or
 * non-positive bucket gives no buckets; more than {@value EventStats#MAX_BUCKETS} buckets are
 * widened to that many; {@code top} is capped at {@value EventStats#MAX_TOP}, and 0 or less gives
 * empty top lists.
 */
public final class SqliteEventStore implements EventStore {
    private static final System.Logger LOG = System.getLogger(SqliteEventStore.class.getName());
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private static final StoreStats NO_STATS = new StoreStats(0, List.of(), List.of(), List.of());

    private final DatabaseFiles files;
    private final StoreOptions options;
    private final BlockingQueue<Object> queue;
    private final StoreState state = new StoreState();
    private final WriterLoop loop;
    private final Thread writerThread;
    private final AtomicBoolean closed = new AtomicBoolean();

    private SqliteEventStore(Path file, Retention retention, StoreOptions options) {
        this.files = new DatabaseFiles(file);
        this.options = options;
        this.queue = new ArrayBlockingQueue<>(options.queueCapacity());
        this.loop = new WriterLoop(files, retention, options, queue, state);
        this.writerThread = Thread.ofPlatform().name("vigil-store-writer").daemon(true).unstarted(loop);
    }

    /**
     * Opens (or creates) the store at {@code file}, creating missing directories. Never throws for
     * an unusable file: the store then starts unavailable and keeps trying.
     */
    public static SqliteEventStore open(Path file, Retention retention) {
        return open(file, retention, StoreOptions.defaults());
    }

    static SqliteEventStore open(Path file, Retention retention, StoreOptions options) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(retention, "retention");
        SqliteEventStore store = new SqliteEventStore(file, retention, options);
        store.loop.openNow();
        store.writerThread.start();
        return store;
    }

    /** The database file (absolute). */
    public Path file() {
        return files.file();
    }

    @Override
    public void append(StoredEvent event) {
        if (event == null || event.time() == null || closed.get() || state.writerGone || !queue.offer(event)) {
            state.dropped.increment();
        }
    }

    @Override
    public List<StoredEvent> query(EventQuery query) {
        if (query == null) {
            return List.of();
        }
        return loop.reads().read("query", c -> EventQueries.select(c, query), List.of());
    }

    @Override
    public StoreStats stats(Instant since, Duration bucket, int top) {
        Instant now = options.clock().instant();
        return loop.reads().read("stats", c -> EventStats.compute(c, since, bucket, top, now), NO_STATS);
    }

    @Override
    public StoreHealth health() {
        StoreState.Availability availability = state.availability();
        return new StoreHealth(availability.available(), availability.reason(), state.rows.get(), files.bytes(),
                state.dropped.sum(), state.expired.get());
    }

    /** Waits until every event appended before the call is committed, or dropped if it could not be. */
    @Override
    public void flush() {
        awaitBarrier(new WriterLoop.Barrier(false));
    }

    /** Like {@link #flush()}, and runs retention to completion first (tests). */
    void maintainNow() {
        awaitBarrier(new WriterLoop.Barrier(true));
    }

    private void awaitBarrier(WriterLoop.Barrier barrier) {
        try {
            while (!queue.offer(barrier, 100, TimeUnit.MILLISECONDS)) {
                if (!writerThread.isAlive()) {
                    return;
                }
            }
            while (!barrier.done.await(100, TimeUnit.MILLISECONDS)) {
                if (!writerThread.isAlive()) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes what is queued (waiting up to 30 s), then closes the files. Later appends are dropped. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        loop.stop();
        try {
            if (!writerThread.join(CLOSE_TIMEOUT)) {
                LOG.log(Level.WARNING, "event store {0}: writer still busy after {1} s; closing without it",
                        files.file(), CLOSE_TIMEOUT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!writerThread.isAlive()) {
            // Appends that raced with close() and arrived after the writer's last look.
            List<Object> leftovers = new ArrayList<>();
            queue.drainTo(leftovers);
            for (Object item : leftovers) {
                if (item instanceof StoredEvent) {
                    state.dropped.increment();
                } else if (item instanceof WriterLoop.Barrier barrier) {
                    barrier.done.countDown();
                }
            }
        }
        loop.reads().close();
    }
}
