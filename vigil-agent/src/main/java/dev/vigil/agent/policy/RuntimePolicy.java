package dev.vigil.agent.policy;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.vigil.agent.guard.CommandLibrary;

import java.util.List;
import java.util.Map;

/**
 * A RuntimePolicy document, Kubernetes style. Each part of {@code spec} is its own optional
 * field, so later sections (escape, detection, network) are fields added to {@link Spec}
 * without touching the ones already there. docs/policy.md and docs/policy.schema.json describe it.
 */
public record RuntimePolicy(
        @JsonProperty(value = "apiVersion", required = true) String apiVersion,
        @JsonProperty(value = "kind", required = true) String kind,
        @JsonProperty(value = "metadata", required = true) Metadata metadata,
        @JsonProperty(value = "spec", required = true) Spec spec) {

    public static final String API_VERSION = "vigil.dev/v1alpha1";
    public static final String KIND = "RuntimePolicy";

    public record Metadata(@JsonProperty("name") String name) {}

    public record Spec(@JsonProperty("selector") Selector selector,
                       @JsonProperty("escape") Escape escape,
                       @JsonProperty("network") dev.vigil.net.policy.NetworkSpec network) {}

    /**
     * Escape protection: what each protection does for the selected workloads. Unset parts keep
     * the shipped defaults; see docs/escape.md for the protections and their actions.
     */
    public record Escape(
            @JsonProperty("commands") Commands commands,
            @JsonProperty("hostFiles") HostFiles hostFiles,
            @JsonProperty("privilegedOps") Map<String, String> privilegedOps,
            @JsonProperty("extraCommands") List<CommandLibrary.Command> extraCommands) {}

    /** The command library as a whole: {@code action} applies to every rule. */
    public record Commands(@JsonProperty("action") String action) {}

    /** Host files reached from containers; {@code sensitive} for credentials, cron, ssh keys, runtime sockets. */
    public record HostFiles(@JsonProperty("action") String action, @JsonProperty("sensitive") String sensitive) {}

    /**
     * Which workloads the policy is about; every given criterion must hold. No selector (or an
     * empty one) selects every container; {@code host: true} also selects processes outside containers.
     */
    public record Selector(
            @JsonProperty("containerName") List<String> containerName,
            @JsonProperty("image") List<String> image,
            @JsonProperty("labels") Map<String, String> labels,
            @JsonProperty("podNamespace") List<String> podNamespace,
            @JsonProperty("host") Boolean host) {}

    public String name() {
        return metadata.name();
    }
}
