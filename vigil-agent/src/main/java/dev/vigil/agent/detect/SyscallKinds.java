package dev.vigil.agent.detect;

import dev.vigil.agent.sensor.CoreMaps;
import dev.vigil.kernel.wire.Wire;
import dev.vigil.rules.CompiledRule;
import dev.vigil.rules.OpenPaths;
import dev.vigil.rules.RuleSet;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the syscalls sensor (bpf/syscalls.bpf.c) reports, in the rules' terms: the Falco event
 * type of each syscall number it hooks, and which kernel-side kinds (enum vigil_sys_kind) a rule
 * set needs, so that the kernel sends nothing no loaded rule reads (docs/rules.md, "Kernel
 * sensors"): per kind, and for opens per access class and path.
 */
public final class SyscallKinds {
    private SyscallKinds() {}

    /** Falco event type -> the kinds that carry it. */
    public static final Map<String, Long> KINDS_BY_TYPE = Map.ofEntries(
            Map.entry("open", open()), Map.entry("openat", open()), Map.entry("openat2", open()), Map.entry("creat", open()),
            Map.entry("connect", bit(Wire.SK_CONNECT)),
            Map.entry("unlink", bit(Wire.SK_UNLINK)), Map.entry("unlinkat", bit(Wire.SK_UNLINK)),
            Map.entry("symlink", bit(Wire.SK_SYMLINK)), Map.entry("symlinkat", bit(Wire.SK_SYMLINK)),
            Map.entry("chmod", bit(Wire.SK_CHMOD)), Map.entry("fchmod", bit(Wire.SK_CHMOD)), Map.entry("fchmodat", bit(Wire.SK_CHMOD)),
            Map.entry("setuid", bit(Wire.SK_SETUID)), Map.entry("setreuid", bit(Wire.SK_SETUID)), Map.entry("setresuid", bit(Wire.SK_SETUID)),
            Map.entry("ptrace", bit(Wire.SK_PTRACE)),
            Map.entry("mount", bit(Wire.SK_MOUNT)),
            Map.entry("init_module", bit(Wire.SK_MODULE)), Map.entry("finit_module", bit(Wire.SK_MODULE)),
            Map.entry("bpf", bit(Wire.SK_BPF)),
            Map.entry("memfd_create", bit(Wire.SK_MEMFD)),
            Map.entry("unshare", bit(Wire.SK_NAMESPACE)), Map.entry("setns", bit(Wire.SK_NAMESPACE)),
            Map.entry("accept", bit(Wire.SK_ACCEPT)), Map.entry("accept4", bit(Wire.SK_ACCEPT)),
            Map.entry("bind", bit(Wire.SK_BIND)), Map.entry("listen", bit(Wire.SK_LISTEN)),
            Map.entry("dup", bit(Wire.SK_DUP)), Map.entry("dup2", bit(Wire.SK_DUP)), Map.entry("dup3", bit(Wire.SK_DUP)),
            Map.entry("rename", bit(Wire.SK_RENAME)), Map.entry("renameat", bit(Wire.SK_RENAME)), Map.entry("renameat2", bit(Wire.SK_RENAME)),
            Map.entry("link", bit(Wire.SK_LINK)), Map.entry("linkat", bit(Wire.SK_LINK)),
            Map.entry("mknod", bit(Wire.SK_MKNOD)), Map.entry("mknodat", bit(Wire.SK_MKNOD)),
            Map.entry("chown", bit(Wire.SK_CHOWN)), Map.entry("fchown", bit(Wire.SK_CHOWN)), Map.entry("lchown", bit(Wire.SK_CHOWN)),
            Map.entry("fchownat", bit(Wire.SK_CHOWN)),
            Map.entry("setgid", bit(Wire.SK_SETGID)), Map.entry("setregid", bit(Wire.SK_SETGID)), Map.entry("setresgid", bit(Wire.SK_SETGID)),
            Map.entry("capset", bit(Wire.SK_CAPSET)),
            // The sensor reports these sends only when they are UDP DNS queries (port 53), for the rules on queried names.
            Map.entry("sendto", bit(Wire.SK_DNS)), Map.entry("sendmsg", bit(Wire.SK_DNS)),
            Map.entry("sendmmsg", bit(Wire.SK_DNS)));

    /** Types the process sensor produces: no syscall kind needed. */
    private static final Set<String> PROCESS_TYPES = Set.of("execve", "execveat", "clone", "clone3", "fork", "vfork", "procexit");

    /** Every kind the sensor has: "collect everything". */
    public static final long ALL = (1L << Wire.SYSCALL_KIND_NAMES.size()) - 1;

    /** x86_64 syscall numbers of the hooked syscalls -> Falco event type (the record's nr). */
    private static final String[] NAMES = new String[512];

    static {
        Object[][] table = {{2, "open"}, {257, "openat"}, {437, "openat2"}, {85, "creat"}, {42, "connect"}, {87, "unlink"},
                {263, "unlinkat"}, {88, "symlink"}, {266, "symlinkat"}, {90, "chmod"}, {91, "fchmod"}, {268, "fchmodat"},
                {105, "setuid"}, {113, "setreuid"}, {117, "setresuid"}, {101, "ptrace"}, {165, "mount"}, {175, "init_module"},
                {313, "finit_module"}, {321, "bpf"}, {319, "memfd_create"}, {272, "unshare"}, {308, "setns"},
                {43, "accept"}, {288, "accept4"}, {49, "bind"}, {50, "listen"}, {32, "dup"}, {33, "dup2"}, {292, "dup3"},
                {82, "rename"}, {264, "renameat"}, {316, "renameat2"}, {86, "link"}, {265, "linkat"}, {133, "mknod"}, {259, "mknodat"},
                {92, "chown"}, {93, "fchown"}, {94, "lchown"}, {260, "fchownat"}, {106, "setgid"}, {114, "setregid"}, {119, "setresgid"},
                {126, "capset"}, {44, "sendto"}, {46, "sendmsg"}, {307, "sendmmsg"}, {1, "write"}};
        for (Object[] row : table) NAMES[(Integer) row[0]] = ((String) row[1]).intern();
    }

    /** The Falco event type of syscall number nr, or null for one the sensor does not hook. */
    public static String evtType(int nr) {
        return nr >= 0 && nr < NAMES.length ? NAMES[nr] : null;
    }

    private static long bit(int kind) {
        return 1L << kind;
    }

    private static long open() {
        return bit(Wire.SK_OPEN_READ) | bit(Wire.SK_OPEN_WRITE);
    }

    /**
     * The kinds a rule set needs; for opens, the access classes (Wire.OPEN_*) some rule reads on
     * any path, and for the others the path entries (prefixes, components) that can match; with
     * the event types no sensor produces yet (for the log).
     */
    public record Need(long kinds, int openAny, Map<CoreMaps.PathEntry, Integer> openPaths, Set<String> unsupported, boolean untypedRule) {
        public static final Need ALL_KINDS = new Need(ALL, Wire.OPEN_READ | Wire.OPEN_WRITE, Map.of(), Set.of(), false);

        public String describe() {
            Set<String> names = new LinkedHashSet<>();
            for (int k = 0; k < Wire.SYSCALL_KIND_NAMES.size(); k++) if ((kinds & (1L << k)) != 0) names.add(Wire.SYSCALL_KIND_NAMES.get(k));
            String opens = (kinds & OPENS) == 0 ? "" : "; opens for reading: " + scope(Wire.OPEN_READ) + ", for writing: " + scope(Wire.OPEN_WRITE);
            return "syscall kinds sent by the kernel: " + (names.isEmpty() ? "none" : String.join(", ", names)) + opens
                    + (unsupported.isEmpty() ? "" : "; event types rules name that no sensor produces: " + String.join(", ", unsupported))
                    + (untypedRule ? "; a rule without evt.type matches every event, so every kind is sent" : "");
        }

        private String scope(int cls) {
            if ((openAny & cls) != 0) return "every path";
            long n = openPaths.values().stream().filter(v -> (v & cls) != 0).count();
            return n == 0 ? "none" : "paths the rules name (" + n + " prefixes and names)";
        }
    }

    private static final long OPENS = (1L << Wire.SK_OPEN_READ) | (1L << Wire.SK_OPEN_WRITE);
    private static final Set<String> OPEN_TYPES = Set.of("open", "openat", "openat2", "creat");

    /**
     * The kinds the rules index (their evt.type); a rule without an evt.type restriction reads
     * every event, so it needs every kind.
     */
    public static Need needed(RuleSet rules) {
        return needed(rules.indexedTypes(), rules.rules());
    }

    static Need needed(Collection<String> types, Collection<CompiledRule> rules) {
        long kinds = 0;
        Set<String> unsupported = new TreeSet<>();
        for (String t : types) {
            Long k = KINDS_BY_TYPE.get(t);
            if (k != null) kinds |= k;
            else if (!PROCESS_TYPES.contains(t)) unsupported.add(t);
        }
        boolean untyped = rules.stream().anyMatch(r -> r.evtTypes() == null);
        if (untyped) return new Need(ALL, Wire.OPEN_READ | Wire.OPEN_WRITE, Map.of(), unsupported, true);
        int openAny = 0;
        Map<CoreMaps.PathEntry, Integer> paths = new HashMap<>();
        for (CompiledRule r : rules) {
            if (r.evtTypes().stream().noneMatch(OPEN_TYPES::contains)) continue;
            OpenPaths op = r.openPaths();
            int access = (op.access() & OpenPaths.READ) != 0 ? Wire.OPEN_READ : 0;
            if ((op.access() & OpenPaths.WRITE) != 0) access |= Wire.OPEN_WRITE;
            if (access == 0) continue;
            if (op.any()) {
                openAny |= access;
                continue;
            }
            for (String p : op.prefixes()) paths.merge(CoreMaps.PathEntry.prefix(p), access, (a, b) -> a | b);
            for (String c : op.components()) paths.merge(CoreMaps.PathEntry.component(c), access, (a, b) -> a | b);
        }
        // A class read on any path needs no entries; the kernel checks entries only for the others.
        int any = openAny;
        paths.replaceAll((k, v) -> v & ~any);
        paths.values().removeIf(v -> v == 0);
        if (paths.size() > Wire.SYS_PATHS_MAX) {
            openAny = Wire.OPEN_READ | Wire.OPEN_WRITE;
            paths.clear();
        }
        return new Need(kinds, openAny, Map.copyOf(paths), unsupported, false);
    }
}
