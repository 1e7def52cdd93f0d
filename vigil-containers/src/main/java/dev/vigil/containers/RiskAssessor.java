package dev.vigil.containers;

import dev.vigil.containers.RiskFinding.Severity;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Pre-run risk assessment of a container's configuration. The checks look for the settings
 * that known container escapes rely on; a container with runtime defaults yields only LOW
 * findings (it runs as root with a writable root filesystem, as most images do).
 */
public final class RiskAssessor {

    /** Capabilities outside the runtime default set that open a path to the host. */
    private static final Map<String, Capability> CAPABILITIES = Map.ofEntries(
            cap("ALL", Severity.CRITICAL, "every capability: equivalent to --privileged minus device access"),
            cap("SYS_ADMIN", Severity.CRITICAL, "mount, cgroup release_agent and many other host escapes"),
            cap("SYS_MODULE", Severity.CRITICAL, "loads kernel modules"),
            cap("SYS_RAWIO", Severity.HIGH, "raw I/O ports and /dev/mem access"),
            cap("SYS_PTRACE", Severity.HIGH, "traces and injects code into other processes"),
            cap("DAC_READ_SEARCH", Severity.HIGH, "open_by_handle_at reads any host file (shocker)"),
            cap("BPF", Severity.HIGH, "loads BPF programs"),
            cap("MAC_ADMIN", Severity.HIGH, "changes the LSM policy"),
            cap("MAC_OVERRIDE", Severity.HIGH, "bypasses the LSM policy"),
            cap("SYS_BOOT", Severity.MEDIUM, "reboots the host or loads a new kernel"),
            cap("SYS_TIME", Severity.MEDIUM, "sets the host clock"),
            cap("PERFMON", Severity.MEDIUM, "perf events and BPF tracing of the host"),
            cap("NET_ADMIN", Severity.MEDIUM, "reconfigures network interfaces, routes and firewall rules"),
            cap("SYSLOG", Severity.MEDIUM, "reads kernel messages and kernel addresses"),
            cap("DAC_OVERRIDE", Severity.MEDIUM, "ignores file permissions"),
            cap("LINUX_IMMUTABLE", Severity.MEDIUM, "clears immutable and append-only file flags"),
            cap("NET_RAW", Severity.LOW, "crafts raw packets (ARP and DNS spoofing on the bridge)"));

    private record Capability(Severity severity, String why) {
    }

    private static Map.Entry<String, Capability> cap(String name, Severity severity, String why) {
        return Map.entry(name, new Capability(severity, why));
    }

    /**
     * Host paths that hand over the host when mounted: severity when writable, and when
     * read-only. Runtime sockets are critical either way because a read-only bind mount of a
     * socket still lets the container connect to it. {@code below}: whether a writable mount of
     * something underneath is risky too; not so for the runtimes' state directories, where
     * named volumes and Kubernetes' per-pod volumes (service account tokens) live.
     */
    private record SensitivePath(String path, Severity writable, Severity readOnly, boolean below, String why) {
    }

    private static final List<SensitivePath> SENSITIVE = List.of(
            new SensitivePath("/", Severity.CRITICAL, Severity.HIGH, false, "the whole host filesystem"),
            new SensitivePath("/proc", Severity.CRITICAL, Severity.HIGH, true, "host procfs (core_pattern, sysrq, other processes)"),
            new SensitivePath("/sys", Severity.CRITICAL, Severity.HIGH, true, "host sysfs (cgroups, kernel parameters, devices)"),
            new SensitivePath("/dev", Severity.CRITICAL, Severity.HIGH, true, "host device nodes"),
            new SensitivePath("/etc", Severity.CRITICAL, Severity.HIGH, true, "host configuration and password hashes"),
            new SensitivePath("/root", Severity.CRITICAL, Severity.HIGH, true, "root's home (ssh keys, credentials)"),
            new SensitivePath("/boot", Severity.CRITICAL, Severity.MEDIUM, true, "kernel images and boot configuration"),
            new SensitivePath("/var/lib/kubelet", Severity.CRITICAL, Severity.HIGH, false, "kubelet state and pod secrets"),
            new SensitivePath("/var/lib/docker", Severity.CRITICAL, Severity.HIGH, false, "all Docker containers' filesystems"),
            new SensitivePath("/run/docker.sock", Severity.CRITICAL, Severity.CRITICAL, false, "the Docker API: start a privileged container"),
            new SensitivePath("/run/containerd/containerd.sock", Severity.CRITICAL, Severity.CRITICAL, false, "the containerd API"),
            new SensitivePath("/run/podman/podman.sock", Severity.CRITICAL, Severity.CRITICAL, false, "the Podman API"),
            new SensitivePath("/run/crio/crio.sock", Severity.CRITICAL, Severity.CRITICAL, false, "the CRI-O API"));

    /** Findings for a container; none when its source could not see the configuration. */
    public List<RiskFinding> assess(ContainerInfo container) {
        return assess(container.config());
    }

    public List<RiskFinding> assess(ContainerConfig config) {
        if (config == null) {
            return List.of();
        }
        List<RiskFinding> findings = new ArrayList<>();
        if (config.privileged()) {
            findings.add(new RiskFinding("privileged", Severity.CRITICAL, "",
                    "privileged container: all capabilities, all host devices, no seccomp or LSM confinement"));
        }
        capabilities(config, findings);
        if (config.hostPid()) {
            findings.add(new RiskFinding("host_pid", Severity.HIGH, "",
                    "shares the host PID namespace: sees and signals host processes"));
        }
        if (config.hostNet()) {
            findings.add(new RiskFinding("host_network", Severity.HIGH, "",
                    "shares the host network namespace: reaches host-local services and sniffs host traffic"));
        }
        if (config.hostIpc()) {
            findings.add(new RiskFinding("host_ipc", Severity.HIGH, "",
                    "shares the host IPC namespace: host shared memory and semaphores"));
        }
        mounts(config, findings);
        if (runsAsRoot(config.user())) {
            findings.add(new RiskFinding("root_user", Severity.LOW, "",
                    "runs as root (uid 0) inside the container"));
        }
        if (!config.readonlyRootfs()) {
            findings.add(new RiskFinding("writable_rootfs", Severity.LOW, "",
                    "root filesystem is writable: dropped tools and modified binaries persist"));
        }
        if (ContainerConfig.SECCOMP_UNCONFINED.equalsIgnoreCase(config.seccompProfile())) {
            findings.add(new RiskFinding("seccomp_unconfined", Severity.MEDIUM, "",
                    "no seccomp profile: every system call reaches the kernel"));
        }
        findings.sort(Comparator.comparing(RiskFinding::severity).reversed());
        return findings;
    }

    /** The most severe finding's severity, if any. */
    public static Optional<Severity> worst(List<RiskFinding> findings) {
        return findings.stream().map(RiskFinding::severity).max(Comparator.naturalOrder());
    }

    private static void capabilities(ContainerConfig config, List<RiskFinding> findings) {
        Set<String> seen = new LinkedHashSet<>();
        for (String raw : config.capAdd()) {
            seen.add(normalizeCapability(raw));
        }
        for (String name : seen) {
            Capability cap = CAPABILITIES.get(name);
            if (cap != null) {
                findings.add(new RiskFinding("capability", cap.severity(), name, "adds CAP_" + name + ": " + cap.why()));
            }
        }
    }

    /** "cap_sys_admin", "CAP_SYS_ADMIN" and "sys_admin" all mean SYS_ADMIN. */
    public static String normalizeCapability(String raw) {
        String name = raw.trim().toUpperCase(Locale.ROOT);
        return name.startsWith("CAP_") ? name.substring(4) : name;
    }

    private static void mounts(ContainerConfig config, List<RiskFinding> findings) {
        for (ContainerConfig.Mount mount : config.mounts()) {
            String source = normalizePath(mount.source());
            if (source.isEmpty()) {
                continue;
            }
            for (SensitivePath sensitive : SENSITIVE) {
                Severity severity = severityFor(source, mount.readWrite(), sensitive);
                if (severity != null) {
                    String access = mount.readWrite() ? "read-write" : "read-only";
                    boolean socket = sensitive.path().endsWith(".sock");
                    findings.add(new RiskFinding(socket ? "runtime_socket_mount" : "sensitive_mount", severity, source,
                            "mounts host " + source + " " + access + " at " + mount.destination()
                                    + " (exposes " + sensitive.why() + ")"));
                    // One finding per mount: the most specific match says enough.
                    break;
                }
            }
        }
    }

    /**
     * Mounting the sensitive path or any ancestor of it exposes it fully (mounting /run
     * exposes docker.sock). Something below it is a concern only when writable, and then one
     * step less so (a writable /proc/sys is still an escape, hence HIGH).
     */
    private static Severity severityFor(String source, boolean readWrite, SensitivePath sensitive) {
        String path = sensitive.path();
        if (CgroupPaths.isSameOrBelow(path, source) && (source.equals(path) || !source.equals("/"))) {
            return readWrite ? sensitive.writable() : sensitive.readOnly();
        }
        if (sensitive.below() && readWrite && CgroupPaths.isSameOrBelow(source, path)) {
            return Severity.HIGH;
        }
        return null;
    }

    /** Collapses "//", "/./", a trailing "/" and the /var/run -&gt; /run symlink. */
    static String normalizePath(String raw) {
        if (raw == null || raw.isBlank()) {
            return "";
        }
        String path = java.nio.file.Path.of(raw.trim()).normalize().toString();
        if (path.equals("/var/run") || path.startsWith("/var/run/")) {
            path = path.substring("/var".length());
        }
        return path;
    }

    /** The image default user is unknown here; empty almost always means root. */
    static boolean runsAsRoot(String user) {
        String u = user == null ? "" : user.trim();
        if (u.isEmpty()) {
            return true;
        }
        String name = u.contains(":") ? u.substring(0, u.indexOf(':')) : u;
        return name.equals("0") || name.equals("root");
    }
}
