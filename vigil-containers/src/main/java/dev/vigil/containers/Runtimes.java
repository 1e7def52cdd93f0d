package dev.vigil.containers;

/** Names of container runtimes as they appear in {@link ContainerInfo#runtime()}. */
public final class Runtimes {
    public static final String PODMAN = "podman";
    public static final String DOCKER = "docker";
    public static final String CONTAINERD = "containerd";
    public static final String CRIO = "cri-o";
    public static final String UNKNOWN = "unknown";

    private Runtimes() {
    }
}
