package dev.vigil.net;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The TC layer (and the socket layer, through a test cgroup) against real traffic between the
 * host side of a test veth and the namespace behind it, which plays the container: every
 * assertion is about what reached the other side, or what the socket call returned.
 */
@Tag("kernel")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TcEnforcementTest {
    private TestNetns net;
    private NetEnforcer enforcer;
    private String id;
    private Path cgroup;

    @BeforeAll
    void setUp() throws Exception {
        net = new TestNetns();
        cgroup = Path.of("/sys/fs/cgroup/unified/vigil-t-net" + net.n);
        Files.createDirectories(cgroup);
        enforcer = NetEnforcer.open(NetEnforcer.Options.defaults());
        EndpointSpec ep = net.endpoint(cgroup);
        id = ep.id();
        enforcer.protect(ep, Policies.one("start", "{}"));
    }

    @AfterAll
    void tearDown() throws Exception {
        try {
            if (enforcer != null) enforcer.close();
        } finally {
            if (net != null) net.close();
            if (cgroup != null) Files.deleteIfExists(cgroup);
        }
    }

    private void policy(String yaml) {
        enforcer.update(id, Policies.one("t", yaml));
    }

    @Test
    void tcpEgressPortRangeIsDroppedAndNeighbouringPortsPass() throws Exception {
        policy("egress: {rules: [{action: deny, cidr: 10.77." + net.n + ".0/24, ports: ['3000-3999'], protocol: TCP}]}");
        List<Process> servers = new ArrayList<>();
        for (int port : new int[]{2999, 3000, 3999, 4000}) servers.add(TestNetns.serve(List.of(), "tcp-serve", net.host4, String.valueOf(port), "4"));
        try {
            assertThat(net.probe("tcp", net.host4, "2999", "2")).isEqualTo("ok");
            assertThat(net.probe("tcp", net.host4, "3000", "1")).isEqualTo("timeout");
            assertThat(net.probe("tcp", net.host4, "3999", "1")).isEqualTo("timeout");
            assertThat(net.probe("tcp", net.host4, "4000", "2")).isEqualTo("ok");
        } finally {
            servers.forEach(Process::destroy);
        }
        // IPv6 is not covered by a v4 prefix.
        Process s6 = TestNetns.serve(List.of(), "tcp-serve", net.host6, "3500", "3");
        try {
            assertThat(net.probe("tcp", net.host6, "3500", "2")).isEqualTo("ok");
        } finally {
            s6.destroy();
        }
    }

    @Test
    void udpEgressDenyV4AndV6() throws Exception {
        policy("""
                egress:
                  rules:
                    - {action: deny, cidr: "fd77:%d::/64", protocol: UDP}
                    - {action: deny, cidr: %s/32, protocol: UDP, ports: ["5353"]}
                """.formatted(net.n, net.host4));
        Process v4Denied = TestNetns.serve(List.of(), "udp-count", net.host4, "5353", "3");
        Process v4Allowed = TestNetns.serve(List.of(), "udp-count", net.host4, "5354", "3");
        Process v6Denied = TestNetns.serve(List.of(), "udp-count", net.host6, "5353", "3");
        net.probe("udp-send", net.host4, "5353", "20");
        net.probe("udp-send", net.host4, "5354", "20");
        net.probe("udp-send", net.host6, "5353", "20");
        assertThat(TestNetns.result(v4Denied)).isZero();
        assertThat(TestNetns.result(v4Allowed)).isEqualTo(20);
        assertThat(TestNetns.result(v6Denied)).isZero();
    }

    @Test
    void icmpDenyInEachDirectionAndFamily() {
        policy("egress: {rules: [{action: deny, cidr: 'fd77:" + net.n + "::/64', protocol: ICMPv6}]}");
        assertThat(net.pingFromNs(net.host6)).as("egress ping6 denied").isFalse();
        assertThat(net.pingFromNs(net.host4)).as("egress ping v4 allowed").isTrue();
        policy("ingress: {rules: [{action: deny, cidr: 10.77." + net.n + ".0/24, protocol: ICMP}]}");
        assertThat(net.pingFromHost(net.ns4)).as("ingress ping denied").isFalse();
        assertThat(net.pingFromHost(net.ns6)).as("ingress ping6 allowed").isTrue();
        assertThat(net.pingFromNs(net.host6)).as("previous policy gone").isTrue();
    }

    @Test
    void tcpIngressDenyByPortV4AndV6() throws Exception {
        policy("ingress: {rules: [{action: deny, protocol: TCP, ports: ['8080']}]}");
        Process a = TestNetns.serve(net.inNs(), "tcp-serve", net.ns4, "8080", "4");
        Process b = TestNetns.serve(net.inNs(), "tcp-serve", net.ns4, "8081", "4");
        Process c = TestNetns.serve(net.inNs(), "tcp-serve", net.ns6, "8080", "4");
        try {
            assertThat(TestNetns.hostProbe("tcp", net.ns4, "8080", "1")).isEqualTo("timeout");
            assertThat(TestNetns.hostProbe("tcp", net.ns4, "8081", "2")).isEqualTo("ok");
            assertThat(TestNetns.hostProbe("tcp", net.ns6, "8080", "1")).isEqualTo("timeout");
        } finally {
            a.destroy();
            b.destroy();
            c.destroy();
        }
    }

    @Test
    void udpIngressTcpEgressV6AndIcmpV6Ingress() throws Exception {
        policy("""
                ingress:
                  rules:
                    - {action: deny, protocol: UDP, ports: ["5400"]}
                    - {action: deny, cidr: "fd77:%1$d::/64", protocol: ICMP}
                egress:
                  rules:
                    - {action: deny, cidr: "fd77:%1$d::1/128", protocol: TCP, ports: ["3600"]}
                """.formatted(net.n));
        Process denied4 = TestNetns.serve(net.inNs(), "udp-count", net.ns4, "5400", "3");
        Process denied6 = TestNetns.serve(net.inNs(), "udp-count", net.ns6, "5400", "3");
        Process allowed6 = TestNetns.serve(net.inNs(), "udp-count", net.ns6, "5401", "3");
        TestNetns.hostProbe("udp-send", net.ns4, "5400", "20");
        TestNetns.hostProbe("udp-send", net.ns6, "5400", "20");
        TestNetns.hostProbe("udp-send", net.ns6, "5401", "20");
        assertThat(TestNetns.result(denied4)).isZero();
        assertThat(TestNetns.result(denied6)).isZero();
        assertThat(TestNetns.result(allowed6)).isEqualTo(20);
        Process s1 = TestNetns.serve(List.of(), "tcp-serve", net.host6, "3600", "4");
        Process s2 = TestNetns.serve(List.of(), "tcp-serve", net.host6, "3601", "4");
        try {
            assertThat(net.probe("tcp", net.host6, "3600", "1")).isEqualTo("timeout");
            assertThat(net.probe("tcp", net.host6, "3601", "2")).isEqualTo("ok");
        } finally {
            s1.destroy();
            s2.destroy();
        }
        assertThat(net.pingFromHost(net.ns6)).as("ingress ICMPv6 echo denied").isFalse();
        assertThat(net.pingFromHost(net.ns4)).as("ingress ICMP v4 allowed").isTrue();
    }

    @Test
    void longestPrefixWinsAndDenyWinsAtEqualLength() {
        policy("""
                egress:
                  rules:
                    - {action: deny, cidr: 10.77.%1$d.0/24}
                    - {action: allow, cidr: 10.77.%1$d.128/25}
                    - {action: deny, cidr: "fd77:%1$d::/64"}
                    - {action: allow, cidr: "fd77:%1$d::8000/113"}
                """.formatted(net.n));
        assertThat(net.pingFromNs(net.host4High)).as(".130 in the allowed /25").isTrue();
        assertThat(net.pingFromNs(net.host4Low)).as(".65 only in the denied /24").isFalse();
        assertThat(net.pingFromNs(net.host4)).as(".1 only in the denied /24").isFalse();
        assertThat(net.pingFromNs(net.host6High)).as("::8001 in the allowed /113").isTrue();
        assertThat(net.pingFromNs(net.host6)).as("::1 only in the denied /64").isFalse();
        // A second policy denying the same /25 wins over the allow at equal length.
        enforcer.update(id, List.of(
                Policies.source("a", "egress: {rules: [{action: allow, cidr: 10.77." + net.n + ".128/25}]}"),
                Policies.source("b", "egress: {rules: [{action: deny, cidr: 10.77." + net.n + ".128/25}]}")));
        assertThat(net.pingFromNs(net.host4High)).isFalse();
        assertThat(net.pingFromNs(net.host4)).isTrue();
        // A more specific allow that does not match the protocol falls back to the shorter deny.
        policy("egress: {rules: [{action: deny, cidr: 10.77." + net.n + ".0/24}, {action: allow, cidr: 10.77." + net.n + ".128/25, protocol: TCP}]}");
        assertThat(net.pingFromNs(net.host4High)).isFalse();
    }

    @Test
    void defaultDenyWithExplicitAllow() throws Exception {
        policy("egress: {defaultAction: deny, rules: [{action: allow, protocol: UDP, ports: ['7000']}]}");
        Process allowed = TestNetns.serve(List.of(), "udp-count", net.host4, "7000", "2");
        Process denied = TestNetns.serve(List.of(), "udp-count", net.host4, "7001", "2");
        net.probe("udp-send", net.host4, "7000", "10");
        net.probe("udp-send", net.host4, "7001", "10");
        assertThat(TestNetns.result(allowed)).isEqualTo(10);
        assertThat(TestNetns.result(denied)).isZero();
        assertThat(net.pingFromNs(net.host4)).isFalse();
    }

    @Test
    void socketLayerFailsFastWithEpermAndBothLayersReport() {
        policy("egress: {rules: [{action: deny, cidr: 10.77." + net.n + ".0/24, protocol: TCP, ports: ['3000-3999']},"
                + " {action: deny, cidr: 'fd77:" + net.n + "::/64', protocol: UDP}]}");
        long t0 = System.nanoTime();
        assertThat(inCgroup("tcp", net.host4, "3500", "3")).isEqualTo("eperm");
        assertThat((System.nanoTime() - t0) / 1_000_000).as("ms until the connect failed").isLessThan(2000);
        assertThat(inCgroup("udp-send", net.host6, "53", "5")).isEqualTo("eperm after 0");
        assertThat(inCgroup("tcp", net.host4, "2999", "1")).isIn("refused", "ok");
        NetStats s = enforcer.stats();
        assertThat(s.packets(net.ns, "egress", "deny", "socket")).isGreaterThanOrEqualTo(2);
        assertThat(enforcer.flows(net.ns)).anySatisfy(f -> {
            assertThat(f.layer()).isEqualTo("socket");
            assertThat(f.destination()).isEqualTo(net.host4);
            assertThat(f.destinationPort()).isEqualTo(3500);
            assertThat(f.rule()).isEqualTo("t/egress/rules[0]");
        });
    }

    @Test
    void countersAndOneFlowRecordPerBlockedTuple() {
        policy("egress: {rules: [{action: deny, cidr: " + net.host4 + "/32, protocol: UDP, ports: ['6100-6199']}]}");
        long before = enforcer.stats().packets(net.ns, "egress", "deny", "tc");
        assertThat(net.probe("udp-send", net.host4, "6150", "50")).isEqualTo("sent 50");
        NetStats s = enforcer.stats();
        assertThat(s.packets(net.ns, "egress", "deny", "tc") - before).isGreaterThanOrEqualTo(50);
        assertThat(s.rows()).anySatisfy(r -> {
            assertThat(r.rule()).isEqualTo("t/egress/rules[0]");
            assertThat(r.action()).isEqualTo("deny");
            assertThat(r.bytes()).isGreaterThan(50L * 28);
        });
        List<FlowRecord> flows = enforcer.flows(net.ns).stream().filter(f -> f.destinationPort() == 6150).toList();
        assertThat(flows).hasSize(1);
        FlowRecord f = flows.getFirst();
        assertThat(f.packets()).isEqualTo(50);
        assertThat(f.protocol()).isEqualTo("UDP");
        assertThat(f.source()).isEqualTo(net.ns4);
        assertThat(f.direction()).isEqualTo("egress");
        assertThat(f.lastSeen()).isAfterOrEqualTo(f.firstSeen());
        assertThat(f.lastSeen()).isBetween(java.time.Instant.now().minusSeconds(30), java.time.Instant.now().plusSeconds(1));
    }

    /**
     * Flips between two policies while traffic flows: port 6000 is allowed by both, 6001 denied by
     * both (once by a rule, once by the default). A window with no policy, or with half of one,
     * would let a 6001 datagram through or drop a 6000 one.
     */
    @Test
    void policySwapHasNoWindow() throws Exception {
        String a = "egress: {defaultAction: deny, rules: [{action: allow, protocol: UDP, ports: ['6000']}, {action: allow, protocol: ICMP}]}";
        String b = "egress: {rules: [{action: deny, protocol: UDP, ports: ['6001']}]}";
        policy(a);
        Process allowed = TestNetns.serve(List.of(), "udp-count", net.host4, "6000", "6");
        Process denied = TestNetns.serve(List.of(), "udp-count", net.host4, "6001", "6");
        CompletableFuture<String> s1 = CompletableFuture.supplyAsync(() -> net.probe("udp-send", net.host4, "6000", "3000", "0.0005"));
        CompletableFuture<String> s2 = CompletableFuture.supplyAsync(() -> net.probe("udp-send", net.host4, "6001", "3000", "0.0005"));
        int flips = 0;
        while (!(s1.isDone() && s2.isDone())) {
            policy(flips++ % 2 == 0 ? b : a);
            Thread.sleep(2);
        }
        assertThat(s1.get()).isEqualTo("sent 3000");
        assertThat(s2.get()).isEqualTo("sent 3000");
        assertThat(flips).as("policy flips during the traffic").isGreaterThan(20);
        assertThat(TestNetns.result(denied)).isZero();
        assertThat(TestNetns.result(allowed)).isEqualTo(3000);
    }

    private String inCgroup(String... probeArgs) {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "echo $$ > " + cgroup + "/cgroup.procs && exec \"$@\"", "sh"));
        cmd.addAll(net.inNs());
        cmd.addAll(List.of("/usr/bin/python3", TestNetns.PROBE.toString()));
        cmd.addAll(List.of(probeArgs));
        return TestNetns.run(cmd).output().strip();
    }
}
