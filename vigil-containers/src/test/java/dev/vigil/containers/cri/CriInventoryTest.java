package dev.vigil.containers.cri;

import dev.vigil.containers.CgroupFs;
import dev.vigil.containers.ContainerInfo;
import dev.vigil.containers.ContainerInventory;
import dev.vigil.containers.ContainerLifecycleListener;
import dev.vigil.containers.PodInfo;
import dev.vigil.containers.Runtimes;
import dev.vigil.containers.cri.v1.ContainerEventType;
import dev.vigil.containers.cri.v1.ContainerState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.vigil.containers.cri.CriFixtures.ID;
import static dev.vigil.containers.cri.CriFixtures.ID2;
import static dev.vigil.containers.cri.CriFixtures.SANDBOX;
import static dev.vigil.containers.cri.CriFixtures.SANDBOX2;
import static dev.vigil.containers.cri.CriFixtures.UID;
import static dev.vigil.containers.cri.CriFixtures.UID2;
import static dev.vigil.containers.cri.CriFixtures.await;
import static dev.vigil.containers.cri.CriFixtures.kubeletLabels;
import static org.assertj.core.api.Assertions.assertThat;

/** ContainerInventory with CriSource as its primary source, against the fake runtime. */
class CriInventoryTest {

    @TempDir
    Path tmp;
    FakeCriServer server;
    CriSource source;
    ContainerInventory inventory;
    final List<String> lifecycle = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        if (inventory != null) {
            inventory.close();
        }
        if (source != null) {
            source.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void inventoryResolvesAndAnnouncesContainersFromCri() throws Exception {
        Path proc = tmp.resolve("proc");
        Path cgroupRoot = tmp.resolve("cgroup");
        CgroupFs fs = new CgroupFs(proc, cgroupRoot);
        String webCgroup = CriFixtures.procInContainer(proc, cgroupRoot, 4242, UID, ID);
        String lateCgroup = CriFixtures.procInContainer(proc, cgroupRoot, 5353, UID2, ID2);

        server = new FakeCriServer(tmp.resolve("containerd.sock"));
        server.runtime.put(FakeCriServer.container(ID, "web", ContainerState.CONTAINER_RUNNING,
                kubeletLabels("web-7d9", "shop", UID, "web"), CriFixtures.containerdInfo(4242)), SANDBOX);
        server.start();
        source = new CriSource(server.socket, CriSource.Options.defaults()
                .withRequestTimeout(Duration.ofSeconds(1))
                .withReconnect(Duration.ofMillis(50), Duration.ofMillis(200))
                .withCgroupFs(fs));

        inventory = ContainerInventory.builder()
                .primary(source)
                .fallback(null)
                .cgroupFs(fs)
                .fallbackInterval(Duration.ofMillis(50))
                .build();
        inventory.addListener(new ContainerLifecycleListener() {
            @Override
            public void containerStarted(ContainerInfo c) {
                lifecycle.add("start " + c.name() + " " + c.pod().name());
            }

            @Override
            public void containerStopped(ContainerInfo c) {
                lifecycle.add("stop " + c.name());
            }
        });
        inventory.start();
        await("CRI active", () -> inventory.activeSource().equals("cri"));

        // Found by the startup listing, and resolvable by the kernel's cgroup id.
        long webId = fs.cgroupId(webCgroup).orElseThrow();
        ContainerInfo web = inventory.resolveCgroupId(webId).orElseThrow();
        assertThat(web.id()).isEqualTo(ID);
        assertThat(web.runtime()).isEqualTo(Runtimes.CONTAINERD);
        assertThat(web.pod()).isEqualTo(new PodInfo("web-7d9", "shop", UID));
        assertThat(web.config().privileged()).isTrue();
        assertThat(lifecycle).containsExactly("start web web-7d9");

        // A container started later arrives through the event stream.
        await("subscribed", () -> server.runtime.subscribers.size() == 1);
        server.runtime.put(FakeCriServer.container(ID2, "late", ContainerState.CONTAINER_RUNNING,
                kubeletLabels("late-1", "shop", UID2, "late"), CriFixtures.containerdInfo(5353)), SANDBOX2);
        server.runtime.emit(ContainerEventType.CONTAINER_STARTED_EVENT, ID2);
        await("late container known", () -> inventory.isRunning(ID2));
        assertThat(inventory.resolveCgroupId(fs.cgroupId(lateCgroup).orElseThrow()))
                .map(ContainerInfo::name).contains("late");

        server.runtime.setState(ID2, ContainerState.CONTAINER_EXITED);
        server.runtime.emit(ContainerEventType.CONTAINER_STOPPED_EVENT, ID2);
        // Listeners hear of it just after the entry changes: wait for what they hear.
        await("late container stop announced", () -> lifecycle.size() == 3);
        assertThat(inventory.isRunning(ID2)).isFalse();
        assertThat(lifecycle).containsExactly("start web web-7d9", "start late late-1", "stop late");
        // Still resolvable during the grace period.
        assertThat(inventory.get(ID2)).isPresent();
    }
}
