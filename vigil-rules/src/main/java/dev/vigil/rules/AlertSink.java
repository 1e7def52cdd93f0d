package dev.vigil.rules;

/** Receives matches on the evaluating thread; copying what it keeps is its job (see {@link Alert#of}). */
@FunctionalInterface
public interface AlertSink {
    void onMatch(CompiledRule rule, RuleEvent event, EvalContext context);
}
