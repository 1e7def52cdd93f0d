package dev.vigil.agent.guard;

import dev.vigil.kernel.wire.Wire;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sensitive-path table the file and connect programs match against: kernel interfaces
 * by pseudo-filesystem, and sensitive host paths translated to (device, fs-relative path)
 * through the host's mount table, so a container reaching /etc/shadow through any bind mount
 * or /proc/PID/root hop still matches.
 */
public final class SensitivePaths {
    public record Key(long hash, int fs) {}

    public record Rule(Protection protection, boolean writeOnly) {}

    /** Host paths whose reading or writing from a container is a credential or persistence risk. */
    public static final List<String> SENSITIVE_HOST_PATHS = List.of(
            "/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/etc/sudoers.d", "/etc/crontab", "/etc/cron.d", "/etc/cron.daily",
            "/etc/cron.hourly", "/etc/cron.weekly", "/etc/cron.monthly", "/var/spool/cron", "/root/.ssh", "/etc/ssh",
            "/etc/kubernetes", "/var/lib/kubelet/pki", "/var/lib/kubelet/kubeconfig", "/root/.kube", "/etc/systemd/system",
            "/etc/ld.so.preload", "/root/.bashrc", "/root/.profile");
    /** Host paths that are sensitive only when written. */
    public static final List<String> SENSITIVE_HOST_WRITES = List.of("/etc/passwd", "/etc/group", "/etc/hosts", "/etc/profile", "/etc/profile.d",
            "/usr/bin", "/usr/sbin", "/usr/lib", "/bin", "/sbin", "/lib", "/boot");
    /** Runtime sockets where they usually are; the configured runtime socket is added. */
    public static final List<String> RUNTIME_SOCKETS = List.of("/run/podman/podman.sock", "/run/docker.sock", "/var/run/docker.sock",
            "/run/containerd/containerd.sock", "/run/crio/crio.sock", "/var/run/crio/crio.sock", "/run/k3s/containerd/containerd.sock",
            "/var/run/cri-dockerd.sock");

    private SensitivePaths() {}

    public static Map<Key, Rule> compile(HostMounts host, List<String> extraSockets) {
        Map<Key, Rule> out = new LinkedHashMap<>();
        kernel(out, Wire.FS_CGROUP, "/release_agent", Protection.RELEASE_AGENT);
        kernel(out, Wire.FS_PROC, "/sysrq-trigger", Protection.SYSRQ);
        kernel(out, Wire.FS_PROC, "/sys", Protection.PROC_SYS_WRITE);
        kernel(out, Wire.FS_PROC, "/sys/kernel/core_pattern", Protection.CORE_PATTERN);
        kernel(out, Wire.FS_PROC, "/sys/kernel/modprobe", Protection.CORE_PATTERN);
        kernel(out, Wire.FS_SYSFS, "/kernel", Protection.SYS_KERNEL_WRITE);
        // Control files of every cgroup, wherever the container sees its cgroup mounted.
        kernel(out, Wire.FS_CGROUP | Wire.FS_BASENAME, "/devices.allow", Protection.CGROUP_CONTROL);
        kernel(out, Wire.FS_CGROUP | Wire.FS_BASENAME, "/notify_on_release", Protection.CGROUP_CONTROL);
        for (String p : SENSITIVE_HOST_PATHS) host(out, host, p, new Rule(Protection.SENSITIVE_HOST_FILE, false));
        for (String p : SENSITIVE_HOST_WRITES) host(out, host, p, new Rule(Protection.SENSITIVE_HOST_FILE, true));
        for (String p : RUNTIME_SOCKETS) host(out, host, p, new Rule(Protection.RUNTIME_SOCKET, false));
        for (String p : extraSockets) host(out, host, p, new Rule(Protection.RUNTIME_SOCKET, false));
        return out;
    }

    private static void kernel(Map<Key, Rule> out, int fs, String path, Protection p) {
        out.put(new Key(hash(path), fs), new Rule(p, true));
    }

    private static void host(Map<Key, Rule> out, HostMounts host, String hostPath, Rule rule) {
        host.locate(hostPath).ifPresent(fp -> out.put(new Key(hash(fp.path()), fp.dev()), rule));
    }

    static long hash(String path) {
        byte[] b = path.getBytes(StandardCharsets.UTF_8);
        return Wire.fnv1a(b, 0, b.length);
    }
}
