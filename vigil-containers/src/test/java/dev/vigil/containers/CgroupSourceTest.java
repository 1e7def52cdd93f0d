package dev.vigil.containers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.Closeable;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class CgroupSourceTest {

    static final String ID = CgroupPathsTest.ID;
    static final String ID2 = CgroupPathsTest.ID2;
    static final String UID = CgroupPathsTest.UID;

    @Test
    void findsContainersAndTheirInitProcess(@TempDir Path tmp) throws Exception {
        FakeHost host = new FakeHost(tmp);
        String podman = "/libpod_parent/libpod-" + ID;
        host.process(1, 0, "/init.scope", 1);
        host.process(100, 1, "/", 50);                        // conmon, on the host
        host.process(101, 100, podman, 250);                  // container init
        host.process(102, 101, podman + "/sub", 300);         // child in a sub-cgroup
        host.process(50, 101, podman, 400);                   // wrapped pid, lower than init
        String kube = "/kubepods/besteffort/pod" + UID + "/" + ID2;
        host.process(200, 1, kube, 500);

        CgroupSource source = new CgroupSource(host.fs, Duration.ofMillis(50));
        List<ContainerInfo> list = source.list();
        assertThat(list).extracting(ContainerInfo::id).containsExactlyInAnyOrder(ID, ID2);

        ContainerInfo podmanC = source.inspect(ID).orElseThrow();
        assertThat(podmanC.runtime()).isEqualTo(Runtimes.PODMAN);
        assertThat(podmanC.initPid()).isEqualTo(101);
        assertThat(podmanC.cgroupPath()).isEqualTo(podman);
        assertThat(podmanC.startedAt()).isEqualTo(Instant.ofEpochSecond(1700000000).plusMillis(2500));
        assertThat(podmanC.name()).isEmpty();
        assertThat(podmanC.config()).isNull();
        assertThat(podmanC.pod()).isNull();

        ContainerInfo kubeC = source.inspect(ID2).orElseThrow();
        assertThat(kubeC.pod()).isEqualTo(new PodInfo("", "", UID));
        assertThat(kubeC.runtime()).isEqualTo(Runtimes.CONTAINERD);
        assertThat(kubeC.initPid()).isEqualTo(200);

        assertThat(source.inspect(CgroupPathsTest.ID.replace('3', '4'))).isEmpty();
    }

    @Test
    void statParserCopesWithParenthesesInComm() {
        String stat = "7 (a) b) (c) S 3 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 12345 0 0";
        assertThat(CgroupSource.parseStat(stat)).hasValueSatisfying(v -> {
            assertThat(v[0]).isEqualTo(3);
            assertThat(v[1]).isEqualTo(12345);
        });
        assertThat(CgroupSource.parseStat("garbage")).isEmpty();
    }

    @Test
    void watchReportsAppearingAndVanishingContainers(@TempDir Path tmp) throws Exception {
        FakeHost host = new FakeHost(tmp);
        CgroupSource source = new CgroupSource(host.fs, Duration.ofMillis(30));
        BlockingQueue<RuntimeEvent> events = new LinkedBlockingQueue<>();
        try (Closeable watch = source.watch(events::add)) {
            host.process(300, 1, "/docker/" + ID, 10);
            assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo(new RuntimeEvent(RuntimeEvent.Kind.START, ID));
            host.exit(300);
            assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo(new RuntimeEvent(RuntimeEvent.Kind.STOP, ID));
            assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo(new RuntimeEvent(RuntimeEvent.Kind.DESTROY, ID));
        }
    }
}
