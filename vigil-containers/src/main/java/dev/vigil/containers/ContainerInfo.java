package dev.vigil.containers;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the agent knows about one container. Sources differ in how much they know: the Docker
 * API fills everything, the cgroup scan knows only the id, runtime and processes. Unknown
 * strings are "", unknown objects are null.
 *
 * @param id         full 64-hex container id
 * @param name       name without the leading "/" Docker puts there
 * @param image      image reference the container was created from
 * @param imageId    image id ("sha256:...")
 * @param pod        Kubernetes pod from the kubelet labels or the cgroup path, else null
 * @param runtime    one of {@link Runtimes}
 * @param initPid    host pid of the container's first process, 0 if unknown or not running
 * @param startedAt  when the container started, null if unknown
 * @param cgroupPath the container's cgroup relative to the cgroup v2 root (e.g.
 *                   "/libpod_parent/libpod-&lt;id&gt;"), null if unknown
 * @param config     security configuration, null when the source cannot see it
 */
public record ContainerInfo(
        String id,
        String name,
        String image,
        String imageId,
        Map<String, String> labels,
        PodInfo pod,
        String runtime,
        int initPid,
        Instant startedAt,
        String cgroupPath,
        ContainerConfig config) {

    public ContainerInfo {
        Objects.requireNonNull(id, "id");
        name = Objects.requireNonNullElse(name, "");
        image = Objects.requireNonNullElse(image, "");
        imageId = Objects.requireNonNullElse(imageId, "");
        // Sorted so that two sources reporting the same labels produce equal records.
        labels = labels == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(labels));
        runtime = runtime == null || runtime.isBlank() ? Runtimes.UNKNOWN : runtime;
    }

    /** The first 12 characters, as runtimes print ids. */
    public String shortId() {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }

    public ContainerInfo withCgroupPath(String path) {
        return new ContainerInfo(id, name, image, imageId, labels, pod, runtime, initPid, startedAt, path, config);
    }

    public ContainerInfo withConfig(ContainerConfig newConfig) {
        return new ContainerInfo(id, name, image, imageId, labels, pod, runtime, initPid, startedAt, cgroupPath, newConfig);
    }

    public ContainerInfo withRuntime(String newRuntime) {
        return new ContainerInfo(id, name, image, imageId, labels, pod, newRuntime, initPid, startedAt, cgroupPath, config);
    }
}
