package dev.vigil.events.process;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * The processes the agent knows, by pid, so that every event can carry its process and parent.
 *
 * <p>Bounded: exited processes stay only for a grace period (late events about them, such as a
 * child's exec racing its parent's exit, still find them), live ones are reconciled against /proc
 * when the table nears its cap (an exit missed during a ring overflow must not leak), and past the
 * cap the oldest entries are evicted and counted. Owned by the pipeline thread; sizes and counters
 * may be read from any thread.
 */
public final class ProcessCache {
    private record Tombstone(int pid, long execKtime, long exitKtime) {}

    private final int maxEntries;
    private final long exitedGraceNanos;
    private final LinkedHashMap<Integer, ProcessInfo> live = new LinkedHashMap<>();
    private final HashMap<Integer, ProcessInfo> exited = new HashMap<>();
    private final ArrayDeque<Tombstone> exitOrder = new ArrayDeque<>();
    private volatile int liveCount, exitedCount;
    private volatile long evictions, reconciled;

    public ProcessCache(int maxEntries, long exitedGraceNanos) {
        if (maxEntries < 16) throw new IllegalArgumentException("maxEntries must be at least 16");
        this.maxEntries = maxEntries;
        this.exitedGraceNanos = exitedGraceNanos;
    }

    /** Records the current image of {@code p.pid()}, replacing whatever image it had. */
    public void put(ProcessInfo p) {
        live.remove(p.pid());
        live.put(p.pid(), p);
        liveCount = live.size();
    }

    /** Adds a process found already running at start, unless an event already told us more. */
    public void putIfAbsent(ProcessInfo p) {
        if (!live.containsKey(p.pid())) put(p);
    }

    /** The live image of pid, else the most recent exited one still in its grace period. */
    public ProcessInfo get(int pid) {
        ProcessInfo p = live.get(pid);
        return p != null ? p : exited.get(pid);
    }

    /** The image of pid made at {@code execKtime}; null when it is not (or no longer) known. */
    public ProcessInfo get(int pid, long execKtime) {
        ProcessInfo p = live.get(pid);
        if (p != null && p.execKtime() == execKtime) return p;
        p = exited.get(pid);
        return p != null && p.execKtime() == execKtime ? p : null;
    }

    /** Moves pid's image to the exited set; returns it, or null when it was unknown. */
    public ProcessInfo exit(int pid, long exitKtime) {
        ProcessInfo p = live.remove(pid);
        if (p == null) return null;
        exited.put(pid, p);
        exitOrder.addLast(new Tombstone(pid, p.execKtime(), exitKtime));
        if (exitOrder.size() > maxEntries) forgetOldestExited(); // bounded between maintenance passes too
        liveCount = live.size();
        exitedCount = exited.size();
        return p;
    }

    /**
     * Forgets exited processes whose grace period is over at {@code nowKtime}, and keeps the live
     * table under its cap: first by dropping entries whose pid {@code alive} denies, then by
     * evicting the oldest.
     */
    public void maintain(long nowKtime, IntPredicate alive) {
        while (!exitOrder.isEmpty() && exitOrder.peekFirst().exitKtime() + exitedGraceNanos <= nowKtime) forgetOldestExited();
        if (live.size() > maxEntries * 9L / 10) {
            for (Iterator<Map.Entry<Integer, ProcessInfo>> it = live.entrySet().iterator(); it.hasNext(); ) {
                if (!alive.test(it.next().getKey())) {
                    it.remove();
                    reconciled++;
                }
            }
        }
        for (Iterator<Integer> it = live.keySet().iterator(); live.size() > maxEntries && it.hasNext(); ) {
            it.next();
            it.remove();
            evictions++;
        }
        liveCount = live.size();
        exitedCount = exited.size();
    }

    private void forgetOldestExited() {
        Tombstone t = exitOrder.removeFirst();
        ProcessInfo p = exited.get(t.pid());
        if (p != null && p.execKtime() == t.execKtime()) exited.remove(t.pid());
    }

    public int liveCount() {
        return liveCount;
    }

    public int exitedCount() {
        return exitedCount;
    }

    /** Live entries dropped because the table was full: their later events lose their ancestry. */
    public long evictions() {
        return evictions;
    }

    /** Live entries found dead in /proc: their exit event was never seen. */
    public long reconciled() {
        return reconciled;
    }
}
