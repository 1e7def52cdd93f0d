package dev.vigil.kernel;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Work inside a test namespace runs there, and nothing of the caller's ends up in it. */
@Tag("kernel")
class NetNamespaceTest {
    @Test
    void callRunsInsideTheNamespaceOnAThreadOfItsOwn() throws Exception {
        String name = "vigil-t-nsk" + ThreadLocalRandom.current().nextInt(20, 240);
        exec("ip", "netns", "add", name);
        try {
            exec("ip", "-n", name, "link", "add", "nsk0", "type", "veth", "peer", "name", "nsk1");
            String callerBefore = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
            try (NetNamespace ns = NetNamespace.open(Path.of("/run/netns/" + name))) {
                assertThat(ns.isCurrentProcessNamespace()).isFalse();
                String inside = ns.call(() -> Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString());
                assertThat(inside).isNotEqualTo(callerBefore);
                assertThat(ns.call(() -> Thread.currentThread())).isNotSameAs(Thread.currentThread()).satisfies(t -> assertThat(t.isAlive()).isFalse());
                // The ifindex is the namespace's own: the host has no nsk0.
                assertThat(ns.ifindex("nsk0")).isPositive();
                assertThat(Files.exists(Path.of("/sys/class/net/nsk0"))).isFalse();
                assertThat(ns.ifindex("no-such-if")).isZero();
                assertThatThrownBy(() -> ns.call(() -> {
                    throw new IllegalStateException("boom");
                })).hasMessage("boom");
            }
            assertThat(Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString()).isEqualTo(callerBefore);
            try (NetNamespace self = NetNamespace.open(Path.of("/proc/self/ns/net"))) {
                assertThat(self.isCurrentProcessNamespace()).isTrue();
            }
        } finally {
            exec("ip", "netns", "del", name);
        }
    }

    private static void exec(String... cmd) throws Exception {
        Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", cmd) + ": " + out);
    }
}
