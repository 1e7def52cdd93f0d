package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.agent.Agent;
import dev.vigil.store.StoredEvent;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What the agent keeps across restarts: applied policies and stored events, queried over the socket. */
@Tag("kernel")
class PersistenceTest {
    private static final Map<String, Object> STORE_EXECS = Map.of("store.types", List.of("process_exec", "container_start", "alert"));

    @Test
    void policiesAndStoredEventsSurviveARestart() throws Exception {
        Path dir = Files.createTempDirectory("vigil-persist");
        Path socket = dir.resolve("api/vigil.sock");
        Path policy = Files.writeString(dir.resolve("web.yaml"), ControlPlaneTest.policy("web-guard",
                "  selector:\n    containerName: [\"web-*\"]\n    image: [\"nginx:*\"]\n    labels: {tier: front}\n    podNamespace: [prod]\n    host: false\n"));
        String token = "stored-" + UUID.randomUUID();
        Agent agent = TestAgents.start(dir, null, STORE_EXECS);
        try {
            TestAgents.Result applied = TestAgents.cli(socket, "policy", "apply", "-f", policy.toString());
            assertThat(applied.exit()).as(applied.toString()).isZero();
            assertThat(applied.out()).contains("policy web-guard created");
            assertThat(TestAgents.cli(socket, "policy", "apply", "-f", policy.toString()).out()).contains("policy web-guard replaced");
            assertThat(TestAgents.cli(socket, "policy", "list").out()).contains("web-guard").contains(policy.toString());
            assertThat(TestAgents.cli(socket, "policy", "get", "web-guard").out()).isEqualTo(Files.readString(policy));

            // A real exec, stored by the pipeline because store.types asks for it...
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline && agent.store().query(new dev.vigil.store.EventQuery(null, null, java.util.Set.of("process_exec"),
                    null, null, null, null, 10000)).stream().noneMatch(e -> e.json().contains(token))) {
                new ProcessBuilder("/bin/echo", token).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
                Thread.sleep(200);
                agent.store().flush();
            }
            // ...and alerts appended the way later detection rules will.
            Instant now = Instant.now();
            agent.store().append(alert(now.minusSeconds(30), "shell_in_container", "critical", "block", "web-1"));
            agent.store().append(alert(now.minusSeconds(20), "shell_in_container", "critical", "alert", "web-1"));
            agent.store().append(alert(now.minusSeconds(10), "crypto_miner", "warning", "alert", "db-1"));
            agent.store().flush();
            assertStoreAnswers(socket, token);
        } finally {
            agent.close();
        }
        assertThat(Files.exists(socket)).as("the socket goes with the agent").isFalse();

        Agent again = TestAgents.start(dir, null, STORE_EXECS);
        try {
            assertThat(TestAgents.cli(socket, "policy", "get", "web-guard").out()).isEqualTo(Files.readString(policy));
            assertStoreAnswers(socket, token);

            TestAgents.Result deleted = TestAgents.cli(socket, "policy", "delete", "web-guard");
            assertThat(deleted.exit()).as(deleted.toString()).isZero();
            assertThat(TestAgents.cli(socket, "policy", "list", "-o", "json").json().path("policies")).isEmpty();
            TestAgents.Result gone = TestAgents.cli(socket, "policy", "get", "web-guard");
            assertThat(gone.exit()).isEqualTo(ExitCodes.NOT_FOUND);
            assertThat(gone.err().strip()).isEqualTo("vigil: no policy named \"web-guard\"");
            assertThat(TestAgents.cli(socket, "policy", "delete", "web-guard").exit()).isEqualTo(ExitCodes.NOT_FOUND);
        } finally {
            again.close();
        }
    }

    @Test
    void aBadPolicyFileOnDiskIsSkippedAndAnUnusableStoreIsReportedNotFatal() throws Exception {
        Path dir = Files.createTempDirectory("vigil-persist");
        Files.createDirectories(dir.resolve("policies"));
        Files.writeString(dir.resolve("policies/broken.yaml"), "apiVersion: vigil.dev/v1alpha1\nkind: RuntimePolicy\nmetadata: {name: broken}\nspec: {bogus: 1}\n");
        Files.writeString(dir.resolve("policies/fine.yaml"), ControlPlaneTest.policy("fine", "  selector: {host: true}\n"));
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        Agent agent = TestAgents.start(dir, null, Map.of("store.path", notADirectory.resolve("events.db").toString()));
        try {
            Path socket = dir.resolve("api/vigil.sock");
            JsonNode list = TestAgents.cli(socket, "policy", "list", "-o", "json").json();
            assertThat(list.path("policies").findValuesAsText("name")).containsExactly("fine");
            TestAgents.Result status = TestAgents.cli(socket, "status", "-o", "json");
            assertThat(status.exit()).isZero();
            assertThat(status.json().path("store").path("available").asBoolean()).isFalse();
            assertThat(status.json().path("store").path("reason").asText()).isNotBlank();
            assertThat(TestAgents.cli(socket, "status").out()).contains("store: UNAVAILABLE");
            assertThat(TestAgents.cli(socket, "alerts").exit()).isZero();
        } finally {
            agent.close();
        }
    }

    private static void assertStoreAnswers(Path socket, String token) throws Exception {
        TestAgents.Result events = TestAgents.cli(socket, "events", "--type", "process_exec", "--limit", "10000", "-o", "json");
        assertThat(events.exit()).as(events.toString()).isZero();
        assertThat(events.out().lines().filter(l -> l.contains(token))).isNotEmpty();
        for (String line : events.out().lines().toList()) assertThat(TestAgents.JSON.readTree(line).get("type").asText()).isEqualTo("process_exec");

        TestAgents.Result alerts = TestAgents.cli(socket, "alerts", "--since", "1h", "-o", "json");
        assertThat(alerts.exit()).as(alerts.toString()).isZero();
        assertThat(alerts.out().lines()).hasSize(3);
        assertThat(alerts.out().lines().findFirst().orElseThrow()).contains("crypto_miner"); // newest first
        TestAgents.Result byRule = TestAgents.cli(socket, "alerts", "--rule", "shell_in_container", "--container", "web-1");
        assertThat(byRule.out().lines().filter(l -> l.contains("shell_in_container"))).hasSize(2);
        assertThat(byRule.out()).doesNotContain("crypto_miner");

        JsonNode stats = TestAgents.cli(socket, "stats", "--since", "1h", "--bucket", "1h", "-o", "json").json();
        assertThat(stats.path("top_rules").get(0).path("key").asText()).isEqualTo("shell_in_container");
        assertThat(stats.path("top_rules").get(0).path("count").asLong()).isEqualTo(2);
        assertThat(stats.path("top_containers").findValuesAsText("key")).contains("web-1", "db-1");
        long blocked = 0, alerted = 0;
        for (JsonNode b : stats.path("blocked_over_time")) {
            blocked += b.path("blocked").asLong();
            alerted += b.path("alerted").asLong();
        }
        assertThat(blocked).isEqualTo(1);
        assertThat(alerted).isEqualTo(2);
    }

    private static StoredEvent alert(Instant time, String rule, String priority, String action, String container) {
        String json = "{\"type\":\"alert\",\"time\":\"" + time + "\",\"rule\":\"" + rule + "\"}";
        return new StoredEvent(0, time, "alert", "test-node", rule, priority, action, "c0ffee" + container, container, "", "", "/bin/sh", json);
    }
}
