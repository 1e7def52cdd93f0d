package dev.vigil.rules;

import dev.vigil.events.process.ProcessInfo;
import dev.vigil.events.process.ProcessTracker;

import java.util.List;
import java.util.function.IntFunction;

/**
 * Per-thread evaluation state: how to find ancestors and user names, and small caches of
 * strings derived from a process image (proc.name, proc.cmdline, ...). The caches are keyed by
 * the identity of the image's binary and argument list, which fork children share with their
 * parent, so a process pays for its derived strings once, at its first evaluated event, and
 * every later event reads them without allocating. Not thread-safe: one per evaluating thread.
 */
public final class EvalContext {
    /** Ancestors further up than this are not walked (a loop in a stale cache must not hang the pipeline). */
    static final int MAX_DEPTH = 16;

    private final ProcessLookup lookup;
    private final IntFunction<String> userNames;
    private final Facts[] facts = new Facts[32768];
    private final IdentityMemo images = new IdentityMemo(128);
    private final IdentityMemo shortIds = new IdentityMemo(128);
    private final IdentityMemo names = new IdentityMemo(2048);
    private final IdentityMemo paths = new IdentityMemo(2048);
    static final long ANCESTOR_TTL_NANOS = 1_000_000_000L;
    /** Marks a memo slot not computed for the current event. */
    private static final ProcessInfo UNSET = new ProcessInfo("", "", 0, 0, 0, 0, 0, 0, 0, 0, 0, "", List.of(), false, "", 0, 0, null, null);
    private ProcessInfo memoParent = UNSET, memoGrandparent = UNSET;
    private ProcessInfo memoFactsKey;
    private Facts memoFacts;
    private final int[] ancestorPids = new int[8192];
    private final ProcessInfo[] ancestorValues = new ProcessInfo[8192];
    private final long[] ancestorTimes = new long[8192];
    private long factMisses;

    public EvalContext(ProcessLookup lookup, IntFunction<String> userNames) {
        this.lookup = lookup == null ? ProcessLookup.NONE : lookup;
        this.userNames = userNames == null ? uid -> uid == 0 ? "root" : null : userNames;
    }

    public EvalContext() {
        this(ProcessLookup.NONE, null);
    }

    /** Called by the engine before an event's rules run: forgets the previous event's memo. */
    void begin() {
        memoParent = memoGrandparent = UNSET;
    }

    /** Level 0 is the process itself, 1 its parent, 2 the grandparent...; null past the known chain. */
    ProcessInfo ancestor(RuleEvent e, int level) {
        ProcessInfo p = e.process();
        if (level == 0 || p == null) return p;
        // Dozens of rules ask for the parent and grandparent of the same event: walk once.
        if (level == 1) {
            if (memoParent == UNSET) memoParent = walk(e, p, 1);
            return memoParent;
        }
        if (level == 2) {
            if (memoGrandparent == UNSET) memoGrandparent = walk(e, p, 2);
            return memoGrandparent;
        }
        return walk(e, p, level);
    }

    private ProcessInfo walk(RuleEvent e, ProcessInfo p, int level) {
        ProcessInfo a = e.parent();
        long now = e.ktime();
        if (a == null) a = parentOf(p, now);
        for (int i = 1; i < level && a != null; i++) a = parentOf(a, now);
        return a;
    }

    /**
     * The image of process {@code ppid} as the lookup knew it at most {@link #ANCESTOR_TTL_NANOS}
     * ago (absent ones included). Remembering it by pid keeps the lookup, whose map boxes the
     * pid, off the per-event path for every child of the same parent; the time bound keeps a
     * re-exec'd ancestor's name, or a reused pid, from going stale for long.
     */
    private ProcessInfo parentOf(ProcessInfo p, long now) {
        int ppid = p.ppid();
        if (ppid <= 0 || ppid == p.pid()) return null;
        int slot = ppid & (ancestorPids.length - 1);
        // Absolute difference: events from different rings and sensors arrive slightly out of time order.
        if (ancestorPids[slot] == ppid && Math.abs(now - ancestorTimes[slot]) < ANCESTOR_TTL_NANOS) return ancestorValues[slot];
        ProcessInfo a = lookup.byPid(ppid);
        ancestorPids[slot] = ppid;
        ancestorValues[slot] = a;
        ancestorTimes[slot] = now;
        return a;
    }

    String userName(int uid) {
        return uid < 0 ? null : userNames.apply(uid);
    }

    /** Two-way set associative, so that two busy processes whose keys collide do not evict each other on every event. */
    Facts facts(ProcessInfo p) {
        if (p == memoFactsKey) return memoFacts;
        Facts f = lookupFacts(p);
        memoFactsKey = p;
        memoFacts = f;
        return f;
    }

    /**
     * proc.name as Falco means it (the task's comm), and the index of the program's first own
     * argument: the executable's own name, except for multi-call binaries (busybox, toybox).
     * Reached through an applet link, the kernel names the task after the link, which argv[0]
     * carries. Run by their own name with the applet as first argument ({@code busybox nc -e
     * ...}, how busybox images run tools they have no link for), the applet is the program and
     * the arguments after it are its own; otherwise {@code busybox nc -e} would pass every rule
     * about nc. Options ({@code busybox --list}) stay busybox's.
     */
    private Facts newFacts(String binary, List<String> args) {
        if (args.isEmpty()) return new Facts(binary, args, ownName(binary), 1);
        if (binary.isEmpty()) return new Facts(binary, args, baseName(args.getFirst()), 1);
        String own = ownName(binary);
        if (!own.equals("busybox") && !own.equals("toybox")) return new Facts(binary, args, own, 1);
        String argv0 = baseName(args.getFirst());
        if (argv0.equals(own) && args.size() > 1 && !args.get(1).isEmpty() && !args.get(1).startsWith("-")) {
            return new Facts(binary, args, baseName(args.get(1)), 2);
        }
        return new Facts(binary, args, argv0, 1);
    }

    /** The executable's base name; an unlinked one's path ends in " (deleted)" (proc.exepath keeps it, the name does not, as comm). */
    private String ownName(String binary) {
        String own = baseName(binary);
        return own.endsWith(ProcessTracker.DELETED) ? own.substring(0, own.length() - ProcessTracker.DELETED.length()) : own;
    }

    private Facts lookupFacts(ProcessInfo p) {
        String binary = p.binary();
        List<String> args = p.args();
        int slot = ((System.identityHashCode(binary) * 31 + System.identityHashCode(args)) & (facts.length / 2 - 1)) * 2;
        Facts f = facts[slot];
        if (f != null && f.binary == binary && f.args == args) return f;
        Facts g = facts[slot + 1];
        if (g != null && g.binary == binary && g.args == args) {
            facts[slot + 1] = f; // most recently used first
            facts[slot] = g;
            return g;
        }
        g = newFacts(binary, args);
        facts[slot + 1] = f;
        facts[slot] = g;
        factMisses++;
        return g;
    }

    /** The last path component, cached by the path's identity: binaries repeat (the decoder interns them). */
    private String baseName(String path) {
        return names.get(path, p -> new String[]{p, p.substring(p.lastIndexOf('/') + 1)})[1];
    }

    /** How many process images needed their derived strings built (each allocates once). */
    public long factMisses() {
        return factMisses;
    }

    String directory(String path) {
        return splitPath(path)[1];
    }

    String filename(String path) {
        return splitPath(path)[2];
    }

    /**
     * {path, directory, file name}, cached by the path's identity: decoders hand out the same
     * String for the same bytes (StringCache), so repeated paths are split once.
     */
    private String[] splitPath(String path) {
        return paths.get(path, p -> {
            int slash = p.lastIndexOf('/');
            return new String[]{p, slash < 0 ? "" : slash == 0 ? "/" : p.substring(0, slash), p.substring(slash + 1)};
        });
    }

    /** The 12-character container id Falco's container.id shows, cached by the full id's identity. */
    String shortId(String id) {
        if (id.length() <= 12) return id;
        return shortIds.get(id, full -> new String[]{full, full.substring(0, 12)})[1];
    }

    /** {repository, tag} of an image reference, cached by the reference's identity. */
    String[] image(String ref) {
        return images.get(ref, EvalContext::splitImage);
    }

    private static String[] splitImage(String ref) {
        String r = ref;
        int at = r.indexOf('@');
        if (at >= 0) r = r.substring(0, at);
        int colon = r.lastIndexOf(':');
        boolean tagged = colon > r.lastIndexOf('/');
        return new String[]{ref, tagged ? r.substring(0, colon) : r, tagged ? r.substring(colon + 1) : at >= 0 ? "" : "latest"};
    }

    /** Strings Falco derives from a process image. */
    static final class Facts {
        final String binary;
        final List<String> args;
        final String name, exe, argLine, cmdline;

        /** {@code first}: the index of the program's first own argument (1, or 2 for {@code busybox APPLET ...}). */
        Facts(String binary, List<String> args, String name, int first) {
            this.binary = binary;
            this.args = args;
            this.name = name;
            exe = args.isEmpty() ? binary : args.getFirst();
            int length = 0;
            for (int i = first; i < args.size(); i++) length += args.get(i).length() + 1;
            StringBuilder b = new StringBuilder(Math.max(0, length - 1));
            for (int i = first; i < args.size(); i++) {
                if (i > first) b.append(' ');
                b.append(args.get(i));
            }
            argLine = b.isEmpty() ? "" : b.toString();
            cmdline = argLine.isEmpty() ? name : name + " " + argLine;
        }
    }
}
