package dev.vigil.store;

import java.sql.Connection;
import java.sql.SQLException;

/** The events table, its indexes and the connection settings both connections share. */
final class Schema {
    /** Stored in {@code PRAGMA user_version}; a file from a newer agent is left untouched. */
    static final int VERSION = 1;

    static final String COLUMNS =
            "id, time_ns, type, node, rule, priority, action, container_id, container_name, pod_name, pod_namespace, binary, json";

    private static final String[] DDL = {
        """
        CREATE TABLE IF NOT EXISTS events (
            id             INTEGER PRIMARY KEY,
            time_ns        INTEGER NOT NULL,
            type           TEXT NOT NULL,
            node           TEXT NOT NULL,
            rule           TEXT NOT NULL,
            priority       TEXT NOT NULL,
            action         TEXT NOT NULL,
            container_id   TEXT NOT NULL,
            container_name TEXT NOT NULL,
            pod_name       TEXT NOT NULL,
            pod_namespace  TEXT NOT NULL,
            binary         TEXT NOT NULL,
            json           TEXT NOT NULL
        )""",
        // action rides along so per-bucket block/alert counts are answered from the index alone.
        "CREATE INDEX IF NOT EXISTS events_time ON events (time_ns, action)",
        // Also covers "top rules": a scan of this index never touches the table.
        "CREATE INDEX IF NOT EXISTS events_rule_time ON events (rule, time_ns)",
        "CREATE INDEX IF NOT EXISTS events_type_time ON events (type, time_ns)",
        "CREATE INDEX IF NOT EXISTS events_container_id_time ON events (container_id, time_ns)",
        // container_id rides along so "top containers" (by name, else id) is answered from the index alone.
        "CREATE INDEX IF NOT EXISTS events_container_name_time ON events (container_name, time_ns, container_id)",
    };

    private Schema() {}

    /** True if the file holds no tables yet; the first read of a file that is not a database fails here. */
    static boolean isEmpty(Connection c) throws SQLException {
        return Sql.queryLong(c, "SELECT count(*) FROM sqlite_master") == 0;
    }

    /** Refuses a file written by a newer schema rather than guess at it; call before changing anything. */
    static void checkVersion(Connection c) throws SQLException {
        long version = Sql.queryLong(c, "PRAGMA user_version");
        if (version > VERSION) {
            throw new SQLException("event store schema version " + version + " is newer than this agent's " + VERSION);
        }
    }

    /** Creates what is missing. */
    static void create(Connection c) throws SQLException {
        Sql.execute(c, "BEGIN IMMEDIATE");
        try {
            for (String ddl : DDL) {
                Sql.execute(c, ddl);
            }
            Sql.execute(c, "PRAGMA user_version = " + VERSION);
            Sql.execute(c, "COMMIT");
        } catch (SQLException | RuntimeException e) {
            Sql.rollbackQuietly(c);
            throw e;
        }
    }
}
