package dev.vigil.containers;

import java.util.Map;
import java.util.Objects;

/**
 * A container lifecycle change reported by a {@link ContainerSource}.
 *
 * @param attributes what the runtime attached to the event (Docker: "name", "image" and the
 *                   container's labels); lets a container that is gone before it can be
 *                   inspected still be recorded with a name. Empty when the source has none.
 */
public record RuntimeEvent(Kind kind, String id, Map<String, String> attributes) {

    public enum Kind {
        /** The container's processes are running. */
        START,
        /** The container's processes have exited; it may still exist and restart. */
        STOP,
        /** The container was removed; its id will not come back. */
        DESTROY
    }

    public RuntimeEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    public RuntimeEvent(Kind kind, String id) {
        this(kind, id, Map.of());
    }
}
