package dev.vigil.rules;

import dev.vigil.events.Event;
import dev.vigil.events.process.ProcessEvent;
import dev.vigil.events.process.ProcessInfo;

/**
 * Vigil's process lifecycle events as rules see them: exec is Falco's {@code execve}, fork its
 * {@code clone}, exit its {@code procexit}. Reusable: {@link #wrap} one event after another.
 */
public final class ProcessRuleEvent implements RuleEvent {
    public static final String EXECVE = "execve", CLONE = "clone", PROCEXIT = "procexit";

    private ProcessEvent event;
    private String type = EXECVE;

    public ProcessRuleEvent wrap(ProcessEvent e) {
        event = e;
        type = switch (e) {
            case ProcessEvent.Exec x -> EXECVE;
            case ProcessEvent.Fork f -> CLONE;
            case ProcessEvent.Exit x -> PROCEXIT;
        };
        return this;
    }

    @Override public String evtType() { return type; }
    @Override public long ktime() { return event.ktime(); }
    @Override public ProcessInfo process() { return event.process(); }
    @Override public ProcessInfo parent() { return event.parent(); }

    @Override
    public long rawres() {
        return event instanceof ProcessEvent.Exit x ? x.exitCode() : 0;
    }

    @Override
    public Event toEvent() {
        return event;
    }
}
