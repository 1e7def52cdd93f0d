package dev.vigil.agent.detect;

import dev.vigil.events.Event;
import dev.vigil.events.alert.Alert;
import dev.vigil.events.process.ProcessCache;
import dev.vigil.events.process.ProcessEvent;
import dev.vigil.events.process.ProcessInfo;
import dev.vigil.rules.AlertSink;
import dev.vigil.rules.CompiledRule;
import dev.vigil.rules.ProcessRuleEvent;
import dev.vigil.rules.RuleEngine;
import dev.vigil.rules.RuleEvent;
import dev.vigil.rules.SyscallEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs the detection rules (docs/rules.md) over each process event, and each file, network and
 * privilege event the syscalls sensor sends, on the pipeline thread, the
 * one that owns the process cache the engine reads ancestors from, and turns every match into
 * an {@code alert} event with the process, its ancestors and its container.
 */
public final class RuleDetector {
    private static final int ANCESTORS = 6;

    private final RuleEngine engine;
    private final ProcessCache cache;
    private final ProcessRuleEvent view = new ProcessRuleEvent();
    // Where the current evaluation's matches go: a field, not a captured lambda, so an event that
    // matches nothing allocates nothing.
    private Consumer<Event> out;
    private final AlertSink toOut = (rule, e, context) -> out.accept(alert(rule, e, e.process(), e.parent(), rule.format(e, context)));

    public RuleDetector(RuleEngine engine, ProcessCache cache) {
        this.engine = engine;
        this.cache = cache;
    }

    public RuleEngine engine() {
        return engine;
    }

    /** Evaluates one event; matches go to {@code out}, after the event itself. Nothing is allocated unless a rule matches. */
    public void observe(Event event, Consumer<Event> out) {
        if (!(event instanceof ProcessEvent pe)) return;
        this.out = out;
        engine.evaluate(view.wrap(pe), toOut);
    }

    /** Evaluates one file, network or privilege event (filled by {@link SyscallStage}); matches go to {@code out}. */
    public void observeSyscall(SyscallEvent event, Consumer<Event> out) {
        this.out = out;
        engine.evaluate(event, toOut);
    }

    private Alert alert(CompiledRule rule, RuleEvent e, ProcessInfo p, ProcessInfo parent, String output) {
        List<ProcessInfo> ancestors = new ArrayList<>();
        for (ProcessInfo a = parent; a != null && ancestors.size() < ANCESTORS; a = a.ppid() > 0 ? cache.get(a.ppid()) : null) {
            if (!ancestors.isEmpty() && ancestors.getLast() == a) break;
            ancestors.add(a);
        }
        return new Alert(e.ktime(), rule.name(), rule.priority().name().toLowerCase(java.util.Locale.ROOT), output, rule.tags(), "alert", "none", p, ancestors,
                p == null ? null : p.container(), Map.of("source", "rules", "evt_type", e.evtType(), "rule_file", rule.file() + ":" + rule.line()));
    }
}
