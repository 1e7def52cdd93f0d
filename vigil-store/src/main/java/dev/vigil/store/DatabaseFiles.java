package dev.vigil.store;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;

/** The database file and the WAL and shared-memory files SQLite keeps beside it. */
final class DatabaseFiles {
    private static final String[] COMPANIONS = {"-wal", "-shm"};

    private final Path file;

    DatabaseFiles(Path file) {
        this.file = file.toAbsolutePath().normalize();
    }

    Path file() {
        return file;
    }

    Path wal() {
        return sibling(file, "-wal");
    }

    Connection connect() throws SQLException, IOException {
        Path parent = file.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return DriverManager.getConnection("jdbc:sqlite:" + file);
    }

    /** What retention measures: the main file and the WAL (the shared-memory file is a small fixed index). */
    long bytes() {
        return sizeOrZero(file) + sizeOrZero(wal());
    }

    /**
     * Renames the database and its WAL to {@code <file>.corrupt-<epoch seconds>} (and {@code -wal})
     * so the evidence survives for inspection and the pair can still be opened together.
     *
     * @return the new name of the main file
     */
    Path moveAside(Instant now) throws IOException {
        Path target = freeName(file.getFileName() + ".corrupt-" + now.getEpochSecond());
        Files.move(file, target);
        for (String suffix : COMPANIONS) {
            Path companion = sibling(file, suffix);
            if (Files.exists(companion)) {
                Files.move(companion, sibling(target, suffix));
            }
        }
        return target;
    }

    private Path freeName(String base) throws FileAlreadyExistsException {
        for (int attempt = 0; attempt < 100; attempt++) {
            Path candidate = file.resolveSibling(attempt == 0 ? base : base + "." + attempt);
            if (!Files.exists(candidate) && !Files.exists(sibling(candidate, "-wal"))) {
                return candidate;
            }
        }
        throw new FileAlreadyExistsException(file.resolveSibling(base).toString());
    }

    private static Path sibling(Path path, String suffix) {
        return path.resolveSibling(path.getFileName() + suffix);
    }

    private static long sizeOrZero(Path path) {
        try {
            return Files.size(path);
        } catch (IOException e) {
            return 0; // absent (no WAL yet) or unreadable: nothing we can count
        }
    }
}
