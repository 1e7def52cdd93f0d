package dev.vigil.net;

import dev.vigil.containers.Podman;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real podman container: its host-side veth found from its namespace, the socket hooks on its
 * cgroup. Traffic goes only between the container and the host's end of the podman bridge.
 */
@Tag("kernel")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerNetTest {
    private static final String GATEWAY = "10.88.0.1";
    private Podman podman;
    private NetEnforcer vigil;
    private String id;
    private String ip;
    private EndpointSpec endpoint;

    @BeforeAll
    void start() throws Exception {
        Podman.ensureImage();
        podman = new Podman();
        id = podman.runDetached("net", "--cap-add", "NET_RAW", Podman.IMAGE, "sleep", "600");
        ip = Podman.podman("inspect", "-f", "{{.NetworkSettings.IPAddress}}", podman.name("net"));
        Path cgroup = Path.of("/sys/fs/cgroup/unified/libpod_parent/libpod-" + id);
        assertThat(cgroup).isDirectory();
        endpoint = EndpointSpec.forContainer(id, podman.name("net"), podman.pid("net"), cgroup, "eth0");
        assertThat(endpoint.hostIfname()).startsWith("veth");
        vigil = NetEnforcer.open(NetEnforcer.Options.defaults());
        vigil.protect(endpoint, Policies.one("ct", """
                egress:
                  rules:
                    - {action: deny, cidr: %s/32, protocol: TCP, ports: ["4000-4010"]}
                    - {action: deny, cidr: %s/32, protocol: ICMP}
                ingress:
                  rules:
                    - {action: deny, protocol: TCP, ports: ["8080"]}
                """.formatted(GATEWAY, GATEWAY)));
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (vigil != null) vigil.close();
        } finally {
            if (podman != null) podman.close();
        }
    }

    private Podman.Result exec(String... cmd) throws Exception {
        List<String> full = new java.util.ArrayList<>(List.of("podman", "--runtime", "runc", "exec", podman.name("net")));
        full.addAll(List.of(cmd));
        return Podman.exec(full, Duration.ofSeconds(20));
    }

    @Test
    void deniedConnectFailsWithEpermInsideTheContainerAndAllowedConnectWorks() throws Exception {
        Process denied = TestNetns.serve(List.of(), "tcp-serve", GATEWAY, "4005", "3");
        Process allowed = TestNetns.serve(List.of(), "tcp-serve", GATEWAY, "4020", "3");
        long t0 = System.nanoTime();
        Podman.Result r = exec("nc", "-w", "3", GATEWAY, "4005");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.exit()).isNotZero();
        assertThat(r.output()).contains("Operation not permitted");
        assertThat(ms).as("EPERM comes at once, not after the 3 s timeout").isLessThan(2500);
        Podman.Result ok = exec("sh", "-c", "nc -w 2 " + GATEWAY + " 4020 </dev/null");
        assertThat(ok.exit()).as(ok.output()).isZero();
        assertThat(TestNetns.result(denied)).isZero();
        assertThat(TestNetns.result(allowed)).isEqualTo(1);
        assertThat(vigil.stats().packets(endpoint.name(), "egress", "deny", "socket")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void icmpDeniedAtTcAndIngressPortDenied() throws Exception {
        assertThat(exec("ping", "-c", "1", "-W", "1", GATEWAY).exit()).isNotZero();
        for (String port : List.of("8080", "8081")) {
            Podman.podman("exec", "-d", podman.name("net"), "nc", "-ll", "-p", port, "-e", "/bin/true");
        }
        Thread.sleep(300);
        assertThat(TestNetns.hostProbe("tcp", ip, "8080", "1")).isEqualTo("timeout");
        assertThat(TestNetns.hostProbe("tcp", ip, "8081", "2")).isEqualTo("ok");
        NetStats s = vigil.stats();
        assertThat(s.packets(endpoint.name(), "egress", "deny", "tc")).isGreaterThanOrEqualTo(1);
        assertThat(s.packets(endpoint.name(), "ingress", "deny", "tc")).isGreaterThanOrEqualTo(1);
        assertThat(vigil.flows(endpoint.name())).anySatisfy(f -> {
            assertThat(f.direction()).isEqualTo("ingress");
            assertThat(f.destinationPort()).isEqualTo(8080);
            assertThat(f.destination()).isEqualTo(ip);
        });
    }

    /** A host-network container has no interface of its own: nothing of the host's is ever attached to. */
    @Test
    void hostNetworkContainerIsRefused() throws Exception {
        String hostId = podman.runDetached("hostnet", "--network", "host", Podman.IMAGE, "sleep", "600");
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> EndpointSpec.forContainer(hostId, "hostnet", podman.pid("hostnet"), null, "eth0"))
                    .hasMessageContaining("host's network namespace");
        } finally {
            podman.remove("hostnet");
        }
    }

    @Test
    void zzReleaseAfterTheContainerIsGoneIsClean() throws Exception {
        podman.remove("net");
        vigil.release(id);
        assertThat(vigil.protectedContainers()).doesNotContain(id);
        assertThat(Files.exists(Path.of("/sys/class/net", endpoint.hostIfname()))).isFalse();
    }
}
