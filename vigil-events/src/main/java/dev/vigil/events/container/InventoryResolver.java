package dev.vigil.events.container;

import dev.vigil.containers.ContainerInfo;
import dev.vigil.containers.ContainerInventory;
import dev.vigil.events.process.ContainerResolver;

/**
 * Places processes in containers: by cgroup id first, then, as the design documents do, by the
 * process's mount namespace (the container's first process's), which also places processes that
 * joined a container's namespaces without joining its cgroup (nsenter from the host). Where both
 * answer and disagree, the cgroup wins and the disagreement is counted. Used from the pipeline
 * thread (and before it starts, from the thread that starts the agent).
 */
public final class InventoryResolver implements ContainerResolver {
    private final ContainerInventory inventory;
    private volatile long byNamespace, conflicts;

    public InventoryResolver(ContainerInventory inventory) {
        this.inventory = inventory;
    }

    @Override
    public ContainerInfo resolve(long cgroupId, int pid) {
        return inventory.resolve(cgroupId, pid).orElse(null);
    }

    @Override
    public ContainerInfo resolve(long cgroupId, int pid, long mntNs) {
        ContainerInfo byCgroup = resolve(cgroupId, pid);
        if (byCgroup != null) {
            // The common case costs a map lookup; only a disagreement is checked against /proc.
            String owner = inventory.mountNamespaceOwner(mntNs).orElse(null);
            if (owner != null && !owner.equals(byCgroup.id()) && inventory.resolveMountNamespace(mntNs).isPresent()) conflicts++;
            return byCgroup;
        }
        ContainerInfo byMount = inventory.resolveMountNamespace(mntNs).orElse(null);
        if (byMount != null) byNamespace++;
        return byMount;
    }

    /** Processes placed by their mount namespace because their cgroup named no container. */
    public long placedByNamespace() {
        return byNamespace;
    }

    /** Processes whose cgroup and mount namespace named different containers. */
    public long conflicts() {
        return conflicts;
    }
}
