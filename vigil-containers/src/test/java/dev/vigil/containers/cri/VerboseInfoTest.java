package dev.vigil.containers.cri;

import dev.vigil.containers.ContainerConfig;
import dev.vigil.containers.Runtimes;
import dev.vigil.containers.cri.v1.ImageSpec;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The verbose info and naming rules that the socket tests do not reach. */
class VerboseInfoTest {

    private static ContainerConfig config(String json) {
        return VerboseInfo.parse(Map.of("info", json), List.of()).config();
    }

    @Test
    void withoutASpecTheCriConfigDecides() {
        ContainerConfig c = config("""
                {"pid": 9, "config": {"linux": {"securityContext": {
                   "namespaceOptions": {"network": 2, "ipc": 2},
                   "runAsUser": {},
                   "seccomp": {"profileType": 1}}}}}
                """);
        assertThat(c.hostNet()).isTrue();
        assertThat(c.hostIpc()).isTrue();
        assertThat(c.hostPid()).isFalse();
        // omitempty dropped the 0: uid 0.
        assertThat(c.user()).isEqualTo("0");
        assertThat(c.seccompProfile()).isEqualTo(ContainerConfig.SECCOMP_UNCONFINED);
        assertThat(c.networkMode()).isEqualTo("host");

        ContainerConfig local = config("""
                {"config": {"linux": {"security_context": {"run_as_username": "app",
                   "seccomp": {"profile_type": 2, "localhost_ref": "profiles/strict.json"}}}}}
                """);
        assertThat(local.seccompProfile()).isEqualTo("profiles/strict.json");
        assertThat(local.user()).isEqualTo("app");
        // No namespace list and no NODE mode: whether it has the pod's network is not known.
        assertThat(local.networkMode()).isEmpty();
        assertThat(config("{\"config\": {\"linux\": {\"security_context\": {}}}}").seccompProfile())
                .isEqualTo(ContainerConfig.SECCOMP_DEFAULT);
    }

    @Test
    void aSpecWithSeccompRunsTheDefaultProfile() {
        ContainerConfig c = config("""
                {"runtimeSpec": {"process": {"capabilities": {"bounding": ["CAP_SYS_ADMIN", "cap_kill", "CAP_BPF"]}},
                  "linux": {"namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "network"}],
                            "seccomp": {"defaultAction": "SCMP_ACT_ERRNO"}}}}
                """);
        assertThat(c.seccompProfile()).isEqualTo(ContainerConfig.SECCOMP_DEFAULT);
        assertThat(c.capAdd()).containsExactly("SYS_ADMIN", "BPF");
        assertThat(c.networkMode()).isEqualTo("pod");
        assertThat(c.user()).isEmpty();
    }

    @Test
    void nothingUsableMeansNoConfig() {
        assertThat(VerboseInfo.parse(Map.of(), List.of())).isEqualTo(VerboseInfo.NONE);
        assertThat(VerboseInfo.parse(Map.of("info", "[1, 2]"), List.of())).isEqualTo(VerboseInfo.NONE);
        VerboseInfo pidOnly = VerboseInfo.parse(Map.of("info", "{\"pid\": 31, \"sandboxID\": \"s\"}"), List.of());
        assertThat(pidOnly).isEqualTo(new VerboseInfo(31, "s", null));
    }

    @Test
    void imageNamesAndRuntimes() {
        String id = "sha256:" + "ab".repeat(32);
        assertThat(CriMapping.imageName(ImageSpec.newBuilder().setImage(id).setUserSpecifiedImage("nginx:1").build(), "ref"))
                .isEqualTo("nginx:1");
        assertThat(CriMapping.imageName(ImageSpec.newBuilder().setImage(id).build(), "ref")).isEqualTo(id);
        assertThat(CriMapping.imageName(ImageSpec.getDefaultInstance(), "docker.io/x@sha256:1")).isEqualTo("docker.io/x@sha256:1");

        assertThat(CriMapping.instant(0)).isNull();
        assertThat(CriMapping.instant(1_000_000_001L)).isEqualTo(Instant.ofEpochSecond(1, 1));

        Path socket = Path.of("/run/something.sock");
        assertThat(CriMapping.runtimeName("containerd", socket)).isEqualTo(Runtimes.CONTAINERD);
        assertThat(CriMapping.runtimeName("cri-o", socket)).isEqualTo(Runtimes.CRIO);
        assertThat(CriMapping.runtimeName("", Path.of("/var/run/crio/crio.sock"))).isEqualTo(Runtimes.CRIO);
        assertThat(CriMapping.runtimeName("", Path.of("/run/k3s/containerd/containerd.sock"))).isEqualTo(Runtimes.CONTAINERD);
        assertThat(CriMapping.runtimeName("", socket)).isEqualTo(Runtimes.UNKNOWN);
    }
}
