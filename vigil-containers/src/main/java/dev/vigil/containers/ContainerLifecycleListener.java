package dev.vigil.containers;

/**
 * Container lifecycle callbacks from {@link ContainerInventory}, called on the inventory's
 * worker thread (or, for a container first seen while resolving an event, on the caller's
 * thread). Implementations must return quickly.
 */
public interface ContainerLifecycleListener {

    /** Event type names the agent emits for these callbacks. */
    String CONTAINER_START = "container_start";
    String CONTAINER_STOP = "container_stop";

    /** A container became known and is running. Called once per start. */
    void containerStarted(ContainerInfo container);

    /**
     * A running container's details changed after its start was announced: typically its name,
     * image and labels, once the runtime answered about a container first seen through its cgroup.
     */
    default void containerUpdated(ContainerInfo container) {}

    /** A running container stopped; it stays resolvable for the grace period. */
    void containerStopped(ContainerInfo container);
}
