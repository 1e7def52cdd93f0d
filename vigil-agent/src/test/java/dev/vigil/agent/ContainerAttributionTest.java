package dev.vigil.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.containers.Podman;
import dev.vigil.events.Event;
import dev.vigil.events.container.ContainerEvent;
import dev.vigil.events.process.ProcessEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Real podman containers: every event from inside names its container, host events name none. */
@Tag("kernel")
class ContainerAttributionTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static Podman podman;
    private static Podman.Service service;
    private static Agent agent;
    private static CapturingSink sink;

    @BeforeAll
    static void start() throws Exception {
        Podman.ensureImage();
        podman = new Podman();
        service = new Podman.Service(Files.createTempDirectory("vigil-podman").resolve("api.sock")).start();
        sink = new CapturingSink(e -> e instanceof ContainerEvent
                || (e instanceof ProcessEvent p && (p.process().container() != null || p.process().args().stream().anyMatch(a -> a.startsWith("vigil-")))));
        agent = Agent.start(TestConfigs.load(Map.of("output.path", "/dev/null",
                "containers.runtimeSocket", service.socket().toString(), "containers.graceSeconds", 2)), List.of(sink));
    }

    @AfterAll
    static void stop() throws Exception {
        if (agent != null) agent.close();
        if (podman != null) podman.close();
        if (service != null) service.close();
    }

    /** The exec of {@code argv0 ... arg ...}; the podman command line that starts it carries the same arg, but not as argv[0]'s. */
    private static boolean execOf(Event e, String argv0, String arg) {
        return e instanceof ProcessEvent.Exec x && !x.process().args().isEmpty() && x.process().args().getFirst().equals(argv0)
                && x.process().args().contains(arg);
    }

    @Test
    void execInsideAContainerCarriesItsIdentityLabelsAndPod() throws Exception {
        String token = "vigil-" + UUID.randomUUID();
        String id = podman.runDetached("labelled", "--label", "io.kubernetes.pod.name=p1", "--label", "io.kubernetes.pod.namespace=ns1",
                "--label", "io.kubernetes.pod.uid=u-1", "--label", "app=web", Podman.IMAGE, "sh", "-c", "echo " + token + "; sleep 30");
        JsonNode exec = sink.await(e -> execOf(e, "sh", "echo " + token + "; sleep 30"), WAIT);
        JsonNode c = exec.get("container");
        assertThat(c.get("id").asText()).isEqualTo(id);
        assertThat(c.get("name").asText()).isEqualTo(podman.name("labelled"));
        assertThat(c.get("image").asText()).isEqualTo(Podman.IMAGE);
        assertThat(c.get("labels").get("app").asText()).isEqualTo("web");
        assertThat(c.get("pod").get("name").asText()).isEqualTo("p1");
        assertThat(c.get("pod").get("namespace").asText()).isEqualTo("ns1");
        assertThat(c.get("pod").get("uid").asText()).isEqualTo("u-1");
        assertThat(c.get("runtime").asText()).isEqualTo("podman");
        assertThat(exec.get("process").get("nspid").asInt()).isEqualTo(1);

        // A process entered with podman exec belongs to the container too.
        String execToken = "vigil-exec-" + UUID.randomUUID();
        Podman.podman("exec", podman.name("labelled"), "echo", execToken);
        JsonNode entered = sink.await(e -> execOf(e, "echo", execToken), WAIT);
        assertThat(entered.get("container").get("id").asText()).isEqualTo(id);

        // A host process that joins the container's namespaces but not its cgroup (nsenter from the
        // host) is placed by its mount namespace, as the design documents locate containers.
        String nsToken = "vigil-ns-" + UUID.randomUUID();
        Process joiner = new ProcessBuilder("nsenter", "-t", Integer.toString(podman.pid("labelled")), "-m", "-p", "/bin/echo", nsToken)
                .redirectErrorStream(true).start();
        assertThat(joiner.waitFor()).as(new String(joiner.getInputStream().readAllBytes())).isZero();
        JsonNode joined = sink.await(e -> execOf(e, "/bin/echo", nsToken), WAIT);
        assertThat(joined.get("container").get("id").asText()).isEqualTo(id);
        assertThat(agent.stats().containersPlacedByNamespace()).isPositive();

        // ...while a host process belongs to none.
        String hostToken = "vigil-host-" + UUID.randomUUID();
        new ProcessBuilder("/bin/echo", hostToken).start().waitFor();
        JsonNode host = sink.await(e -> execOf(e, "/bin/echo", hostToken), WAIT);
        assertThat(host.get("container").isNull()).isTrue();
    }

    @Test
    void riskyConfigurationIsReportedFindingByFinding() throws Exception {
        String risky = podman.runDetached("risky", "--privileged", "-v", "/:/host", "--pid", "host", Podman.IMAGE, "sleep", "30");
        String plain = podman.runDetached("plain", Podman.IMAGE, "sleep", "30");
        JsonNode r = sink.await(e -> e instanceof ContainerEvent c && c.kind() == ContainerEvent.Kind.RISK && c.container().id().equals(risky), WAIT);
        List<String> ids = new ArrayList<>();
        r.get("findings").forEach(f -> ids.add(f.get("id").asText() + ":" + f.get("severity").asText() + ":" + f.get("subject").asText()));
        assertThat(ids).contains("privileged:critical:", "host_pid:high:").anyMatch(s -> s.startsWith("sensitive_mount:critical:/"));
        JsonNode p = sink.await(e -> e instanceof ContainerEvent c && c.kind() == ContainerEvent.Kind.RISK && c.container().id().equals(plain), WAIT);
        p.get("findings").forEach(f -> assertThat(f.get("severity").asText()).isEqualTo("low"));
        sink.await(e -> e instanceof ContainerEvent c && c.kind() == ContainerEvent.Kind.START && c.container().id().equals(plain), WAIT);
    }

    @Test
    void churnOf200ShortLivedContainersIsAttributedExactly() throws Exception {
        int n = 200;
        int baseline = agent.containers().size();
        List<String> tokens = new ArrayList<>();
        List<Future<String>> ids = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int i = 0; i < n; i++) {
                String token = "vigil-churn-" + i + "-" + UUID.randomUUID();
                tokens.add(token);
                int k = i;
                ids.add(pool.submit(() -> podman.runDetached("churn-" + k, Podman.IMAGE, "echo", token)));
            }
            int right = 0, named = 0;
            List<String> misses = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String id = ids.get(i).get();
                String token = tokens.get(i);
                JsonNode exec = sink.await(e -> execOf(e, "echo", token), WAIT);
                JsonNode c = exec.get("container");
                if (!c.isNull() && c.get("id").asText().equals(id)) right++;
                else misses.add(token + " -> " + c);
                if (!c.isNull() && c.get("name").asText().equals(podman.name("churn-" + i))) named++;
            }
            System.out.printf("churn: %d of %d container execs attributed to the right container (%.1f%%), %d with its name;"
                    + " agent counted %d events written without container details%n",
                    right, n, 100.0 * right / n, named, agent.stats().eventsWithoutContainerDetails());
            assertThat(misses).isEmpty();
            assertThat(agent.stats().containerPlacementConflicts()).as("cgroup and mount namespace disagreed").isZero();
        } finally {
            pool.shutdownNow();
            podman.close();
        }
        // Bounded: once removed and past the grace period, the churned containers leave the inventory.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (agent.containers().size() > baseline && System.nanoTime() < deadline) Thread.sleep(200);
        assertThat(agent.containers().size()).isLessThanOrEqualTo(baseline);
        assertThat(agent.stats().recordFailures()).isZero();
    }
}
