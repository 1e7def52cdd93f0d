package dev.vigil.containers.cri;

import dev.vigil.containers.ContainerInfo;
import dev.vigil.containers.PodInfo;
import dev.vigil.containers.RuntimeEvent;
import dev.vigil.containers.Runtimes;
import dev.vigil.containers.cri.v1.Container;
import dev.vigil.containers.cri.v1.ContainerEventResponse;
import dev.vigil.containers.cri.v1.ContainerState;
import dev.vigil.containers.cri.v1.ContainerStatus;
import dev.vigil.containers.cri.v1.ImageSpec;
import dev.vigil.containers.cri.v1.PodSandboxMetadata;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Maps CRI messages to the inventory's types. */
final class CriMapping {

    /** Event attribute keys next to the labels, as the Docker source names them. */
    static final String ATTR_NAME = "name";
    static final String ATTR_IMAGE = "image";
    private static final Pattern IMAGE_ID = Pattern.compile("(sha256:)?[0-9a-f]{64}");

    private CriMapping() {
    }

    /**
     * A verbose ContainerStatus. {@code pod} comes from the kubelet's labels or the sandbox;
     * the cgroup path is left for the caller, which knows where /proc is.
     */
    static ContainerInfo fromStatus(ContainerStatus s, VerboseInfo verbose, PodInfo pod, String runtime) {
        boolean running = s.getState() == ContainerState.CONTAINER_RUNNING;
        return new ContainerInfo(
                s.getId(),
                s.getMetadata().getName(),
                imageName(s.getImage(), s.getImageRef()),
                s.getImageId().isEmpty() ? s.getImageRef() : s.getImageId(),
                s.getLabelsMap(),
                pod,
                runtime,
                running ? verbose.pid() : 0,
                instant(s.getStartedAt()),
                null,
                verbose.config());
    }

    /**
     * The image as the user named it. containerd reports the image id in ImageSpec.image of
     * some messages; then the user's reference, or the digested reference, says more.
     */
    static String imageName(ImageSpec spec, String imageRef) {
        String image = spec.getImage();
        if ((image.isEmpty() || IMAGE_ID.matcher(image).matches()) && !spec.getUserSpecifiedImage().isEmpty()) {
            image = spec.getUserSpecifiedImage();
        }
        return image.isEmpty() ? imageRef : image;
    }

    /** CRI timestamps are nanoseconds since the epoch; 0 means "not set". */
    static Instant instant(long nanos) {
        return nanos <= 0 ? null : Instant.ofEpochSecond(0, nanos);
    }

    /** The kubelet's pod labels, completed (or replaced) by the sandbox's own metadata. */
    static PodInfo pod(Map<String, String> labels, PodSandboxMetadata sandbox) {
        PodInfo fromLabels = PodInfo.fromLabels(labels);
        if (sandbox == null) {
            return fromLabels;
        }
        PodInfo base = fromLabels == null ? new PodInfo("", "", "") : fromLabels;
        return new PodInfo(
                sandbox.getName().isEmpty() ? base.name() : sandbox.getName(),
                sandbox.getNamespace().isEmpty() ? base.namespace() : sandbox.getNamespace(),
                sandbox.getUid().isEmpty() ? base.uid() : sandbox.getUid());
    }

    static boolean complete(PodInfo pod) {
        return pod != null && !pod.name().isEmpty() && !pod.namespace().isEmpty() && !pod.uid().isEmpty();
    }

    /**
     * One event of GetContainerEvents. CREATED says nothing about processes and is skipped;
     * so are the events containerd sends for pod sandboxes (their id is the sandbox's), which
     * are no containers of the pod.
     */
    static Optional<RuntimeEvent> toEvent(ContainerEventResponse e) {
        String id = e.getContainerId();
        if (id.isEmpty() || id.equals(e.getPodSandboxStatus().getId())) {
            return Optional.empty();
        }
        RuntimeEvent.Kind kind = switch (e.getContainerEventType()) {
            case CONTAINER_STARTED_EVENT -> RuntimeEvent.Kind.START;
            case CONTAINER_STOPPED_EVENT -> RuntimeEvent.Kind.STOP;
            case CONTAINER_DELETED_EVENT -> RuntimeEvent.Kind.DESTROY;
            case CONTAINER_CREATED_EVENT, UNRECOGNIZED -> null;
        };
        if (kind == null) {
            return Optional.empty();
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        for (ContainerStatus s : e.getContainersStatusesList()) {
            if (s.getId().equals(id)) {
                attributes.putAll(attributes(s.getMetadata().getName(), imageName(s.getImage(), s.getImageRef()),
                        s.getLabelsMap()));
            }
        }
        if (e.hasPodSandboxStatus() && !attributes.isEmpty()) {
            PodSandboxMetadata pod = e.getPodSandboxStatus().getMetadata();
            putIfNotEmpty(attributes, PodInfo.LABEL_NAME, pod.getName());
            putIfNotEmpty(attributes, PodInfo.LABEL_NAMESPACE, pod.getNamespace());
            putIfNotEmpty(attributes, PodInfo.LABEL_UID, pod.getUid());
        }
        return Optional.of(new RuntimeEvent(kind, id, attributes));
    }

    /** Attributes of an event synthesized from a listing, while polling. */
    static Map<String, String> attributes(Container c) {
        return attributes(c.getMetadata().getName(), imageName(c.getImage(), c.getImageRef()), c.getLabelsMap());
    }

    private static Map<String, String> attributes(String name, String image, Map<String, String> labels) {
        Map<String, String> out = new LinkedHashMap<>(labels);
        putIfNotEmpty(out, ATTR_NAME, name);
        putIfNotEmpty(out, ATTR_IMAGE, image);
        return out;
    }

    /** A minimal record of a container from an event, for one gone before it could be asked about. */
    static ContainerInfo fromEvent(RuntimeEvent event, String runtime) {
        Map<String, String> labels = new LinkedHashMap<>(event.attributes());
        String name = labels.remove(ATTR_NAME);
        String image = labels.remove(ATTR_IMAGE);
        return new ContainerInfo(event.id(), name, image, "", labels, PodInfo.fromLabels(labels), runtime,
                0, null, null, null);
    }

    /** Version.runtime_name, else a guess from the socket's path, for the runtime's name. */
    static String runtimeName(String reported, Path socket) {
        String r = reported == null ? "" : reported.toLowerCase(Locale.ROOT);
        if (r.contains("containerd")) {
            return Runtimes.CONTAINERD;
        }
        if (r.contains("cri-o") || r.contains("crio")) {
            return Runtimes.CRIO;
        }
        if (r.contains("docker")) {
            return Runtimes.DOCKER;
        }
        String path = socket.toString();
        if (path.contains("crio")) {
            return Runtimes.CRIO;
        }
        if (path.contains("containerd")) {
            return Runtimes.CONTAINERD;
        }
        return Runtimes.UNKNOWN;
    }

    private static void putIfNotEmpty(Map<String, String> map, String key, String value) {
        if (!value.isEmpty()) {
            map.putIfAbsent(key, value);
        }
    }
}
