package dev.vigil.rules;

import java.util.HashSet;
import java.util.Set;

/**
 * What a rule needs of file opens, for a kernel-side filter: which access classes it can match
 * ({@link #READ} for O_RDONLY/O_RDWR, {@link #WRITE} for O_WRONLY/O_RDWR) and, when its
 * condition bounds fd.name, an over-approximation of the paths: a path is a candidate when one
 * of its component-boundary prefixes (or all of it) is in {@code prefixes}, or one of its
 * components is in {@code components}. {@code any} means no bound was found: every path.
 * Sound but not tight: a rule may match fewer files than its hint admits, never more.
 */
public record OpenPaths(int access, boolean any, Set<String> prefixes, Set<String> components) {
    public static final int READ = 1, WRITE = 2;
    /** The Falco event types of file opens. */
    public static final Set<String> OPEN_TYPES = Set.of("open", "openat", "openat2", "creat");

    static final OpenPaths ANY = new OpenPaths(READ | WRITE, true, Set.of(), Set.of());
    static final OpenPaths NONE = new OpenPaths(0, false, Set.of(), Set.of());

    /** A path bound alone (access unrestricted). */
    record Hint(Set<String> prefixes, Set<String> components) {
        int size() {
            return prefixes.size() + components.size();
        }

        Hint union(Hint o) {
            Set<String> p = new HashSet<>(prefixes), c = new HashSet<>(components);
            p.addAll(o.prefixes);
            c.addAll(o.components);
            return new Hint(Set.copyOf(p), Set.copyOf(c));
        }
    }

    static final Hint EMPTY = new Hint(Set.of(), Set.of());

    /** The hint of a string test on fd.name, fd.filename or fd.directory; null when it does not bound the path. */
    static Hint hint(String field, Op op, java.util.List<String> values) {
        Set<String> prefixes = new HashSet<>(), components = new HashSet<>();
        switch (field) {
            case "fd.name", "fd.directory" -> {
                if (op == Op.IN || op == Op.EQ || op == Op.PMATCH) {
                    for (String v : values) if (!addPrefix(prefixes, v)) return null;
                } else if (op == Op.STARTSWITH && field.equals("fd.name")) {
                    String v = values.getFirst();
                    int slash = v.lastIndexOf('/');
                    if (slash < 0 || !addPrefix(prefixes, v.substring(0, slash))) return null;
                } else if (op == Op.GLOB && field.equals("fd.name")) {
                    if (!globHint(values.getFirst(), prefixes, components)) return null;
                } else {
                    return null;
                }
            }
            case "fd.filename" -> {
                if (op != Op.IN && op != Op.EQ) return null;
                for (String v : values) {
                    if (v.isEmpty() || v.indexOf('/') >= 0) return null;
                    components.add(v);
                }
            }
            default -> {
                return null;
            }
        }
        return new Hint(Set.copyOf(prefixes), Set.copyOf(components));
    }

    /** An absolute path as a component-boundary prefix ("/etc/" -> "/etc"); false for one that bounds nothing. */
    private static boolean addPrefix(Set<String> out, String p) {
        while (p.length() > 1 && p.endsWith("/")) p = p.substring(0, p.length() - 1);
        if (!p.startsWith("/") || p.length() < 2) return false;
        out.add(p);
        return true;
    }

    /**
     * A glob's bound: a literal component after its first wildcard ("/proc/[0-9]*&#47;environ" ->
     * "environ"), else the literal directories before it ("/dev/sd*" -> "/dev"), or for one that starts with a wildcard a literal component it must contain, a
     * directory preferred over the last name ("*&#47;.aws/credentials" -> ".aws").
     */
    private static boolean globHint(String g, Set<String> prefixes, Set<String> components) {
        int wild = indexOfWildcard(g);
        if (wild < 0) return addPrefix(prefixes, g);
        if (g.startsWith("/")) {
            // A literal name after the wildcard ("/proc/[0-9]*&#47;environ": environ) is narrower than
            // the directories before it (/proc, every procfs file).
            String[] after = g.substring(g.lastIndexOf('/', wild) + 1).split("/");
            for (int i = after.length - 1; i > 0; i--) {
                if (!after[i].isEmpty() && indexOfWildcard(after[i]) < 0) {
                    components.add(after[i]);
                    return true;
                }
            }
            int slash = g.lastIndexOf('/', wild);
            return addPrefix(prefixes, g.substring(0, slash));
        }
        String[] parts = g.split("/");
        String pick = null;
        for (int i = 1; i < parts.length; i++) { // parts[0] holds the leading wildcard
            boolean literal = !parts[i].isEmpty() && indexOfWildcard(parts[i]) < 0;
            if (literal && (i < parts.length - 1 || pick == null)) pick = parts[i];
        }
        if (pick == null) return false;
        components.add(pick);
        return true;
    }

    private static int indexOfWildcard(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '\\') return i;
        }
        return -1;
    }
}
