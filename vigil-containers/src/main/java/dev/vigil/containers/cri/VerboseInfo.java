package dev.vigil.containers.cri;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.containers.ContainerConfig;
import dev.vigil.containers.cri.v1.Mount;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a verbose ContainerStatus adds: the runtime's "info" JSON. containerd and CRI-O both
 * put the init pid and the OCI runtime spec there; containerd adds the CRI container config
 * the kubelet sent ("config"), CRI-O a "privileged" flag. The OCI spec is what the container
 * really runs with, so it decides where both say something.
 *
 * @param pid       host pid of the container's init process, 0 if not reported
 * @param sandboxId the pod sandbox the container belongs to, "" if not reported
 * @param config    the security configuration, null when the runtime reported nothing usable
 */
record VerboseInfo(int pid, String sandboxId, ContainerConfig config) {

    private static final System.Logger LOG = System.getLogger(VerboseInfo.class.getName());
    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final VerboseInfo NONE = new VerboseInfo(0, "", null);

    /**
     * The capabilities containerd grants every container (Docker's default set). Only those
     * beyond it are "added"; CRI-O's default is a subset, so this never hides an addition.
     */
    static final Set<String> DEFAULT_CAPABILITIES = Set.of("CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD",
            "NET_RAW", "SETGID", "SETUID", "SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE");

    /** CRI NamespaceMode NODE: the namespace is the host's. */
    private static final int NAMESPACE_NODE = 2;
    /** CRI SecurityProfile types. */
    private static final int PROFILE_UNCONFINED = 1;
    private static final int PROFILE_LOCALHOST = 2;

    /**
     * Parses the info map of a ContainerStatusResponse. {@code statusMounts} are the CRI
     * mounts of the status itself, which name only what the kubelet asked to mount (volumes),
     * not the runtime's own plumbing (/etc/hosts and the like).
     */
    static VerboseInfo parse(Map<String, String> info, List<Mount> statusMounts) {
        String json = info.get("info");
        if (json == null || json.isBlank()) {
            return NONE;
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "unparseable CRI verbose info: {0}", e.getMessage());
            return NONE;
        }
        if (!root.isObject()) {
            return NONE;
        }
        int pid = Math.max(0, root.path("pid").asInt(0));
        JsonNode spec = root.path("runtimeSpec");
        JsonNode security = field(field(root.path("config"), "linux"), "security_context", "securityContext");
        boolean knowsSomething = spec.isObject() || security.isObject() || root.has("privileged");
        String sandboxId = root.path("sandboxID").asText("");
        return new VerboseInfo(pid, sandboxId, knowsSomething ? config(root, spec, security, statusMounts) : null);
    }

    private static ContainerConfig config(JsonNode root, JsonNode spec, JsonNode security, List<Mount> statusMounts) {
        boolean privileged = security.path("privileged").asBoolean(false) || root.path("privileged").asBoolean(false);
        JsonNode namespaces = spec.path("linux").path("namespaces");
        JsonNode nsOptions = field(security, "namespace_options", "namespaceOptions");
        boolean hostPid = sharesHost(namespaces, "pid") || nsOptions.path("pid").asInt(-1) == NAMESPACE_NODE;
        boolean hostNet = sharesHost(namespaces, "network") || nsOptions.path("network").asInt(-1) == NAMESPACE_NODE;
        boolean hostIpc = sharesHost(namespaces, "ipc") || nsOptions.path("ipc").asInt(-1) == NAMESPACE_NODE;
        String networkMode = hostNet ? "host" : (namespaces.isArray() ? "pod" : "");
        return new ContainerConfig(
                privileged,
                addedCapabilities(spec, security),
                hostPid,
                hostNet,
                hostIpc,
                statusMounts.isEmpty() ? bindMounts(spec) : mounts(statusMounts),
                user(spec, security),
                spec.path("root").path("readonly").asBoolean(false)
                        || field(security, "readonly_rootfs", "readonlyRootfs").asBoolean(false),
                seccomp(spec, security),
                networkMode);
    }

    /**
     * An OCI spec lists the namespaces the container gets (new, or joined by path); a type
     * that is missing is inherited from the runtime, i.e. the host's. Without a list, unknown.
     */
    private static boolean sharesHost(JsonNode namespaces, String type) {
        if (!namespaces.isArray()) {
            return false;
        }
        for (JsonNode ns : namespaces) {
            if (type.equals(ns.path("type").asText())) {
                return false;
            }
        }
        return true;
    }

    /** Requested additions (containerd's config) and whatever the spec grants beyond the default. */
    private static List<String> addedCapabilities(JsonNode spec, JsonNode security) {
        Set<String> out = new LinkedHashSet<>();
        JsonNode requested = field(field(security, "capabilities"), "add_capabilities", "addCapabilities");
        for (JsonNode cap : requested) {
            out.add(capabilityName(cap.asText()));
        }
        for (JsonNode cap : spec.path("process").path("capabilities").path("bounding")) {
            String name = capabilityName(cap.asText());
            if (!DEFAULT_CAPABILITIES.contains(name)) {
                out.add(name);
            }
        }
        out.remove("");
        return List.copyOf(out);
    }

    private static String capabilityName(String raw) {
        String name = raw.trim().toUpperCase(Locale.ROOT);
        return name.startsWith("CAP_") ? name.substring(4) : name;
    }

    private static List<ContainerConfig.Mount> mounts(List<Mount> statusMounts) {
        List<ContainerConfig.Mount> out = new ArrayList<>();
        for (Mount m : statusMounts) {
            out.add(new ContainerConfig.Mount(m.getHostPath(), m.getContainerPath(), !m.getReadonly()));
        }
        return out;
    }

    /** Bind mounts of the OCI spec: the host paths visible inside (proc, tmpfs etc. are not). */
    private static List<ContainerConfig.Mount> bindMounts(JsonNode spec) {
        List<ContainerConfig.Mount> out = new ArrayList<>();
        for (JsonNode m : spec.path("mounts")) {
            List<String> options = new ArrayList<>();
            m.path("options").forEach(o -> options.add(o.asText()));
            boolean bind = "bind".equals(m.path("type").asText()) || options.contains("bind") || options.contains("rbind");
            if (bind) {
                out.add(new ContainerConfig.Mount(m.path("source").asText(""), m.path("destination").asText(""),
                        !options.contains("ro")));
            }
        }
        return out;
    }

    /** The uid the spec runs the process as (resolved from the image), else what was asked for. */
    private static String user(JsonNode spec, JsonNode security) {
        JsonNode uid = spec.path("process").path("user").path("uid");
        if (uid.isIntegralNumber()) {
            return uid.asText();
        }
        String name = field(security, "run_as_username", "runAsUsername").asText("");
        if (!name.isEmpty()) {
            return name;
        }
        JsonNode runAs = field(field(security, "run_as_user", "runAsUser"), "value");
        // omitempty drops a zero value, so a present run_as_user without a value is uid 0.
        return field(security, "run_as_user", "runAsUser").isObject() ? String.valueOf(runAs.asLong(0)) : "";
    }

    /**
     * A spec without a seccomp section runs unconfined (as Kubernetes does by default); with
     * one, it is the runtime default unless the kubelet named a profile on the node.
     */
    private static String seccomp(JsonNode spec, JsonNode security) {
        JsonNode profile = security.path("seccomp");
        int type = field(profile, "profile_type", "profileType").asInt(0);
        if (spec.isObject()) {
            JsonNode section = spec.path("linux").path("seccomp");
            if (section.isMissingNode() || section.isNull()) {
                return ContainerConfig.SECCOMP_UNCONFINED;
            }
            return type == PROFILE_LOCALHOST ? localhostRef(profile) : ContainerConfig.SECCOMP_DEFAULT;
        }
        if (!profile.isObject()) {
            return ContainerConfig.SECCOMP_DEFAULT;
        }
        return switch (type) {
            case PROFILE_UNCONFINED -> ContainerConfig.SECCOMP_UNCONFINED;
            case PROFILE_LOCALHOST -> localhostRef(profile);
            default -> ContainerConfig.SECCOMP_DEFAULT;
        };
    }

    private static String localhostRef(JsonNode profile) {
        String ref = field(profile, "localhost_ref", "localhostRef").asText("");
        return ref.isEmpty() ? "localhost" : ref;
    }

    /**
     * containerd marshals the CRI config with Go's encoding/json and the protobuf field names
     * (snake_case); a runtime using protojson would send camelCase. Accept either.
     */
    private static JsonNode field(JsonNode node, String name, String... aliases) {
        JsonNode v = node.path(name);
        for (int i = 0; v.isMissingNode() && i < aliases.length; i++) {
            v = node.path(aliases[i]);
        }
        return v;
    }
}
