/**
 * Container localization: which container an event came from, and how risky that container's
 * configuration is.
 *
 * <p>{@link dev.vigil.containers.ContainerInventory} keeps the live set of containers, fed by a
 * {@link dev.vigil.containers.ContainerSource}: the Docker Engine API
 * ({@link dev.vigil.containers.DockerApiSource}, also Podman's compat service) when its socket
 * answers, else cgroup membership in /proc ({@link dev.vigil.containers.CgroupSource}). Events
 * carry a cgroup id; {@link dev.vigil.containers.CgroupFs} maps container cgroups to those ids
 * and {@link dev.vigil.containers.CgroupPaths} recognises runtimes' cgroup naming schemes.
 * {@link dev.vigil.containers.RiskAssessor} judges a container's configuration at start.
 */
package dev.vigil.containers;
