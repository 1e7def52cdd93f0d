package dev.vigil.containers;

import java.util.Objects;

/**
 * A container recognised in a cgroup path.
 *
 * @param runtime         one of {@link Runtimes}, guessed from the naming scheme
 * @param containerId     full 64-hex id
 * @param podUid          Kubernetes pod uid with dashes, or null outside Kubernetes
 * @param containerCgroup the path up to and including the container's own cgroup, so that
 *                        sub-cgroups made inside the container map back to it
 */
public record CgroupMatch(String runtime, String containerId, String podUid, String containerCgroup) {
    public CgroupMatch {
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(containerId, "containerId");
        Objects.requireNonNull(containerCgroup, "containerCgroup");
    }
}
