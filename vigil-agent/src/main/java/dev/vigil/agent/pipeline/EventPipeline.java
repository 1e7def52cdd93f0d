package dev.vigil.agent.pipeline;

import dev.vigil.events.output.EventSink;
import dev.vigil.events.process.ProcessCache;
import dev.vigil.events.process.ProcessEvent;
import dev.vigil.events.process.ProcessTracker;
import dev.vigil.events.wire.RecordView;
import dev.vigil.kernel.KernelClock;
import dev.vigil.kernel.RingBuffer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The event path after the kernel: one dedicated platform thread drains the ring buffer, decodes
 * each record in place, turns it into an event against the process cache, and hands it to the
 * sinks; sinks are flushed once per batch.
 *
 * <p>The ring itself is the queue: when the agent falls behind, the kernel finds the ring full
 * and counts what it could not write, so nothing is lost without a count and the agent's
 * memory does not grow with the backlog.
 */
public final class EventPipeline implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EventPipeline.class.getName());
    private static final int BATCH = 4096;
    private static final long MAINTAIN_EVERY = TimeUnit.SECONDS.toNanos(1);
    private static final long RESYNC_CLOCK_EVERY = TimeUnit.MINUTES.toNanos(1);

    private final RingBuffer ring;
    private final ProcessTracker tracker;
    private final ProcessCache cache;
    private final List<EventSink> sinks;
    private final KernelClock clock;
    private final int pollMillis;
    private final Runnable periodic;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long events, unknownRecords, sinkFailures;

    public EventPipeline(RingBuffer ring, ProcessTracker tracker, ProcessCache cache, List<EventSink> sinks, KernelClock clock,
                         int pollMillis, Runnable periodic) {
        this.ring = ring;
        this.tracker = tracker;
        this.cache = cache;
        this.sinks = List.copyOf(sinks);
        this.clock = clock;
        this.pollMillis = pollMillis;
        this.periodic = periodic;
        this.thread = Thread.ofPlatform().name("vigil-ring-" + ring.name()).unstarted(this::run);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        RecordView view = new RecordView();
        RingBuffer.RecordHandler handler = (segment, offset, length) -> {
            ProcessEvent event = tracker.onRecord(view.wrap(segment, offset, length));
            if (event == null) {
                unknownRecords++;
                return;
            }
            events++;
            for (EventSink sink : sinks) sink.accept(event);
        };
        long nextMaintain = 0, nextResync = System.nanoTime() + RESYNC_CLOCK_EVERY;
        while (running) {
            try {
                int n = ring.consume(handler, BATCH);
                if (n > 0) flushSinks();
                else ring.await(pollMillis);
                long now = System.nanoTime();
                if (now >= nextMaintain) {
                    cache.maintain(KernelClock.bootNanos(), EventPipeline::alive);
                    periodic.run();
                    nextMaintain = now + MAINTAIN_EVERY;
                }
                if (now >= nextResync) {
                    clock.resync();
                    nextResync = now + RESYNC_CLOCK_EVERY;
                }
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable t) {
                // The consumer must outlive any single bad batch; the failure is counted and logged.
                sinkFailures++;
                LOG.log(System.Logger.Level.ERROR, "event pipeline error, continuing", t);
            }
        }
        // Drain what the kernel wrote before detach, so shutdown loses nothing already recorded.
        while (ring.consume(handler, BATCH) > 0) {
            // keep draining
        }
        flushSinks();
    }

    private void flushSinks() {
        for (EventSink sink : sinks) {
            try {
                sink.flush();
            } catch (RuntimeException e) {
                sinkFailures++;
                LOG.log(System.Logger.Level.WARNING, "flushing an event sink failed: " + e.getMessage());
            }
        }
    }

    private static boolean alive(int pid) {
        return Files.exists(Path.of("/proc", Integer.toString(pid)));
    }

    /** Events handed to the sinks. */
    public long events() {
        return events;
    }

    /** Records of a type no stage handles: a kernel/agent version mismatch. */
    public long unknownRecords() {
        return unknownRecords;
    }

    public long sinkFailures() {
        return sinkFailures;
    }

    /** Stops after draining the ring; waits for the thread. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(TimeUnit.SECONDS.toMillis(30));
    }
}
