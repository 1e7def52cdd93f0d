package dev.vigil.containers;

import dev.vigil.containers.RiskFinding.Severity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class RiskAssessorTest {

    private final RiskAssessor assessor = new RiskAssessor();

    /** Runtime defaults: root, writable rootfs, default seccomp, bridge network. */
    static ContainerConfig plain() {
        return new ContainerConfig(false, List.of(), false, false, false, List.of(), "", false,
                ContainerConfig.SECCOMP_DEFAULT, "bridge");
    }

    static ContainerConfig hardened() {
        return new ContainerConfig(false, List.of(), false, false, false, List.of(), "1000:1000", true,
                ContainerConfig.SECCOMP_DEFAULT, "bridge");
    }

    private List<RiskFinding> assess(ContainerConfig c) {
        return assessor.assess(c);
    }

    private static ContainerConfig withMount(String source, boolean rw) {
        return new ContainerConfig(false, List.of(), false, false, false,
                List.of(new ContainerConfig.Mount(source, "/mnt", rw)), "1000", true, ContainerConfig.SECCOMP_DEFAULT, "bridge");
    }

    private static ContainerConfig withCaps(String... caps) {
        return new ContainerConfig(false, List.of(caps), false, false, false, List.of(), "1000", true,
                ContainerConfig.SECCOMP_DEFAULT, "bridge");
    }

    @Test
    void plainContainerHasNothingAboveLow() {
        List<RiskFinding> findings = assess(plain());
        assertThat(findings).extracting(RiskFinding::id).containsExactlyInAnyOrder("root_user", "writable_rootfs");
        assertThat(RiskAssessor.worst(findings)).contains(Severity.LOW);
    }

    @Test
    void hardenedContainerHasNoFindings() {
        assertThat(assess(hardened())).isEmpty();
    }

    @Test
    void unknownConfigHasNoFindings() {
        assertThat(assess(null)).isEmpty();
    }

    @Test
    void privilegedIsCritical() {
        ContainerConfig c = new ContainerConfig(true, List.of(), false, false, false, List.of(), "1000", true,
                ContainerConfig.SECCOMP_DEFAULT, "bridge");
        assertThat(assess(c)).extracting(RiskFinding::id, RiskFinding::severity)
                .containsExactly(tuple("privileged", Severity.CRITICAL));
    }

    @ParameterizedTest
    @CsvSource({
            "SYS_ADMIN, SYS_ADMIN, CRITICAL",
            "CAP_SYS_ADMIN, SYS_ADMIN, CRITICAL",
            "cap_sys_module, SYS_MODULE, CRITICAL",
            "ALL, ALL, CRITICAL",
            "SYS_PTRACE, SYS_PTRACE, HIGH",
            "DAC_READ_SEARCH, DAC_READ_SEARCH, HIGH",
            "BPF, BPF, HIGH",
            "SYS_RAWIO, SYS_RAWIO, HIGH",
            "NET_ADMIN, NET_ADMIN, MEDIUM",
            "PERFMON, PERFMON, MEDIUM",
            "DAC_OVERRIDE, DAC_OVERRIDE, MEDIUM",
            "SYS_BOOT, SYS_BOOT, MEDIUM",
            "SYSLOG, SYSLOG, MEDIUM",
            "NET_RAW, NET_RAW, LOW"})
    void dangerousCapabilities(String added, String normalized, Severity severity) {
        assertThat(assess(withCaps(added))).extracting(RiskFinding::id, RiskFinding::subject, RiskFinding::severity)
                .containsExactly(tuple("capability", normalized, severity));
    }

    @Test
    void harmlessCapabilitiesAreNotFindingsAndDuplicatesCollapse() {
        assertThat(assess(withCaps("CHOWN", "KILL", "NET_BIND_SERVICE"))).isEmpty();
        assertThat(assess(withCaps("SYS_ADMIN", "CAP_SYS_ADMIN", "sys_admin"))).hasSize(1);
    }

    @Test
    void hostNamespacesAreHigh() {
        ContainerConfig c = new ContainerConfig(false, List.of(), true, true, true, List.of(), "1000", true,
                ContainerConfig.SECCOMP_DEFAULT, "host");
        assertThat(assess(c)).extracting(RiskFinding::id, RiskFinding::severity).containsExactlyInAnyOrder(
                tuple("host_pid", Severity.HIGH), tuple("host_network", Severity.HIGH), tuple("host_ipc", Severity.HIGH));
    }

    @ParameterizedTest
    @CsvSource({
            "/, true, CRITICAL",
            "/, false, HIGH",
            "/proc, true, CRITICAL",
            "/sys, false, HIGH",
            "/dev, true, CRITICAL",
            "/etc, false, HIGH",
            "/root/, true, CRITICAL",
            "/boot, false, MEDIUM",
            "/var/lib/kubelet, false, HIGH",
            "/var/lib/docker, true, CRITICAL",
            // Parents expose what is inside them.
            "/var/lib, false, HIGH",
            "/run, false, CRITICAL",
            // Writable places below a sensitive directory.
            "/proc/sys, true, HIGH",
            "/etc/cron.d, true, HIGH"})
    void sensitiveHostMounts(String source, boolean rw, Severity severity) {
        List<RiskFinding> findings = assess(withMount(source, rw));
        assertThat(findings).hasSize(1);
        assertThat(findings.getFirst().severity()).isEqualTo(severity);
        assertThat(findings.getFirst().message()).contains(rw ? "read-write" : "read-only");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/var/run/docker.sock", "/run/docker.sock", "/run/containerd/containerd.sock",
            "/run/podman/podman.sock", "/var/run/crio/crio.sock"})
    void runtimeSocketsAreCriticalEvenReadOnly(String socket) {
        assertThat(assess(withMount(socket, false))).extracting(RiskFinding::id, RiskFinding::severity)
                .containsExactly(tuple("runtime_socket_mount", Severity.CRITICAL));
    }

    @Test
    void writableIsWorseThanReadOnly() {
        for (String path : List.of("/", "/etc", "/proc", "/boot")) {
            Severity rw = assess(withMount(path, true)).getFirst().severity();
            Severity ro = assess(withMount(path, false)).getFirst().severity();
            assertThat(rw).as(path).isGreaterThan(ro);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/home/user/src", "/etc/ssl/certs", "/var/lib/docker/volumes/data/_data",
            "/var/lib/kubelet/pods/u1/volumes/kubernetes.io~projected/token", "/srv/www", "/tmp/x"})
    void ordinaryMountsAreFine(String source) {
        // Read-only below a sensitive directory is fine; named volumes and pod volumes even writable.
        assertThat(assess(withMount(source, false))).isEmpty();
        if (!source.startsWith("/etc")) {
            assertThat(assess(withMount(source, true))).isEmpty();
        }
    }

    @ParameterizedTest
    @CsvSource(value = {"'', true", "0, true", "root, true", "0:0, true", "root:wheel, true",
            "1000, false", "nobody, false", "1000:0, false", "10, false"})
    void rootUser(String user, boolean root) {
        ContainerConfig c = new ContainerConfig(false, List.of(), false, false, false, List.of(), user, true,
                ContainerConfig.SECCOMP_DEFAULT, "bridge");
        List<RiskFinding> findings = assess(c);
        if (root) {
            assertThat(findings).extracting(RiskFinding::id, RiskFinding::severity)
                    .containsExactly(tuple("root_user", Severity.LOW));
        } else {
            assertThat(findings).isEmpty();
        }
    }

    @Test
    void writableRootfsIsLow() {
        ContainerConfig c = new ContainerConfig(false, List.of(), false, false, false, List.of(), "1000", false,
                ContainerConfig.SECCOMP_DEFAULT, "bridge");
        assertThat(assess(c)).extracting(RiskFinding::id, RiskFinding::severity)
                .containsExactly(tuple("writable_rootfs", Severity.LOW));
    }

    @Test
    void unconfinedSeccompIsMedium() {
        ContainerConfig c = new ContainerConfig(false, List.of(), false, false, false, List.of(), "1000", true,
                "unconfined", "bridge");
        assertThat(assess(c)).extracting(RiskFinding::id, RiskFinding::severity)
                .containsExactly(tuple("seccomp_unconfined", Severity.MEDIUM));
        ContainerConfig custom = new ContainerConfig(false, List.of(), false, false, false, List.of(), "1000", true,
                "/etc/seccomp/strict.json", "bridge");
        assertThat(assess(custom)).isEmpty();
    }

    @Test
    void findingsComeMostSevereFirst() {
        ContainerConfig c = new ContainerConfig(true, List.of("NET_RAW"), true, false, false,
                List.of(new ContainerConfig.Mount("/", "/host", true)), "", false, "unconfined", "bridge");
        List<Severity> severities = assess(c).stream().map(RiskFinding::severity).toList();
        assertThat(severities).isSortedAccordingTo((a, b) -> b.compareTo(a));
        assertThat(severities.getFirst()).isEqualTo(Severity.CRITICAL);
    }
}
