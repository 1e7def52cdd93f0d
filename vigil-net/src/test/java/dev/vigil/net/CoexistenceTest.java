package dev.vigil.net;

import dev.vigil.kernel.BpfObject;
import dev.vigil.kernel.TcAttachment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Another program's TC filter on the same interface (its own handle and priority, behind
 * Vigil's) keeps seeing traffic while Vigil is attached and after Vigil detaches, and its filter
 * and the clsact qdisc survive Vigil's detach.
 */
@Tag("kernel")
class CoexistenceTest {

    @Test
    void anotherFilterKeepsWorkingAcrossAttachAndDetach() throws Exception {
        byte[] elf = compileOther();
        try (TestNetns net = new TestNetns(); BpfObject other = BpfObject.open("othr", elf)) {
            other.load();
            int ifindex = Integer.parseInt(Files.readString(Path.of("/sys/class/net", net.hostIf, "ifindex")).strip());
            try (TcAttachment theirs = TcAttachment.attach(ifindex, TcAttachment.Direction.INGRESS, other.program("othr_count"), 7, 10)) {
                long h0 = hits(other);
                assertThat(net.pingFromNs(net.host4)).isTrue();
                long h1 = hits(other);
                assertThat(h1 - h0).as("other filter alone").isGreaterThanOrEqualTo(1);

                try (NetEnforcer vigil = NetEnforcer.open(NetEnforcer.Options.defaults())) {
                    vigil.protect(net.endpoint(null), Policies.one("t", "egress: {rules: [{action: deny, protocol: UDP, ports: ['9']}]}"));
                    assertThat(filters(net)).contains("handle 0x7 ").contains("handle 0x564e ");
                    assertThat(net.pingFromNs(net.host4)).isTrue();
                    long h2 = hits(other);
                    assertThat(h2 - h1).as("other filter behind Vigil's").isGreaterThanOrEqualTo(1);
                    assertThat(vigil.stats().packets(net.ns, "egress", "allow", "tc")).isGreaterThanOrEqualTo(1);
                    h1 = h2;
                }
                String after = filters(net);
                assertThat(after).contains("handle 0x7 ").doesNotContain("handle 0x564e ");
                assertThat(TestNetns.run(List.of("tc", "qdisc", "show", "dev", net.hostIf)).output()).contains("clsact");
                assertThat(net.pingFromNs(net.host4)).isTrue();
                assertThat(hits(other) - h1).as("other filter after Vigil detached").isGreaterThanOrEqualTo(1);
            }
        }
    }

    /** A filter with Vigil's handle and priority left behind (an agent that crashed) is replaced on attach. */
    @Test
    void aStaleVigilFilterIsReplaced() throws Exception {
        byte[] elf = compileOther();
        try (TestNetns net = new TestNetns(); BpfObject other = BpfObject.open("othr", elf)) {
            other.load();
            int ifindex = Integer.parseInt(Files.readString(Path.of("/sys/class/net", net.hostIf, "ifindex")).strip());
            // Not closed: it stands for what a killed agent leaves in the kernel.
            TcAttachment.attach(ifindex, TcAttachment.Direction.INGRESS, other.program("othr_count"), 0x564e, 1);
            try (NetEnforcer vigil = NetEnforcer.open(NetEnforcer.Options.defaults())) {
                vigil.protect(net.endpoint(null), Policies.one("t", "egress: {rules: [{action: deny, protocol: ICMP}]}"));
                assertThat(filters(net)).contains("vigil_net_tc_eg").doesNotContain("othr_count");
                assertThat(net.pingFromNs(net.host4)).isFalse();
            }
            assertThat(filters(net)).doesNotContain("handle 0x564e ");
        }
    }

    /** Someone else's root qdisc is neither replaced nor deleted; the L3/L4 policy holds anyway and the gap is reported. */
    @Test
    void aForeignRootQdiscIsLeftAlone() {
        try (TestNetns net = new TestNetns()) {
            TestNetns.sh("tc qdisc add dev " + net.hostIf + " root handle 77: tbf rate 1gbit burst 64k latency 50ms");
            try (NetEnforcer vigil = NetEnforcer.open(NetEnforcer.Options.defaults())) {
                vigil.protect(net.endpoint(null), Policies.one("t", "egress: {rules: [{action: deny, protocol: ICMP}]}\nbandwidth: {ingress: {rate: 10mbit}}"));
                assertThat(vigil.problems()).containsKey(net.ns);
                assertThat(vigil.problems().get(net.ns)).contains("did not create");
                assertThat(net.pingFromNs(net.host4)).isFalse();
            }
            assertThat(TestNetns.run(List.of("tc", "qdisc", "show", "dev", net.hostIf, "root")).output()).contains("tbf 77:");
        }
    }

    private static String filters(TestNetns net) {
        return TestNetns.run(List.of("tc", "filter", "show", "dev", net.hostIf, "ingress")).output();
    }

    private static long hits(BpfObject other) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(8);
            other.map("othr_hits").lookup(a.allocateFrom(JAVA_INT, 0), v);
            return v.get(JAVA_LONG, 0);
        }
    }

    private static byte[] compileOther() throws Exception {
        Path dir = Files.createTempDirectory("vigil-othr");
        Path src = dir.resolve("other_counter.bpf.c"), obj = dir.resolve("other_counter.bpf.o");
        try (InputStream in = CoexistenceTest.class.getResourceAsStream("other_counter.bpf.c")) {
            Files.copy(in, src);
        }
        TestNetns.Result r = TestNetns.run(List.of("clang", "-target", "bpf", "-O2", "-g", "-I/usr/include/x86_64-linux-gnu",
                "-c", src.toString(), "-o", obj.toString()));
        assertThat(r.exit()).as("clang: %s", r.output()).isZero();
        byte[] elf = Files.readAllBytes(obj);
        Files.delete(src);
        Files.delete(obj);
        Files.delete(dir);
        return elf;
    }
}
