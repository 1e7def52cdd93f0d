package dev.vigil.agent.store;

import dev.vigil.containers.ContainerInfo;
import dev.vigil.containers.RiskAssessor;
import dev.vigil.containers.RiskFinding;
import dev.vigil.events.Event;
import dev.vigil.events.alert.Alert;
import dev.vigil.events.container.ContainerEvent;
import dev.vigil.events.output.EventSink;
import dev.vigil.events.output.JsonEventWriter;
import dev.vigil.events.process.ProcessEvent;
import dev.vigil.store.EventStore;
import dev.vigil.store.StoredEvent;

import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongUnaryOperator;
import java.util.stream.Collectors;

/** Keeps the configured event types in the store, with the columns queries use. */
public final class StoreSink implements EventSink {
    private final EventStore store;
    private final Set<String> types;
    private final String node;
    private final LongUnaryOperator toEpochNanos;

    public StoreSink(EventStore store, Set<String> types, String node, LongUnaryOperator toEpochNanos) {
        this.store = store;
        this.types = Set.copyOf(types);
        this.node = node;
        this.toEpochNanos = toEpochNanos;
    }

    private final java.util.concurrent.atomic.AtomicLong failures = new java.util.concurrent.atomic.AtomicLong();

    @Override
    public void accept(Event event) {
        if (!types.contains(event.type())) return;
        try {
            store.append(toStored(event, node, toEpochNanos));
        } catch (RuntimeException e) {
            // An event the store cannot take must not cost the other outputs their batch.
            if (failures.getAndIncrement() == 0) {
                System.getLogger(StoreSink.class.getName()).log(System.Logger.Level.WARNING, "cannot store a " + event.type() + " event: " + e);
            }
        }
    }

    /** Events of a stored type that could not be turned into a row. */
    public long failures() {
        return failures.get();
    }

    public static StoredEvent toStored(Event event, String node, LongUnaryOperator toEpochNanos) {
        long nanos = toEpochNanos.applyAsLong(event.ktime());
        Instant time = Instant.ofEpochSecond(0, nanos);
        String json = JsonEventWriter.toJson(event, node, toEpochNanos);
        ContainerInfo c = null;
        String rule = "", priority = "", binary = "", action = "";
        if (event instanceof ContainerEvent ce) {
            c = ce.container();
            if (ce.kind() == ContainerEvent.Kind.RISK) {
                rule = ce.findings().stream().map(RiskFinding::id).distinct().collect(Collectors.joining(","));
                priority = RiskAssessor.worst(ce.findings()).map(s -> s.name().toLowerCase(Locale.ROOT)).orElse("");
            }
        } else if (event instanceof Alert a) {
            c = a.container();
            rule = a.rule();
            priority = a.priority();
            action = a.action();
            binary = a.process() == null ? "" : a.process().binary();
        } else if (event instanceof ProcessEvent pe) {
            c = pe.process().container();
            binary = pe.process().binary();
        }
        return new StoredEvent(0, time, event.type(), node, rule, priority, action,
                c == null ? "" : c.id(), c == null ? "" : c.name(),
                c == null || c.pod() == null ? "" : c.pod().name(), c == null || c.pod() == null ? "" : c.pod().namespace(),
                binary, json);
    }

    @Override
    public void flush() {
        // The store batches on its own; flushing it per pipeline batch would defeat that.
    }
}
