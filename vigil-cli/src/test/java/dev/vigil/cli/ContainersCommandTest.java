package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.agent.Agent;
import dev.vigil.containers.Podman;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A real podman container: listed, inspected with its risk findings, and its lifecycle stored and counted. */
@Tag("kernel")
class ContainersCommandTest {
    @Test
    void aPrivilegedContainerIsListedInspectedAndStored() throws Exception {
        Podman.ensureImage();
        Path dir = Files.createTempDirectory("vigil-containers");
        Path socket = dir.resolve("api/vigil.sock");
        try (Podman podman = new Podman(); Podman.Service service = new Podman.Service(dir.resolve("podman.sock")).start()) {
            Agent agent = TestAgents.start(dir, null, Map.of("containers.runtimeSocket", service.socket().toString()));
            try {
                String id = podman.runDetached("risky", "--privileged", Podman.IMAGE, "sleep", "120");
                String name = podman.name("risky");

                JsonNode detail = null;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (System.nanoTime() < deadline) {
                    TestAgents.Result r = TestAgents.cli(socket, "containers", "inspect", name, "-o", "json");
                    if (r.exit() == 0 && r.json().path("config").path("privileged").asBoolean()) {
                        detail = r.json();
                        break;
                    }
                    Thread.sleep(200);
                }
                assertThat(detail).as("inspect " + name).isNotNull();
                assertThat(detail.path("container").path("id").asText()).isEqualTo(id);
                assertThat(detail.path("findings").findValuesAsText("id")).contains("privileged");

                assertThat(TestAgents.cli(socket, "containers").out()).contains(id.substring(0, 12)).contains(name).contains("running");
                TestAgents.Result byPrefix = TestAgents.cli(socket, "containers", "inspect", id.substring(0, 12));
                assertThat(byPrefix.out()).contains("privileged").contains("RISK");
                TestAgents.Result unknown = TestAgents.cli(socket, "containers", "inspect", "no-such-container");
                assertThat(unknown.exit()).isEqualTo(ExitCodes.NOT_FOUND);

                // container_start and container_risk are stored by default, so queries and stats see them.
                agent.store().flush();
                TestAgents.Result stored = null;
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (System.nanoTime() < deadline) {
                    agent.store().flush();
                    stored = TestAgents.cli(socket, "events", "--container", name, "-o", "json");
                    if (stored.out().contains("container_risk") && stored.out().contains("container_start")) break;
                    Thread.sleep(200);
                }
                assertThat(stored.out()).as(stored.toString()).contains("container_risk").contains("container_start");
                JsonNode stats = TestAgents.cli(socket, "stats", "--since", "1h", "-o", "json").json();
                assertThat(stats.path("top_containers").findValuesAsText("key")).contains(name);
                assertThat(stats.path("top_rules").findValuesAsText("key")).anyMatch(k -> k.contains("privileged"));
            } finally {
                agent.close();
            }
        }
    }
}
