package dev.vigil.containers;

import dev.vigil.containers.RiskFinding.Severity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.Closeable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** DockerApiSource, CgroupSource and cgroup ids against real podman containers. */
@Tag("kernel")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PodmanApiKernelTest {

    private Path dir;
    private Podman.Service service;
    private Podman podman;
    private DockerApiSource api;
    private final CgroupFs cgroupFs = CgroupFs.detect();

    @BeforeAll
    void startService() throws Exception {
        Podman.ensureImage();
        dir = Files.createTempDirectory("vigil-podman-api");
        service = new Podman.Service(dir.resolve("api.sock")).start();
        podman = new Podman();
        api = new DockerApiSource(service.socket());
    }

    @AfterAll
    void stopService() throws Exception {
        try {
            if (podman != null) {
                podman.close();
            }
        } finally {
            if (service != null) {
                service.close();
            }
            Files.deleteIfExists(dir);
        }
    }

    private String runPodContainer(String role) throws Exception {
        return podman.runDetached(role,
                "--label", "io.kubernetes.pod.name=p1",
                "--label", "io.kubernetes.pod.namespace=ns1",
                "--label", "io.kubernetes.pod.uid=u1",
                "--label", "team=blue",
                Podman.IMAGE, "sleep", "30");
    }

    @Test
    void listsAndInspectsARealContainer() throws Exception {
        String id = runPodContainer("list");
        assertThat(id).matches("[0-9a-f]{64}");

        ContainerInfo listed = api.list().stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
        ContainerInfo inspected = api.inspect(id).orElseThrow();
        assertThat(listed).isEqualTo(inspected);

        assertThat(inspected.name()).isEqualTo(podman.name("list"));
        assertThat(inspected.image()).isEqualTo(Podman.IMAGE);
        assertThat(inspected.imageId()).isNotEmpty();
        assertThat(inspected.labels()).containsEntry("team", "blue").containsEntry("io.kubernetes.pod.name", "p1");
        assertThat(inspected.pod()).isEqualTo(new PodInfo("p1", "ns1", "u1"));
        assertThat(inspected.runtime()).isEqualTo(Runtimes.PODMAN);
        assertThat(inspected.initPid()).isEqualTo(podman.pid("list"));
        assertThat(inspected.startedAt()).isNotNull();
        assertThat(inspected.cgroupPath()).isEqualTo("/libpod_parent/libpod-" + id);
        assertThat(inspected.config().privileged()).isFalse();

        assertThat(api.inspect(podman.name("list"))).map(ContainerInfo::id).contains(id);
        assertThat(api.inspect("0".repeat(64))).isEmpty();
    }

    @Test
    void watchDeliversStartThenStopAndDestroy() throws Exception {
        BlockingQueue<Object> seen = new LinkedBlockingQueue<>();
        ContainerSource.WatchStatus status = new ContainerSource.WatchStatus() {
            @Override
            public void connected() {
                seen.add("connected");
            }

            @Override
            public void disconnected(Exception cause) {
                seen.add("disconnected " + cause);
            }
        };
        try (Closeable watch = api.watch(seen::add, status)) {
            assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("connected");
            String id = podman.runDetached("watch", Podman.IMAGE, "sleep", "30");
            podman.remove("watch");
            List<RuntimeEvent.Kind> kinds = new java.util.ArrayList<>();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (!kinds.contains(RuntimeEvent.Kind.DESTROY) && System.nanoTime() < until) {
                Object o = seen.poll(1, TimeUnit.SECONDS);
                if (o instanceof RuntimeEvent e && e.id().equals(id)) {
                    kinds.add(e.kind());
                }
            }
            assertThat(kinds).first().isEqualTo(RuntimeEvent.Kind.START);
            assertThat(kinds).contains(RuntimeEvent.Kind.STOP).last().isEqualTo(RuntimeEvent.Kind.DESTROY);
            assertThat(kinds.indexOf(RuntimeEvent.Kind.STOP)).isLessThan(kinds.indexOf(RuntimeEvent.Kind.DESTROY));
        }
    }

    @Test
    void cgroupIdOfTheContainerResolvesToIt() throws Exception {
        String id = runPodContainer("cgid");
        int pid = podman.pid("cgid");
        String v2 = cgroupFs.v2PathOf(pid).orElseThrow();
        assertThat(v2).isEqualTo("/libpod_parent/libpod-" + id);
        Path v2Dir = cgroupFs.v2Root().orElseThrow().resolve(v2.substring(1));
        long cgroupId = ((Number) Files.getAttribute(v2Dir, "unix:ino")).longValue();

        try (ContainerInventory inventory = ContainerInventory.builder().primary(api)
                .fallbackInterval(Duration.ofMillis(500)).build()) {
            inventory.start();
            awaitTrue("docker-api active", () -> inventory.activeSource().equals("docker-api"));
            assertThat(inventory.resolveCgroupId(cgroupId)).hasValueSatisfying(c -> {
                assertThat(c.id()).isEqualTo(id);
                assertThat(c.pod()).isEqualTo(new PodInfo("p1", "ns1", "u1"));
            });
            assertThat(inventory.resolveCgroupId(1)).isEmpty();
            assertThat(inventory.resolve(1, (int) ProcessHandle.current().pid())).isEmpty();

            // A sub-cgroup made inside the container resolves through the pid hint.
            Path child = v2Dir.resolve("vt-child");
            Files.createDirectory(child);
            try {
                Files.writeString(child.resolve("cgroup.procs"), Integer.toString(pid));
                long childId = ((Number) Files.getAttribute(child, "unix:ino")).longValue();
                assertThat(inventory.resolveCgroupId(childId)).isEmpty();
                assertThat(inventory.resolve(childId, pid)).map(ContainerInfo::id).contains(id);
                assertThat(inventory.resolveCgroupId(childId)).map(ContainerInfo::id).contains(id);
            } finally {
                Files.writeString(v2Dir.resolve("cgroup.procs"), Integer.toString(pid));
                Files.delete(child);
            }
        }
    }

    @Test
    void cgroupSourceFindsTheSameContainerWithoutTheSocket() throws Exception {
        String id = runPodContainer("cgsrc");
        ContainerInfo fromApi = api.inspect(id).orElseThrow();
        CgroupSource cgroups = new CgroupSource();
        ContainerInfo found = cgroups.list().stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
        assertThat(found.runtime()).isEqualTo(Runtimes.PODMAN);
        assertThat(found.initPid()).isEqualTo(fromApi.initPid());
        assertThat(found.cgroupPath()).isEqualTo(fromApi.cgroupPath());
        assertThat(Duration.between(fromApi.startedAt(), found.startedAt()).abs()).isLessThan(Duration.ofSeconds(2));
        assertThat(found.name()).isEmpty();
        assertThat(cgroups.inspect(id)).isPresent();
    }

    @Test
    void riskOfAPrivilegedContainer() throws Exception {
        String id = podman.runDetached("priv", "--privileged", "-v", "/:/host", "--pid", "host",
                Podman.IMAGE, "sleep", "30");
        ContainerConfig config = api.inspect(id).orElseThrow().config();
        List<RiskFinding> findings = new RiskAssessor().assess(config);
        assertThat(findings).anySatisfy(f -> {
            assertThat(f.id()).isEqualTo("privileged");
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        });
        assertThat(findings).anySatisfy(f -> {
            assertThat(f.id()).isEqualTo("sensitive_mount");
            assertThat(f.subject()).isEqualTo("/");
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        });
        assertThat(findings).anySatisfy(f -> assertThat(f.id()).isEqualTo("host_pid"));
    }

    @Test
    void hostNamespacesAreSeenEvenWhereTheApiHidesThem() throws Exception {
        // Podman 4.3's compat API reports IpcMode "shareable" for --ipc host.
        String id = podman.runDetached("hostns", "--ipc", "host", "--network", "host", Podman.IMAGE, "sleep", "30");
        ContainerConfig config = api.inspect(id).orElseThrow().config();
        assertThat(config.hostIpc()).isTrue();
        assertThat(config.hostNet()).isTrue();
        assertThat(config.hostPid()).isFalse();
        assertThat(new RiskAssessor().assess(config)).extracting(RiskFinding::id).contains("host_ipc", "host_network");
    }

    @Test
    void aPlainContainerHasNothingAboveLow() throws Exception {
        String id = podman.runDetached("plain", Podman.IMAGE, "sleep", "30");
        ContainerInfo plain = api.inspect(id).orElseThrow();
        assertThat(plain.config().hostPid() || plain.config().hostNet() || plain.config().hostIpc()).isFalse();
        List<RiskFinding> findings = new RiskAssessor().assess(plain);
        assertThat(findings).isNotEmpty().allSatisfy(f -> assertThat(f.severity()).isEqualTo(Severity.LOW));
    }

    static void awaitTrue(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
