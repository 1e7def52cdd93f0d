package dev.vigil.events;

import dev.vigil.events.process.Namespaces;
import dev.vigil.events.process.ProcessCache;
import dev.vigil.events.process.ProcessInfo;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessCacheTest {
    private static ProcessInfo proc(int pid, long ktime) {
        return new ProcessInfo("id" + pid, "", ktime, ktime, pid, 1, pid, 0, 0, 0, 0, "/bin/x", List.of(), false, "/", 0, 0, Namespaces.UNKNOWN, null);
    }

    @Test
    void exitedEntriesLeaveAfterTheGracePeriod() {
        ProcessCache cache = new ProcessCache(100, 1000);
        cache.put(proc(5, 10));
        cache.exit(5, 20);
        assertThat(cache.get(5, 10)).isNotNull();
        cache.maintain(1019, pid -> true);
        assertThat(cache.get(5)).isNotNull();
        cache.maintain(1020, pid -> true);
        assertThat(cache.get(5)).isNull();
        assertThat(cache.exitedCount()).isZero();
    }

    @Test
    void staysBoundedWhenExitsAreMissed() {
        ProcessCache cache = new ProcessCache(100, 1_000_000);
        for (int pid = 1; pid <= 1000; pid++) cache.put(proc(pid, pid));
        // Reconciliation drops the ones /proc says are gone, eviction the rest beyond the cap.
        cache.maintain(0, pid -> pid % 2 == 0);
        assertThat(cache.liveCount()).isLessThanOrEqualTo(100);
        assertThat(cache.reconciled()).isEqualTo(500);
        assertThat(cache.evictions()).isEqualTo(400);
        assertThat(cache.get(1000)).isNotNull(); // newest kept
    }

    @Test
    void exitedSetIsBoundedEvenWithinTheGracePeriod() {
        ProcessCache cache = new ProcessCache(100, Long.MAX_VALUE / 2);
        for (int pid = 1; pid <= 500; pid++) {
            cache.put(proc(pid, pid));
            cache.exit(pid, pid);
        }
        // No maintenance pass in between: a storm of exits is bounded as it happens.
        assertThat(cache.exitedCount()).isLessThanOrEqualTo(100);
        assertThat(cache.get(500)).isNotNull();
    }

    @Test
    void aReusedPidDoesNotReturnTheOldImageForTheNewKey() {
        ProcessCache cache = new ProcessCache(100, 1000);
        cache.put(proc(5, 10));
        cache.exit(5, 20);
        cache.put(proc(5, 30));
        assertThat(cache.get(5, 10).execKtime()).isEqualTo(10);
        assertThat(cache.get(5).execKtime()).isEqualTo(30);
        assertThat(cache.get(5, 99)).isNull();
    }
}
