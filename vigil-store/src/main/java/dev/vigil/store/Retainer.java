package dev.vigil.store;

import java.sql.SQLException;
import java.time.Instant;

/**
 * Applies a {@link Retention}: removes events past the age limit, and the oldest events while the
 * files are over the size cap, in bounded steps so inserts are not held up for long.
 */
final class Retainer {
    /** Most rows removed per step (one step runs between two batches of inserts). */
    static final int STEP_ROWS = 10_000;

    /**
     * @param removed rows deleted
     * @param more    whether the limits are still exceeded and another step should follow soon
     * @param stuck   the files are still over the cap though the data is not (a reader pins the WAL, or
     *                the file predates incremental vacuum): trying again at once would not help
     */
    record Step(long removed, boolean more, boolean stuck) {}

    private final Retention retention;
    private final DatabaseFiles files;

    Retainer(Retention retention, DatabaseFiles files) {
        this.retention = retention;
        this.files = files;
    }

    /** A cheap check (two stat calls) that the files have outgrown the cap. */
    boolean overCap() {
        return retention.limitsSize() && files.bytes() > retention.maxBytes();
    }

    Step step(EventWriter writer, long rows, Instant now) throws SQLException {
        long removed = 0;
        boolean more = false;
        boolean sizeChecked = false;
        if (retention.limitsAge()) {
            long cutoff = saturatingSubtract(EpochNanos.of(now), EpochNanos.of(retention.maxAge()));
            removed = writer.deleteOldest(cutoff, STEP_ROWS);
            more = removed == STEP_ROWS;
        }
        if (!more && overCap()) {
            sizeChecked = true;
            long target = retention.dataTarget();
            long left = rows - removed;
            long used = writer.usedBytes();
            while (used > target && left > 0 && removed < STEP_ROWS) {
                // Index pages empty slower than rows go, so aim proportionally and measure again.
                long want = Math.max(1, (long) Math.ceil((double) left * (used - target) / used));
                int deleted = writer.deleteOldest(Long.MAX_VALUE, (int) Math.min(want, STEP_ROWS - removed));
                if (deleted == 0) {
                    break;
                }
                removed += deleted;
                left -= deleted;
                used = writer.usedBytes();
            }
            // Decided on the data's size, not the files': a WAL a reader pins must not cost events.
            more = used > target && left > 0;
        }
        if (removed > 0 || sizeChecked) {
            writer.reclaimSpace();
        }
        return new Step(removed, more, sizeChecked && !more && overCap());
    }

    private static long saturatingSubtract(long a, long b) {
        long r = a - b;
        return ((a ^ b) & (a ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
    }
}
