package dev.vigil.containers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Access to the cgroup v2 hierarchy and to processes' cgroup membership.
 *
 * <p>The id the kernel reports for a cgroup ({@code bpf_get_current_cgroup_id}) is the kernfs
 * node id, which cgroupfs exposes as the inode number of the cgroup's directory. So an event's
 * cgroup id is matched to a container by stat-ing the container's v2 directory.
 *
 * <p>The v2 hierarchy is found from mountinfo rather than assumed at /sys/fs/cgroup, because
 * hybrid hosts (like the CI machine) mount it at /sys/fs/cgroup/unified.
 */
public final class CgroupFs {

    private final Path procRoot;
    private final Path v2Root;

    /**
     * @param procRoot usually /proc
     * @param v2Root   mount point of the cgroup2 filesystem, or null on a v1-only host
     */
    public CgroupFs(Path procRoot, Path v2Root) {
        this.procRoot = procRoot;
        this.v2Root = v2Root;
    }

    /** The host's /proc and the cgroup2 mount named in /proc/self/mountinfo. */
    public static CgroupFs detect() {
        Path proc = Path.of("/proc");
        Path v2 = null;
        try {
            v2 = findCgroup2Mount(Files.readAllLines(proc.resolve("self/mountinfo"))).orElse(null);
        } catch (IOException e) {
            System.getLogger(CgroupFs.class.getName())
                    .log(System.Logger.Level.WARNING, "cannot read mountinfo; cgroup ids unavailable", e);
        }
        return new CgroupFs(proc, v2);
    }

    public Path procRoot() {
        return procRoot;
    }

    public Optional<Path> v2Root() {
        return Optional.ofNullable(v2Root);
    }

    /**
     * The mount point of the first cgroup2 filesystem mounted at its root, from mountinfo lines:
     * {@code id parent major:minor root mountpoint options [optional...] - fstype source superopts}.
     */
    public static Optional<Path> findCgroup2Mount(List<String> mountinfoLines) {
        for (String line : mountinfoLines) {
            String[] fields = line.split(" ");
            int separator = Arrays.asList(fields).indexOf("-");
            if (separator < 5 || separator + 1 >= fields.length) {
                continue;
            }
            if (fields[separator + 1].equals("cgroup2") && fields[3].equals("/")) {
                return Optional.of(Path.of(unescapeOctal(fields[4])));
            }
        }
        return Optional.empty();
    }

    /** One line of /proc/&lt;pid&gt;/cgroup; hierarchy 0 with no controllers is cgroup v2. */
    public record Membership(int hierarchyId, String controllers, String path) {
        public boolean isV2() {
            return hierarchyId == 0 && controllers.isEmpty();
        }
    }

    public static List<Membership> parseProcCgroup(String content) {
        List<Membership> out = new ArrayList<>();
        for (String line : content.split("\n")) {
            int first = line.indexOf(':');
            int second = first < 0 ? -1 : line.indexOf(':', first + 1);
            if (second < 0) {
                continue;
            }
            int hierarchy;
            try {
                hierarchy = Integer.parseInt(line.substring(0, first));
            } catch (NumberFormatException e) {
                continue;
            }
            String path = line.substring(second + 1);
            // A process whose cgroup was removed under it shows the old path with this suffix.
            if (path.endsWith(" (deleted)")) {
                path = path.substring(0, path.length() - " (deleted)".length());
            }
            out.add(new Membership(hierarchy, line.substring(first + 1, second), path));
        }
        return out;
    }

    /** Cgroup membership of a process; empty if the process is gone. */
    public List<Membership> memberships(int pid) {
        try {
            return parseProcCgroup(Files.readString(procRoot.resolve(Integer.toString(pid)).resolve("cgroup")));
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The process's cgroup v2 path (relative to the v2 root); empty if gone or v1-only. */
    public Optional<String> v2PathOf(int pid) {
        return memberships(pid).stream().filter(Membership::isV2).map(Membership::path).findFirst();
    }

    /**
     * The container a process belongs to according to its cgroup paths. The v2 line is tried
     * first; v1 lines cover hosts without a unified hierarchy.
     */
    public Optional<CgroupMatch> containerOf(int pid) {
        return containerIn(memberships(pid));
    }

    static Optional<CgroupMatch> containerIn(List<Membership> memberships) {
        for (Membership m : memberships) {
            if (m.isV2()) {
                Optional<CgroupMatch> match = CgroupPaths.parse(m.path());
                if (match.isPresent()) {
                    return match;
                }
            }
        }
        for (Membership m : memberships) {
            Optional<CgroupMatch> match = CgroupPaths.parse(m.path());
            if (match.isPresent()) {
                return match;
            }
        }
        return Optional.empty();
    }

    /** Directory of a cgroup given its path relative to the v2 root. */
    public Optional<Path> v2Dir(String relativePath) {
        if (v2Root == null || relativePath == null || !relativePath.startsWith("/")) {
            return Optional.empty();
        }
        String rel = relativePath.substring(1);
        if (rel.isEmpty()) {
            return Optional.of(v2Root);
        }
        Path dir = v2Root.resolve(rel).normalize();
        // "/.." appears for processes outside our cgroup namespace; never leave the hierarchy.
        return dir.startsWith(v2Root) ? Optional.of(dir) : Optional.empty();
    }

    /** The kernel's id of a v2 cgroup: the inode number of its directory. */
    public OptionalLong cgroupId(String relativePath) {
        Optional<Path> dir = v2Dir(relativePath);
        if (dir.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            Object ino = Files.getAttribute(dir.get(), "unix:ino");
            return OptionalLong.of(((Number) ino).longValue());
        } catch (IOException | UnsupportedOperationException e) {
            return OptionalLong.empty();
        }
    }

    /** True if the v2 cgroup exists and holds at least one process (in it or below it). */
    public boolean isPopulated(String relativePath) {
        Optional<Path> dir = v2Dir(relativePath);
        if (dir.isEmpty()) {
            return false;
        }
        try {
            for (String line : Files.readAllLines(dir.get().resolve("cgroup.events"))) {
                if (line.startsWith("populated ")) {
                    return line.endsWith(" 1");
                }
            }
            // No cgroup.events (a fake tree in tests, or very old kernels): the directory counts.
            return true;
        } catch (NoSuchFileException e) {
            return Files.isDirectory(dir.get());
        } catch (IOException e) {
            return false;
        }
    }

    /** mountinfo escapes space, tab, newline and backslash as \ooo. */
    static String unescapeOctal(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()
                    && isOctal(s.charAt(i + 1)) && isOctal(s.charAt(i + 2)) && isOctal(s.charAt(i + 3))) {
                out.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(char c) {
        return c >= '0' && c <= '7';
    }
}
