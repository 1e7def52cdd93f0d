package dev.vigil.rules;

import java.util.List;
import java.util.Set;

/** One loaded rule: its predicate and output bound to compiled fields. Immutable; shared by every evaluating thread. */
public final class CompiledRule {
    private final String name, desc, condition, file;
    private final int line;
    private final Priority priority;
    private final List<String> tags;
    private final Pred predicate;
    /** What the engine runs: the predicate simplified for events the index selected. */
    private final Pred indexed;
    private final OutputTemplate output;
    private final Set<String> evtTypes, procNames;
    private final int openAccess;

    CompiledRule(String name, String desc, String condition, String file, int line, Priority priority, List<String> tags, Pred predicate,
                 OutputTemplate output) {
        this.name = name;
        this.desc = desc;
        this.condition = condition;
        this.file = file;
        this.line = line;
        this.priority = priority;
        this.tags = List.copyOf(tags);
        this.predicate = predicate;
        this.output = output;
        this.evtTypes = predicate.evtTypes() == null ? null : Set.copyOf(predicate.evtTypes());
        this.procNames = predicate.values("proc.name") == null ? null : Set.copyOf(predicate.values("proc.name"));
        this.indexed = Pred.forIndex(predicate, evtTypes);
        this.openAccess = predicate.openAccess();
    }

    /** Tests this one rule against an event (the engine tests many per event through {@link #test}). */
    public boolean matches(RuleEvent e, EvalContext c) {
        c.begin();
        return predicate.test(e, c);
    }

    /** Within {@link RuleEngine#evaluate}, which has already started the event on the context. */
    boolean test(RuleEvent e, EvalContext c) {
        return indexed.test(e, c);
    }

    /** The rule's output with the event's values; allocates (call it for matches only). */
    public String format(RuleEvent e, EvalContext c) {
        return output.format(e, c);
    }

    /** The open access classes (OpenPaths.READ, WRITE) this rule can match; 0 when it matches no open. */
    int openAccess() {
        return openAccess;
    }

    /** What this rule needs of file opens (access classes, path bound), for a kernel-side filter. */
    public OpenPaths openPaths() {
        int access = predicate.openAccess();
        if (access == 0) return OpenPaths.NONE;
        OpenPaths.Hint h = predicate.pathHint();
        return h == null ? new OpenPaths(access, true, Set.of(), Set.of()) : new OpenPaths(access, false, h.prefixes(), h.components());
    }

    public String name() { return name; }
    public String desc() { return desc; }
    public String condition() { return condition; }
    public String file() { return file; }
    public int line() { return line; }
    public Priority priority() { return priority; }
    public List<String> tags() { return tags; }

    /** The event types the rule can match, null when it is not restricted (it then runs on every event). */
    public Set<String> evtTypes() { return evtTypes; }

    /** The process names the rule can match, null when any: the engine runs it only for events of these. */
    public Set<String> procNames() { return procNames; }
}
