package dev.vigil.agent.guard;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HostMountsTest {
    // root fs on 254:1, /run tmpfs 0:25, a bind of /srv/data at /data, a container storage tmpfs
    private static final HostMounts HOST = HostMounts.parse(List.of(
            "22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw",
            "25 22 0:25 / /run rw,nosuid shared:5 - tmpfs tmpfs rw",
            "30 22 254:1 /srv/data /data rw shared:1 - ext4 /dev/vda1 rw",
            "40 25 0:60 / /run/containers/storage/overlay-containers/abc/userdata/shm rw - tmpfs shm rw",
            "41 22 0:61 / /var/lib/containers/storage/overlay/x/merged rw - overlay overlay rw",
            "50 22 0:5 / /proc rw - proc proc rw",
            "51 22 0:26 / /mnt/with\\040space rw - ext4 /dev/vdb rw"));

    @Test
    void locatesHostPathsOnTheirFilesystemAndBack() {
        int root = 254 << 20 | 1, run = 25;
        assertThat(HOST.locate("/etc/shadow")).contains(new HostMounts.FsPath(root, "/etc/shadow"));
        assertThat(HOST.locate("/run/podman/podman.sock")).contains(new HostMounts.FsPath(run, "/podman/podman.sock"));
        assertThat(HOST.locate("/data/x")).contains(new HostMounts.FsPath(root, "/srv/data/x"));
        assertThat(HOST.hostPath(root, "/etc/cron.d/job")).contains("/etc/cron.d/job");
        assertThat(HOST.hostPath(run, "/containers/storage/x/hosts")).contains("/run/containers/storage/x/hosts");
        assertThat(HOST.hostPath(999, "/x")).isEmpty();
        assertThat(HOST.entries().getLast().mountPoint()).isEqualTo("/mnt/with space");
    }

    @Test
    void storageDevicesLeaveOutPseudoFilesystemsOverlaysAndRuntimeMounts() {
        assertThat(HOST.storageDevices(EscapeGuard.RUNTIME_DIRS)).containsExactlyInAnyOrder(254 << 20 | 1, 25, 26);
    }
}
