package dev.vigil.store;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The one connection that writes: inserts batches, deletes for retention, reclaims space.
 * Used only by the writer thread.
 */
final class EventWriter implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EventWriter.class.getName());
    private static final String INSERT = "INSERT INTO events (" + Schema.COLUMNS.substring("id, ".length())
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String DELETE_OLDEST =
            "DELETE FROM events WHERE id IN (SELECT id FROM events WHERE time_ns < ? ORDER BY time_ns LIMIT ?)";

    private final Connection connection;
    private final PreparedStatement insert;
    private final PreparedStatement deleteOldest;

    private EventWriter(Connection connection) throws SQLException {
        this.connection = connection;
        this.insert = connection.prepareStatement(INSERT);
        this.deleteOldest = connection.prepareStatement(DELETE_OLDEST);
    }

    /**
     * Opens (creating if needed) the database for writing.
     *
     * @param verify run SQLite's quick check first, after an error suggested the file is damaged;
     *               a damaged file then fails with SQLITE_CORRUPT
     */
    static EventWriter open(DatabaseFiles files, Retention retention, boolean verify) throws SQLException, IOException {
        Connection c = files.connect();
        try {
            Sql.execute(c, "PRAGMA busy_timeout = 5000");
            Schema.checkVersion(c);
            if (Schema.isEmpty(c)) {
                // Only takes effect before the first table exists; lets retention shrink the file.
                Sql.execute(c, "PRAGMA auto_vacuum = INCREMENTAL");
            }
            String mode = Sql.queryString(c, "PRAGMA journal_mode = WAL");
            if (!"wal".equalsIgnoreCase(mode)) {
                LOG.log(Level.WARNING, "event store {0}: journal mode is {1}, not WAL; queries may wait for writes",
                        files.file(), mode);
            }
            Sql.execute(c, "PRAGMA synchronous = NORMAL");
            // Enough cache for the hot right-hand pages of every index during bulk inserts.
            Sql.execute(c, "PRAGMA cache_size = -16384");
            long walBytes = retention.walBytes();
            Sql.execute(c, "PRAGMA journal_size_limit = " + walBytes);
            long pageSize = Sql.queryLong(c, "PRAGMA page_size");
            Sql.execute(c, "PRAGMA wal_autocheckpoint = " + Math.clamp(walBytes / pageSize, 16, 1000));
            if (verify) {
                String check = Sql.queryString(c, "PRAGMA quick_check(1)");
                if (!"ok".equalsIgnoreCase(check)) {
                    throw new SQLException("integrity check failed: " + check, null, 11 /* SQLITE_CORRUPT */);
                }
            }
            Schema.create(c);
            return new EventWriter(c);
        } catch (SQLException | RuntimeException e) {
            Sql.closeQuietly(c);
            throw e;
        }
    }

    /** Inserts all events in one transaction. */
    void insert(List<StoredEvent> events) throws SQLException {
        // Explicit BEGIN/COMMIT, see Sql.rollbackQuietly.
        Sql.execute(connection, "BEGIN IMMEDIATE");
        try {
            for (StoredEvent e : events) {
                insert.setLong(1, EpochNanos.of(e.time()));
                insert.setString(2, text(e.type()));
                insert.setString(3, text(e.node()));
                insert.setString(4, text(e.rule()));
                insert.setString(5, text(e.priority()));
                insert.setString(6, text(e.action()));
                insert.setString(7, text(e.containerId()));
                insert.setString(8, text(e.containerName()));
                insert.setString(9, text(e.podName()));
                insert.setString(10, text(e.podNamespace()));
                insert.setString(11, text(e.binary()));
                insert.setString(12, text(e.json()));
                insert.executeUpdate();
            }
            Sql.execute(connection, "COMMIT");
        } catch (SQLException | RuntimeException e) {
            Sql.rollbackQuietly(connection);
            throw e;
        }
    }

    /** Deletes up to {@code max} of the oldest events older than {@code beforeNanos}, in one transaction. */
    int deleteOldest(long beforeNanos, int max) throws SQLException {
        deleteOldest.setLong(1, beforeNanos);
        deleteOldest.setInt(2, max);
        return deleteOldest.executeUpdate();
    }

    long countRows() throws SQLException {
        return Sql.queryLong(connection, "SELECT count(*) FROM events");
    }

    /** Bytes in pages that hold data, WAL included; free pages are not counted. */
    long usedBytes() throws SQLException {
        long pages = Sql.queryLong(connection, "PRAGMA page_count")
                - Sql.queryLong(connection, "PRAGMA freelist_count");
        return pages * Sql.queryLong(connection, "PRAGMA page_size");
    }

    /** Returns free pages to the file system: vacuum moves them to the end, the checkpoint truncates both files. */
    void reclaimSpace() throws SQLException {
        // The pragma frees one page per step; the driver's executeUpdate steps to the end, execute would not.
        try (Statement s = connection.createStatement()) {
            s.executeUpdate("PRAGMA incremental_vacuum");
        }
        checkpoint();
    }

    /** Copies the WAL into the main file and truncates it; incomplete while a reader holds an old snapshot. */
    void checkpoint() throws SQLException {
        Sql.queryLong(connection, "PRAGMA wal_checkpoint(TRUNCATE)");
    }

    @Override
    public void close() {
        Sql.closeQuietly(connection);
    }

    private static String text(String s) {
        return s == null ? "" : s;
    }
}
