package dev.vigil.store;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The connection queries use, apart from the writer's so that in WAL mode a long query and
 * incoming batches do not wait for each other. Queries take turns on it; the writer thread
 * opens and closes it as the file comes and goes.
 */
final class ReadSide {
    private static final System.Logger LOG = System.getLogger(ReadSide.class.getName());

    /** A read that may fail with SQLite's errors. */
    interface Read<T> {
        T apply(Connection c) throws SQLException;
    }

    private final DatabaseFiles files;
    private final Consumer<SQLException> onCorruption;
    private final ReentrantLock lock = new ReentrantLock();
    private Connection connection; // guarded by lock

    ReadSide(DatabaseFiles files, Consumer<SQLException> onCorruption) {
        this.files = files;
        this.onCorruption = onCorruption;
    }

    /** Opens the connection unless it is open; call after the writer has created the schema. */
    void open() throws SQLException, IOException {
        lock.lock();
        try {
            if (connection != null) {
                return;
            }
            Connection c = files.connect();
            try {
                Sql.execute(c, "PRAGMA busy_timeout = 5000");
                Sql.execute(c, "PRAGMA query_only = 1");
                Sql.execute(c, "PRAGMA temp_store = MEMORY");
            } catch (SQLException | RuntimeException e) {
                Sql.closeQuietly(c);
                throw e;
            }
            connection = c;
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code read}, or answers {@code fallback} when there is no readable database. */
    <T> T read(String what, Read<T> read, T fallback) {
        lock.lock();
        try {
            if (connection == null) {
                return fallback;
            }
            return read.apply(connection);
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "event store {0} failed: {1}", what, SqliteFailure.describe(e));
            if (SqliteFailure.of(e) == SqliteFailure.CORRUPT) {
                onCorruption.accept(e);
            }
            return fallback;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "event store " + what + " failed", e);
            return fallback;
        } finally {
            lock.unlock();
        }
    }

    void close() {
        lock.lock();
        try {
            if (connection != null) {
                Sql.closeQuietly(connection);
                connection = null;
            }
        } finally {
            lock.unlock();
        }
    }
}
