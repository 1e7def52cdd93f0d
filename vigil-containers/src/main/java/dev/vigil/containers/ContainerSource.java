package dev.vigil.containers;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where the inventory learns about containers. Implementations: {@link DockerApiSource} (Docker
 * Engine API, also served by Podman), {@link CgroupSource} (no runtime socket needed). A CRI
 * source (containerd / CRI-O over gRPC: ListContainers, ContainerStatus, GetContainerEvents)
 * belongs here as a third implementation; nothing else needs to change to add it.
 */
public interface ContainerSource {

    /** Short name for logs and status output, e.g. "docker-api". */
    String name();

    /** Running containers. */
    List<ContainerInfo> list() throws IOException;

    /** One container by id (or name, where the source supports names); empty if unknown. */
    Optional<ContainerInfo> inspect(String id) throws IOException;

    /**
     * What an event alone says about its container, for one that is gone before it could be
     * inspected (short-lived containers): at least the id, often name, image and labels.
     */
    default Optional<ContainerInfo> describe(RuntimeEvent event) {
        return Optional.empty();
    }

    /**
     * Delivers lifecycle events on a background daemon thread until the returned handle is
     * closed. The listener must not block for long.
     */
    default Closeable watch(Consumer<RuntimeEvent> listener) {
        return watch(listener, WatchStatus.IGNORE);
    }

    /**
     * Like {@link #watch(Consumer)}, also reporting whether the source is reachable. After
     * each {@link WatchStatus#connected()} events may have been missed, so callers resync with
     * {@link #list()}.
     */
    Closeable watch(Consumer<RuntimeEvent> listener, WatchStatus status);

    /** Connectivity of a watch. Called from the watch thread. */
    interface WatchStatus {
        WatchStatus IGNORE = new WatchStatus() {
            @Override
            public void connected() {
            }

            @Override
            public void disconnected(Exception cause) {
            }
        };

        void connected();

        void disconnected(Exception cause);
    }
}
