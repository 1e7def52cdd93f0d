package dev.vigil.store;

import java.sql.SQLException;

/** What a failed SQLite call means for the store, from SQLite's primary result code. */
enum SqliteFailure {
    /** The file is damaged or is not a database: reopening will not help, moving it aside will. */
    CORRUPT,
    /** The disk or the file system quota is full. */
    FULL,
    /** The file or its directory cannot be written. */
    READ_ONLY,
    /** Anything else: I/O errors, locks held too long, cannot open. */
    OTHER;

    // Primary result codes from sqlite3.h; extended codes carry them in their low byte.
    private static final int SQLITE_READONLY = 8;
    private static final int SQLITE_CORRUPT = 11;
    private static final int SQLITE_FULL = 13;
    private static final int SQLITE_NOTADB = 26;

    static SqliteFailure of(SQLException e) {
        return switch (e.getErrorCode() & 0xff) {
            case SQLITE_CORRUPT, SQLITE_NOTADB -> CORRUPT;
            case SQLITE_FULL -> FULL;
            case SQLITE_READONLY -> READ_ONLY;
            default -> OTHER;
        };
    }

    /** The exception's message on one line, for {@link StoreHealth#reason()} and logs. */
    static String describe(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        return message.strip().replaceAll("\\s+", " ");
    }
}
