package dev.vigil.net.policy;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * {@code spec.network} of a RuntimePolicy: L3/L4 rules per direction (the container's point of
 * view) and bandwidth limits. Bound by the agent's policy parser (unknown keys are errors
 * there), then checked by {@link #validate()}. docs/network.md describes the semantics.
 */
public record NetworkSpec(
        @JsonProperty("ingress") DirectionSpec ingress,
        @JsonProperty("egress") DirectionSpec egress,
        @JsonProperty("bandwidth") BandwidthSpec bandwidth) {

    public record DirectionSpec(
            @JsonProperty("defaultAction") String defaultAction,
            @JsonProperty("rules") List<RuleSpec> rules) {}

    /** {@code cidr} missing: every address of both families. {@code protocol} missing: any. */
    public record RuleSpec(
            @JsonProperty(value = "action", required = true) String action,
            @JsonProperty("cidr") String cidr,
            @JsonProperty("ports") List<String> ports,
            @JsonProperty("protocol") String protocol) {}

    public record BandwidthSpec(
            @JsonProperty("ingress") LimitSpec ingress,
            @JsonProperty("egress") LimitSpec egress) {}

    /** tc-style rates: {@code 10mbit}, {@code 1.5gbit}, {@code 500kbps}; ceil defaults to rate. */
    public record LimitSpec(
            @JsonProperty(value = "rate", required = true) String rate,
            @JsonProperty("ceil") String ceil) {}

    /** Checks every value; the first problem is thrown with the key and value it is about. */
    public NetworkModel validate() {
        return NetworkModel.of(this);
    }
}
