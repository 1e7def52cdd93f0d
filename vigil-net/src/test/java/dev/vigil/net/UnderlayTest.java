package dev.vigil.net;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Underlay mode against real traffic. Namespace "lower" stands for the node's physical network:
 * it holds the parent device and a macvlan (bridge mode) child "peer0" for the remote side.
 * Namespace "pod" stands for the container: a second macvlan child of the same parent was
 * moved into it as net1, with no host-side peer. Vigil attaches inside "pod".
 *
 * The parent is a veth pair whose two ends both stay in "lower" (this kernel has no dummy
 * driver, CONFIG_DUMMY is off): nothing is created in or attached to the host's namespace.
 */
@Tag("kernel")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UnderlayTest {
    private final int n = ThreadLocalRandom.current().nextInt(20, 240);
    private final String lower = "vigil-t-ull" + n, pod = "vigil-t-ulc" + n, pod2 = "vigil-t-ulx" + n;
    private final String peer4 = "10.78." + n + ".1", pod4 = "10.78." + n + ".2";
    private final String peer6 = "fd78:" + n + "::1", pod6 = "fd78:" + n + "::2";
    private final Path cgroup = Path.of("/sys/fs/cgroup/unified/vigil-t-ul" + n);
    private Process holder;
    private NetEnforcer enforcer;
    private EndpointSpec endpoint;
    private String qdiscsBefore;

    @BeforeAll
    void setUp() throws Exception {
        sh("ip netns add " + lower);
        sh("ip netns add " + pod);
        sh("ip -n " + lower + " link add up0 type veth peer name up1");
        sh("ip -n " + lower + " link set up0 up");
        sh("ip -n " + lower + " link set up1 up");
        sh("ip -n " + lower + " link add link up0 name mvc type macvlan mode bridge");
        sh("ip -n " + lower + " link add link up0 name peer0 type macvlan mode bridge");
        sh("ip -n " + lower + " link set mvc netns " + pod);
        sh("ip -n " + pod + " link set mvc name net1");
        sh("ip -n " + pod + " addr add " + pod4 + "/24 dev net1");
        sh("ip -n " + pod + " addr add " + pod6 + "/64 dev net1 nodad");
        sh("ip -n " + pod + " link set net1 up");
        sh("ip -n " + pod + " link set lo up");
        sh("ip -n " + lower + " addr add " + peer4 + "/24 dev peer0");
        sh("ip -n " + lower + " addr add " + peer6 + "/64 dev peer0 nodad");
        sh("ip -n " + lower + " link set peer0 up");
        for (int i = 0; i < 50 && !ping(lower, pod4); i++) Thread.sleep(100);
        assertThat(ping(lower, pod4)).as("the macvlan children reach each other before Vigil").isTrue();
        // The container's process: the agent finds the namespace through /proc/PID/ns/net.
        holder = new ProcessBuilder("ip", "netns", "exec", pod, "sleep", "900").start();
        // ip enters the namespace, then execs sleep in the same process: wait until it has.
        Path comm = Path.of("/proc/" + holder.pid() + "/comm");
        for (int i = 0; i < 100 && !Files.readString(comm).strip().equals("sleep"); i++) Thread.sleep(20);
        Files.createDirectories(cgroup);
        qdiscsBefore = inNs(pod, "tc", "qdisc", "show", "dev", "net1");
        enforcer = NetEnforcer.open(NetEnforcer.Options.defaults());
        endpoint = EndpointSpec.forUnderlay("ul-" + n, "ul" + n, pid(), cgroup, "net1");
        enforcer.protect(endpoint, Policies.one("start", "{}"));
    }

    @AfterAll
    void tearDown() throws Exception {
        try {
            if (enforcer != null) enforcer.close();
        } finally {
            if (holder != null) {
                holder.destroy();
                holder.waitFor();
            }
            TestNetns.run(List.of("ip", "netns", "del", pod2));
            TestNetns.run(List.of("ip", "netns", "del", pod));
            TestNetns.run(List.of("ip", "netns", "del", lower));
            Files.deleteIfExists(cgroup);
        }
    }

    private int pid() {
        return (int) holder.pid();
    }

    private void policy(String yaml) {
        enforcer.update(endpoint.id(), Policies.one("u", yaml));
    }

    @Test
    @Order(1)
    void programsSitInsideThePodNamespaceWithDirectionsFlipped() {
        assertThat(endpoint.underlay()).isTrue();
        assertThat(endpoint.hostIfname()).isNull();
        // Inside the pod, the device's egress is what the container sends.
        assertThat(inNs(pod, "tc", "filter", "show", "dev", "net1", "egress")).contains("vigil_net_tc_eg").doesNotContain("vigil_net_tc_in");
        assertThat(inNs(pod, "tc", "filter", "show", "dev", "net1", "ingress")).contains("vigil_net_tc_in").doesNotContain("vigil_net_tc_eg");
        // The parent and the peer, in the other namespace, carry nothing of Vigil's.
        for (String dev : List.of("up0", "peer0")) {
            assertThat(inNs(lower, "tc", "filter", "show", "dev", dev, "ingress")).doesNotContain("vigil");
            assertThat(inNs(lower, "tc", "filter", "show", "dev", dev, "egress")).doesNotContain("vigil");
        }
        assertThat(enforcer.stats().interfaces()).isEqualTo(1);
    }

    @Test
    @Order(2)
    void tcpDeniedInBothDirectionsAndNeighbouringPortsPass() throws Exception {
        policy("""
                egress: {rules: [{action: deny, cidr: %s/32, protocol: TCP, ports: ["3000"]}]}
                ingress: {rules: [{action: deny, protocol: TCP, ports: ["8080"]}]}
                """.formatted(peer4));
        List<Process> servers = new ArrayList<>();
        try {
            servers.add(TestNetns.serve(nsPrefix(lower), "tcp-serve", peer4, "3000", "5"));
            servers.add(TestNetns.serve(nsPrefix(lower), "tcp-serve", peer4, "3001", "5"));
            servers.add(TestNetns.serve(nsPrefix(pod), "tcp-serve", pod4, "8080", "5"));
            servers.add(TestNetns.serve(nsPrefix(pod), "tcp-serve", pod4, "8081", "5"));
            assertThat(probe(pod, "tcp", peer4, "3000", "1")).as("container egress to a denied port").isEqualTo("timeout");
            assertThat(probe(pod, "tcp", peer4, "3001", "2")).isEqualTo("ok");
            assertThat(probe(lower, "tcp", pod4, "8080", "1")).as("container ingress to a denied port").isEqualTo("timeout");
            assertThat(probe(lower, "tcp", pod4, "8081", "2")).isEqualTo("ok");
        } finally {
            servers.forEach(Process::destroy);
        }
        NetStats s = enforcer.stats();
        assertThat(s.packets(endpoint.name(), "egress", "deny", "tc")).isGreaterThanOrEqualTo(1);
        assertThat(s.packets(endpoint.name(), "ingress", "deny", "tc")).isGreaterThanOrEqualTo(1);
        assertThat(enforcer.flows(endpoint.name())).anySatisfy(f -> {
            assertThat(f.direction()).isEqualTo("ingress");
            assertThat(f.destination()).isEqualTo(pod4);
            assertThat(f.destinationPort()).isEqualTo(8080);
            assertThat(f.rule()).isEqualTo("u/ingress/rules[0]");
        }).anySatisfy(f -> {
            assertThat(f.direction()).isEqualTo("egress");
            assertThat(f.source()).isEqualTo(pod4);
            assertThat(f.destinationPort()).isEqualTo(3000);
        });
    }

    @Test
    @Order(3)
    void udpDeniedInBothDirectionsV4AndV6() throws Exception {
        policy("""
                egress: {rules: [{action: deny, cidr: "fd78:%d::/64", protocol: UDP, ports: ["5300"]}]}
                ingress: {rules: [{action: deny, cidr: %s/32, protocol: UDP, ports: ["5400"]}]}
                """.formatted(n, peer4));
        Process egDenied = TestNetns.serve(nsPrefix(lower), "udp-count", peer6, "5300", "3");
        Process egAllowed = TestNetns.serve(nsPrefix(lower), "udp-count", peer6, "5301", "3");
        Process inDenied = TestNetns.serve(nsPrefix(pod), "udp-count", pod4, "5400", "3");
        Process inAllowed = TestNetns.serve(nsPrefix(pod), "udp-count", pod4, "5401", "3");
        assertThat(probe(pod, "udp-send", peer6, "5300", "20")).isEqualTo("sent 20");
        probe(pod, "udp-send", peer6, "5301", "20");
        probe(lower, "udp-send", pod4, "5400", "20");
        probe(lower, "udp-send", pod4, "5401", "20");
        assertThat(TestNetns.result(egDenied)).isZero();
        assertThat(TestNetns.result(egAllowed)).isEqualTo(20);
        assertThat(TestNetns.result(inDenied)).isZero();
        assertThat(TestNetns.result(inAllowed)).isEqualTo(20);
    }

    @Test
    @Order(4)
    void icmpDeniedInEachDirection() {
        policy("egress: {rules: [{action: deny, cidr: " + peer4 + "/32, protocol: ICMP}]}");
        assertThat(ping(pod, peer4)).as("egress echo denied").isFalse();
        assertThat(ping(pod, peer6)).as("ICMPv6 is not covered by a v4 rule").isTrue();
        policy("ingress: {rules: [{action: deny, protocol: ICMP}]}");
        assertThat(ping(lower, pod4)).as("ingress echo denied").isFalse();
        assertThat(ping(pod, peer4)).as("the egress rule is gone; replies are ICMP echo-reply, also denied on ingress").isFalse();
        policy("ingress: {rules: [{action: deny, cidr: 'fd78:" + n + "::/64', protocol: ICMPv6}]}");
        assertThat(ping(lower, pod6)).as("ingress echo v6 denied").isFalse();
        assertThat(ping(lower, pod4)).as("ingress echo v4 allowed again").isTrue();
    }

    /** The socket hooks sit on the cgroup as in veth mode; only the TC attach point moved. */
    @Test
    @Order(5)
    void socketLayerStillFailsFastWithEperm() {
        policy("egress: {rules: [{action: deny, cidr: " + peer4 + "/32, protocol: TCP, ports: ['3100']}]}");
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "echo $$ > " + cgroup + "/cgroup.procs && exec \"$@\"", "sh"));
        cmd.addAll(nsPrefix(pod));
        cmd.addAll(List.of("/usr/bin/python3", TestNetns.PROBE.toString(), "tcp", peer4, "3100", "3"));
        assertThat(TestNetns.run(cmd).output().strip()).isEqualTo("eperm");
        assertThat(enforcer.stats().packets(endpoint.name(), "egress", "deny", "socket")).isGreaterThanOrEqualTo(1);
    }

    /**
     * Container egress is shaped by HTB on net1 inside the pod; container ingress has no
     * host-side device to queue on, so that limit is reported instead of silently missing.
     */
    @Test
    @Order(6)
    void egressShapedInsideThePodAndIngressLimitReported() throws Exception {
        policy("bandwidth: {egress: {rate: 20mbit, ceil: 20mbit}, ingress: {rate: 5mbit}}");
        assertThat(inNs(pod, "tc", "qdisc", "show", "dev", "net1")).contains("qdisc htb 5649: root");
        assertThat(inNs(pod, "tc", "class", "show", "dev", "net1")).contains("class htb 5649:2").contains("rate 20Mbit");
        assertThat(enforcer.problems()).containsKey(endpoint.name());
        assertThat(enforcer.problems().get(endpoint.name())).contains("ingress bandwidth");
        Process server = new ProcessBuilder(List.of("ip", "netns", "exec", lower, "iperf3", "-s", "-1", "-B", peer4, "-p", "5299"))
                .redirectErrorStream(true).start();
        try {
            Thread.sleep(500);
            String out = TestNetns.run(List.of("ip", "netns", "exec", pod, "iperf3", "-c", peer4, "-p", "5299", "-t", "3", "-J")).output();
            double mbit = com.fasterxml.jackson.databind.json.JsonMapper.builder().build().readTree(out)
                    .path("end").path("sum_received").path("bits_per_second").asDouble() / 1e6;
            assertThat(mbit).as("container egress through the 20mbit ceiling (iperf3: %s)", out.length() > 300 ? out.substring(0, 300) : out)
                    .isBetween(5.0, 26.0);
        } finally {
            server.destroy();
        }
        policy("{}");
        assertThat(inNs(pod, "tc", "qdisc", "show", "dev", "net1")).doesNotContain("htb");
        assertThat(enforcer.problems()).doesNotContainKey(endpoint.name());
    }

    /** A container without the configured interface is a reported gap: nothing is attached, nothing is left. */
    @Test
    @Order(7)
    void containerWithoutTheInterfaceIsRefusedCleanly() {
        assertThatThrownBy(() -> EndpointSpec.forUnderlay("x", "x", pid(), null, "eth9"))
                .hasMessageContaining("has no interface eth9");
        EndpointSpec gone = new EndpointSpec("gone-" + n, "gone", null, null, endpoint.netns(), "net9", true);
        assertThatThrownBy(() -> enforcer.protect(gone, Policies.one("g", "{}"))).hasMessageContaining("has no interface net9");
        assertThat(enforcer.protectedContainers()).containsExactly(endpoint.id());
        assertThatThrownBy(() -> EndpointSpec.forUnderlay("h", "h", (int) ProcessHandle.current().pid(), null, "eth0"))
                .hasMessageContaining("host's network namespace");
        // The enforcer checks the namespace it opened itself, before any name is looked up in it
        // (a name no host interface has: were the check missing, this would fail on the name instead).
        EndpointSpec host = new EndpointSpec("host-" + n, "host", null, null, Path.of("/proc/self/ns/net"), "vigil-nx" + n, true);
        assertThatThrownBy(() -> enforcer.protect(host, Policies.one("h", "{}"))).hasMessageContaining("is the host's network namespace");
        assertThat(enforcer.protectedContainers()).containsExactly(endpoint.id());
    }

    /**
     * Ifindexes are per namespace: a second container whose interface has net1's number must be
     * refused, or the programs would apply one container's policy to the other.
     */
    @Test
    @Order(8)
    void sameIfindexInAnotherContainerIsRefused() throws Exception {
        int idx = Integer.parseInt(inNs(pod, "cat", "/sys/class/net/net1/ifindex").strip());
        sh("ip netns add " + pod2);
        sh("ip -n " + pod2 + " link add name net1 index " + idx + " type veth peer name other");
        EndpointSpec twin = new EndpointSpec("twin-" + n, "twin", null, null, Path.of("/run/netns/" + pod2), "net1", true);
        assertThatThrownBy(() -> enforcer.protect(twin, Policies.one("t", "egress: {defaultAction: deny}")))
                .hasMessageContaining("ifindex " + idx).hasMessageContaining(endpoint.name());
        assertThat(inNs(pod2, "tc", "filter", "show", "dev", "net1", "egress")).doesNotContain("vigil");
        policy("{}");
        assertThat(ping(lower, pod4)).as("the first container's policy is untouched").isTrue();
    }

    @Test
    @Order(9)
    void releaseDetachesInsideTheNamespaceAndLeavesItsQdiscsAsBefore() {
        policy("egress: {defaultAction: deny}");
        assertThat(ping(pod, peer4)).isFalse();
        enforcer.release(endpoint.id());
        assertThat(inNs(pod, "tc", "filter", "show", "dev", "net1", "egress")).isBlank();
        assertThat(inNs(pod, "tc", "filter", "show", "dev", "net1", "ingress")).isBlank();
        // The clsact qdisc stays by design (other programs may hang filters on it); everything else is as before.
        String after = inNs(pod, "tc", "qdisc", "show", "dev", "net1");
        assertThat(withoutClsact(after)).isEqualTo(withoutClsact(qdiscsBefore));
        assertThat(ping(pod, peer4)).as("nothing of Vigil's filters traffic any more").isTrue();
        assertThat(enforcer.protectedContainers()).isEmpty();
    }

    private static String withoutClsact(String qdiscs) {
        return String.join("\n", qdiscs.lines().filter(l -> !l.startsWith("qdisc clsact ffff:")).toList());
    }

    private List<String> nsPrefix(String ns) {
        return List.of("ip", "netns", "exec", ns);
    }

    private String inNs(String ns, String... cmd) {
        List<String> full = new ArrayList<>(nsPrefix(ns));
        full.addAll(List.of(cmd));
        TestNetns.Result r = TestNetns.run(full);
        if (r.exit() != 0) throw new IllegalStateException(full + ": " + r.output());
        return r.output();
    }

    private String probe(String ns, String... args) {
        List<String> cmd = new ArrayList<>(nsPrefix(ns));
        cmd.addAll(List.of("/usr/bin/python3", TestNetns.PROBE.toString()));
        cmd.addAll(List.of(args));
        return TestNetns.run(cmd).output().strip();
    }

    private boolean ping(String ns, String addr) {
        return TestNetns.run(List.of("ip", "netns", "exec", ns, "busybox", addr.contains(":") ? "ping6" : "ping", "-c", "1", "-W", "1", addr)).exit() == 0;
    }

    private static void sh(String cmd) {
        TestNetns.sh(cmd);
    }
}
