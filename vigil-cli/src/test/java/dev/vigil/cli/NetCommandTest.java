package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.agent.Agent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** vigil net and the network line of vigil status, over the real socket against an in-process agent. */
@Tag("kernel")
class NetCommandTest {
    private static Path dir;
    private static Agent agent;

    @BeforeAll
    static void startAgent() throws Exception {
        dir = Files.createTempDirectory("vigil-net-cli");
        agent = TestAgents.start(dir, new TestAgents.Collector(), Map.of());
    }

    @AfterAll
    static void stopAgent() {
        if (agent != null) agent.close();
    }

    private static TestAgents.Result vigil(String... args) {
        return TestAgents.cli(dir.resolve("api/vigil.sock"), args);
    }

    @Test
    void statsFlowsAndStatusShowTheNetworkState() throws Exception {
        TestAgents.Result stats = vigil("net", "stats", "-o", "json");
        assertThat(stats.exit()).as(stats.toString()).isZero();
        JsonNode s = stats.json();
        assertThat(s.path("status").path("mode").asText()).isEqualTo("tc+socket");
        assertThat(s.path("kernel_errors").has("counter_map_full")).as(s.toString()).isTrue();

        TestAgents.Result flows = vigil("net", "flows", "--blocked", "--container", "nothing-here", "-o", "json");
        assertThat(flows.exit()).as(flows.toString()).isZero();
        assertThat(flows.json().path("flows").size()).isZero();

        TestAgents.Result table = vigil("net", "stats");
        assertThat(table.exit()).isZero();
        assertThat(table.out()).contains("network protection: tc+socket").contains("KERNEL ERROR");

        TestAgents.Result status = vigil("status");
        assertThat(status.out()).contains("network protection: tc+socket, 0 interfaces");
    }

    @Test
    void aBadNetworkSectionIsRefusedWithFileAndLine() throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, "apiVersion: vigil.dev/v1alpha1\nkind: RuntimePolicy\nmetadata:\n  name: bad\nspec:\n  network:\n"
                + "    egress:\n      rules:\n        - {action: deny, cidr: 10.0.0.0/33}\n");
        TestAgents.Result r = vigil("policy", "apply", "-f", f.toString());
        assertThat(r.exit()).isEqualTo(6);
        assertThat(r.err()).contains("bad.yaml:9: spec.network.egress.rules[0].cidr");
    }
}
