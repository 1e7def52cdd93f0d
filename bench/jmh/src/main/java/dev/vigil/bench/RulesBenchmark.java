package dev.vigil.bench;

import dev.vigil.agent.detect.RuleDetector;
import dev.vigil.agent.detect.SyscallStage;
import dev.vigil.containers.ContainerConfig;
import dev.vigil.containers.ContainerInfo;
import dev.vigil.containers.PodInfo;
import dev.vigil.events.Records;
import dev.vigil.events.process.ExecIds;
import dev.vigil.events.process.ProcessCache;
import dev.vigil.events.process.ProcessRecord;
import dev.vigil.events.process.ProcessTracker;
import dev.vigil.events.wire.RecordView;
import dev.vigil.kernel.InMemoryRingProducer;
import dev.vigil.kernel.RingBuffer;
import dev.vigil.kernel.wire.Wire;
import dev.vigil.rules.AlertSink;
import dev.vigil.rules.DefaultRuleCases;
import dev.vigil.rules.EvalContext;
import dev.vigil.rules.ProcessRuleEvent;
import dev.vigil.rules.RuleEngine;
import dev.vigil.rules.RuleEvent;
import dev.vigil.rules.RuleSet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline after the ring buffer with detection, as the agent's ring thread runs it: decode
 * each record, track processes (every process in a container) or decode a file/network record
 * against the process cache, and evaluate the whole default rule set. One operation is one
 * record (or event); gc.alloc.rate.norm is bytes per record. The outputs are not included:
 * shipping a lifecycle record makes its immutable event (PipelineBenchmark).
 *
 * <ul>
 * <li>{@code syscallRecords}: file opens and connects of running processes, the bulk of what
 *     reaches the agent in steady state.</li>
 * <li>{@code lifecycleRecords}: a fork, an exec and an exit per process, as a shell loop makes;
 *     the new process image each fork and exec makes is the one object kept per record.</li>
 * <li>{@code mixedRecords}: per process a fork, an exec, eight file/network records, an exit.</li>
 * <li>{@code evaluateMixedEvents}: the rule stage alone on the default rules' test events (exec,
 *     file, network, privilege; half of them match).</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC"})
public class RulesBenchmark extends RecordFixtures {
    public static final ContainerInfo CONTAINER = new ContainerInfo("4f2a9c1e0b7d" + "0".repeat(52), "web-1", "docker.io/library/nginx:1.25",
            "sha256:" + "ab".repeat(32), Map.of(), new PodInfo("web-1-7d9f", "shop", "uid-1"), "docker", 100, null, null,
            new ContainerConfig(false, List.of(), false, false, false, List.of(), "", false, null, "bridge"));
    private static final int MIXED = 4096;
    static final int SYSCALL_PROCESSES = 64, SYSCALL_RECORDS = 4096, MIXED_PROCESSES = 512, MIXED_RECORDS = MIXED_PROCESSES * 11;
    // Half of them are paths some rule names (so the rules on them run in full, as for the opens the
    // kernel filter lets through), none is one a rule matches for this process.
    private static final String[] READS = {"/etc/ld.so.cache", "/etc/ssh/ssh_config", "/usr/share/nginx/html/index.html",
            "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt", "/proc/self/status", "/root/.aws/config.d/region"};

    private ProcessTracker tracker;
    private SyscallStage syscalls;
    private RuleEngine engine;
    private final RecordView view = new RecordView();
    private final ProcessRuleEvent ruleEvent = new ProcessRuleEvent();
    private long matches;
    private final AlertSink sink = (rule, e, c) -> matches++;
    private final RingBuffer.RecordHandler handler = (segment, offset, length) -> {
        view.wrap(segment, offset, length);
        if (view.type() == Wire.EV_SYSCALL) {
            syscalls.onRecord(view);
        } else {
            ProcessRecord p = tracker.track(view);
            if (p != null) engine.evaluate(ruleEvent.wrap(p), sink);
        }
    };
    private Arena arena;
    private InMemoryRingProducer syscallProducer, mixedProducer;
    private RingBuffer syscallRing, mixedRing;
    private RuleEvent[] mixed;

    @Setup
    public void setUp() {
        ProcessCache cache = new ProcessCache(65536, Long.MAX_VALUE / 4);
        tracker = new ProcessTracker(new ExecIds("bench-node"), cache, (cgroupId, pid) -> CONTAINER);
        engine = new RuleEngine(RuleSet.defaults(), new EvalContext(cache::get, null));
        RuleDetector detector = new RuleDetector(engine, cache);
        syscalls = new SyscallStage(cache, detector);
        syscalls.output(e -> matches++);
        arena = Arena.ofShared();
        syscallProducer = new InMemoryRingProducer(4 << 20);
        mixedProducer = new InMemoryRingProducer(8 << 20);
        // The processes the syscall records belong to, known as in steady state.
        try (InMemoryRingProducer running = new InMemoryRingProducer(1 << 20)) {
            for (int i = 0; i < SYSCALL_PROCESSES; i++) {
                write(running, Records.exec(arena, 10_000 + i, 20_000 + i, 1, 0, "/usr/sbin/nginx", "nginx\0-g\0daemon off;", "/"));
            }
            running.ring().consume(handler, Integer.MAX_VALUE);
        }
        fillSyscalls();
        fillMixed();
        syscallRing = syscallProducer.ring();
        mixedRing = mixedProducer.ring();
        List<DefaultRuleCases.Case> cases = DefaultRuleCases.cases();
        syscallRecords();
        mixedRecords();
        lifecycleRecords();
        if (matches != 0) throw new IllegalStateException("the record fixtures must be benign: " + matches + " alerts");
        mixed = new RuleEvent[MIXED];
        for (int i = 0; i < MIXED; i++) {
            DefaultRuleCases.Case c = cases.get((i / 2) % cases.size());
            mixed[i] = i % 2 == 0 ? c.matching() : c.benign();
        }
        matches = 0;
    }

    private void fillSyscalls() {
        long t = 50_000_000;
        for (int n = 0; n < SYSCALL_RECORDS; n++) {
            int i = n % SYSCALL_PROCESSES, pid = 20_000 + i;
            write(syscallProducer, syscallRecord(n, t++, pid, 10_000 + i));
        }
    }

    private void fillMixed() {
        long t = 90_000_000;
        for (int i = 0; i < MIXED_PROCESSES; i++) {
            int pid = 40_000 + i;
            write(mixedProducer, Records.fork(arena, t++, pid, 999, 5));
            long exec = t++;
            write(mixedProducer, Records.exec(arena, exec, pid, 999, 5, "/app/bin/worker", "worker\0--queue\0orders", "/app"));
            for (int n = 0; n < 8; n++) write(mixedProducer, syscallRecord(n + i, t++, pid, exec));
            write(mixedProducer, Records.exit(arena, t++, pid, exec, 0));
        }
    }

    /** Reads of libraries and configuration, a log write, and a connect to a service, in turn. */
    private MemorySegment syscallRecord(int n, long ktime, int pid, long execKtime) {
        return switch (n % 8) {
            case 6 -> Records.open(arena, ktime, pid, execKtime, "/var/log/nginx/access.log", 02101, 5);
            case 7 -> Records.connect(arena, ktime, pid, execKtime, 6, new byte[]{10, 88, 0, 4}, 40_000 + n % 20_000,
                    new byte[]{10, 0, 0, (byte) (7 + n % 4)}, 8080);
            default -> Records.open(arena, ktime, pid, execKtime, READS[n % READS.length], 0, 4);
        };
    }

    private static void write(InMemoryRingProducer producer, MemorySegment record) {
        if (!producer.write(record)) throw new IllegalStateException("fixture ring too small");
    }

    @TearDown
    public void close() {
        syscallProducer.close();
        mixedProducer.close();
        arena.close();
    }

    @Benchmark
    @OperationsPerInvocation(SYSCALL_RECORDS)
    public long syscallRecords() {
        syscallProducer.rewindConsumer();
        syscallRing.consume(handler, Integer.MAX_VALUE);
        return matches;
    }

    @Benchmark
    @OperationsPerInvocation(RecordFixtures.RECORDS)
    public long lifecycleRecords() {
        producer.rewindConsumer();
        ring.consume(handler, Integer.MAX_VALUE);
        return matches;
    }

    @Benchmark
    @OperationsPerInvocation(MIXED_RECORDS)
    public long mixedRecords() {
        mixedProducer.rewindConsumer();
        mixedRing.consume(handler, Integer.MAX_VALUE);
        return matches;
    }

    @Benchmark
    @OperationsPerInvocation(MIXED)
    public long evaluateMixedEvents() {
        for (RuleEvent e : mixed) engine.evaluate(e, sink);
        return matches;
    }
}
