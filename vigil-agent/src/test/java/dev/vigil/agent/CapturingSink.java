package dev.vigil.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.events.output.EventSink;
import dev.vigil.events.output.JsonEventWriter;
import dev.vigil.events.process.ProcessEvent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Keeps the events that match a filter, as the JSON users see, so tests assert on the real output. */
final class CapturingSink implements EventSink {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Predicate<ProcessEvent> keep;
    private final List<ProcessEvent> events = new ArrayList<>();

    CapturingSink(Predicate<ProcessEvent> keep) {
        this.keep = keep;
    }

    @Override
    public synchronized void accept(ProcessEvent event) {
        if (keep.test(event)) events.add(event);
    }

    @Override
    public void flush() {}

    synchronized List<ProcessEvent> events() {
        return List.copyOf(events);
    }

    synchronized void clear() {
        events.clear();
    }

    /** Waits until an event matches, then returns it as JSON. */
    JsonNode await(Predicate<ProcessEvent> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (ProcessEvent e : events()) {
                if (match.test(e)) return json(e);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no matching event within " + timeout + "; captured " + events().size());
    }

    static JsonNode json(ProcessEvent e) {
        try {
            return JSON.readTree(JsonEventWriter.toJson(e, "test", t -> t));
        } catch (Exception ex) {
            throw new AssertionError(ex);
        }
    }
}
