package dev.vigil.containers;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.vigil.containers.PodmanApiKernelTest.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

/** The inventory against real containers while the runtime API comes and goes. */
@Tag("kernel")
class InventoryKernelTest {

    private Path dir;
    private Podman podman;
    private Podman.Service service;
    private ContainerInventory inventory;
    private TestUnixServer garbage;
    private final CgroupFs cgroupFs = CgroupFs.detect();

    @BeforeEach
    void setUp() throws Exception {
        Podman.ensureImage();
        dir = Files.createTempDirectory("vigil-inventory");
        podman = new Podman();
        service = new Podman.Service(dir.resolve("api.sock")).start();
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (inventory != null) {
                inventory.close();
            }
            if (garbage != null) {
                garbage.close();
            }
            podman.close();
        } finally {
            service.close();
            Files.deleteIfExists(dir);
        }
    }

    private ContainerInventory startInventory(Duration grace) {
        DockerApiSource api = new DockerApiSource(service.socket(), DockerApiSource.Options.defaults()
                .withRequestTimeout(Duration.ofSeconds(3))
                .withReconnect(Duration.ofMillis(100), Duration.ofMillis(500)));
        inventory = ContainerInventory.builder().primary(api)
                .gracePeriod(grace)
                .fallbackInterval(Duration.ofMillis(200))
                .reapInterval(Duration.ofMillis(200))
                .build();
        inventory.start();
        return inventory;
    }

    private long cgroupIdOf(String role) throws Exception {
        String path = cgroupFs.v2PathOf(podman.pid(role)).orElseThrow();
        return cgroupFs.cgroupId(path).orElseThrow();
    }

    @Test
    void survivesTheSocketDisappearingAndAnsweringGarbage() throws Exception {
        startInventory(Duration.ofSeconds(2));
        awaitTrue("docker-api active", () -> inventory.activeSource().equals("docker-api"));
        String a = podman.runDetached("a", Podman.IMAGE, "sleep", "60");
        awaitTrue("a known by name", () -> inventory.get(a).map(ContainerInfo::name).orElse("").equals(podman.name("a")));

        // The runtime API dies: the inventory falls back and still sees new containers.
        service.kill();
        awaitTrue("fallback", () -> inventory.activeSource().equals("cgroup"));
        String b = podman.runDetached("b", Podman.IMAGE, "sleep", "60");
        awaitTrue("b found by cgroup scan", () -> inventory.isRunning(b));
        assertThat(inventory.get(b).orElseThrow().name()).isEmpty();
        assertThat(inventory.resolveCgroupId(cgroupIdOf("b"))).map(ContainerInfo::id).contains(b);
        // What the runtime told us before it went away is kept.
        assertThat(inventory.get(a).orElseThrow().name()).isEqualTo(podman.name("a"));

        // Something else takes the socket and answers junk.
        garbage = new TestUnixServer(service.socket(), (req, out) -> TestUnixServer.write(out, "\u0000junk{{{\r\n\r\n"));
        podman.remove("a");
        awaitTrue("a stopped by cgroup scan", () -> !inventory.isRunning(a));
        assertThat(inventory.activeSource()).isEqualTo("cgroup");
        awaitTrue("garbage server was tried", () -> !garbage.requests.isEmpty());

        // The runtime returns: the inventory resyncs and learns b's real name.
        garbage.close();
        garbage = null;
        service.start();
        awaitTrue("docker-api active again", () -> inventory.activeSource().equals("docker-api"));
        awaitTrue("b enriched", () -> inventory.get(b).map(ContainerInfo::name).orElse("").equals(podman.name("b")));
        assertThat(inventory.isRunning(b)).isTrue();
    }

    @Test
    void memoryIsBoundedUnderChurn() throws Exception {
        Set<String> started = ConcurrentHashMap.newKeySet();
        startInventory(Duration.ofSeconds(1));
        awaitTrue("docker-api active", () -> inventory.activeSource().equals("docker-api"));
        int baseline = inventory.size();
        String prefix = podman.name("churn-");
        inventory.addListener(new ContainerLifecycleListener() {
            @Override
            public void containerStarted(ContainerInfo c) {
                if (c.name().startsWith(prefix)) {
                    started.add(c.id());
                }
            }

            @Override
            public void containerStopped(ContainerInfo c) {
            }
        });

        int count = 30;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String role = "churn-" + i;
                runs.add(pool.submit(() -> {
                    podman.runToCompletion(role, Podman.IMAGE, "sleep", "0.5");
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get();
            }
        } finally {
            pool.shutdownNow();
        }
        awaitTrue("all " + count + " churn containers seen", () -> started.size() == count);
        awaitTrue("inventory back to baseline", () -> inventory.size() == baseline);
        assertThat(inventory.containers()).noneMatch(c -> c.name().startsWith(prefix));
        assertThat(inventory.evictions()).isZero();
    }
}
