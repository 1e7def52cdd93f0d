package dev.vigil.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.events.output.EventSink;
import dev.vigil.events.output.JsonEventWriter;
import dev.vigil.events.Event;
import dev.vigil.events.process.ProcessEvent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Keeps the events that match a filter, as the JSON users see, so tests assert on the real output. */
final class CapturingSink implements EventSink {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Predicate<Event> keep;
    private final List<Event> events = new ArrayList<>();

    CapturingSink(Predicate<Event> keep) {
        this.keep = keep;
    }

    @Override
    public synchronized void accept(Event event) {
        if (keep.test(event)) events.add(event);
    }

    @Override
    public void flush() {}

    synchronized List<Event> events() {
        return List.copyOf(events);
    }

    synchronized void clear() {
        events.clear();
    }

    /** Waits until an event matches, then returns it as JSON. */
    JsonNode await(Predicate<Event> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (Event e : events()) {
                if (match.test(e)) return json(e);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no matching event within " + timeout + "; captured " + events().size());
    }

    /** A filter on process events only. */
    static Predicate<Event> processes(Predicate<ProcessEvent> p) {
        return e -> e instanceof ProcessEvent pe && p.test(pe);
    }

    static JsonNode json(Event e) {
        try {
            return JSON.readTree(JsonEventWriter.toJson(e, "test", t -> t));
        } catch (Exception ex) {
            throw new AssertionError(ex);
        }
    }
}
