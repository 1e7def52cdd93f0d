package dev.vigil.events.output;

import dev.vigil.events.Event;

/** Where events go after the pipeline. Called on the pipeline thread; flush at the end of each batch. */
public interface EventSink extends AutoCloseable {
    void accept(Event event);

    void flush();

    @Override
    default void close() {
        flush();
    }
}
