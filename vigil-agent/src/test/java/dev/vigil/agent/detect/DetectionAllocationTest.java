package dev.vigil.agent.detect;

import dev.vigil.events.Records;
import dev.vigil.events.process.ExecIds;
import dev.vigil.events.process.ProcessCache;
import dev.vigil.events.process.ProcessTracker;
import dev.vigil.events.wire.RecordView;
import dev.vigil.rules.EvalContext;
import dev.vigil.rules.ProcessRuleEvent;
import dev.vigil.rules.RuleEngine;
import dev.vigil.rules.RuleSet;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the ring thread allocates per record in steady state, with the whole default rule set:
 * nothing for file and network records of known processes, and only the new process image for a
 * fork or an exec (bench/jmh RulesBenchmark gives the same figures with throughput).
 */
class DetectionAllocationTest {
    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    private final ProcessCache cache = new ProcessCache(65536, Long.MAX_VALUE / 4);
    private final ProcessTracker tracker = new ProcessTracker(new ExecIds("node"), cache, (cgroup, pid) -> null);
    private final RuleEngine engine = new RuleEngine(RuleSet.defaults(), new EvalContext(cache::get, null));
    private final SyscallStage syscalls = new SyscallStage(cache, new RuleDetector(engine, cache));
    private final ProcessRuleEvent ruleEvent = new ProcessRuleEvent();
    private final RecordView view = new RecordView();
    private long alerts;

    {
        syscalls.output(e -> alerts++);
    }

    private void feed(MemorySegment record) {
        view.wrap(record, 0, (int) record.byteSize());
        if (view.type() == dev.vigil.kernel.wire.Wire.EV_SYSCALL) syscalls.onRecord(view);
        else engine.evaluate(ruleEvent.wrap(tracker.track(view)), (rule, e, c) -> alerts++);
    }

    @Test
    void fileAndNetworkRecordsOfKnownProcessesAllocateNothing() {
        try (Arena arena = Arena.ofConfined()) {
            List<MemorySegment> records = new ArrayList<>();
            for (int i = 0; i < 32; i++) feed(Records.exec(arena, 100 + i, 5000 + i, 1, 0, "/usr/sbin/nginx", "nginx\0-g\0daemon off;", "/"));
            for (int n = 0; n < 512; n++) {
                int i = n % 32;
                records.add(switch (n % 4) {
                    case 0 -> Records.open(arena, 1000 + n, 5000 + i, 100 + i, "/etc/nginx/nginx.conf", 0, 4);
                    case 1 -> Records.open(arena, 1000 + n, 5000 + i, 100 + i, "/var/log/nginx/access.log", 02101, 5);
                    case 2 -> Records.connect(arena, 1000 + n, 5000 + i, 100 + i, 6, new byte[]{10, 88, 0, 4}, 40_000 + n,
                            new byte[]{10, 0, 0, 7}, 8080);
                    default -> Records.open(arena, 1000 + n, 5000 + i, 100 + i, "/usr/share/nginx/html/index.html", 0, 7);
                });
            }
            MemorySegment[] all = records.toArray(MemorySegment[]::new);
            for (int round = 0; round < 3_000; round++) for (MemorySegment r : all) feed(r);
            long before = allocated();
            for (int round = 0; round < 1_000; round++) for (MemorySegment r : all) feed(r);
            long bytes = allocated() - before;
            assertThat(alerts).isZero();
            // 512k records; a little slack for the measurement itself.
            assertThat(bytes).as("bytes allocated for %d records", 512_000).isLessThan(2048);
        }
    }

    @Test
    void aForkExecExitKeepsOnlyTheNewImages() {
        try (Arena arena = Arena.ofConfined()) {
            List<MemorySegment> records = new ArrayList<>();
            long t = 1_000;
            for (int i = 0; i < 256; i++) {
                int pid = 9000 + i;
                records.add(Records.fork(arena, t++, pid, 999, 5));
                long exec = t++;
                records.add(Records.exec(arena, exec, pid, 999, 5, "/usr/bin/curl", "curl\0-s\0http://10.0.0.7/health", "/srv"));
                records.add(Records.exit(arena, t++, pid, exec, 0));
            }
            MemorySegment[] all = records.toArray(MemorySegment[]::new);
            for (int round = 0; round < 2_000; round++) for (MemorySegment r : all) feed(r);
            long before = allocated();
            for (int round = 0; round < 500; round++) for (MemorySegment r : all) feed(r);
            double perProcess = (allocated() - before) / (500.0 * 256);
            // Two images (the fork's and the exec's), about 120 bytes each; the exec ids, argument
            // lists, strings and namespaces are not rebuilt per record.
            assertThat(perProcess).isLessThan(2 * 144 + 16);
        }
    }
}
