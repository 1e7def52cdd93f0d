package dev.vigil.agent.api;

import dev.vigil.api.v1.Event;
import dev.vigil.api.v1.EventFilter;
import dev.vigil.events.output.EventSink;
import io.grpc.stub.ServerCallStreamObserver;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A slow reader loses events to its own bounded queue, counted, and the pipeline never waits for it. */
class SubscriptionTest {
    @Test
    void aSlowSubscriberDropsAndCountsWithoutBlockingThePipeline() throws Exception {
        List<EventSink> sinks = new CopyOnWriteArrayList<>();
        SubscriptionHub hub = new SubscriptionHub(sinks::add, sinks::remove, "node", n -> n, 8);
        FakeObserver client = new FakeObserver();
        hub.subscribe(new EventMatcher(EventFilter.newBuilder().addTypes("process_exec").build()), client);
        assertThat(sinks).hasSize(1);

        long start = System.nanoTime();
        for (int i = 0; i < 1000; i++) sinks.getFirst().accept(EventMatcherTest.exec("/bin/x" + i, null));
        sinks.getFirst().accept(new ProcessExit()); // filtered out: neither queued nor dropped
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2000);

        SubscriptionHub.SubscriberInfo info = hub.subscribers().getFirst();
        assertThat(info.dropped()).isBetween(1000L - 9, 1000L - 8);
        assertThat(info.delivered()).isZero();
        assertThat(info.filter()).isEqualTo("types=process_exec");

        client.ready = true;
        client.onReady.run();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (client.received.size() < 1000 - info.dropped() && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(client.received).hasSize((int) (1000 - info.dropped()));
        assertThat(client.received.peek().getType()).isEqualTo("process_exec");

        client.cancelled = true;
        client.onCancel.run();
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!sinks.isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(sinks).as("the sink leaves the pipeline with its client").isEmpty();
        assertThat(hub.droppedTotal()).isEqualTo(info.dropped());
    }

    /** An event type the filter does not select. */
    private record ProcessExit() implements dev.vigil.events.Event {
        public String type() {
            return "process_exit";
        }

        public long ktime() {
            return 0;
        }
    }

    private static final class FakeObserver extends ServerCallStreamObserver<Event> {
        final ConcurrentLinkedQueue<Event> received = new ConcurrentLinkedQueue<>();
        volatile boolean ready, cancelled;
        volatile Runnable onReady = () -> {}, onCancel = () -> {};

        @Override public boolean isCancelled() { return cancelled; }
        @Override public void setOnCancelHandler(Runnable r) { onCancel = r; }
        @Override public void setCompression(String c) {}
        @Override public boolean isReady() { return ready; }
        @Override public void setOnReadyHandler(Runnable r) { onReady = r; }
        @Override public void disableAutoInboundFlowControl() {}
        @Override public void request(int n) {}
        @Override public void setMessageCompression(boolean e) {}
        @Override public void onNext(Event e) { received.add(e); }
        @Override public void onError(Throwable t) {}
        @Override public void onCompleted() {}
    }
}
