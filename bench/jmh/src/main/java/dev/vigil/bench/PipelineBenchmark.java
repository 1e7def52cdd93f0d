package dev.vigil.bench;

import dev.vigil.events.process.ContainerResolver;
import dev.vigil.events.process.ExecIds;
import dev.vigil.events.process.ProcessCache;
import dev.vigil.events.process.ProcessEvent;
import dev.vigil.events.process.ProcessTracker;
import dev.vigil.events.wire.RecordView;
import dev.vigil.kernel.RingBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * Decode plus process tracking, with the immutable event each lifecycle record becomes for the
 * outputs (what the agent ships): the new process image a fork or exec makes, plus the event
 * object. RulesBenchmark measures the same decode and tracking without the shipped event.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC"})
public class PipelineBenchmark extends RecordFixtures {
    private ProcessTracker tracker;
    private Blackhole blackhole;
    private final RecordView view = new RecordView();
    private final RingBuffer.RecordHandler handler = (segment, offset, length) -> {
        ProcessEvent e = tracker.onRecord(view.wrap(segment, offset, length));
        blackhole.consume(e);
    };

    @Setup
    public void setUp(Blackhole bh) {
        blackhole = bh;
        tracker = new ProcessTracker(new ExecIds("bench-node"), new ProcessCache(65536, Long.MAX_VALUE / 4), ContainerResolver.NONE);
    }

    @Benchmark
    @OperationsPerInvocation(RecordFixtures.RECORDS)
    public void decodeAndTrack() {
        producer.rewindConsumer();
        ring.consume(handler, Integer.MAX_VALUE);
    }
}
