package dev.vigil.containers;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** An in-memory runtime API whose availability and event feed the test drives. */
final class FakeSource implements ContainerSource {
    final Map<String, ContainerInfo> containers = new ConcurrentHashMap<>();
    volatile boolean up = true;
    /** When set, inspect waits for it: a runtime still busy starting the container. */
    volatile java.util.concurrent.CountDownLatch inspectGate;
    final AtomicInteger listCalls = new AtomicInteger();
    private volatile Consumer<RuntimeEvent> listener;
    private volatile WatchStatus status;

    @Override
    public String name() {
        return "fake-api";
    }

    @Override
    public List<ContainerInfo> list() throws IOException {
        listCalls.incrementAndGet();
        if (!up) {
            throw new IOException("fake runtime down");
        }
        return new ArrayList<>(containers.values());
    }

    @Override
    public Optional<ContainerInfo> inspect(String id) throws IOException {
        java.util.concurrent.CountDownLatch gate = inspectGate;
        if (gate != null) {
            try {
                gate.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!up) {
            throw new IOException("fake runtime down");
        }
        return Optional.ofNullable(containers.get(id));
    }

    @Override
    public Closeable watch(Consumer<RuntimeEvent> l, WatchStatus s) {
        this.listener = l;
        this.status = s;
        return () -> listener = null;
    }

    void connect() {
        up = true;
        status.connected();
    }

    void disconnect() {
        up = false;
        status.disconnected(new IOException("gone"));
    }

    void start(ContainerInfo c) {
        containers.put(c.id(), c);
        listener.accept(new RuntimeEvent(RuntimeEvent.Kind.START, c.id()));
    }

    /** A container that exits and is removed before anyone can inspect it. */
    void flash(String id, String name) {
        Map<String, String> attributes = Map.of("name", name);
        listener.accept(new RuntimeEvent(RuntimeEvent.Kind.START, id, attributes));
        listener.accept(new RuntimeEvent(RuntimeEvent.Kind.STOP, id, attributes));
        listener.accept(new RuntimeEvent(RuntimeEvent.Kind.DESTROY, id, attributes));
    }

    @Override
    public Optional<ContainerInfo> describe(RuntimeEvent event) {
        String name = event.attributes().get("name");
        return name == null ? Optional.empty()
                : Optional.of(new ContainerInfo(event.id(), name, "", "", Map.of(), null, Runtimes.DOCKER, 0, null, null, null));
    }

    void stop(String id) {
        containers.remove(id);
        listener.accept(new RuntimeEvent(RuntimeEvent.Kind.STOP, id));
        listener.accept(new RuntimeEvent(RuntimeEvent.Kind.DESTROY, id));
    }

    static ContainerInfo container(String id, String name, String cgroupPath) {
        return new ContainerInfo(id, name, "busybox", "sha256:1", Map.of("app", name), null, Runtimes.DOCKER,
                0, null, cgroupPath, RiskAssessorTest.plain());
    }
}
