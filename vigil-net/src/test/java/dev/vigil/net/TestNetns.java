package dev.vigil.net;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace standing in for a container: a veth pair whose host side (vnt<N>h) is
 * what Vigil attaches to and whose other end is eth0 inside namespace vigil-t-net<N>. The host
 * side carries extra addresses so that longest-prefix cases have several remote addresses.
 * Only traffic between the host side and this namespace is ever sent.
 */
final class TestNetns implements AutoCloseable {
    final int n = ThreadLocalRandom.current().nextInt(20, 240);
    final String ns = "vigil-t-net" + n;
    final String hostIf = "vnt" + n + "h";
    final String host4 = "10.77." + n + ".1", ns4 = "10.77." + n + ".2";
    /** Extra host-side addresses: .65 in 10.77.N.0/25's lower half, .130 in the upper /25. */
    final String host4Low = "10.77." + n + ".65", host4High = "10.77." + n + ".130";
    final String host6 = "fd77:" + n + "::1", ns6 = "fd77:" + n + "::2", host6High = "fd77:" + n + "::8001";
    final Path netnsPath = Path.of("/run/netns/" + ns);
    static final Path PROBE = probeScript();

    TestNetns() {
        try {
            sh("ip netns add " + ns);
            sh("ip link add " + hostIf + " type veth peer name eth0 netns " + ns);
            sh("ip addr add " + host4 + "/24 dev " + hostIf);
            sh("ip addr add " + host4Low + "/32 dev " + hostIf);
            sh("ip addr add " + host4High + "/32 dev " + hostIf);
            sh("ip addr add " + host6 + "/64 dev " + hostIf + " nodad");
            sh("ip addr add " + host6High + "/128 dev " + hostIf + " nodad");
            sh("ip link set " + hostIf + " up");
            sh("ip netns exec " + ns + " ip addr add " + ns4 + "/24 dev eth0");
            sh("ip netns exec " + ns + " ip addr add " + ns6 + "/64 dev eth0 nodad");
            sh("ip netns exec " + ns + " ip link set eth0 up");
            sh("ip netns exec " + ns + " ip link set lo up");
            sh("ip netns exec " + ns + " ip route add " + host4Low + "/32 dev eth0");
            sh("ip netns exec " + ns + " ip route add " + host4High + "/32 dev eth0");
            sh("ip netns exec " + ns + " ip -6 route add " + host6High + "/128 dev eth0");
            // Both ends must see each other before tests measure loss.
            for (int i = 0; i < 50 && run(List.of("ip", "netns", "exec", ns, "busybox", "ping", "-c", "1", "-W", "1", host4)).exit() != 0; i++) {
                Thread.sleep(100);
            }
        } catch (RuntimeException | InterruptedException e) {
            close();
            throw new IllegalStateException(e);
        }
    }

    EndpointSpec endpoint(Path cgroup) {
        return new EndpointSpec("ns-" + n, ns, hostIf, cgroup, netnsPath, "eth0");
    }

    /** The probe run inside the namespace. */
    String probe(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "/usr/bin/python3", PROBE.toString()));
        cmd.addAll(List.of(args));
        return run(cmd).output().strip();
    }

    /** The probe run in the host's namespace (its traffic only reaches this veth's addresses). */
    static String hostProbe(String... args) {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", PROBE.toString()));
        cmd.addAll(List.of(args));
        return run(cmd).output().strip();
    }

    /** A server probe, returned once it listens; its last line is the count it saw. */
    static Process serve(List<String> prefix, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of("/usr/bin/python3", PROBE.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        StringBuilder first = new StringBuilder();
        InputStream in = p.getInputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') first.append((char) c);
        if (!first.toString().equals("listening")) throw new IllegalStateException("server did not start: " + first);
        return p;
    }

    static int result(Process p) throws IOException, InterruptedException {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor(30, TimeUnit.SECONDS);
        return Integer.parseInt(out.lines().reduce((a, b) -> b).orElse("-1"));
    }

    List<String> inNs() {
        return List.of("ip", "netns", "exec", ns);
    }

    boolean pingFromNs(String addr) {
        return run(List.of("ip", "netns", "exec", ns, "busybox", addr.contains(":") ? "ping6" : "ping", "-c", "1", "-W", "1", addr)).exit() == 0;
    }

    boolean pingFromHost(String addr) {
        return run(List.of("busybox", addr.contains(":") ? "ping6" : "ping", "-c", "1", "-W", "1", addr)).exit() == 0;
    }

    record Result(int exit, String output) {}

    static Result run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(cmd + " timed out");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void sh(String cmd) {
        Result r = run(List.of("sh", "-c", cmd));
        if (r.exit() != 0) throw new IllegalStateException(cmd + ": " + r.output());
    }

    private static Path probeScript() {
        try (InputStream in = TestNetns.class.getResourceAsStream("probe.py")) {
            Path p = Files.createTempFile("vigil-net-probe", ".py");
            Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
            p.toFile().deleteOnExit();
            return p;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        run(List.of("ip", "link", "del", hostIf));
        run(List.of("ip", "netns", "del", ns));
    }
}
