package dev.vigil.rules;

import dev.vigil.events.Event;

import java.util.List;

/**
 * A rule match as the outputs report it: the rule, its priority and tags, its formatted output
 * and the full event (process, ancestry by exec id, container).
 */
public record Alert(String rule, Priority priority, String output, List<String> tags, long ktime, Event event) implements Event {
    public Alert {
        tags = List.copyOf(tags);
    }

    /** Builds the alert for a match; allocates, which is fine: it runs only when a rule matched. */
    public static Alert of(CompiledRule rule, RuleEvent event, EvalContext context) {
        return new Alert(rule.name(), rule.priority(), rule.format(event, context), rule.tags(), event.ktime(), event.toEvent());
    }

    @Override
    public String type() {
        return "alert";
    }
}
