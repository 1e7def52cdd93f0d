package dev.vigil.events.process;

import dev.vigil.containers.ContainerInfo;

/** Finds the container of a process from what the kernel reported; null for host processes. */
@FunctionalInterface
public interface ContainerResolver {
    ContainerResolver NONE = (cgroupId, pid) -> null;

    ContainerInfo resolve(long cgroupId, int pid);
}
