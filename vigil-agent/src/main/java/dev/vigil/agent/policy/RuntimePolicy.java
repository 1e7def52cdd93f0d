package dev.vigil.agent.policy;

import com.fasterxml.jackson.annotation.JsonProperty;

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
                       @JsonProperty("network") dev.vigil.net.policy.NetworkSpec network) {}

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
