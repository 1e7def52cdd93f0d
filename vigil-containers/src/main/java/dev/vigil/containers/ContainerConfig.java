package dev.vigil.containers;

import java.util.List;
import java.util.Objects;

/**
 * The security-relevant part of a container's configuration, as the runtime reports it at
 * start. Input to {@link RiskAssessor}.
 *
 * @param capAdd         capabilities added on top of the runtime default, as the runtime spells
 *                       them ("SYS_ADMIN" or "CAP_SYS_ADMIN")
 * @param user           the configured user ("" when the image default applies, which is
 *                       usually root)
 * @param seccompProfile {@link #SECCOMP_DEFAULT}, {@link #SECCOMP_UNCONFINED} or the name/path
 *                       of a custom profile
 * @param networkMode    "bridge", "host", "none", "container:&lt;id&gt;", ... ("" if unknown)
 */
public record ContainerConfig(
        boolean privileged,
        List<String> capAdd,
        boolean hostPid,
        boolean hostNet,
        boolean hostIpc,
        List<Mount> mounts,
        String user,
        boolean readonlyRootfs,
        String seccompProfile,
        String networkMode) {

    /** The runtime's built-in profile; runtimes do not name it in their inspect output. */
    public static final String SECCOMP_DEFAULT = "runtime/default";
    public static final String SECCOMP_UNCONFINED = "unconfined";

    public ContainerConfig {
        capAdd = capAdd == null ? List.of() : List.copyOf(capAdd);
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
        user = Objects.requireNonNullElse(user, "");
        seccompProfile = seccompProfile == null || seccompProfile.isBlank() ? SECCOMP_DEFAULT : seccompProfile;
        networkMode = Objects.requireNonNullElse(networkMode, "");
    }

    /** A host path made visible inside the container. */
    public record Mount(String source, String destination, boolean readWrite) {
        public Mount {
            source = Objects.requireNonNullElse(source, "");
            destination = Objects.requireNonNullElse(destination, "");
        }
    }
}
