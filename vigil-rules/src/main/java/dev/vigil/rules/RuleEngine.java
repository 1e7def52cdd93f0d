package dev.vigil.rules;

import java.nio.file.Path;
import java.util.List;

/**
 * Evaluates a {@link RuleSet} against events on one thread: looks up the rules indexed under the
 * event's type and tests each; matches go to the sink. Evaluation allocates nothing itself
 * (see {@link EvalContext} for the once-per-process derived strings). One engine per
 * evaluating thread; they can share a RuleSet.
 *
 * <pre>{@code
 * RuleEngine engine = RuleEngine.load(List.of(Path.of("/etc/vigil/rules.yaml")), processCache::get);
 * ProcessRuleEvent view = new ProcessRuleEvent();
 * engine.evaluate(view.wrap(processEvent), (rule, ev, ctx) -> out.write(Alert.of(rule, ev, ctx)));
 * }</pre>
 */
public final class RuleEngine {
    private static final Field PROC_NAME = procName();

    private static Field procName() {
        try {
            return Fields.resolve("proc.name", null);
        } catch (FieldException e) {
            throw new IllegalStateException(e);
        }
    }

    private final RuleSet rules;
    private final EvalContext context;
    private long evaluated, matched;
    private long[] scratch = new long[1];

    public RuleEngine(RuleSet rules, EvalContext context) {
        this.rules = rules;
        this.context = context;
    }

    /** The built-in rules followed by {@code files}; throws when any file has errors (skipped rules are only reported). */
    public static RuleEngine load(List<Path> files, ProcessLookup lookup) throws RuleLoadException {
        List<RuleSet.Source> sources = new java.util.ArrayList<>();
        sources.add(RuleSet.defaultSource());
        for (Path f : files) {
            try {
                sources.add(RuleSet.Source.of(f));
            } catch (java.io.IOException e) {
                throw new RuleLoadException(List.of(f + ":1: cannot read: " + e.getMessage()));
            }
        }
        RuleSet set = RuleSet.load(sources);
        if (!set.report().errors().isEmpty()) throw new RuleLoadException(set.report().errors());
        return new RuleEngine(set, new EvalContext(lookup, null));
    }

    /** Tests every rule that can match {@code e}; returns how many matched. */
    public int evaluate(RuleEvent e, AlertSink sink) {
        RuleSet.Bucket b = rules.forType(e.evtType());
        context.begin();
        int n = run(b.always(e.openFlags()), e, sink);
        PathIndex paths = b.paths(e.openFlags());
        if (paths != null && !paths.isEmpty()) {
            String path = e.fdName();
            if (path == null) {
                n += paths.runAll(e, context, sink);
            } else {
                if (scratch.length < paths.words()) scratch = new long[paths.words()];
                n += paths.run(e, path, context, sink, scratch);
            }
        }
        if (!b.byProcName().isEmpty()) {
            String name = PROC_NAME.str(e, context);
            CompiledRule[] named = name == null ? null : b.byProcName().get(name);
            if (named != null) n += run(named, e, sink);
        }
        evaluated++;
        matched += n;
        return n;
    }

    private int run(CompiledRule[] candidates, RuleEvent e, AlertSink sink) {
        int n = 0;
        for (CompiledRule r : candidates) {
            if (r.test(e, context)) {
                n++;
                sink.onMatch(r, e, context);
            }
        }
        return n;
    }

    public RuleSet rules() {
        return rules;
    }

    public EvalContext context() {
        return context;
    }

    public long evaluated() {
        return evaluated;
    }

    public long matched() {
        return matched;
    }
}
