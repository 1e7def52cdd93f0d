package dev.vigil.containers;

import java.util.Map;
import java.util.Objects;

/**
 * The Kubernetes pod a container belongs to. Unknown parts are empty strings, so a pod seen
 * only through its cgroup path has a uid but no name or namespace.
 */
public record PodInfo(String name, String namespace, String uid) {

    public static final String LABEL_NAME = "io.kubernetes.pod.name";
    public static final String LABEL_NAMESPACE = "io.kubernetes.pod.namespace";
    public static final String LABEL_UID = "io.kubernetes.pod.uid";

    public PodInfo {
        name = Objects.requireNonNullElse(name, "");
        namespace = Objects.requireNonNullElse(namespace, "");
        uid = Objects.requireNonNullElse(uid, "");
    }

    /** The pod named by the kubelet's container labels, or null when none of them is present. */
    public static PodInfo fromLabels(Map<String, String> labels) {
        if (labels == null) {
            return null;
        }
        String name = labels.get(LABEL_NAME);
        String namespace = labels.get(LABEL_NAMESPACE);
        String uid = labels.get(LABEL_UID);
        if (name == null && namespace == null && uid == null) {
            return null;
        }
        return new PodInfo(name, namespace, uid);
    }
}
