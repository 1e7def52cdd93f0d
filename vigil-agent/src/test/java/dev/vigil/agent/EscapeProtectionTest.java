package dev.vigil.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.containers.Podman;
import dev.vigil.events.alert.Alert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real escape techniques replayed in real podman containers with the agent running. Each
 * replay checks the host: the side effect is absent where the protection blocks (file
 * unchanged, marker absent, value unchanged) and present where it only alerts, and the alert
 * names the container, the technique and the action. Payloads are harmless; the host's state
 * is restored whatever happens.
 */
@Tag("kernel")
class EscapeProtectionTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Path CORE_PATTERN = Path.of("/proc/sys/kernel/core_pattern");
    private static final Path PIDS_RELEASE_AGENT = Path.of("/sys/fs/cgroup/pids/release_agent");
    private static Podman podman;
    private static Podman.Service service;
    private static Agent agent;
    private static CapturingSink sink;
    private static Path work;
    private static Path helper;
    private static String corePatternBefore;
    private static String releaseAgentBefore;
    private static final List<Process> hostProcesses = new ArrayList<>();
    private static final List<Path> hostFiles = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Podman.ensureImage();
        podman = new Podman();
        work = Files.createTempDirectory("vigil-escape");
        helper = work.resolve("escape-helper");
        Podman.Result cc = Podman.exec(List.of("gcc", "-static", "-O2", "-o", helper.toString(),
                Path.of("src/test/c/escape-helper.c").toAbsolutePath().toString()), Duration.ofSeconds(60));
        assertThat(cc.exit()).as("gcc: %s", cc.output()).isZero();
        corePatternBefore = Files.readString(CORE_PATTERN);
        releaseAgentBefore = Files.exists(PIDS_RELEASE_AGENT) ? Files.readString(PIDS_RELEASE_AGENT) : null;
        // The runtime's container parent cgroup exists before the agent starts, as on any node that ran a container.
        podman.runToCompletion("warmup", Podman.IMAGE, "true");
        service = new Podman.Service(work.resolve("api.sock")).start();
        sink = new CapturingSink(e -> e instanceof Alert);
        agent = Agent.start(TestConfigs.load(Map.of("output.path", "/dev/null", "policies.dir", work.resolve("policies").toString(),
                "containers.runtimeSocket", service.socket().toString(), "containers.graceSeconds", 2)), List.of(sink));
        agent.policies().apply("""
                apiVersion: vigil.dev/v1alpha1
                kind: RuntimePolicy
                metadata: {name: strict}
                spec:
                  selector: {containerName: ["*-strict-*"]}
                  escape:
                    commands: {action: block}
                    hostFiles: {action: alert, sensitive: block}
                    privilegedOps: {ptrace: block, runtimeSocket: block}
                """, "strict.yaml");
        agent.policies().apply("""
                apiVersion: vigil.dev/v1alpha1
                kind: RuntimePolicy
                metadata: {name: lenient}
                spec:
                  selector: {containerName: ["*-lenient-*"]}
                  escape:
                    commands: {action: alert}
                    hostFiles: {sensitive: alert}
                    privilegedOps: {corePattern: alert, releaseAgent: alert, sysrq: alert, blockDevice: alert, hostNamespace: alert, runtimeSocket: alert, ptrace: alert}
                """, "lenient.yaml");
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (agent != null) agent.close();
        } finally {
            // Host state first: nothing below may leave the host changed.
            if (corePatternBefore != null && !Files.readString(CORE_PATTERN).equals(corePatternBefore)) Files.writeString(CORE_PATTERN, corePatternBefore.strip());
            if (releaseAgentBefore != null && !Files.readString(PIDS_RELEASE_AGENT).equals(releaseAgentBefore)) {
                Files.writeString(PIDS_RELEASE_AGENT, releaseAgentBefore.isBlank() ? "\n" : releaseAgentBefore);
            }
            for (Path f : hostFiles) Files.deleteIfExists(f);
            hostProcesses.forEach(Process::destroyForcibly);
            if (podman != null) podman.close();
            if (service != null) service.close();
        }
    }

    /** Container ids by role: alerts are matched by id, since a name can be late under load (the runtime is asked). */
    private static final Map<String, String> ids = new java.util.concurrent.ConcurrentHashMap<>();

    private static Podman.Result run(String name, String... args) throws IOException, InterruptedException {
        Path cidFile = work.resolve("cid-" + name);
        Files.deleteIfExists(cidFile);
        List<String> cmd = new ArrayList<>(List.of("podman", "--runtime", "runc", "run", "--rm", "--cidfile", cidFile.toString(), "--name", podman.name(name)));
        cmd.addAll(List.of(args));
        Podman.Result r = Podman.exec(cmd, Duration.ofSeconds(60));
        if (Files.exists(cidFile)) ids.put(name, Files.readString(cidFile).strip());
        return r;
    }

    private static JsonNode alert(String containerRole, String rule) throws InterruptedException {
        String id = ids.get(containerRole);
        assertThat(id).as("container id of %s", containerRole).isNotNull();
        return sink.await(e -> e instanceof Alert a && a.rule().equals(rule) && a.container() != null && a.container().id().equals(id), WAIT);
    }

    private static void assertNames(JsonNode alert, String role, String rule, String action) {
        assertThat(alert.get("type").asText()).isEqualTo("alert");
        assertThat(alert.get("rule").asText()).isEqualTo(rule);
        assertThat(alert.get("action").asText()).isEqualTo(action);
        assertThat(alert.get("container").get("id").asText()).isEqualTo(ids.get(role));
        // The name and image come from the runtime; an alert that left before it answered counts in
        // events_without_container_details instead (checked by the attribution tests).
        if (!alert.get("container").get("name").asText().isEmpty()) {
            assertThat(alert.get("container").get("name").asText()).isEqualTo(podman.name(role));
            assertThat(alert.get("container").get("image").asText()).isEqualTo(Podman.IMAGE);
        }
        assertThat(alert.get("tags").toString()).contains("T1611");
        if (action.equals("block")) assertThat(alert.get("enforcement").asText()).isIn("signal", "cgroup", "lsm");
        else assertThat(alert.get("enforcement").asText()).isEqualTo("none");
    }

    private static long hostSleeper() throws IOException {
        Process p = new ProcessBuilder("sleep", "300").start();
        hostProcesses.add(p);
        return p.pid();
    }

    // ---- the shipped defaults block the unambiguous escapes ----

    @Test
    void corePatternWriteIsBlocked() throws Exception {
        Podman.Result r = run("core", "--privileged", Podman.IMAGE, "sh", "-c", "echo '|/tmp/vigil-pwn %p' > /proc/sys/kernel/core_pattern");
        assertThat(r.exit()).as(r.output()).isNotZero();
        assertThat(Files.readString(CORE_PATTERN)).isEqualTo(corePatternBefore);
        JsonNode a = alert("core", "escape.core_pattern_write");
        assertNames(a, "core", "escape.core_pattern_write", "block");
        // The metrics count it: by rule, and as a block by its mechanism.
        assertThat(agent.alerts().byRule()).containsKey(new dev.vigil.agent.pipeline.AlertCounter.RuleKey("escape.core_pattern_write", "critical"));
        assertThat(agent.alerts().blocks(a.get("enforcement").asText())).isPositive();
        assertThat(a.get("details").get("host_path").asText()).isEqualTo("/proc/sys/kernel/core_pattern");
    }

    @Test
    void sysrqTriggerWriteIsBlocked() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/proc/sysrq-trigger")), "this kernel has no magic SysRq");
        Podman.Result r = run("sysrq", "--privileged", Podman.IMAGE, "sh", "-c", "echo h > /proc/sysrq-trigger; echo survived");
        assertThat(r.exit()).as(r.output()).isEqualTo(137);
        assertThat(r.output()).doesNotContain("survived");
        assertNames(alert("sysrq", "escape.sysrq_trigger_write"), "sysrq", "escape.sysrq_trigger_write", "block");
    }

    @Test
    void cgroupReleaseAgentWriteIsBlocked() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(releaseAgentBefore != null, "no cgroup v1 pids hierarchy on this host");
        // The classic: CAP_SYS_ADMIN without seccomp is enough to mount the host's cgroup v1 hierarchy.
        Podman.Result r = run("release", "--cap-add", "SYS_ADMIN", "--security-opt", "seccomp=unconfined", Podman.IMAGE, "sh", "-c",
                "mkdir -p /tmp/cg && mount -t cgroup -o pids cgroup /tmp/cg && echo /vigil-pwn > /tmp/cg/release_agent");
        assertThat(r.exit()).as(r.output()).isNotZero();
        assertThat(Files.readString(PIDS_RELEASE_AGENT)).isEqualTo(releaseAgentBefore);
        JsonNode a = alert("release", "escape.release_agent_write");
        assertNames(a, "release", "escape.release_agent_write", "block");
        assertThat(a.get("details").get("path").asText()).isEqualTo("/tmp/cg/release_agent");
        // The mount on the way was seen as well.
        alert("release", "escape.mount");
    }

    @Test
    void hostBlockDeviceCannotBeMountedOrRead() throws Exception {
        Path image = work.resolve("disk.img");
        Path hostMount = work.resolve("disk");
        Files.createDirectories(hostMount);
        assertThat(Podman.exec(List.of("truncate", "-s", "16M", image.toString()), WAIT).exit()).isZero();
        assertThat(Podman.exec(List.of("mkfs.ext4", "-q", "-F", image.toString()), WAIT).exit()).isZero();
        Podman.Result loop = Podman.exec(List.of("losetup", "-f", "--show", image.toString()), WAIT);
        assertThat(loop.exit()).as(loop.output()).isZero();
        String dev = loop.output().strip();
        try {
            Podman.Result m = run("blockdev", "--privileged", Podman.IMAGE, "sh", "-c", "mount " + dev + " /mnt && echo pwned > /mnt/pwned");
            assertThat(m.exit()).as(m.output()).isNotZero();
            assertNames(alert("blockdev", "escape.command.mount-block-device"), "blockdev", "escape.command.mount-block-device", "block");
            Podman.Result read = run("blockread", "--privileged", Podman.IMAGE, "sh", "-c", "head -c 4096 " + dev + " | wc -c");
            assertThat(read.output()).doesNotContain("4096");
            assertNames(alert("blockread", "escape.block_device_access"), "blockread", "escape.block_device_access", "block");
            assertThat(Podman.exec(List.of("mount", dev, hostMount.toString()), WAIT).exit()).isZero();
            assertThat(hostMount.resolve("pwned")).doesNotExist();
        } finally {
            Podman.exec(List.of("umount", hostMount.toString()), WAIT);
            Podman.exec(List.of("losetup", "-d", dev), WAIT);
        }
    }

    @Test
    void nsenterIntoAHostProcessIsBlocked() throws Exception {
        long target = hostSleeper();
        Path marker = Path.of("/tmp/vigil-nsenter-" + UUID.randomUUID());
        hostFiles.add(marker);
        Podman.Result r = run("nsenter", "--privileged", "--pid", "host", Podman.IMAGE,
                "nsenter", "-t", Long.toString(target), "-m", "-u", "-i", "-n", "touch", marker.toString());
        assertThat(r.exit()).as(r.output()).isEqualTo(137);
        assertThat(marker).doesNotExist();
        JsonNode a = alert("nsenter", "escape.command.nsenter-host-namespaces");
        assertNames(a, "nsenter", "escape.command.nsenter-host-namespaces", "block");
        assertThat(a.get("details").get("args").asText()).contains("-t " + target);
    }

    @Test
    void aBenignWorkloadRaisesNothing() throws Exception {
        Podman.Result r = run("benign", Podman.IMAGE, "sh", "-c",
                "ls / >/dev/null; cat /etc/hostname /etc/hosts /etc/resolv.conf >/dev/null; echo hi > /tmp/x; cat /tmp/x; mount >/dev/null; ps >/dev/null; sleep 1; cat /etc/hosts >/dev/null");
        assertThat(r.exit()).as(r.output()).isZero();
        // The replays of other tests raise alerts meanwhile; no escape protection may name this
        // container (detection rules may: a shell in a container is worth a notice).
        Thread.sleep(3000);
        String id = ids.get("benign");
        assertThat(id).isNotNull();
        assertThat(sink.events()).noneMatch(e -> e instanceof Alert a && a.rule().startsWith("escape.") && a.container() != null
                && a.container().id().equals(id));
    }

    // ---- what the defaults only alert on goes through, with an alert ----

    @Test
    void chrootAndShadowReadThroughAHostMountAlertByDefault() throws Exception {
        Path marker = Path.of("/tmp/vigil-chroot-" + UUID.randomUUID());
        hostFiles.add(marker);
        // The entrypoint itself: busybox sh runs some applets (chroot among them) without an exec.
        Podman.Result r = run("hostroot", "-v", "/:/host", Podman.IMAGE, "chroot", "/host", "touch", marker.toString());
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(marker).exists();
        assertNames(alert("hostroot", "escape.command.chroot"), "hostroot", "escape.command.chroot", "alert");

        Podman.Result s = run("hostshadow", "-v", "/:/host", Podman.IMAGE, "head", "-c", "5", "/host/etc/shadow");
        assertThat(s.exit()).as(s.output()).isZero();
        assertThat(s.output()).isEqualTo(Files.readString(Path.of("/etc/shadow")).substring(0, 5));
        JsonNode shadow = alert("hostshadow", "escape.sensitive_host_file");
        assertNames(shadow, "hostshadow", "escape.sensitive_host_file", "alert");
        assertThat(shadow.get("details").get("path").asText()).isEqualTo("/host/etc/shadow");
        assertThat(shadow.get("details").get("host_path").asText()).isEqualTo("/etc/shadow");
    }

    @Test
    void widenedDeviceAccessThroughTheCgroupDevicesControllerIsBlocked() throws Exception {
        startGuarded("devallow", "--cap-add", "SYS_ADMIN", "--security-opt", "seccomp=unconfined", Podman.IMAGE, "sleep", "600");
        String id = ids.get("devallow");
        Path list = Path.of("/sys/fs/cgroup/devices/libpod_parent/libpod-" + id + "/devices.list");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(list), "no cgroup v1 devices hierarchy for podman containers here");
        String before = Files.readString(list);
        // Mount the host's devices hierarchy and allow every device to this very container.
        Podman.Result r = exec("devallow", "sh", "-c", "mkdir -p /tmp/d && mount -t cgroup -o devices cgroup /tmp/d && "
                + "echo a > /tmp/d/libpod_parent/libpod-" + id + "/devices.allow; echo survived");
        assertThat(r.exit()).as(r.output()).isEqualTo(137);
        assertThat(r.output()).doesNotContain("survived");
        assertThat(Files.readString(list)).isEqualTo(before);
        JsonNode a = alert("devallow", "escape.cgroup_control_write");
        assertNames(a, "devallow", "escape.cgroup_control_write", "block");
        assertThat(a.get("details").get("path").asText()).endsWith("/devices.allow");
    }

    @Test
    void aHostFileReadInALoopIsOneAlertAndTheRepeatsAreCounted() throws Exception {
        Path data = Files.createDirectories(work.resolve("data"));
        Files.writeString(data.resolve("f"), "x");
        long before = agent.stats().kernelErrors().get("alert_repeat");
        Podman.Result r = run("repeat", "-v", data + ":/data", Podman.IMAGE, "sh", "-c", "for i in $(seq 50); do cat /data/f >/dev/null; done");
        assertThat(r.exit()).as(r.output()).isZero();
        String id = ids.get("repeat");
        JsonNode first = alert("repeat", "escape.host_file");
        assertThat(first.get("details").get("path").asText()).isEqualTo("/data/f");
        assertThat(first.get("details").get("host_path").asText()).isEqualTo(data.resolve("f").toString());
        Thread.sleep(1500); // the ring is read on a poll interval
        assertThat(sink.events()).filteredOn(e -> e instanceof Alert a && a.rule().equals("escape.host_file") && a.container() != null
                && a.container().id().equals(id) && "/data/f".equals(a.details().get("path"))).hasSize(1);
        assertThat(agent.stats().kernelErrors().get("alert_repeat") - before).isGreaterThanOrEqualTo(49);
    }

    @Test
    void aContainerParentMadeAfterTheAgentStartedGuardsWhatIsMadeUnderIt() throws Exception {
        Path root = dev.vigil.kernel.Filesystems.cgroup2Root().orElseThrow();
        Path parent = root.resolve("docker");
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.exists(parent), "a docker cgroup exists already on this host");
        Path child = parent.resolve("vigil-test-" + UUID.randomUUID().toString().substring(0, 8));
        Files.createDirectory(parent);
        try {
            Files.createDirectory(child);
            // A process the test starts joins the new cgroup, then runs an unambiguous escape through busybox's applet dispatch.
            Process p = new ProcessBuilder("sh", "-c", "echo $$ > " + child.resolve("cgroup.procs") + " && exec busybox nsenter -t 1 -m true")
                    .redirectErrorStream(true).start();
            assertThat(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isEqualTo(137);
            JsonNode a = sink.await(e -> e instanceof Alert al && al.rule().equals("escape.command.nsenter-host-namespaces")
                    && al.process() != null && al.process().pid() == p.pid(), WAIT);
            assertThat(a.get("action").asText()).isEqualTo("block");
        } finally {
            Files.deleteIfExists(child);
            Files.deleteIfExists(parent);
        }
    }

    @Test
    void aHostFileReachedThroughProcPidRootIsTheHostFile() throws Exception {
        long target = hostSleeper();
        // --pid host shows host processes; their /proc/PID/root is the host's root directory.
        Podman.Result r = run("procroot", "--pid", "host", "--cap-add", "SYS_PTRACE", Podman.IMAGE,
                "head", "-c", "5", "/proc/" + target + "/root/etc/shadow");
        assertThat(r.exit()).as(r.output()).isZero();
        JsonNode a = alert("procroot", "escape.sensitive_host_file");
        assertNames(a, "procroot", "escape.sensitive_host_file", "alert");
        assertThat(a.get("details").get("host_path").asText()).isEqualTo("/etc/shadow");
        assertThat(a.get("details").get("operation").asText()).isEqualTo("open");
    }

    /**
     * Policies that select containers by name apply once the runtime has described the
     * container (the agent asks it as the container starts); until then the policies for every
     * container hold. Replays under such policies run in a container the guard already holds.
     */
    private static void startGuarded(String role, String... args) throws Exception {
        String id = podman.runDetached(role, args);
        ids.put(role, id);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!agent.guard().guarded(id).map(c -> c.name().equals(podman.name(role))).orElse(false)) {
            assertThat(System.nanoTime()).as("the guard never took container %s", role).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static Podman.Result exec(String role, String... cmd) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of("podman", "--runtime", "runc", "exec", podman.name(role)));
        full.addAll(List.of(cmd));
        return Podman.exec(full, Duration.ofSeconds(60));
    }

    // ---- a policy that blocks everything for some containers ----

    @Test
    void strictPolicyBlocksChrootShadowAndCron() throws Exception {
        startGuarded("x-strict-host", "-v", "/:/host", Podman.IMAGE, "sleep", "600");
        Path marker = Path.of("/tmp/vigil-chroot-" + UUID.randomUUID());
        hostFiles.add(marker);
        Podman.Result r = exec("x-strict-host", "chroot", "/host", "touch", marker.toString());
        assertThat(r.exit()).as(r.output()).isEqualTo(137);
        assertThat(marker).doesNotExist();
        assertNames(alert("x-strict-host", "escape.command.chroot"), "x-strict-host", "escape.command.chroot", "block");

        Podman.Result s = exec("x-strict-host", "cat", "/host/etc/shadow");
        assertThat(s.exit()).isEqualTo(137);
        assertThat(s.output()).doesNotContain("root:");
        assertNames(alert("x-strict-host", "escape.sensitive_host_file"), "x-strict-host", "escape.sensitive_host_file", "block");

        Path cron = Path.of("/etc/cron.d/vigil-test-" + UUID.randomUUID().toString().substring(0, 8));
        Files.createDirectories(cron.getParent());
        Files.writeString(cron, "# vigil test file, harmless\n");
        hostFiles.add(cron);
        Podman.Result c = exec("x-strict-host", "sh", "-c", "echo '* * * * * root touch /tmp/vigil-cron-pwn' >> /host" + cron);
        assertThat(c.exit()).isEqualTo(137);
        assertThat(Files.readString(cron)).isEqualTo("# vigil test file, harmless\n");
        JsonNode a = sink.await(e -> e instanceof Alert al && al.rule().equals("escape.sensitive_host_file")
                && cron.toString().equals(al.details().get("host_path")), WAIT);
        assertThat(a.get("details").get("write").asText()).isEqualTo("true");
        assertThat(a.get("action").asText()).isEqualTo("block");
    }

    @Test
    void strictPolicyBlocksTheRuntimeSocketAndPtrace() throws Exception {
        startGuarded("x-strict-tools", "--pid", "host", "--cap-add", "SYS_PTRACE", "-v", service.socket() + ":/run/podman.sock",
                "-v", helper + ":/helper:ro", Podman.IMAGE, "sleep", "600");
        String created = "vigil-socket-" + UUID.randomUUID().toString().substring(0, 8);
        Podman.Result r = exec("x-strict-tools", "/helper", "create-container", "/run/podman.sock", created, Podman.IMAGE);
        assertThat(r.exit()).as(r.output()).isEqualTo(137);
        assertThat(Podman.exec(List.of("podman", "container", "exists", created), WAIT).exit()).isNotZero();
        JsonNode sock = alert("x-strict-tools", "escape.runtime_socket_connect");
        assertNames(sock, "x-strict-tools", "escape.runtime_socket_connect", "block");
        assertThat(sock.get("details").get("socket").asText()).isEqualTo(service.socket().toString());

        long target = hostSleeper();
        Podman.Result t = exec("x-strict-tools", "/helper", "ptrace", Long.toString(target));
        assertThat(t.exit()).as(t.output()).isEqualTo(137);
        assertThat(t.output()).doesNotContain("attached");
        assertThat(ProcessHandle.of(target)).hasValueSatisfying(h -> assertThat(h.isAlive()).isTrue());
        JsonNode a = alert("x-strict-tools", "escape.ptrace_attach");
        assertNames(a, "x-strict-tools", "escape.ptrace_attach", "block");
        assertThat(a.get("details").get("target_pid").asLong()).isEqualTo(target);
    }

    // ---- the same replays in alert mode go through and alert ----

    @Test
    void lenientPolicyLetsReplaysThroughAndAlerts() throws Exception {
        startGuarded("x-lenient-all", "--privileged", "--pid", "host", "-v", service.socket() + ":/run/podman.sock",
                "-v", helper + ":/helper:ro", Podman.IMAGE, "sleep", "600");
        Podman.Result r = exec("x-lenient-all", "sh", "-c", "echo '" + corePatternBefore.strip() + "' > /proc/sys/kernel/core_pattern && echo written");
        assertThat(r.output()).contains("written");
        assertNames(alert("x-lenient-all", "escape.core_pattern_write"), "x-lenient-all", "escape.core_pattern_write", "alert");

        String created = "vigil-socket-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            Podman.Result s = exec("x-lenient-all", "/helper", "create-container", "/run/podman.sock", created, Podman.IMAGE);
            assertThat(s.output()).contains("connected");
            assertThat(Podman.exec(List.of("podman", "container", "exists", created), WAIT).exit()).isZero();
            assertNames(alert("x-lenient-all", "escape.runtime_socket_connect"), "x-lenient-all", "escape.runtime_socket_connect", "alert");
        } finally {
            Podman.exec(List.of("podman", "rm", "-f", "--ignore", created), WAIT);
        }

        long target = hostSleeper();
        Path marker = Path.of("/tmp/vigil-nsenter-" + UUID.randomUUID());
        hostFiles.add(marker);
        Podman.Result n = exec("x-lenient-all", "nsenter", "-t", Long.toString(target), "-m", "touch", marker.toString());
        assertThat(n.exit()).as(n.output()).isZero();
        assertThat(marker).exists();
        assertNames(alert("x-lenient-all", "escape.command.nsenter-host-namespaces"), "x-lenient-all", "escape.command.nsenter-host-namespaces", "alert");
    }
}
