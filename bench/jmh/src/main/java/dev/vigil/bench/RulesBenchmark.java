package dev.vigil.bench;

import dev.vigil.containers.ContainerConfig;
import dev.vigil.containers.ContainerInfo;
import dev.vigil.containers.PodInfo;
import dev.vigil.events.process.ExecIds;
import dev.vigil.events.process.ProcessCache;
import dev.vigil.events.process.ProcessEvent;
import dev.vigil.events.process.ProcessTracker;
import dev.vigil.events.wire.RecordView;
import dev.vigil.kernel.RingBuffer;
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
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline after the ring buffer with detection: decode each record, build the event against
 * the process cache (every process in a container), and evaluate the whole default rule set.
 * One operation is one record (or event); gc.alloc.rate.norm is bytes per record.
 *
 * <ul>
 * <li>{@code decodeTrackEvaluate}: the full stage, ring to rule verdicts.</li>
 * <li>{@code evaluateProcessEvents}: the rule stage alone on the same lifecycle events, built once.</li>
 * <li>{@code evaluateMixedEvents}: the rule stage alone on the default rules' test events (exec,
 *     file, network, privilege; half of them match), the shape of traffic the kernel sensors will add.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC"})
public class RulesBenchmark extends RecordFixtures {
    static final ContainerInfo CONTAINER = new ContainerInfo("4f2a9c1e0b7d" + "0".repeat(52), "web-1", "docker.io/library/nginx:1.25",
            "sha256:" + "ab".repeat(32), Map.of(), new PodInfo("web-1-7d9f", "shop", "uid-1"), "docker", 100, null, null,
            new ContainerConfig(false, List.of(), false, false, false, List.of(), "", false, null, "bridge"));
    private static final int MIXED = 4096;

    private ProcessTracker tracker;
    private RuleEngine engine;
    private final RecordView view = new RecordView();
    private final ProcessRuleEvent ruleEvent = new ProcessRuleEvent();
    private long matches;
    private final AlertSink sink = (rule, e, c) -> matches++;
    private final RingBuffer.RecordHandler handler = (segment, offset, length) -> {
        ProcessEvent e = tracker.onRecord(view.wrap(segment, offset, length));
        if (e != null) engine.evaluate(ruleEvent.wrap(e), sink);
    };
    private ProcessEvent[] processEvents;
    private RuleEvent[] mixed;

    @Setup
    public void setUp() {
        ProcessCache cache = new ProcessCache(65536, Long.MAX_VALUE / 4);
        tracker = new ProcessTracker(new ExecIds("bench-node"), cache, (cgroupId, pid) -> CONTAINER);
        engine = new RuleEngine(RuleSet.defaults(), new EvalContext(cache::get, null));
        // One pass to capture the lifecycle events as the tracker builds them.
        List<ProcessEvent> events = new ArrayList<>();
        producer.rewindConsumer();
        ring.consume((segment, offset, length) -> events.add(tracker.onRecord(view.wrap(segment, offset, length))), Integer.MAX_VALUE);
        processEvents = events.toArray(ProcessEvent[]::new);
        List<DefaultRuleCases.Case> cases = DefaultRuleCases.cases();
        mixed = new RuleEvent[MIXED];
        for (int i = 0; i < MIXED; i++) {
            DefaultRuleCases.Case c = cases.get((i / 2) % cases.size());
            mixed[i] = i % 2 == 0 ? c.matching() : c.benign();
        }
    }

    @Benchmark
    @OperationsPerInvocation(RecordFixtures.RECORDS)
    public long decodeTrackEvaluate() {
        producer.rewindConsumer();
        ring.consume(handler, Integer.MAX_VALUE);
        return matches;
    }

    @Benchmark
    @OperationsPerInvocation(RecordFixtures.RECORDS)
    public long evaluateProcessEvents() {
        for (ProcessEvent e : processEvents) engine.evaluate(ruleEvent.wrap(e), sink);
        return matches;
    }

    @Benchmark
    @OperationsPerInvocation(MIXED)
    public long evaluateMixedEvents() {
        for (RuleEvent e : mixed) engine.evaluate(e, sink);
        return matches;
    }
}
