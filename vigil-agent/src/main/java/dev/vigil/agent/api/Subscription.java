package dev.vigil.agent.api;

import dev.vigil.api.v1.Event;
import dev.vigil.events.container.ContainerEvent;
import dev.vigil.events.output.EventSink;
import dev.vigil.events.output.JsonEventWriter;
import dev.vigil.events.output.Timestamps;
import dev.vigil.events.process.ProcessEvent;
import io.grpc.stub.ServerCallStreamObserver;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongUnaryOperator;

/**
 * One stream subscriber. The pipeline thread filters and offers events to a bounded queue and
 * never waits: on overflow the event is dropped and counted here. A sender thread of its own
 * takes events off the queue and writes them only while gRPC says the client keeps up, so a
 * slow reader fills this queue, not the agent's memory.
 */
final class Subscription implements EventSink {
    private static final System.Logger LOG = System.getLogger(Subscription.class.getName());
    static final int QUEUE_CAPACITY = 4096;

    final long id;
    private final EventMatcher matcher;
    private final String node;
    private final LongUnaryOperator toEpochNanos;
    private final ServerCallStreamObserver<Event> observer;
    private final BlockingQueue<Event> queue;
    private final AtomicLong delivered = new AtomicLong(), dropped = new AtomicLong();
    private final Object readyLock = new Object();
    private volatile boolean done;
    private boolean conversionFailureLogged;

    Subscription(long id, EventMatcher matcher, String node, LongUnaryOperator toEpochNanos, ServerCallStreamObserver<Event> observer, int capacity) {
        this.id = id;
        this.matcher = matcher;
        this.node = node;
        this.toEpochNanos = toEpochNanos;
        this.observer = observer;
        this.queue = new ArrayBlockingQueue<>(capacity);
        observer.setOnReadyHandler(() -> {
            synchronized (readyLock) {
                readyLock.notifyAll();
            }
        });
    }

    /** Pipeline thread: filter, convert, offer; never blocks and never throws. */
    @Override
    public void accept(dev.vigil.events.Event e) {
        if (done) return;
        try {
            if (!matcher.matches(e)) return;
            if (!queue.offer(toProto(e))) dropped.incrementAndGet();
        } catch (RuntimeException ex) {
            dropped.incrementAndGet();
            // Once is enough to diagnose; the drop counter carries the rest.
            if (!conversionFailureLogged) {
                conversionFailureLogged = true;
                LOG.log(System.Logger.Level.WARNING, "subscriber " + id + ": could not convert a " + e.type() + " event: " + ex);
            }
        }
    }

    private Event toProto(dev.vigil.events.Event e) {
        String containerId = switch (e) {
            case ProcessEvent p -> p.process().container() == null ? "" : p.process().container().id();
            case ContainerEvent c -> c.container().id();
            default -> "";
        };
        return Event.newBuilder()
                .setType(e.type())
                .setTime(Timestamps.rfc3339(toEpochNanos.applyAsLong(e.ktime())))
                .setContainerId(containerId)
                .setJson(JsonEventWriter.toJson(e, node, toEpochNanos))
                .build();
    }

    @Override
    public void flush() {
        // the sender polls the queue; nothing is buffered here
    }

    /** The sender loop, on its own thread, until the client cancels or the agent stops. */
    void run() {
        try {
            while (!done && !observer.isCancelled()) {
                Event e = queue.poll(200, TimeUnit.MILLISECONDS);
                if (e == null) continue;
                synchronized (readyLock) {
                    while (!observer.isReady() && !done && !observer.isCancelled()) readyLock.wait(200);
                }
                if (done || observer.isCancelled()) break;
                observer.onNext(e);
                delivered.incrementAndGet();
            }
            if (!observer.isCancelled()) observer.onCompleted();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // The client went away mid-write; the stream is over either way.
            LOG.log(System.Logger.Level.DEBUG, "subscriber " + id + " ended: " + e);
        } finally {
            done = true;
        }
    }

    /** Ends the stream; the sender completes it. */
    void stop() {
        done = true;
        synchronized (readyLock) {
            readyLock.notifyAll();
        }
    }

    boolean finished() {
        return done;
    }

    long delivered() {
        return delivered.get();
    }

    long dropped() {
        return dropped.get();
    }

    String filter() {
        return matcher.toString();
    }
}
