package dev.vigil.containers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A fake /proc and cgroup v2 tree in a temp directory. Cgroup directories are real
 * directories, so their inode numbers work as cgroup ids exactly as on the host.
 */
final class FakeHost {
    final Path proc;
    final Path cgroupRoot;
    final CgroupFs fs;

    FakeHost(Path tmp) throws IOException {
        proc = Files.createDirectories(tmp.resolve("proc"));
        cgroupRoot = Files.createDirectories(tmp.resolve("cgroup"));
        Files.writeString(proc.resolve("stat"), "cpu  1 2 3\nbtime 1700000000\nprocesses 9\n");
        fs = new CgroupFs(proc, cgroupRoot);
    }

    /** A process in {@code cgroup} (v2 path) with the given parent and start time in ticks. */
    void process(int pid, int ppid, String cgroup, long startTicks) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Integer.toString(pid)));
        Files.writeString(dir.resolve("cgroup"), "4:memory:/\n0::" + cgroup + "\n");
        // comm with a space and a ')' to exercise the stat parser.
        Files.writeString(dir.resolve("stat"), pid + " (my app) x) S " + ppid
                + " 1 1 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 " + startTicks + " 1000 10 18446744073709551615\n");
        mkcgroup(cgroup);
    }

    void exit(int pid) throws IOException {
        Path dir = proc.resolve(Integer.toString(pid));
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    Path mkcgroup(String cgroup) throws IOException {
        return Files.createDirectories(cgroupRoot.resolve(cgroup.substring(1)));
    }

    void rmcgroup(String cgroup) throws IOException {
        Files.deleteIfExists(cgroupRoot.resolve(cgroup.substring(1)));
    }

    long cgroupId(String cgroup) {
        return fs.cgroupId(cgroup).orElseThrow();
    }
}
