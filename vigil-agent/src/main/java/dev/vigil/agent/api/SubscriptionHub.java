package dev.vigil.agent.api;

import dev.vigil.api.v1.Event;
import dev.vigil.events.output.EventSink;
import io.grpc.stub.ServerCallStreamObserver;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongUnaryOperator;

/** The live stream subscribers: each one a pipeline sink while its stream lasts. */
public final class SubscriptionHub implements AutoCloseable {
    /** What a subscriber looks like in status. */
    public record SubscriberInfo(long id, String filter, long delivered, long dropped) {}

    private final Consumer<EventSink> addSink, removeSink;
    private final String node;
    private final LongUnaryOperator toEpochNanos;
    private final int capacity;
    private final Map<Long, Subscription> active = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong(), retiredDrops = new AtomicLong();
    private volatile boolean closed;

    public SubscriptionHub(Consumer<EventSink> addSink, Consumer<EventSink> removeSink, String node, LongUnaryOperator toEpochNanos, int capacity) {
        this.addSink = addSink;
        this.removeSink = removeSink;
        this.node = node;
        this.toEpochNanos = toEpochNanos;
        this.capacity = capacity;
    }

    /** Starts streaming to {@code observer} until the client cancels or the agent stops. */
    void subscribe(EventMatcher matcher, ServerCallStreamObserver<Event> observer) {
        if (closed) throw io.grpc.Status.UNAVAILABLE.withDescription("the agent is stopping").asRuntimeException();
        Subscription s = new Subscription(ids.incrementAndGet(), matcher, node, toEpochNanos, observer, capacity);
        active.put(s.id, s);
        observer.setOnCancelHandler(s::stop);
        addSink.accept(s);
        Thread.ofVirtual().name("vigil-subscriber-" + s.id).start(() -> {
            try {
                s.run();
            } finally {
                removeSink.accept(s);
                active.remove(s.id);
                retiredDrops.addAndGet(s.dropped());
            }
        });
    }

    public List<SubscriberInfo> subscribers() {
        return active.values().stream().map(s -> new SubscriberInfo(s.id, s.filter(), s.delivered(), s.dropped())).toList();
    }

    /** Events dropped for slow subscribers, past and present. */
    public long droppedTotal() {
        return retiredDrops.get() + active.values().stream().mapToLong(Subscription::dropped).sum();
    }

    @Override
    public void close() {
        closed = true;
        active.values().forEach(Subscription::stop);
    }
}
