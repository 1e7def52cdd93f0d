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
 */
public record EndpointSpec(String id, String name, String hostIfname, Path cgroupDir, Path netns, String innerIfname) {
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
            throw new IllegalStateException("container " + name + ": " + ifname + " is not a veth (underlay interfaces are not supported yet)");
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
