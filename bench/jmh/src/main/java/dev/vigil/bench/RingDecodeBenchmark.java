package dev.vigil.bench;

import dev.vigil.events.wire.RecordView;
import dev.vigil.kernel.RingBuffer;
import dev.vigil.kernel.wire.Wire;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Ring-buffer decode: the consumer walks the ring, validates each record and reads its header
 * and fixed fields in place. One operation is one record; the GC profiler's gc.alloc.rate.norm
 * is bytes allocated per record.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC"})
public class RingDecodeBenchmark extends RecordFixtures {
    private final RecordView view = new RecordView();
    private long checksum;
    private final RingBuffer.RecordHandler decode = (segment, offset, length) -> {
        RecordView r = view.wrap(segment, offset, length);
        long sum = r.ktime() + r.tgid() + r.cgroupId();
        switch (r.type()) {
            case Wire.EV_EXEC -> sum += r.u32(Wire.Exec.PPID) + r.u32(Wire.Exec.UID) + r.u64(Wire.Exec.PARENT_EXEC_KTIME)
                    + r.u16(Wire.Exec.BINARY_LEN) + r.u16(Wire.Exec.ARGS_LEN) + r.u16(Wire.Exec.CWD_LEN);
            case Wire.EV_FORK -> sum += r.u32(Wire.Fork.PPID) + r.u64(Wire.Fork.PARENT_EXEC_KTIME);
            case Wire.EV_EXIT -> sum += r.u32(Wire.Exit.EXIT_CODE) + r.u64(Wire.Exit.EXEC_KTIME);
            default -> { }
        }
        checksum += sum;
    };

    @Benchmark
    @OperationsPerInvocation(RecordFixtures.RECORDS)
    public long decode() {
        producer.rewindConsumer();
        int n = ring.consume(decode, Integer.MAX_VALUE);
        if (n != RecordFixtures.RECORDS) throw new IllegalStateException("consumed " + n);
        return checksum;
    }
}
