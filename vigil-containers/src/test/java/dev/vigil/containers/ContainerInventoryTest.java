package dev.vigil.containers;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

class ContainerInventoryTest {

    @TempDir
    Path tmp;
    FakeHost host;
    FakeSource api;
    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final List<String> lifecycle = new CopyOnWriteArrayList<>();
    ContainerInventory inventory;

    @BeforeEach
    void setUp() throws Exception {
        host = new FakeHost(tmp);
        api = new FakeSource();
    }

    @AfterEach
    void tearDown() {
        if (inventory != null) {
            inventory.close();
        }
    }

    static String id(int n) {
        return String.format("%064x", n + 0xabc000L);
    }

    static String cg(int n) {
        return "/docker/" + id(n);
    }

    private ContainerInventory start(ContainerInventory.Builder b) {
        inventory = b.build();
        inventory.addListener(new ContainerLifecycleListener() {
            @Override
            public void containerStarted(ContainerInfo c) {
                lifecycle.add("start " + c.name() + c.id().substring(58));
            }

            @Override
            public void containerStopped(ContainerInfo c) {
                lifecycle.add("stop " + c.name() + c.id().substring(58));
            }
        });
        inventory.start();
        return inventory;
    }

    private ContainerInventory.Builder builder() {
        return ContainerInventory.builder()
                .primary(api)
                .fallback(new CgroupSource(host.fs, Duration.ofMillis(20)))
                .cgroupFs(host.fs)
                .gracePeriod(Duration.ofSeconds(30))
                .fallbackInterval(Duration.ofMillis(20))
                .reapInterval(Duration.ofMillis(10))
                .ticker(now::get);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void startupListIsIndexedByCgroupId() throws Exception {
        host.mkcgroup(cg(1));
        host.mkcgroup(cg(2));
        api.containers.put(id(1), FakeSource.container(id(1), "a", cg(1)));
        api.containers.put(id(2), FakeSource.container(id(2), "b", cg(2)));
        start(builder());
        api.connect();
        await("primary active", () -> inventory.activeSource().equals("fake-api"));

        assertThat(inventory.size()).isEqualTo(2);
        assertThat(inventory.resolveCgroupId(host.cgroupId(cg(1)))).map(ContainerInfo::name).contains("a");
        assertThat(inventory.resolveCgroupId(host.cgroupId(cg(2)))).map(ContainerInfo::name).contains("b");
        assertThat(inventory.resolveCgroupId(host.cgroupId("/"))).isEmpty();
        // The resync after connecting must not announce the containers a second time.
        assertThat(lifecycle).containsExactlyInAnyOrder("start a" + id(1).substring(58), "start b" + id(2).substring(58));
    }

    @Test
    void eventsStartStopAndGracePeriod() throws Exception {
        start(builder());
        api.connect();
        host.mkcgroup(cg(1));
        api.start(FakeSource.container(id(1), "web", cg(1)));
        await("container known", () -> inventory.isRunning(id(1)));
        long cgroupId = host.cgroupId(cg(1));
        assertThat(inventory.resolveCgroupId(cgroupId)).map(ContainerInfo::name).contains("web");

        api.stop(id(1));
        await("container stopped", () -> !inventory.isRunning(id(1)));
        // Late events still resolve during the grace period.
        assertThat(inventory.resolveCgroupId(cgroupId)).isPresent();
        assertThat(inventory.size()).isEqualTo(1);
        assertThat(lifecycle).containsExactly("start web" + id(1).substring(58), "stop web" + id(1).substring(58));

        now.addAndGet(Duration.ofSeconds(29).toNanos());
        Thread.sleep(50);
        assertThat(inventory.size()).isEqualTo(1);
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        await("reaped", () -> inventory.size() == 0);
        assertThat(inventory.resolveCgroupId(cgroupId)).isEmpty();
    }

    @Test
    void fallsBackToCgroupsAndBackToTheRuntime() throws Exception {
        api.up = false;
        host.process(500, 1, cg(1), 1);
        start(builder());
        // Primary down from the start: the cgroup scan found the container already.
        assertThat(inventory.activeSource()).isEqualTo("cgroup");
        assertThat(inventory.get(id(1))).map(ContainerInfo::name).contains("");
        assertThat(inventory.resolveCgroupId(host.cgroupId(cg(1)))).isPresent();

        // The runtime comes back: its richer view replaces the cgroup one without a new start.
        api.containers.put(id(1), FakeSource.container(id(1), "late", cg(1)));
        api.connect();
        await("primary active", () -> inventory.activeSource().equals("fake-api"));
        await("enriched", () -> inventory.get(id(1)).map(ContainerInfo::name).orElse("").equals("late"));

        // Runtime goes away again; a container starts meanwhile and is found by scanning.
        api.disconnect();
        await("fallback", () -> inventory.activeSource().equals("cgroup"));
        host.process(600, 1, cg(2), 1);
        await("found by scan", () -> inventory.isRunning(id(2)));
        // The cgroup scan must not downgrade what the runtime said.
        assertThat(inventory.get(id(1))).map(ContainerInfo::name).contains("late");

        // A container whose processes are gone is stopped by the scan.
        host.exit(600);
        host.rmcgroup(cg(2));
        await("stopped by scan", () -> !inventory.isRunning(id(2)));
        assertThat(inventory.isRunning(id(1))).isTrue();
        assertThat(lifecycle).containsExactly("start " + id(1).substring(58), "start " + id(2).substring(58),
                "stop " + id(2).substring(58));
    }

    @Test
    void kernelCgroupRecordsPlaceAContainerAtOnceAndAnnounceItInOrder() throws Exception {
        start(builder());
        api.connect();
        await("primary active", () -> inventory.activeSource().equals("fake-api"));
        api.containers.put(id(3), FakeSource.container(id(3), "web", cg(3)));
        api.inspectGate = new java.util.concurrent.CountDownLatch(1);

        // The kernel reports the container's cgroup before its first process runs.
        inventory.cgroupCreated(4242, cg(3));
        assertThat(inventory.resolveCgroupId(4242)).map(ContainerInfo::id).contains(id(3));
        assertThat(inventory.enrichmentPending(id(3))).isTrue();
        // A sub-cgroup made inside it belongs to it too.
        inventory.cgroupCreated(4243, cg(3) + "/sub");
        assertThat(inventory.resolveCgroupId(4243)).map(ContainerInfo::id).contains(id(3));
        // It ends while the runtime is still being asked: nothing is announced yet...
        inventory.cgroupRemoved(4242, cg(3));
        assertThat(lifecycle).isEmpty();
        // ...and once it answers, start (with the name) comes before stop.
        api.inspectGate.countDown();
        await("announced", () -> lifecycle.size() == 2);
        assertThat(lifecycle).containsExactly("start web" + id(3).substring(58), "stop web" + id(3).substring(58));
        assertThat(inventory.enrichmentPending(id(3))).isFalse();

        // Made again: the runtime restarts it, and it is announced again.
        api.inspectGate = null;
        inventory.cgroupCreated(4244, cg(3));
        await("restart announced", () -> lifecycle.size() == 3);
        assertThat(lifecycle.get(2)).isEqualTo("start web" + id(3).substring(58));
        assertThat(inventory.isRunning(id(3))).isTrue();

        // A host cgroup is not a container.
        inventory.cgroupCreated(4245, "/system.slice/cron.service");
        assertThat(inventory.resolveCgroupId(4245)).isEmpty();
    }

    @Test
    void cgroupsThatExistedAtStartResolveByIdAloneWithoutProc() throws Exception {
        host.mkcgroup(cg(5));
        host.mkcgroup("/system.slice/sshd.service");
        long container = host.cgroupId(cg(5));
        long service = host.cgroupId("/system.slice/sshd.service");
        start(builder());
        // No process is given (pid 0), and none lives in these cgroups: the start-up walk knows them.
        assertThat(inventory.resolve(container, 0)).map(ContainerInfo::id).contains(id(5));
        assertThat(inventory.resolve(service, 0)).isEmpty();
        // Removed and made again with a new id by the kernel: the new id is learnt from the record.
        inventory.cgroupRemoved(service, "/system.slice/sshd.service");
        inventory.cgroupCreated(777_000, cg(6));
        assertThat(inventory.resolve(777_000, 0)).map(ContainerInfo::id).contains(id(6));
    }

    @Test
    void resolvesUnknownCgroupsThroughProc() throws Exception {
        host.mkcgroup(cg(1));
        api.containers.put(id(1), FakeSource.container(id(1), "known", cg(1)));
        start(builder());
        api.connect();
        await("primary active", () -> inventory.activeSource().equals("fake-api"));

        // A sub-cgroup created inside a known container.
        host.process(700, 1, cg(1) + "/worker", 1);
        long child = host.cgroupId(cg(1) + "/worker");
        assertThat(inventory.resolveCgroupId(child)).isEmpty();
        assertThat(inventory.resolve(child, 700)).map(ContainerInfo::name).contains("known");
        // Cached: no pid needed any more.
        assertThat(inventory.resolveCgroupId(child)).map(ContainerInfo::name).contains("known");

        // A host process.
        host.process(701, 1, "/system.slice/cron.service", 1);
        long hostCg = host.cgroupId("/system.slice/cron.service");
        assertThat(inventory.resolve(hostCg, 701)).isEmpty();

        // A container the runtime has not told us about (another runtime, or a race).
        String crio = "/kubepods/burstable/pod" + CgroupPathsTest.UID + "/crio-" + id(9);
        host.process(702, 1, crio, 1);
        assertThat(inventory.resolve(host.cgroupId(crio), 702)).hasValueSatisfying(c -> {
            assertThat(c.id()).isEqualTo(id(9));
            assertThat(c.runtime()).isEqualTo(Runtimes.CRIO);
            assertThat(c.pod().uid()).isEqualTo(CgroupPathsTest.UID);
        });
        assertThat(inventory.isRunning(id(9))).isTrue();
        // Its start is announced once the runtime has been asked about it (it does not know it).
        await("probe entry announced", () -> lifecycle.contains("start " + id(9).substring(58)));

        // When its processes are gone it stops even though the runtime never knew it.
        host.exit(702);
        host.rmcgroup(crio);
        await("probe entry stopped", () -> !inventory.isRunning(id(9)));

        // A pid that moved elsewhere since the event is answered but not cached.
        host.process(703, 1, cg(1), 1);
        assertThat(inventory.resolve(123456, 703)).map(ContainerInfo::name).contains("known");
        assertThat(inventory.resolveCgroupId(123456)).isEmpty();
        assertThat(inventory.resolve(123457, 99999)).isEmpty();
    }

    @Test
    void containersGoneBeforeInspectionAreStillRecorded() throws Exception {
        start(builder());
        api.connect();
        host.mkcgroup(cg(1));
        api.start(FakeSource.container(id(1), "rich", cg(1)));
        api.flash(id(2), "brief");
        await("brief one stopped", () -> inventory.get(id(2)).isPresent() && !inventory.isRunning(id(2)));
        assertThat(inventory.get(id(2))).map(ContainerInfo::name).contains("brief");
        assertThat(lifecycle).containsExactly("start rich" + id(1).substring(58),
                "start brief" + id(2).substring(58), "stop brief" + id(2).substring(58));

        // An event-only description never replaces what inspect said.
        api.containers.remove(id(1));
        api.containers.put(id(3), FakeSource.container(id(3), "other", null));
        api.flash(id(1), "renamed");
        api.start(FakeSource.container(id(3), "other", null));
        await("third known", () -> inventory.isRunning(id(3)));
        assertThat(inventory.get(id(1))).map(ContainerInfo::name).contains("rich");
    }

    @Test
    void hardCapEvictsStoppedFirstAndCounts() throws Exception {
        start(builder().maxEntries(3));
        api.connect();
        for (int i = 1; i <= 3; i++) {
            api.start(FakeSource.container(id(i), "c" + i, null));
        }
        await("three", () -> inventory.size() == 3);
        api.stop(id(2));
        await("stopped", () -> !inventory.isRunning(id(2)));
        api.start(FakeSource.container(id(4), "c4", null));
        await("four known", () -> inventory.get(id(4)).isPresent());
        assertThat(inventory.get(id(2))).isEmpty();
        assertThat(inventory.evictions()).isEqualTo(1);
        api.start(FakeSource.container(id(5), "c5", null));
        await("five known", () -> inventory.get(id(5)).isPresent());
        // No stopped entry left: the oldest running one goes.
        assertThat(inventory.get(id(1))).isEmpty();
        assertThat(inventory.size()).isEqualTo(3);
        assertThat(inventory.evictions()).isEqualTo(2);
    }

    @Test
    void brokenListenerDoesNotStopTheInventory() throws Exception {
        inventory = builder().build();
        inventory.addListener(new ContainerLifecycleListener() {
            @Override
            public void containerStarted(ContainerInfo c) {
                throw new IllegalStateException("bug");
            }

            @Override
            public void containerStopped(ContainerInfo c) {
                throw new IllegalStateException("bug");
            }
        });
        inventory.start();
        api.connect();
        api.start(FakeSource.container(id(1), "a", null));
        api.stop(id(1));
        api.start(FakeSource.container(id(2), "b", null));
        await("second container", () -> inventory.isRunning(id(2)));
        assertThat(inventory.isRunning(id(1))).isFalse();
    }

    @Test
    void worksWithoutAnyPrimary() throws Exception {
        host.process(800, 1, cg(3), 1);
        inventory = ContainerInventory.builder().fallback(new CgroupSource(host.fs, Duration.ofMillis(20)))
                .cgroupFs(host.fs).fallbackInterval(Duration.ofMillis(20)).build();
        inventory.start();
        assertThat(inventory.activeSource()).isEqualTo("cgroup");
        assertThat(inventory.isRunning(id(3))).isTrue();
    }
}
