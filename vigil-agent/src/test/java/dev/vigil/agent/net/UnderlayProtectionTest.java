package dev.vigil.agent.net;

import dev.vigil.agent.policy.PolicyRegistry;
import dev.vigil.containers.ContainerInfo;
import dev.vigil.containers.Podman;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent in underlay mode (network.underlayInterface: net1) with real podman containers
 * started with --network none: the test moves a macvlan child into one container's namespace
 * as net1, standing for a CNI that hands pods a macvlan or an SR-IOV VF. The macvlan's parent and
 * the remote peer live in a test namespace ("lower"), never in the host's.
 */
@Tag("kernel")
class UnderlayProtectionTest {
    private static final String HEAD = "apiVersion: vigil.dev/v1alpha1\nkind: RuntimePolicy\nmetadata:\n  name: underlay\nspec:\n";

    @Test
    void containerInterfaceIsProtectedInsideItsNamespaceAndAContainerWithoutItIsReported(@TempDir Path dir) throws Exception {
        Podman.ensureImage();
        int n = ThreadLocalRandom.current().nextInt(20, 240);
        String lower = "vigil-t-ula" + n, peer = "10.79." + n + ".1", addr = "10.79." + n + ".2";
        PolicyRegistry registry = PolicyRegistry.load(dir.resolve("policies"));
        try (Podman podman = new Podman()) {
            sh("ip netns add " + lower);
            sh("ip -n " + lower + " link add up0 type veth peer name up1");
            sh("ip -n " + lower + " link set up0 up");
            sh("ip -n " + lower + " link set up1 up");
            sh("ip -n " + lower + " link add link up0 name peer0 type macvlan mode bridge");
            sh("ip -n " + lower + " addr add " + peer + "/24 dev peer0");
            sh("ip -n " + lower + " link set peer0 up");
            String id = podman.runDetached("ul", "--network", "none", Podman.IMAGE, "sleep", "600");
            String bareId = podman.runDetached("bare", "--network", "none", Podman.IMAGE, "sleep", "600");
            int pid = podman.pid("ul");
            String inCt = "nsenter --net=/proc/" + pid + "/ns/net ";
            sh("ip -n " + lower + " link add link up0 name mv" + n + " type macvlan mode bridge");
            sh("ip -n " + lower + " link set mv" + n + " netns " + pid);
            sh(inCt + "ip link set mv" + n + " name net1");
            sh(inCt + "ip addr add " + addr + "/24 dev net1");
            sh(inCt + "ip link set net1 up");
            waitFor(() -> ping(lower, addr), "the macvlan children reach each other before Vigil");

            String name = podman.name("ul"), bare = podman.name("bare");
            registry.apply(HEAD + "  selector: {containerName: [\"" + name + "\", \"" + bare + "\"]}\n  network:\n"
                    + "    ingress:\n      rules:\n        - {action: deny, cidr: " + peer + "/32, protocol: ICMP}\n"
                    + "    egress:\n      rules:\n        - {action: deny, cidr: " + peer + "/32, protocol: TCP, ports: [\"4444\"]}\n", "underlay.yaml");
            try (NetworkProtection net = NetworkProtection.start(registry, "net1")) {
                assertThat(net.mode()).isEqualTo("tc+socket (underlay net1)");
                net.containerStarted(info(id, name, pid));
                net.containerStarted(info(bareId, bare, podman.pid("bare")));
                waitFor(() -> !ping(lower, addr), "container ingress ICMP dropped at TC inside the container");
                assertThat(run("sh", "-c", inCt + "tc filter show dev net1 ingress")).contains("vigil_net_tc_in");
                assertThat(run("sh", "-c", inCt + "tc filter show dev net1 egress")).contains("vigil_net_tc_eg");
                // Egress: the socket hook on the container's cgroup, as in veth mode.
                assertThat(connect(podman, peer, 4444)).contains("Operation not permitted");
                assertThat(connect(podman, peer, 4445)).as("an allowed port: SYN out, RST back").contains("Connection refused");
                waitFor(() -> net.failures().containsKey(bareId), "the container without net1 is reported");
                assertThat(net.failures().get(bareId)).contains("has no interface net1");
                assertThat(net.failures()).doesNotContainKey(id);
                assertThat(net.stats().interfaces()).isEqualTo(1);
                assertThat(net.stats().mode()).isEqualTo("tc+socket (underlay net1)");
                assertThat(net.stats().packets(name, "ingress", "deny", "tc")).isGreaterThanOrEqualTo(1);

                // The interface arrives after the container started (as when a CNI moves it in late):
                // the agent retries without a policy change.
                String inBare = "nsenter --net=/proc/" + podman.pid("bare") + "/ns/net ";
                String bareAddr = "10.79." + n + ".3";
                sh("ip -n " + lower + " link add link up0 name mw" + n + " type macvlan mode bridge");
                sh("ip -n " + lower + " link set mw" + n + " netns " + podman.pid("bare"));
                sh(inBare + "ip link set mw" + n + " name net1");
                sh(inBare + "ip addr add " + bareAddr + "/24 dev net1");
                sh(inBare + "ip link set net1 up");
                waitFor(() -> !net.failures().containsKey(bareId), "the late interface is protected");
                assertThat(net.stats().interfaces()).isEqualTo(2);
                assertThat(ping(lower, bareAddr)).as("the policy's ingress ICMP deny holds on the second container too").isFalse();

                registry.delete("underlay");
                waitFor(() -> net.stats().interfaces() == 0, "released when no policy selects it");
                assertThat(ping(lower, addr)).isTrue();
                assertThat(ping(lower, bareAddr)).isTrue();
                assertThat(run("sh", "-c", inCt + "tc filter show dev net1 ingress")).doesNotContain("vigil");
            }
        } finally {
            run("ip", "netns", "del", lower);
        }
    }

    private static ContainerInfo info(String id, String name, int pid) {
        return new ContainerInfo(id, name, Podman.IMAGE, "", Map.of(), null, "podman", pid, null, "/libpod_parent/libpod-" + id, null);
    }

    /** nc's output and exit status. */
    private static String connect(Podman podman, String host, int port) throws Exception {
        Podman.Result r = Podman.exec(List.of("podman", "--runtime", "runc", "exec", podman.name("ul"), "sh", "-c",
                "nc -w 2 " + host + " " + port + " </dev/null"), Duration.ofSeconds(20));
        return r.output() + " (exit " + r.exit() + ")";
    }

    private static boolean ping(String ns, String addr) {
        try {
            return Podman.exec(List.of("ip", "netns", "exec", ns, "busybox", "ping", "-c", "1", "-W", "1", addr), Duration.ofSeconds(10)).exit() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private static String run(String... cmd) throws Exception {
        return Podman.exec(List.of(cmd), Duration.ofSeconds(20)).output();
    }

    private static void sh(String cmd) throws Exception {
        Podman.Result r = Podman.exec(List.of("sh", "-c", cmd), Duration.ofSeconds(20));
        if (r.exit() != 0) throw new IllegalStateException(cmd + ": " + r.output());
    }

    private static void waitFor(java.util.function.BooleanSupplier c, String what) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > until) throw new AssertionError("timed out waiting: " + what);
            Thread.sleep(250);
        }
    }
}
