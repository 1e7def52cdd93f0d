package dev.vigil.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.containers.Podman;
import dev.vigil.events.process.ProcessEvent;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** With no runtime socket at all, containers are still placed: by id, from their cgroups. */
@Tag("kernel")
class SocketlessAttributionTest {
    @Test
    void containerEventsCarryTheIdWithoutARuntimeApi() throws Exception {
        Podman.ensureImage();
        CapturingSink sink = new CapturingSink(e -> e instanceof ProcessEvent p && p.process().container() != null);
        try (Podman podman = new Podman();
             Agent agent = Agent.start(TestConfigs.load(Map.of("output.path", "/dev/null",
                     "containers.runtimeSocket", "/nonexistent/vigil-test.sock")), List.of(sink))) {
            String token = "vigil-" + UUID.randomUUID();
            String id = podman.runDetached("nosocket", Podman.IMAGE, "echo", token);
            JsonNode exec = sink.await(e -> e instanceof ProcessEvent.Exec x && x.process().args().equals(List.of("echo", token)),
                    Duration.ofSeconds(20));
            assertThat(exec.get("container").get("id").asText()).isEqualTo(id);
            assertThat(exec.get("container").get("runtime").asText()).isEqualTo("podman");
            assertThat(agent.stats().containerSource()).isNotEqualTo("docker-api");
        }
    }
}
