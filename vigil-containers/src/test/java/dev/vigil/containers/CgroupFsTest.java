package dev.vigil.containers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class CgroupFsTest {

    static final String ID = CgroupPathsTest.ID;

    @Test
    void findsHybridUnifiedMount() {
        List<String> lines = List.of(
                "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
                "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu",
                "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd",
                "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw");
        assertThat(CgroupFs.findCgroup2Mount(lines)).contains(Path.of("/sys/fs/cgroup/unified"));
    }

    @Test
    void findsPureV2MountWithOptionalFields() {
        List<String> lines = List.of(
                "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw",
                "30 22 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate");
        assertThat(CgroupFs.findCgroup2Mount(lines)).contains(Path.of("/sys/fs/cgroup"));
    }

    @Test
    void skipsBindMountsOfSubtreesAndUnescapesSpaces() {
        List<String> lines = List.of(
                "50 22 0:26 /libpod_parent /mnt/sub rw - cgroup2 cgroup2 rw",
                "51 22 0:26 / /mnt/with\\040space rw - cgroup2 cgroup2 rw");
        assertThat(CgroupFs.findCgroup2Mount(lines)).contains(Path.of("/mnt/with space"));
    }

    @Test
    void noCgroup2OnV1OnlyHost() {
        assertThat(CgroupFs.findCgroup2Mount(List.of(
                "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu", "garbage"))).isEmpty();
    }

    @Test
    void parsesProcCgroup() {
        String content = "9:name=systemd:/libpod_parent/libpod-" + ID + "\n"
                + "4:memory:/process_api/x\n"
                + "1:cpu,cpuacct:/\n"
                + "0::/libpod_parent/libpod-" + ID + " (deleted)\n";
        List<CgroupFs.Membership> m = CgroupFs.parseProcCgroup(content);
        assertThat(m).hasSize(4);
        assertThat(m.get(0)).isEqualTo(new CgroupFs.Membership(9, "name=systemd", "/libpod_parent/libpod-" + ID));
        assertThat(m.get(2).controllers()).isEqualTo("cpu,cpuacct");
        assertThat(m.get(3).isV2()).isTrue();
        assertThat(m.get(3).path()).isEqualTo("/libpod_parent/libpod-" + ID);
    }

    @Test
    void containerFromV1LinesWhenV2SaysHost() {
        List<CgroupFs.Membership> m = CgroupFs.parseProcCgroup("4:memory:/docker/" + ID + "\n0::/\n");
        assertThat(CgroupFs.containerIn(m)).map(CgroupMatch::containerId).contains(ID);
    }

    @Test
    void cgroupIdIsTheDirectoryInode(@TempDir Path tmp) throws IOException {
        Path root = Files.createDirectories(tmp.resolve("cg"));
        Path dir = Files.createDirectories(root.resolve("libpod_parent/libpod-" + ID));
        CgroupFs fs = new CgroupFs(tmp, root);
        long ino = ((Number) Files.getAttribute(dir, "unix:ino")).longValue();
        assertThat(fs.cgroupId("/libpod_parent/libpod-" + ID)).isEqualTo(OptionalLong.of(ino));
        assertThat(fs.cgroupId("/missing")).isEmpty();
        assertThat(fs.cgroupId("/../..")).isEmpty();
        assertThat(new CgroupFs(tmp, null).cgroupId("/libpod_parent")).isEmpty();
    }

    @Test
    void readsProcessMembershipFromProcRoot(@TempDir Path tmp) throws IOException {
        Files.createDirectories(tmp.resolve("42"));
        Files.writeString(tmp.resolve("42/cgroup"), "1:cpu:/\n0::/docker/" + ID + "\n");
        CgroupFs fs = new CgroupFs(tmp, null);
        assertThat(fs.v2PathOf(42)).contains("/docker/" + ID);
        assertThat(fs.containerOf(42)).map(CgroupMatch::runtime).contains(Runtimes.DOCKER);
        assertThat(fs.v2PathOf(43)).isEmpty();
    }

    @Test
    void populatedFollowsCgroupEvents(@TempDir Path tmp) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("a"));
        CgroupFs fs = new CgroupFs(tmp, tmp);
        Files.writeString(dir.resolve("cgroup.events"), "populated 1\nfrozen 0\n");
        assertThat(fs.isPopulated("/a")).isTrue();
        Files.writeString(dir.resolve("cgroup.events"), "populated 0\nfrozen 0\n");
        assertThat(fs.isPopulated("/a")).isFalse();
        assertThat(fs.isPopulated("/gone")).isFalse();
    }

    @Test
    void detectsThisHost() {
        CgroupFs fs = CgroupFs.detect();
        // Every supported host has a cgroup2 mount (the CI host in hybrid mode); its root has id 1.
        assertThat(fs.v2Root()).isPresent();
        assertThat(fs.cgroupId("/")).isEqualTo(OptionalLong.of(1));
        assertThat(fs.v2PathOf((int) ProcessHandle.current().pid())).isPresent();
    }
}
