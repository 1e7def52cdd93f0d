package dev.vigil.containers.cri;

import dev.vigil.containers.CgroupFs;
import dev.vigil.containers.ContainerConfig;
import dev.vigil.containers.ContainerInfo;
import dev.vigil.containers.PodInfo;
import dev.vigil.containers.RuntimeEvent;
import dev.vigil.containers.Runtimes;
import dev.vigil.containers.cri.v1.ContainerEventType;
import dev.vigil.containers.cri.v1.ContainerState;
import dev.vigil.containers.cri.v1.ContainerStatusResponse;
import dev.vigil.containers.cri.v1.Mount;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.vigil.containers.cri.CriFixtures.ID;
import static dev.vigil.containers.cri.CriFixtures.ID2;
import static dev.vigil.containers.cri.CriFixtures.ID3;
import static dev.vigil.containers.cri.CriFixtures.SANDBOX;
import static dev.vigil.containers.cri.CriFixtures.SANDBOX2;
import static dev.vigil.containers.cri.CriFixtures.UID;
import static dev.vigil.containers.cri.CriFixtures.UID2;
import static dev.vigil.containers.cri.CriFixtures.await;
import static dev.vigil.containers.cri.CriFixtures.kubeletLabels;
import static dev.vigil.containers.cri.CriFixtures.sandbox;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CriSource against a scripted CRI runtime, over gRPC on a real unix socket. */
class CriSourceTest {

    @TempDir
    Path tmp;
    FakeCriServer server;
    FakeCriServer.Runtime runtime;
    final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        server = new FakeCriServer(tmp.resolve("cri.sock"));
        runtime = server.runtime;
        Files.createDirectories(tmp.resolve("proc"));
        Files.createDirectories(tmp.resolve("cgroup"));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
        server.close();
    }

    private CriSource.Options options() {
        return CriSource.Options.defaults()
                .withRequestTimeout(Duration.ofSeconds(1))
                .withReconnect(Duration.ofMillis(50), Duration.ofMillis(200))
                .withPollInterval(Duration.ofMillis(100))
                .withCgroupFs(new CgroupFs(tmp.resolve("proc"), tmp.resolve("cgroup")));
    }

    private CriSource source() {
        return source(options());
    }

    private CriSource source(CriSource.Options options) {
        CriSource source = new CriSource(server.socket, options);
        toClose.add(source);
        return source;
    }

    private <T extends Closeable> T closeLater(T c) {
        toClose.add(c);
        return c;
    }

    /** The web container of pod shop/web-7d9, running with containerd's verbose info, with two volumes. */
    private void scriptWeb() {
        ContainerStatusResponse web = FakeCriServer.container(ID, "web", ContainerState.CONTAINER_RUNNING,
                kubeletLabels("web-7d9", "shop", UID, "web"), CriFixtures.containerdInfo(4242));
        web = web.toBuilder().setStatus(web.getStatus().toBuilder()
                .addMounts(Mount.newBuilder().setHostPath("/var/run/docker.sock").setContainerPath("/var/run/docker.sock"))
                .addMounts(Mount.newBuilder().setHostPath("/etc").setContainerPath("/host/etc").setReadonly(true)))
                .build();
        runtime.put(web, SANDBOX);
    }

    @Test
    void listAndInspectMapEveryField() throws Exception {
        String cgroup = CriFixtures.procInContainer(tmp.resolve("proc"), tmp.resolve("cgroup"), 4242, UID, ID);
        scriptWeb();
        runtime.put(FakeCriServer.container(ID2, "done", ContainerState.CONTAINER_EXITED,
                kubeletLabels("job-1", "batch", UID2, "done"), CriFixtures.containerdInfo(0)), SANDBOX2);
        server.start();
        CriSource source = source();

        List<ContainerInfo> list = source.list();

        ContainerConfig config = new ContainerConfig(
                true,
                List.of("NET_ADMIN", "SYS_PTRACE"),
                true, false, false,
                List.of(new ContainerConfig.Mount("/var/run/docker.sock", "/var/run/docker.sock", true),
                        new ContainerConfig.Mount("/etc", "/host/etc", false)),
                "1000",
                true,
                "/var/lib/kubelet/seccomp/audit.json",
                "pod");
        ContainerInfo expected = new ContainerInfo(ID, "web", "docker.io/library/nginx:1.25", "sha256:" + "cd".repeat(32),
                kubeletLabels("web-7d9", "shop", UID, "web"), new PodInfo("web-7d9", "shop", UID), Runtimes.CONTAINERD,
                4242, Instant.parse("2024-05-01T10:00:01.250Z"), cgroup, config);
        // Only running containers are listed.
        assertThat(list).containsExactly(expected);
        assertThat(source.inspect(ID)).contains(expected);

        // An exited container is still inspectable, without a pid or a cgroup.
        ContainerInfo done = source.inspect(ID2).orElseThrow();
        assertThat(done.name()).isEqualTo("done");
        assertThat(done.initPid()).isZero();
        assertThat(done.cgroupPath()).isNull();
        assertThat(done.pod()).isEqualTo(new PodInfo("job-1", "batch", UID2));

        assertThat(source.inspect(ID3)).isEmpty();
        assertThat(source.inspect("")).isEmpty();
        // The kubelet labels named the pods: no sandbox was asked.
        assertThat(runtime.sandboxCalls).hasValue(0);
    }

    @Test
    void crioStatusWithoutPodLabelsAsksTheSandbox() throws Exception {
        runtime.runtimeName = "cri-o";
        runtime.sandboxes.put(SANDBOX2, sandbox("db-0", "data", UID2));
        runtime.put(FakeCriServer.container(ID, "db", ContainerState.CONTAINER_RUNNING, Map.of("app", "db"),
                CriFixtures.crioInfo(777)), SANDBOX2);
        server.start();
        CriSource source = source();

        ContainerInfo db = source.inspect(ID).orElseThrow();

        assertThat(db.runtime()).isEqualTo(Runtimes.CRIO);
        assertThat(db.pod()).isEqualTo(new PodInfo("db-0", "data", UID2));
        assertThat(db.labels()).isEqualTo(Map.of("app", "db"));
        assertThat(db.initPid()).isEqualTo(777);
        // No /proc entry for 777 in the fake host.
        assertThat(db.cgroupPath()).isNull();
        assertThat(db.config()).isEqualTo(new ContainerConfig(false, List.of(), false, true, false,
                List.of(new ContainerConfig.Mount("/srv/data", "/data", false)), "0", false,
                ContainerConfig.SECCOMP_UNCONFINED, "host"));
        // The sandbox is asked once, then remembered.
        assertThat(source.list()).extracting(ContainerInfo::pod).containsExactly(new PodInfo("db-0", "data", UID2));
        assertThat(runtime.sandboxCalls).hasValue(1);
    }

    @Test
    void statusWithoutVerboseInfoHasNoConfig() throws Exception {
        runtime.put(FakeCriServer.container(ID, "bare", ContainerState.CONTAINER_RUNNING, Map.of(), null), "");
        runtime.put(FakeCriServer.container(ID2, "garbled", ContainerState.CONTAINER_RUNNING, Map.of(), "{not json"), "");
        server.start();
        CriSource source = source();

        ContainerInfo bare = source.inspect(ID).orElseThrow();
        assertThat(bare.config()).isNull();
        assertThat(bare.initPid()).isZero();
        assertThat(bare.pod()).isNull();
        assertThat(source.inspect(ID2).orElseThrow().config()).isNull();
    }

    @Test
    void eventStreamDeliversStartThenStopAndDestroy() throws Exception {
        scriptWeb();
        runtime.sandboxes.put(SANDBOX, sandbox("web-7d9", "shop", UID));
        server.start();
        CriSource source = source();
        CriFixtures.Recorder recorder = new CriFixtures.Recorder();
        // A listener that throws must not end the feed.
        closeLater(source.watch(e -> {
            recorder.accept(e);
            throw new IllegalStateException("listener bug");
        }, recorder));
        recorder.expect("connected");
        await("subscribed", () -> runtime.subscribers.size() == 1);

        runtime.emit(ContainerEventType.CONTAINER_CREATED_EVENT, ID);
        // containerd reports the pod's sandbox as a container too; it is none of the pod's.
        runtime.emit(ContainerEventType.CONTAINER_STARTED_EVENT, SANDBOX);
        runtime.emit(ContainerEventType.CONTAINER_STARTED_EVENT, ID);
        runtime.emit(ContainerEventType.CONTAINER_STOPPED_EVENT, ID);
        runtime.emit(ContainerEventType.CONTAINER_DELETED_EVENT, ID);
        recorder.expect("START " + ID);
        recorder.expect("STOP " + ID);
        recorder.expect("DESTROY " + ID);

        RuntimeEvent start = recorder.events.getFirst();
        assertThat(start.attributes())
                .containsEntry("name", "web")
                .containsEntry("image", "docker.io/library/nginx:1.25")
                .containsEntry(PodInfo.LABEL_NAME, "web-7d9")
                .containsEntry("io.kubernetes.container.name", "web");
        // What the event alone says, for a container gone before it is inspected.
        ContainerInfo described = source.describe(start).orElseThrow();
        assertThat(described.id()).isEqualTo(ID);
        assertThat(described.name()).isEqualTo("web");
        assertThat(described.image()).isEqualTo("docker.io/library/nginx:1.25");
        assertThat(described.pod()).isEqualTo(new PodInfo("web-7d9", "shop", UID));
        assertThat(described.labels()).doesNotContainKeys("name", "image");
        assertThat(described.runtime()).isEqualTo(Runtimes.CONTAINERD);
        assertThat(source.describe(new RuntimeEvent(RuntimeEvent.Kind.START, ID3))).isEmpty();
        assertThat(recorder.log).isEmpty();
    }

    @Test
    void reconnectsAfterTheRuntimeRestarts() throws Exception {
        scriptWeb();
        server.start();
        CriSource source = source(options().withReconnect(Duration.ofMillis(20), Duration.ofMillis(50)));
        CriFixtures.Recorder recorder = new CriFixtures.Recorder();
        closeLater(source.watch(recorder, recorder));
        recorder.expect("connected");
        await("subscribed", () -> runtime.subscribers.size() == 1);

        server.stop();
        recorder.expect("disconnected");
        assertThatThrownBy(source::list).isInstanceOf(IOException.class).hasMessageContaining("UNAVAILABLE");
        // Down long enough for gRPC's own reconnect backoff (1 s, then 1.6 s) to have grown past
        // the feed's: it must keep trying, say nothing new, and not wait for gRPC's timer.
        Thread.sleep(1300);
        assertThat(recorder.log).isEmpty();

        server.start();
        // By then gRPC's next own attempt is at least 0.78 s away; the feed's backoff is 50 ms.
        recorder.expect("connected", Duration.ofMillis(700));
        await("subscribed again", () -> runtime.subscribers.size() == 1);
        runtime.emit(ContainerEventType.CONTAINER_STOPPED_EVENT, ID);
        recorder.expect("STOP " + ID);
        assertThat(source.list()).extracting(ContainerInfo::id).containsExactly(ID);
    }

    @Test
    void runtimeWithoutEventStreamIsPolled() throws Exception {
        runtime.eventsUnimplemented = true;
        scriptWeb();
        server.start();
        CriSource source = source();
        CriFixtures.Recorder recorder = new CriFixtures.Recorder();
        closeLater(source.watch(recorder, recorder));
        recorder.expect("connected");
        // Said again once polling has its baseline, so the caller resyncs past the switch.
        recorder.expect("connected");

        runtime.put(FakeCriServer.container(ID2, "late", ContainerState.CONTAINER_RUNNING,
                kubeletLabels("late-1", "shop", UID2, "late"), null), SANDBOX2);
        recorder.expect("START " + ID2);
        assertThat(recorder.events.getLast().attributes()).containsEntry("name", "late")
                .containsEntry(PodInfo.LABEL_NAMESPACE, "shop");

        runtime.setState(ID2, ContainerState.CONTAINER_EXITED);
        recorder.expect("STOP " + ID2);
        runtime.containers.remove(ID2);
        recorder.expect("DESTROY " + ID2);
        // Removed while running: stopped, then destroyed.
        runtime.containers.remove(ID);
        recorder.expect("STOP " + ID);
        recorder.expect("DESTROY " + ID);
        // The stream is asked once per connection, not on every poll.
        assertThat(runtime.subscriptions).hasValue(1);
        assertThat(runtime.listCalls.get()).isGreaterThan(3);
    }

    @Test
    void hangingRuntimeFailsWithinTheDeadlineAndLeaksNoThreads() throws Exception {
        runtime.hang = true;
        server.start();
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        CriSource source = new CriSource(server.socket, options().withRequestTimeout(Duration.ofMillis(300)));

        long t0 = System.nanoTime();
        assertThatThrownBy(source::list).isInstanceOf(IOException.class).hasMessageContaining("DEADLINE_EXCEEDED");
        assertThatThrownBy(() -> source.inspect(ID)).isInstanceOf(IOException.class)
                .hasMessageContaining("DEADLINE_EXCEEDED");
        assertThat(source.ping()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));

        CriFixtures.Recorder recorder = new CriFixtures.Recorder();
        Closeable watch = source.watch(recorder, recorder);
        recorder.expect("disconnected");
        long t1 = System.nanoTime();
        watch.close();
        source.close();
        assertThat(Duration.ofNanos(System.nanoTime() - t1)).isLessThan(Duration.ofSeconds(3));
        server.stop();

        await("threads gone", () -> newThreads(before).isEmpty());
        assertThat(recorder.events).isEmpty();
    }

    /** Threads alive now that were not before, except ones that belong to the JVM or JUnit. */
    private static Set<String> newThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !before.contains(t))
                .map(Thread::getName)
                .collect(Collectors.toSet());
    }

    @Test
    void missingSocketIsAnIOException() {
        CriSource source = new CriSource(tmp.resolve("absent.sock"), options());
        toClose.add(source);
        assertThatThrownBy(source::list).isInstanceOf(IOException.class).hasMessageContaining("UNAVAILABLE");
        assertThat(source.ping()).isFalse();
    }

    @Test
    void detectPicksTheFirstSocketThatAnswers() throws Exception {
        server.start();
        Path stale = Files.createFile(tmp.resolve("stale.sock"));
        List<Path> sockets = List.of(tmp.resolve("absent.sock"), stale, server.socket);

        CriSource found = CriSource.detect(sockets, options()).orElseThrow();
        toClose.add(found);
        assertThat(found.socket()).isEqualTo(server.socket);
        assertThat(found.runtime()).isEqualTo(Runtimes.CONTAINERD);

        assertThat(CriSource.detect(List.of(tmp.resolve("absent.sock"), stale), options())).isEmpty();
        // A containerd without the CRI plugin (as Docker installs it) answers, but not RuntimeService.
        runtime.criDisabled = true;
        assertThat(CriSource.detect(List.of(server.socket), options())).isEmpty();
        // A wedged runtime is given up on after the deadline.
        runtime.criDisabled = false;
        runtime.hang = true;
        assertThat(CriSource.detect(List.of(server.socket), options().withRequestTimeout(Duration.ofMillis(200))))
                .isEmpty();
    }
}
