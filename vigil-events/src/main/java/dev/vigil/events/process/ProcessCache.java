package dev.vigil.events.process;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * The processes the agent knows, by pid, so that every event can carry its process and parent.
 *
 * <p>Bounded: exited processes stay only for a grace period (late events about them, such as a
 * child's exec racing its parent's exit, still find them), live ones are reconciled against /proc
 * when the table nears its cap (an exit missed during a ring overflow must not leak), and past the
 * cap the oldest images are evicted and counted. Primitive tables throughout, so keeping it
 * current allocates nothing per record once it has grown to its working size. Owned by the
 * pipeline thread; sizes and counters may be read from any thread.
 */
public final class ProcessCache {
    private final int maxEntries;
    private final long exitedGraceNanos;
    private final PidMap live = new PidMap(1024);
    private final PidMap exited = new PidMap(1024);
    // Exits in order, as a ring of (pid, exec time, exit time): the grace period ends oldest first.
    private int[] exitPid = new int[256];
    private long[] exitExecKtime = new long[256], exitKtime = new long[256];
    private int exitHead, exitCount;
    private volatile int liveCount, exitedCount;
    private volatile long evictions, reconciled;

    public ProcessCache(int maxEntries, long exitedGraceNanos) {
        if (maxEntries < 16) throw new IllegalArgumentException("maxEntries must be at least 16");
        this.maxEntries = maxEntries;
        this.exitedGraceNanos = exitedGraceNanos;
    }

    /** Records the current image of {@code p.pid()}, replacing whatever image it had. */
    public void put(ProcessInfo p) {
        live.put(p.pid(), p);
        liveCount = live.size();
    }

    /** Adds a process found already running at start, unless an event already told us more. */
    public void putIfAbsent(ProcessInfo p) {
        if (live.get(p.pid()) == null) put(p);
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
        if (exitCount == maxEntries) forgetOldestExited(); // bounded between maintenance passes too
        pushExit(pid, p.execKtime(), exitKtime);
        liveCount = live.size();
        exitedCount = exited.size();
        return p;
    }

    /**
     * Forgets exited processes whose grace period is over at {@code nowKtime}, and keeps the live
     * table under its cap: first by dropping entries whose pid {@code alive} denies, then by
     * evicting the oldest images.
     */
    public void maintain(long nowKtime, IntPredicate alive) {
        while (exitCount > 0 && exitKtime[exitHead] + exitedGraceNanos <= nowKtime) forgetOldestExited();
        if (live.size() > maxEntries * 9L / 10) {
            List<ProcessInfo> dead = new ArrayList<>();
            live.forEach(p -> {
                if (!alive.test(p.pid())) dead.add(p);
            });
            for (ProcessInfo p : dead) live.remove(p.pid());
            reconciled += dead.size();
        }
        if (live.size() > maxEntries) evictOldest(live.size() - maxEntries);
        liveCount = live.size();
        exitedCount = exited.size();
    }

    private void evictOldest(int n) {
        ProcessInfo[] all = new ProcessInfo[live.size()];
        int[] at = {0};
        live.forEach(p -> all[at[0]++] = p);
        Arrays.sort(all, (a, b) -> Long.compare(a.execKtime(), b.execKtime()));
        for (int i = 0; i < n; i++) live.remove(all[i].pid());
        evictions += n;
    }

    private void pushExit(int pid, long execKtime, long at) {
        if (exitCount == exitPid.length) {
            int cap = exitPid.length * 2;
            exitPid = unwrap(exitPid, cap);
            exitExecKtime = unwrap(exitExecKtime, cap);
            exitKtime = unwrap(exitKtime, cap);
            exitHead = 0;
        }
        int tail = (exitHead + exitCount) % exitPid.length;
        exitPid[tail] = pid;
        exitExecKtime[tail] = execKtime;
        exitKtime[tail] = at;
        exitCount++;
    }

    private int[] unwrap(int[] ring, int cap) {
        int[] out = new int[cap];
        for (int i = 0; i < exitCount; i++) out[i] = ring[(exitHead + i) % ring.length];
        return out;
    }

    private long[] unwrap(long[] ring, int cap) {
        long[] out = new long[cap];
        for (int i = 0; i < exitCount; i++) out[i] = ring[(exitHead + i) % ring.length];
        return out;
    }

    private void forgetOldestExited() {
        int pid = exitPid[exitHead];
        long execKtime = exitExecKtime[exitHead];
        exitHead = (exitHead + 1) % exitPid.length;
        exitCount--;
        ProcessInfo p = exited.get(pid);
        if (p != null && p.execKtime() == execKtime) exited.remove(pid);
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
