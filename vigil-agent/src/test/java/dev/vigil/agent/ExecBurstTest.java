package dev.vigil.agent;

import dev.vigil.events.process.ProcessEvent;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** 20,000 execs in a burst: every one is seen, or every missing one is counted where it was lost. */
@Tag("kernel")
class ExecBurstTest {
    private static final int EXECS = 20_000;
    private static final String TRUE = realPath("/bin/true");

    @Test
    void everyExecIsSeenWithTheDefaultRing() throws Exception {
        Burst b = burst(Map.of("processCache.exitedGraceSeconds", 1, "output.path", "/dev/null"));
        assertThat(b.dropped).as("exec records the kernel could not write").isZero();
        assertThat(b.seen).isEqualTo(EXECS);
        assertThat(b.stats.recordFailures()).isZero();
        // Bounded memory: the 20,000 exited processes leave the cache after the grace period.
        assertThat(b.cacheAfterGrace).isLessThan(1000);
    }

    @Test
    void anOverflowingRingCountsEveryRecordItLost() throws Exception {
        // A 64 KiB ring drained once a second cannot keep up: the kernel must count what it drops.
        Burst b = burst(Map.of("ringBuffer.sizeBytes", 65536, "ringBuffer.wakeupBytes", 65536, "ringBuffer.pollMillis", 1000,
                "output.path", "/dev/null"));
        assertThat(b.seen).isLessThan(EXECS);
        assertThat(b.dropped).isPositive();
        // The drop counter is host-wide, so other processes' execs may add a few; none of ours may be missing.
        assertThat(b.seen + b.dropped).isBetween((long) EXECS, EXECS + 2000L);
    }

    private record Burst(long seen, long dropped, AgentStats stats, int cacheAfterGrace) {}

    private static Burst burst(Map<String, Object> config) throws Exception {
        AtomicInteger shell = new AtomicInteger(-1);
        AtomicInteger seen = new AtomicInteger();
        CapturingSink none = new CapturingSink(e -> {
            if (e instanceof ProcessEvent.Exec x && x.process().ppid() == shell.get() && x.process().binary().equals(TRUE)) seen.incrementAndGet();
            return false;
        });
        try (Agent agent = Agent.start(TestConfigs.load(config), List.of(none))) {
            long dropsBefore = agent.stats().kernelRingDrops().get("exec");
            // The shell's pid is known before it execs anything: it forks first, and its loop starts after exec.
            Process p = new ProcessBuilder("/bin/sh", "-c", "read go; i=0; while [ $i -lt " + EXECS + " ]; do /bin/true; i=$((i+1)); done").start();
            shell.set((int) p.pid());
            p.getOutputStream().write("go\n".getBytes());
            p.getOutputStream().flush();
            assertThat(p.waitFor()).isZero();
            long dropped = 0;
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (System.nanoTime() < deadline) {
                dropped = agent.stats().kernelRingDrops().get("exec") - dropsBefore;
                if (seen.get() + dropped >= EXECS) break;
                Thread.sleep(100);
            }
            Thread.sleep(2500); // past the exited grace period of 1 s, and a maintenance pass
            return new Burst(seen.get(), dropped, agent.stats(), agent.stats().processCacheExited() + agent.stats().processCacheLive());
        }
    }

    private static String realPath(String p) {
        try {
            return Path.of(p).toRealPath().toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
