package dev.vigil.agent.guard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A mount table (/proc/PID/mountinfo) and the translation the guard needs between a host
 * path and (superblock device, path relative to that filesystem's root), the form in which
 * the kernel programs see files.
 */
public record HostMounts(List<Entry> entries) {
    /** Filesystems whose files are "host files" when a container reaches them. */
    private static final Set<String> STORAGE_TYPES = Set.of("ext2", "ext3", "ext4", "xfs", "btrfs", "zfs", "f2fs", "vfat", "tmpfs", "9p", "virtiofs", "rootfs", "ramfs");

    /** One mountinfo line: id, device as the kernel's s_dev (major << 20 | minor), root within the fs, mount point, type. */
    public record Entry(int mountId, int dev, String root, String mountPoint, String type) {}

    public static HostMounts read(Path mountinfo) throws IOException {
        return parse(Files.readAllLines(mountinfo));
    }

    public static HostMounts parse(List<String> lines) {
        List<Entry> out = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split(" ");
            int sep = java.util.Arrays.asList(f).indexOf("-");
            if (f.length < 7 || sep < 6 || sep + 1 >= f.length) continue;
            String[] mm = f[2].split(":");
            int dev = (Integer.parseInt(mm[0]) << 20) | Integer.parseInt(mm[1]);
            out.add(new Entry(Integer.parseInt(f[0]), dev, unescape(f[3]), unescape(f[4]), f[sep + 1]));
        }
        return new HostMounts(List.copyOf(out));
    }

    /** Devices of the host's storage filesystems, leaving out what container runtimes mount for containers. */
    public Set<Integer> storageDevices(List<String> runtimeDirs) {
        java.util.Set<Integer> out = new java.util.TreeSet<>();
        for (Entry e : entries) {
            if (!STORAGE_TYPES.contains(e.type())) continue;
            if (runtimeDirs.stream().anyMatch(d -> under(e.mountPoint(), d))) continue;
            out.add(e.dev());
        }
        return out;
    }

    /** Where a host path lives: the mount with the longest mount point above it. */
    public Optional<FsPath> locate(String hostPath) {
        Entry best = null;
        for (Entry e : entries) {
            if (under(hostPath, e.mountPoint()) && (best == null || e.mountPoint().length() >= best.mountPoint().length())) best = e;
        }
        if (best == null) return Optional.empty();
        String rest = hostPath.substring(best.mountPoint().equals("/") ? 0 : best.mountPoint().length());
        return Optional.of(new FsPath(best.dev(), join(best.root(), rest)));
    }

    /** The host path of a file known by device and fs-relative path, if some host mount shows it. */
    public Optional<String> hostPath(int dev, String fsPath) {
        Entry best = null;
        for (Entry e : entries) {
            if (e.dev() == dev && under(fsPath, e.root()) && (best == null || e.root().length() > best.root().length())) best = e;
        }
        if (best == null) return Optional.empty();
        String rest = fsPath.substring(best.root().equals("/") ? 0 : best.root().length());
        return Optional.of(join(best.mountPoint(), rest));
    }

    public record FsPath(int dev, String path) {}

    static boolean under(String path, String dir) {
        if (dir.equals("/")) return path.startsWith("/");
        return path.equals(dir) || path.startsWith(dir + "/");
    }

    private static String join(String base, String rest) {
        if (rest.isEmpty()) return base;
        if (base.equals("/")) return rest;
        return base + rest;
    }

    /** mountinfo escapes space, tab, newline and backslash as octal. */
    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                try {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                    i += 3;
                    continue;
                } catch (NumberFormatException ignored) {
                    // not an escape
                }
            }
            b.append(c);
        }
        return b.toString();
    }
}
