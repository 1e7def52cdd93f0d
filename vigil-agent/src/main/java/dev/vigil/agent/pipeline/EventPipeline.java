package dev.vigil.agent.pipeline;

import dev.vigil.containers.ContainerInventory;
import dev.vigil.events.Event;
import dev.vigil.events.output.EventSink;
import dev.vigil.events.process.ProcessCache;
import dev.vigil.events.wire.RecordStage;
import dev.vigil.events.wire.RecordView;
import dev.vigil.kernel.KernelClock;
import dev.vigil.kernel.RingBuffer;
import dev.vigil.kernel.wire.Wire;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The event path after the kernel: one dedicated platform thread drains the ring buffer, decodes
 * each record in place, hands it to the stage for its type (which keeps state such as the
 * process cache and may return an event), and passes events to the sinks, flushed once per
 * batch. Events born outside the ring (the container runtime's) are offered to a bounded queue
 * and written by the same thread, so sinks never see two threads.
 *
 * <p>The ring itself is the queue: when the agent falls behind, the kernel finds the ring full
 * and counts what it could not write, so nothing is lost without a count and the agent's
 * memory does not grow with the backlog.
 */
public final class EventPipeline implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EventPipeline.class.getName());
    private static final int BATCH = 4096;
    private static final int SIDE_QUEUE_MAX = 65536;
    private static final long MAINTAIN_EVERY = TimeUnit.SECONDS.toNanos(1);
    private static final long RESYNC_CLOCK_EVERY = TimeUnit.MINUTES.toNanos(1);

    /** How long events of a new container may wait for its runtime details. */
    private static final long METADATA_WAIT = TimeUnit.SECONDS.toNanos(2);

    private final RingBuffer ring;
    private final ContainerMetadataWait metadataWait;
    private final RecordStage[] stageByType = new RecordStage[Wire.EV_TYPE_MAX];
    private final ProcessCache cache;
    // Copy-on-write: the API adds and removes stream subscribers while the pipeline thread iterates.
    private final List<EventSink> sinks;
    private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.LongAdder> eventsByType =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final KernelClock clock;
    private final int pollMillis;
    private final Runnable periodic;
    private final Thread thread;
    private final Queue<Event> sideEvents = new ConcurrentLinkedQueue<>();
    private final AtomicInteger sideQueued = new AtomicInteger();
    private volatile boolean running = true;
    private final java.util.function.BiConsumer<Event, java.util.function.Consumer<Event>> detector;
    private final java.util.concurrent.atomic.AtomicLong sideDropped = new java.util.concurrent.atomic.AtomicLong();
    private volatile long events, unknownRecords, sinkFailures;

    /**
     * @param detector sees every decoded event on this thread and may add events (alerts) after it
     */
    public EventPipeline(RingBuffer ring, List<RecordStage> stages, ProcessCache cache, ContainerInventory inventory, List<EventSink> sinks,
                         KernelClock clock, int pollMillis, Runnable periodic, java.util.function.BiConsumer<Event, java.util.function.Consumer<Event>> detector) {
        this.ring = ring;
        this.detector = detector;
        this.metadataWait = new ContainerMetadataWait(inventory, METADATA_WAIT, 16384);
        for (RecordStage stage : stages) {
            for (int type : stage.recordTypes()) stageByType[type] = stage;
        }
        this.cache = cache;
        this.sinks = new java.util.concurrent.CopyOnWriteArrayList<>(sinks);
        this.clock = clock;
        this.pollMillis = pollMillis;
        this.periodic = periodic;
        this.thread = Thread.ofPlatform().name("vigil-ring-" + ring.name()).unstarted(this::run);
    }

    public void start() {
        thread.start();
    }

    /** Queues an event from another thread; false (and counted) when the queue is full. */
    public boolean offer(Event event) {
        if (sideQueued.incrementAndGet() > SIDE_QUEUE_MAX) {
            sideQueued.decrementAndGet();
            sideDropped.incrementAndGet();
            return false;
        }
        sideEvents.add(event);
        return true;
    }

    private void run() {
        RecordView view = new RecordView();
        RingBuffer.RecordHandler handler = (segment, offset, length) -> {
            view.wrap(segment, offset, length);
            RecordStage stage = stageByType[view.type() & (Wire.EV_TYPE_MAX - 1)];
            if (stage == null) {
                unknownRecords++;
                return;
            }
            Event event = stage.onRecord(view);
            if (event != null) {
                long now = System.nanoTime();
                metadataWait.submit(event, now, this::emit);
                detector.accept(event, found -> metadataWait.submit(found, now, this::emit));
            }
        };
        long nextMaintain = 0, nextResync = System.nanoTime() + RESYNC_CLOCK_EVERY;
        while (running) {
            try {
                int n = ring.consume(handler, BATCH) + drainSideEvents() + metadataWait.release(System.nanoTime(), false, this::emit);
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
        while (ring.consume(handler, BATCH) + drainSideEvents() > 0) {
            // keep draining
        }
        metadataWait.release(System.nanoTime(), true, this::emit);
        flushSinks();
    }

    /**
     * For stages that make events besides their return value (the syscall stage's alerts): call
     * only from the pipeline thread, inside {@link RecordStage#onRecord}.
     */
    public void emitFromStage(Event event) {
        metadataWait.submit(event, System.nanoTime(), this::emit);
    }

    private void emit(Event event) {
        events++;
        eventsByType.computeIfAbsent(event.type(), t -> new java.util.concurrent.atomic.LongAdder()).increment();
        for (EventSink sink : sinks) sink.accept(event);
    }

    /** Adds a sink at runtime; it sees events from the next one on. */
    public void addSink(EventSink sink) {
        sinks.add(sink);
    }

    /** Removes a sink; the pipeline may still call it once more if it is mid-batch. */
    public void removeSink(EventSink sink) {
        sinks.remove(sink);
    }

    /** Events handed to the sinks, by type. */
    public java.util.Map<String, Long> eventsByType() {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        eventsByType.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    private int drainSideEvents() {
        int n = 0;
        for (Event e; (e = sideEvents.poll()) != null; n++) {
            sideQueued.decrementAndGet();
            try {
                emit(e);
            } catch (RuntimeException ex) {
                sinkFailures++;
                LOG.log(System.Logger.Level.WARNING, "writing a " + e.type() + " event failed: " + ex);
            }
        }
        return n;
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

    /**
     * Events of new containers that went out with only the container's id: the runtime had not
     * described the container within the wait, or the wait queue was full.
     */
    public long eventsWithoutContainerDetails() {
        return metadataWait.withoutDetails();
    }

    /** Events from outside the ring that found the queue full. */
    public long sideDropped() {
        return sideDropped.get();
    }

    /** Stops after draining the ring; waits for the thread. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(TimeUnit.SECONDS.toMillis(30));
    }
}
