package dev.vigil.containers.cri;

import dev.vigil.containers.ContainerSource.WatchStatus;
import dev.vigil.containers.RuntimeEvent;
import dev.vigil.containers.WatchCallbacks;
import dev.vigil.containers.cri.v1.Container;
import dev.vigil.containers.cri.v1.ContainerEventResponse;
import dev.vigil.containers.cri.v1.ContainerState;
import dev.vigil.containers.cri.v1.GetEventsRequest;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A CRI watch on its own daemon thread, reconnecting until closed. Each connection checks
 * the runtime with Version, then follows GetContainerEvents; a runtime that does not
 * implement it is polled: ListContainers is diffed against the previous listing and the
 * differences are delivered as events.
 */
final class CriEventFeed implements Closeable {

    private static final System.Logger LOG = System.getLogger(CriEventFeed.class.getName());

    private final CriSource source;
    private final WatchCallbacks callbacks;
    private final Consumer<CriEventFeed> onClose;
    private final Thread thread;
    private volatile boolean closed;
    /** The current event stream's context; cancelling it ends the stream. */
    private volatile Context.CancellableContext current;
    private boolean loggedPolling;

    CriEventFeed(CriSource source, Consumer<RuntimeEvent> listener, WatchStatus status, Consumer<CriEventFeed> onClose) {
        this.source = source;
        this.callbacks = new WatchCallbacks(listener, status);
        this.onClose = onClose;
        this.thread = Thread.ofPlatform().daemon().name("vigil-cri-events").unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    private void run() {
        CriSource.Options options = source.options();
        callbacks.runReconnecting("CRI event feed on " + source.socket(), options.reconnectMin(), options.reconnectMax(),
                () -> closed, this::follow);
    }

    /** One connection: returns or throws only when it ends. */
    private void follow() throws IOException {
        source.channel().reconnectNow();
        // The stream sends nothing (not even headers) until an event happens, so a failing
        // runtime would go unnoticed behind it: ask Version first.
        source.version();
        if (closed) {
            return;
        }
        if (!stream()) {
            poll();
        }
    }

    /** Follows GetContainerEvents; false if the runtime does not implement it. */
    private boolean stream() throws IOException {
        Context.CancellableContext context = Context.current().withCancellation();
        current = context;
        Context previous = context.attach();
        try {
            if (closed) {
                return true;
            }
            Iterator<ContainerEventResponse> events = source.channel().stream()
                    .getContainerEvents(GetEventsRequest.getDefaultInstance());
            callbacks.connected();
            while (events.hasNext()) {
                CriMapping.toEvent(events.next()).ifPresent(callbacks::deliver);
            }
            if (closed) {
                return true;
            }
            throw new EOFException("CRI event stream ended");
        } catch (StatusRuntimeException e) {
            if (closed) {
                return true;
            }
            if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
                return false;
            }
            throw CriChannel.failure("GetContainerEvents", e);
        } finally {
            context.detach(previous);
            context.cancel(null);
            current = null;
        }
    }

    /** Diffs ListContainers every poll interval until a listing fails or the feed is closed. */
    private void poll() throws IOException {
        if (!loggedPolling) {
            loggedPolling = true;
            LOG.log(Level.INFO, "runtime on {0} has no CRI event stream; polling every {1} ms",
                    source.socket(), source.options().pollInterval().toMillis());
        }
        Map<String, Container> previous = snapshot();
        // "Connected" was said before the stream turned out missing; anything that changed
        // between the resync it caused and this baseline is only caught by resyncing again.
        callbacks.connected();
        while (!closed && sleep(source.options().pollInterval().toMillis())) {
            Map<String, Container> now = snapshot();
            diff(previous, now);
            previous = now;
        }
    }

    private Map<String, Container> snapshot() throws IOException {
        Map<String, Container> out = new HashMap<>();
        for (Container c : source.listContainers(false)) {
            out.put(c.getId(), c);
        }
        return out;
    }

    /** Started, stopped and removed containers between two listings, as events. */
    private void diff(Map<String, Container> before, Map<String, Container> after) {
        for (Container c : after.values()) {
            Container old = before.get(c.getId());
            boolean wasRunning = old != null && old.getState() == ContainerState.CONTAINER_RUNNING;
            boolean running = c.getState() == ContainerState.CONTAINER_RUNNING;
            if (running && !wasRunning) {
                callbacks.deliver(new RuntimeEvent(RuntimeEvent.Kind.START, c.getId(), CriMapping.attributes(c)));
            } else if (!running && wasRunning) {
                callbacks.deliver(new RuntimeEvent(RuntimeEvent.Kind.STOP, c.getId(), CriMapping.attributes(c)));
            }
        }
        for (Container old : before.values()) {
            if (!after.containsKey(old.getId())) {
                if (old.getState() == ContainerState.CONTAINER_RUNNING) {
                    callbacks.deliver(new RuntimeEvent(RuntimeEvent.Kind.STOP, old.getId(), CriMapping.attributes(old)));
                }
                callbacks.deliver(new RuntimeEvent(RuntimeEvent.Kind.DESTROY, old.getId(), CriMapping.attributes(old)));
            }
        }
    }


    /** False if interrupted, which only {@link #close()} does. */
    private boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        Context.CancellableContext context = current;
        if (context != null) {
            context.cancel(null);
        }
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        onClose.accept(this);
    }
}
