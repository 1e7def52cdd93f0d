package dev.vigil.events.process;

import dev.vigil.containers.ContainerInfo;

/** Finds the container of a process from what the kernel reported; null for host processes. */
@FunctionalInterface
public interface ContainerResolver {
    ContainerResolver NONE = (cgroupId, pid) -> null;

    ContainerInfo resolve(long cgroupId, int pid);

    /** With the process's mount namespace inode too, where the kernel reported it (exec records). */
    default ContainerInfo resolve(long cgroupId, int pid, long mntNs) {
        return resolve(cgroupId, pid);
    }
}
