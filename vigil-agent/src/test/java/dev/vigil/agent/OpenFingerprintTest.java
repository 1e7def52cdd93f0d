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
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The open filter decides by fingerprints of the path's components (bpf/include/vigil_pathfp.h)
 * that the kernel computes from dentries and the agent from the rules' strings; if the two
 * disagreed, opens a rule needs would be dropped in the kernel. Here for real, in a container
 * (paths relative to its root) and through a bind mount from the host (a mount crossing in the
 * walk): a file a rule names under a 13-level path (a prefix entry) and a long file name a rule
 * names anywhere (a component entry, first and last 8 bytes both read) are sent, every time, and
 * reach their rules; files that differ only in their last byte are dropped in the kernel.
 */
@Tag("kernel")
class OpenFingerprintTest {
    private static final int OPENS = 2000;
    private static final String DEEP = "/data/deep/a/b/c/d/e/f/g/h/i/j/k";
    private static final String TOKEN = "vigil-token-0123456789abcdef.txt";
    private static Podman podman;
    private static Agent agent;
    private static CapturingSink sink;
    private static Path work, bind;

    @BeforeAll
    static void start() throws Exception {
        Podman.ensureImage();
        podman = new Podman();
        work = Files.createTempDirectory("vigil-openfp");
        bind = Files.createDirectories(work.resolve("bind"));
        Files.writeString(bind.resolve("vigil-secret.key"), "x\n");
        Files.writeString(bind.resolve("vigil-secret.kez"), "x\n");
        Files.createDirectories(bind.resolve("sub/dir"));
        Files.writeString(bind.resolve("sub/dir/" + TOKEN), "x\n");
        Files.writeString(bind.resolve("sub/dir/vigil-token-0123456789abcdeX.txt"), "x\n");
        Path rules = Files.writeString(work.resolve("fp-rules.yaml"), """
                - rule: Vigil test deep secret read
                  desc: a prefix entry 13 components deep
                  condition: evt.type in (open, openat, openat2) and evt.is_open_read = true and fd.name = %s/vigil-secret.key and container.id != host
                  output: test deep secret (file=%%fd.name proc=%%proc.name)
                  priority: NOTICE
                  tags: [test]
                - rule: Vigil test token read
                  desc: a component entry, a name longer than 16 bytes
                  condition: evt.type in (open, openat, openat2) and evt.is_open_read = true and fd.filename = %s and container.id != host
                  output: test token (file=%%fd.name proc=%%proc.name)
                  priority: NOTICE
                  tags: [test]
                """.formatted(DEEP, TOKEN));
        sink = new CapturingSink(e -> e instanceof Alert);
        agent = TestConfigs.startWithRules(work, rules, sink);
    }

    @AfterAll
    static void stop() throws Exception {
        if (agent != null) agent.close();
        if (podman != null) podman.close();
    }

    /** Runs script in a new container with the host's bind directory at DEEP; returns the container id. */
    private static String run(String name, String script) throws Exception {
        Path cid = work.resolve("cid-" + name);
        Podman.Result r = Podman.exec(List.of("podman", "--runtime", "runc", "run", "--rm", "--cidfile", cid.toString(),
                "--name", podman.name(name), "-v", bind + ":" + DEEP, Podman.IMAGE, "sh", "-c", script), Duration.ofSeconds(120));
        assertThat(r.exit()).as(r.output()).isZero();
        return Files.readString(cid).strip();
    }

    /** OPENS opens for reading of each file by the shell itself (busybox sh's read builtin: no fork). */
    private static String loop(String... files) {
        StringBuilder s = new StringBuilder("i=0; while [ $i -lt " + OPENS + " ]; do");
        for (String f : files) s.append(" read -r l < ").append(f).append(';');
        return s.append(" i=$((i+1)); done").toString();
    }

    private long received() {
        return agent.syscallStats().received().get("open_read");
    }

    private long awaitReceived(long atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos(), n;
        while ((n = received()) < atLeast && System.nanoTime() < deadline) Thread.sleep(100);
        return n;
    }

    @Test
    void filesTheRulesNameAreSentThroughABindMountInAContainerAndNeighboursAreNot() throws Exception {
        // Neighbours: same directory, names that differ only in their last byte.
        String inContainer = "mkdir -p /opt/p/q/r/s && cp " + DEEP + "/sub/dir/" + TOKEN + " /opt/p/q/r/s/ && ";
        long filteredBefore = agent.syscallStats().filtered().get("open_read"), before = received();
        run("neighbours", loop(DEEP + "/vigil-secret.kez", DEEP + "/sub/dir/vigil-token-0123456789abcdeX.txt"));
        Thread.sleep(500);
        assertThat(agent.syscallStats().filtered().get("open_read") - filteredBefore).isGreaterThanOrEqualTo(2L * OPENS);
        // What arrived meanwhile is other opens of files the rules name (the runtime's procfs reads, /etc), not the loop's.
        assertThat(received() - before).isLessThan(OPENS / 2);

        // Named: through the bind mount (prefix and component entries), and in the container's own
        // filesystem at another depth (component entry). Every open reaches the agent.
        before = received();
        String id = run("named", inContainer + loop(DEEP + "/vigil-secret.key", DEEP + "/sub/dir/" + TOKEN, "/opt/p/q/r/s/" + TOKEN));
        assertThat(awaitReceived(before + 3L * OPENS) - before).isGreaterThanOrEqualTo(3L * OPENS);

        JsonNode deep = sink.await(e -> e instanceof Alert a && a.rule().equals("Vigil test deep secret read") && a.container() != null
                && a.container().id().equals(id), Duration.ofSeconds(20));
        assertThat(deep.get("output").asText()).contains("file=" + DEEP + "/vigil-secret.key");
        JsonNode viaBind = sink.await(e -> e instanceof Alert a && a.rule().equals("Vigil test token read") && a.container() != null
                && a.container().id().equals(id) && a.output().contains("file=" + DEEP + "/sub/dir/" + TOKEN), Duration.ofSeconds(20));
        assertThat(viaBind).isNotNull();
        JsonNode own = sink.await(e -> e instanceof Alert a && a.rule().equals("Vigil test token read") && a.container() != null
                && a.container().id().equals(id) && a.output().contains("file=/opt/p/q/r/s/" + TOKEN), Duration.ofSeconds(20));
        assertThat(own).isNotNull();
    }
}
