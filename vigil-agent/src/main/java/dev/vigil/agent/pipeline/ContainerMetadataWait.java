package dev.vigil.agent.pipeline;

import dev.vigil.containers.ContainerInfo;
import dev.vigil.containers.ContainerInventory;
import dev.vigil.events.Event;
import dev.vigil.events.alert.Alert;
import dev.vigil.events.process.ProcessEvent;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Container runtimes answer questions about a new container only once it has started (Podman
 * holds the container's lock until then), while the kernel reports its first processes before
 * that. Events of a container whose details are on their way wait here, in order, for at most
 * {@code maxWaitNanos}, and leave with the container's details as the inventory then knows them.
 * Every event leaving also gets its container refreshed, since a process's container record is
 * taken when it execs. Bounded: past {@code maxHeld} events, new ones pass without waiting.
 */
final class ContainerMetadataWait {
    private record Held(Event event, String containerId, long deadline) {}

    private final ContainerInventory inventory;
    private final long maxWaitNanos;
    private final int maxHeld;
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private final Map<String, Integer> heldPerContainer = new HashMap<>();
    private long passedWithoutWaiting, leftWithoutDetails;

    ContainerMetadataWait(ContainerInventory inventory, long maxWaitNanos, int maxHeld) {
        this.inventory = inventory;
        this.maxWaitNanos = maxWaitNanos;
        this.maxHeld = maxHeld;
    }

    void submit(Event event, long now, Consumer<Event> out) {
        String id = containerId(event);
        if (id != null && (heldPerContainer.containsKey(id) || inventory.enrichmentPending(id))) {
            if (held.size() < maxHeld) {
                held.addLast(new Held(event, id, now + maxWaitNanos));
                heldPerContainer.merge(id, 1, Integer::sum);
                return;
            }
            passedWithoutWaiting++;
        }
        out.accept(refresh(event));
    }

    /** Releases, in arrival order, the events whose container details came or whose wait is over. */
    int release(long now, boolean all, Consumer<Event> out) {
        int n = 0;
        while (!held.isEmpty()) {
            Held h = held.peekFirst();
            boolean pending = inventory.enrichmentPending(h.containerId());
            if (!all && now < h.deadline() && pending) break;
            if (pending) leftWithoutDetails++;
            held.removeFirst();
            heldPerContainer.computeIfPresent(h.containerId(), (k, v) -> v == 1 ? null : v - 1);
            out.accept(refresh(h.event()));
            n++;
        }
        return n;
    }

    int held() {
        return held.size();
    }

    /** Events of new containers that went out before the runtime described their container. */
    long withoutDetails() {
        return passedWithoutWaiting + leftWithoutDetails;
    }

    private static String containerId(Event e) {
        if (e instanceof Alert a) return a.container() != null ? a.container().id() : null;
        return e instanceof ProcessEvent p && p.process().container() != null ? p.process().container().id() : null;
    }

    private Event refresh(Event e) {
        if (e instanceof Alert a && a.container() != null) {
            ContainerInfo now = inventory.get(a.container().id()).orElse(null);
            return now == null || now == a.container() ? e : a.withContainer(now);
        }
        if (!(e instanceof ProcessEvent p) || p.process().container() == null) return e;
        ContainerInfo now = inventory.get(p.process().container().id()).orElse(null);
        return now == null || now == p.process().container() ? e : p.withProcess(p.process().withContainer(now));
    }
}
