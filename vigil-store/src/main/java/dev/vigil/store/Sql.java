package dev.vigil.store;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Small JDBC helpers for one-off statements and pragmas. */
final class Sql {
    private static final System.Logger LOG = System.getLogger(Sql.class.getName());

    private Sql() {}

    static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static long queryLong(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            return r.next() ? r.getLong(1) : 0;
        }
    }

    static String queryString(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            return r.next() ? r.getString(1) : "";
        }
    }

    /**
     * Transactions are explicit statements rather than the driver's auto-commit switch: after SQLite
     * has rolled a transaction back by itself (disk full), the switch would throw and hide the cause.
     */
    static void rollbackQuietly(Connection c) {
        try {
            execute(c, "ROLLBACK");
        } catch (SQLException e) {
            // SQLite may already have rolled back (e.g. SQLITE_FULL); the original error is what matters.
            LOG.log(Level.DEBUG, "rollback failed: {0}", SqliteFailure.describe(e));
        }
    }

    static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.log(Level.DEBUG, "closing an event store connection failed: {0}", SqliteFailure.describe(e));
        }
    }
}
