package dev.vigil.agent.net;

import dev.vigil.agent.policy.PolicyRegistry;
import dev.vigil.containers.ContainerInfo;
import dev.vigil.containers.Podman;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent's network protection with a real podman container: a policy selecting the container
 * by name is put in force when the container starts, replaced when the policy changes, and
 * withdrawn when the policy is deleted; another container's name is not selected.
 */
@Tag("kernel")
class NetworkProtectionTest {
    private static final String HEAD = "apiVersion: vigil.dev/v1alpha1\nkind: RuntimePolicy\nmetadata:\n  name: netguard\nspec:\n";

    @Test
    void policyFollowsContainerAndPolicyChanges(@TempDir Path dir) throws Exception {
        Podman.ensureImage();
        PolicyRegistry registry = PolicyRegistry.load(dir.resolve("policies"));
        try (Podman podman = new Podman(); ServerSocket server = new ServerSocket()) {
            // The podman0 bridge, and its address, exist once a container runs.
            String id = podman.runDetached("guarded", Podman.IMAGE, "sleep", "600");
            server.bind(new InetSocketAddress(InetAddress.getByName("10.88.0.1"), 0), 50);
            acceptForever(server);
            int port = server.getLocalPort();
            String name = podman.name("guarded");
            registry.apply(HEAD + "  selector: {containerName: [\"" + name + "\"]}\n  network:\n    egress:\n      rules:\n"
                    + "        - {action: deny, cidr: 10.88.0.1/32, protocol: TCP, ports: [\"" + port + "\"]}\n", "netguard.yaml");
            try (NetworkProtection net = NetworkProtection.start(registry)) {
                assertThat(net.available()).as(net.mode()).isTrue();
                ContainerInfo info = new ContainerInfo(id, name, Podman.IMAGE, "", Map.of(), null, "podman", podman.pid("guarded"), null,
                        "/libpod_parent/libpod-" + id, null);
                assertThat(NetworkProtection.selects(new dev.vigil.agent.policy.RuntimePolicy.Selector(List.of("other-*"), null, null, null, null), info)).isFalse();
                net.containerStarted(info);
                waitFor(() -> connect(podman, port).contains("Operation not permitted"), "deny in force after start");
                assertThat(net.stats().interfaces()).isEqualTo(1);

                // A new version of the policy denies another port: the old port opens, within the reconcile period.
                registry.apply(HEAD + "  selector: {containerName: [\"" + name + "\"]}\n  network:\n    egress:\n      rules:\n"
                        + "        - {action: deny, cidr: 10.88.0.1/32, protocol: TCP, ports: [\"1\"]}\n", "netguard.yaml");
                waitFor(() -> connect(podman, port).isEmpty(), "old deny gone after the policy changed");

                registry.delete("netguard");
                waitFor(() -> net.stats().interfaces() == 0, "released when no policy selects it");
                net.containerStopped(info);
            }
        }
    }

    /** nc's error output, empty when the connection was made. */
    private static String connect(Podman podman, int port) {
        try {
            Podman.Result r = Podman.exec(List.of("podman", "--runtime", "runc", "exec", podman.name("guarded"), "sh", "-c",
                    "nc -w 2 10.88.0.1 " + port + " </dev/null"), Duration.ofSeconds(20));
            return r.exit() == 0 ? "" : r.output() + " (exit " + r.exit() + ")";
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier c, String what) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > until) throw new AssertionError("timed out waiting: " + what);
            Thread.sleep(250);
        }
    }

    private static void acceptForever(ServerSocket server) {
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    server.accept().close();
                } catch (Exception e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }
}
