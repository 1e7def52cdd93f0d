package dev.vigil.net;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a protected container is on this host: the host-side interface the TC programs attach
 * to, its cgroup v2 directory for the socket hooks (null: none), and its network namespace
 * plus the interface name inside it, where container egress is shaped (null: not shaped).
 *
 * In underlay mode ({@code underlay}; macvlan, ipvlan or an SR-IOV VF moved into the container)
 * there is no host-side device: {@code hostIfname} is null and the TC programs attach to
 * {@code innerIfname} inside {@code netns}.
 */
public record EndpointSpec(String id, String name, String hostIfname, Path cgroupDir, Path netns, String innerIfname, boolean underlay) {
    public EndpointSpec {
        if (underlay && (netns == null || innerIfname == null)) throw new IllegalArgumentException("an underlay endpoint needs its namespace and interface name");
        if (!underlay && hostIfname == null) throw new IllegalArgumentException("a veth endpoint needs its host-side interface");
    }

    /** A veth endpoint. */
    public EndpointSpec(String id, String name, String hostIfname, Path cgroupDir, Path netns, String innerIfname) {
        this(id, name, hostIfname, cgroupDir, netns, innerIfname, false);
    }

    /** The interface the TC programs attach to, as logs and errors name it. */
    public String attachPoint() {
        return underlay ? innerIfname + " in " + netns : hostIfname;
    }

    private static final Pattern LINK = Pattern.compile("^\\d+:\\s+([^@:\\s]+)@if(\\d+):", Pattern.MULTILINE);

    /**
     * For a container whose process is {@code pid}: its {@code ifname} (e.g. eth0) names its
     * veth peer by index ("eth0@if7"), which is the host side.
     */
    public static EndpointSpec forContainer(String id, String name, int pid, Path cgroupDir, String ifname) {
        Path netns = Path.of("/proc/" + pid + "/ns/net");
        if (sameNamespace(netns, Path.of("/proc/self/ns/net"))) {
            throw new IllegalStateException("container " + name + " uses the host's network namespace: no interface of its own to protect");
        }
        // A macvlan, ipvlan or VF also shows "@ifN", but N is then the host's physical parent device.
        String kind = Commands.check(java.util.List.of("nsenter", "--net=" + netns, "ip", "-d", "-o", "link", "show", "dev", ifname));
        if (!kind.contains(" veth ")) {
            throw new IllegalStateException("container " + name + ": " + ifname + " is not a veth (for macvlan, ipvlan or VF interfaces set network.underlayInterface: underlay mode)");
        }
        String out = Commands.check(java.util.List.of("nsenter", "--net=" + netns, "ip", "-o", "link", "show"));
        Matcher m = LINK.matcher(out);
        while (m.find()) {
            if (!m.group(1).equals(ifname)) continue;
            int peer = Integer.parseInt(m.group(2));
            String host = hostName(peer).orElseThrow(() -> new IllegalStateException(
                    "container " + name + ": the peer of " + ifname + " (ifindex " + peer + ") is not in the host's namespace"));
            return new EndpointSpec(id, name, host, cgroupDir != null && Files.isDirectory(cgroupDir) ? cgroupDir : null, netns, ifname);
        }
        throw new IllegalStateException("container " + name + " has no veth named " + ifname);
    }

    /**
     * For a container whose process is {@code pid}, in underlay mode: the TC programs go on
     * {@code ifname} inside its network namespace. Fails when the container shares the host's
     * namespace or has no interface of that name (for the agent: a gap to report, not a crash).
     */
    public static EndpointSpec forUnderlay(String id, String name, int pid, Path cgroupDir, String ifname) {
        Path netns = Path.of("/proc/" + pid + "/ns/net");
        if (ifname.equals("lo")) throw new IllegalArgumentException("refusing to attach network protection to lo");
        if (sameNamespace(netns, Path.of("/proc/self/ns/net"))) {
            throw new IllegalStateException("container " + name + " uses the host's network namespace: no interface of its own to protect");
        }
        // Looked up from inside the namespace (no process forked): the agent retries containers
        // whose interface has not arrived yet.
        try (dev.vigil.kernel.NetNamespace ns = dev.vigil.kernel.NetNamespace.open(netns)) {
            if (ns.ifindex(ifname) == 0) {
                throw new IllegalStateException("container " + name + " has no interface " + ifname + " in its network namespace (underlay mode)");
            }
        }
        return new EndpointSpec(id, name, null, cgroupDir != null && Files.isDirectory(cgroupDir) ? cgroupDir : null, netns, ifname, true);
    }

    private static boolean sameNamespace(Path a, Path b) {
        try {
            return Files.readSymbolicLink(a).equals(Files.readSymbolicLink(b));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read " + a + ": " + e.getMessage(), e);
        }
    }

    static Optional<String> hostName(int ifindex) {
        try {
            java.net.NetworkInterface nif = java.net.NetworkInterface.getByIndex(ifindex);
            return Optional.ofNullable(nif).map(java.net.NetworkInterface::getName);
        } catch (java.net.SocketException e) {
            return Optional.empty();
        }
    }
}
