package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** `vigil agent` as a user runs it: a separate JVM, JSON on stdout, SIGTERM detaching everything. */
class AgentCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ProcessBuilder vigil(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    @Test
    @Tag("kernel")
    void agentStreamsJsonAndDetachesOnSigterm() throws Exception {
        Path log = Files.createTempFile("vigil-agent", ".log");
        Path dir = Files.createTempDirectory("vigil-agent-cmd");
        // The API, store and policies in a temp dir, not the host's.
        Path config = Files.writeString(dir.resolve("config.yaml"), "api: {socket: " + dir.resolve("vigil.sock") + "}\n"
                + "store: {path: " + dir.resolve("events.db") + "}\npolicies: {dir: " + dir.resolve("policies") + "}\n");
        Process agent = vigil("agent", "--config", config.toString()).redirectError(log.toFile()).start();
        try {
            String token = "cli-" + UUID.randomUUID();
            BufferedReader out = new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8));
            Thread trigger = Thread.ofPlatform().daemon().start(() -> {
                // Until the agent is attached, execs go unseen; keep making them.
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        new ProcessBuilder("/bin/echo", token).start().waitFor();
                        Thread.sleep(200);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            JsonNode exec = null;
            for (String line; (line = out.readLine()) != null; ) {
                JsonNode event = JSON.readTree(line);
                if (event.get("type").asText().equals("process_exec") && line.contains(token)) {
                    exec = event;
                    break;
                }
            }
            trigger.interrupt();
            assertThat(exec).as("agent log:\n" + Files.readString(log)).isNotNull();
            assertThat(exec.get("process").get("args").get(1).asText()).isEqualTo(token);
            assertThat(bpftoolNames("prog")).contains("vigil_exec");

            agent.destroy(); // SIGTERM
            assertThat(agent.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(log)).contains("stopped;");
            // The kernel frees closed programs after an RCU grace period.
            for (int i = 0; i < 50 && bpftoolNames("prog").stream().anyMatch(n -> n.startsWith("vigil_")); i++) Thread.sleep(100);
            assertThat(bpftoolNames("prog")).noneMatch(n -> n.startsWith("vigil_"));
        } finally {
            agent.destroyForcibly();
        }
    }

    @Test
    void printConfigShowsTheEffectiveConfiguration() throws Exception {
        Process p = vigil("agent", "--print-config", "--format", "compact").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        assertThat(out).contains("format: \"compact\"").contains("sizeBytes: 16777216");
    }

    @Test
    void aBadConfigurationExitsNonZeroWithFileAndLine() throws Exception {
        Path bad = Files.writeString(Files.createTempFile("vigil", ".yaml"), "output:\n  colour: red\n");
        Process p = vigil("agent", "--config", bad.toString()).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isEqualTo(1);
        assertThat(err).contains(bad + ":2:").contains("colour");
    }

    @Test
    void unknownOptionIsAUsageError() throws Exception {
        Process p = vigil("agent", "--no-such-flag").start();
        p.getErrorStream().readAllBytes();
        assertThat(p.waitFor()).isEqualTo(2);
    }

    private static List<String> bpftoolNames(String kind) throws Exception {
        Process p = new ProcessBuilder("bpftool", "-j", kind, "show").start();
        byte[] out = p.getInputStream().readAllBytes();
        p.waitFor();
        List<String> names = new ArrayList<>();
        for (JsonNode n : JSON.readTree(out)) names.add(n.path("name").asText());
        return names;
    }
}
