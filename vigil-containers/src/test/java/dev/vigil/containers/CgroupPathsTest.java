package dev.vigil.containers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class CgroupPathsTest {

    static final String ID = "3f1c9e2a7b4d5e6f80912a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f";
    static final String ID2 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    static final String UID = "2c1f0b6e-8a4d-4c5e-9f7a-1b2c3d4e5f60";

    private static CgroupMatch parse(String path) {
        return CgroupPaths.parse(path).orElseThrow(() -> new AssertionError("no match: " + path));
    }

    @Test
    void dockerSystemdScope() {
        CgroupMatch m = parse("/system.slice/docker-" + ID + ".scope");
        assertThat(m).isEqualTo(new CgroupMatch(Runtimes.DOCKER, ID, null, "/system.slice/docker-" + ID + ".scope"));
    }

    @Test
    void dockerCgroupfs() {
        assertThat(parse("/docker/" + ID)).isEqualTo(new CgroupMatch(Runtimes.DOCKER, ID, null, "/docker/" + ID));
    }

    @Test
    void subCgroupInsideContainerMapsToContainerCgroup() {
        CgroupMatch m = parse("/docker/" + ID + "/init.scope");
        assertThat(m.containerId()).isEqualTo(ID);
        assertThat(m.containerCgroup()).isEqualTo("/docker/" + ID);
    }

    @Test
    void podmanCgroupfs() {
        CgroupMatch m = parse("/libpod_parent/libpod-" + ID);
        assertThat(m).isEqualTo(new CgroupMatch(Runtimes.PODMAN, ID, null, "/libpod_parent/libpod-" + ID));
    }

    @Test
    void podmanSystemd() {
        CgroupMatch m = parse("/machine.slice/libpod-" + ID + ".scope/container");
        assertThat(m).isEqualTo(new CgroupMatch(Runtimes.PODMAN, ID, null, "/machine.slice/libpod-" + ID + ".scope"));
    }

    @Test
    void rootlessPodman() {
        CgroupMatch m = parse("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + ID + ".scope");
        assertThat(m.runtime()).isEqualTo(Runtimes.PODMAN);
        assertThat(m.containerId()).isEqualTo(ID);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/libpod_parent/libpod-conmon-" + ID,
            "/machine.slice/libpod-conmon-" + ID + ".scope",
            "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod2c1f0b6e_8a4d_4c5e_9f7a_1b2c3d4e5f60.slice/crio-conmon-" + ID + ".scope"})
    void conmonIsNotTheContainer(String path) {
        assertThat(CgroupPaths.parse(path)).isEmpty();
    }

    @Test
    void kubepodsCgroupfsBestEffort() {
        CgroupMatch m = parse("/kubepods/besteffort/pod" + UID + "/" + ID);
        assertThat(m).isEqualTo(new CgroupMatch(Runtimes.CONTAINERD, ID, UID, "/kubepods/besteffort/pod" + UID + "/" + ID));
    }

    @Test
    void kubepodsCgroupfsGuaranteedHasNoQosLevel() {
        CgroupMatch m = parse("/kubepods/pod" + UID + "/" + ID);
        assertThat(m.podUid()).isEqualTo(UID);
        assertThat(m.containerId()).isEqualTo(ID);
    }

    @Test
    void kubepodsSystemdContainerd() {
        String path = "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
                + UID.replace('-', '_') + ".slice/cri-containerd-" + ID + ".scope";
        assertThat(parse(path)).isEqualTo(new CgroupMatch(Runtimes.CONTAINERD, ID, UID, path));
    }

    @Test
    void kubepodsSystemdGuaranteed() {
        String path = "/kubepods.slice/kubepods-pod" + UID.replace('-', '_') + ".slice/cri-containerd-" + ID + ".scope";
        CgroupMatch m = parse(path);
        assertThat(m.podUid()).isEqualTo(UID);
        assertThat(m.runtime()).isEqualTo(Runtimes.CONTAINERD);
    }

    @Test
    void crio() {
        String path = "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
                + UID.replace('-', '_') + ".slice/crio-" + ID + ".scope";
        assertThat(parse(path)).isEqualTo(new CgroupMatch(Runtimes.CRIO, ID, UID, path));
    }

    @Test
    void crioCgroupfs() {
        CgroupMatch m = parse("/kubepods/burstable/pod" + UID + "/crio-" + ID);
        assertThat(m.runtime()).isEqualTo(Runtimes.CRIO);
        assertThat(m.podUid()).isEqualTo(UID);
    }

    @Test
    void dockerUnderKubeletSystemd() {
        String path = "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
                + UID.replace('-', '_') + ".slice/docker-" + ID + ".scope";
        CgroupMatch m = parse(path);
        assertThat(m.runtime()).isEqualTo(Runtimes.DOCKER);
        assertThat(m.podUid()).isEqualTo(UID);
    }

    @Test
    void staticPodUidIsAHash() {
        String hashUid = "7c3f1b2a9d8e4f60a1b2c3d4e5f60718";
        CgroupMatch m = parse("/kubepods/burstable/pod" + hashUid + "/" + ID);
        assertThat(m.podUid()).isEqualTo(hashUid);
    }

    @Test
    void githubActionsJob() {
        assertThat(parse("/actions_job/" + ID)).isEqualTo(new CgroupMatch(Runtimes.DOCKER, ID, null, "/actions_job/" + ID));
    }

    @Test
    void nestedRuntimesResolveToOutermost() {
        CgroupMatch m = parse("/docker/" + ID + "/docker/" + ID2);
        assertThat(m.containerId()).isEqualTo(ID);
        assertThat(m.containerCgroup()).isEqualTo("/docker/" + ID);
    }

    @Test
    void worksOnV1LinesToo() {
        assertThat(parse("/libpod_parent/libpod-" + ID).containerId()).isEqualTo(ID);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "/",
            "/user.slice/user-0.slice/session-1.scope",
            "/system.slice/docker.service",
            "/system.slice/containerd.service",
            "/libpod_parent",
            "/process_api/f87ae171a19128c6eea0f9b32789433e",
            // Too short, upper case, or 65 characters: not a container id.
            "/docker/3f1c9e2a7b4d",
            "/docker/3F1C9E2A7B4D5E6F80912A3B4C5D6E7F8091A2B3C4D5E6F708192A3B4C5D6E7F",
            "/docker/" + ID + "0",
            "/system.slice/docker-" + ID + ".service",
            // A bare hex id under an unknown parent proves nothing.
            "/some-app/" + ID,
            "/" + ID,
            // Kubernetes pod slice without a container below it.
            "/kubepods/besteffort/pod" + UID,
            "/kubepods.slice/kubepods-burstable.slice"})
    void notContainers(String path) {
        assertThat(CgroupPaths.parse(path)).isEmpty();
    }

    @Test
    void nullIsNotAContainer() {
        assertThat(CgroupPaths.parse(null)).isEmpty();
    }

    @Test
    void ancestry() {
        assertThat(CgroupPaths.isSameOrBelow("/a/b", "/a")).isTrue();
        assertThat(CgroupPaths.isSameOrBelow("/a", "/a")).isTrue();
        assertThat(CgroupPaths.isSameOrBelow("/ab", "/a")).isFalse();
        assertThat(CgroupPaths.isSameOrBelow("/a", "/a/b")).isFalse();
        assertThat(CgroupPaths.isSameOrBelow("/x", "/")).isTrue();
    }
}
