package dev.vigil.agent.policy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** spec.network through the policy parser: bound strictly, validated whole, errors as FILE:LINE: reason. */
class NetworkPolicyParserTest {
    private static final String HEAD = "apiVersion: vigil.dev/v1alpha1\nkind: RuntimePolicy\nmetadata:\n  name: web\nspec:\n  network:\n";

    @Test
    void theDocumentedShapeParses() {
        RuntimePolicy p = PolicyParser.parse(HEAD + """
                    ingress: {defaultAction: allow, rules: []}
                    egress:
                      defaultAction: allow
                      rules:
                        - {action: deny, cidr: 10.0.0.0/8, ports: ["22", "3000-3999"], protocol: TCP}
                        - {action: deny, cidr: "fd00::/8", protocol: UDP}
                    bandwidth:
                      egress: {rate: 10mbit, ceil: 20mbit}
                """, "web.yaml");
        assertThat(p.spec().network().egress().rules()).hasSize(2);
        assertThat(p.spec().network().validate().egressLimit().ceilBits()).isEqualTo(20_000_000);
    }

    @Test
    void errorsPointAtTheLine() {
        assertThatThrownBy(() -> PolicyParser.parse(HEAD + "    egress:\n      rules:\n        - {action: deny, port: [\"22\"]}\n", "web.yaml"))
                .isInstanceOf(PolicyException.class).hasMessageStartingWith("web.yaml:9: unknown field \"port\"");
        assertThatThrownBy(() -> PolicyParser.parse(HEAD + "    egress:\n      rules:\n        - {action: deny}\n        - {action: deny, cidr: 10.0.0.1/8}\n", "web.yaml"))
                .hasMessageStartingWith("web.yaml:10: spec.network.egress.rules[1].cidr: \"10.0.0.1/8\" has host bits set");
        assertThatThrownBy(() -> PolicyParser.parse(HEAD + "    bandwidth:\n      ingress:\n        rate: 10 parsecs\n", "web.yaml"))
                .hasMessageStartingWith("web.yaml:9: spec.network.bandwidth.ingress.rate");
        assertThatThrownBy(() -> PolicyParser.parse(HEAD + "    egres: {}\n", "web.yaml"))
                .hasMessageStartingWith("web.yaml:7: unknown field \"egres\"");
    }
}
