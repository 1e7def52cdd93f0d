package dev.vigil.rules;

import dev.vigil.events.Event;
import dev.vigil.events.process.ProcessEvent;
import dev.vigil.events.process.ProcessInfo;
import dev.vigil.events.process.ProcessRecord;

/**
 * Vigil's process lifecycle events as rules see them: exec is Falco's {@code execve}, fork its
 * {@code clone}, exit its {@code procexit}. Reusable: {@link #wrap} one event (or the tracker's
 * reusable record, which allocates nothing) after another.
 */
public final class ProcessRuleEvent implements RuleEvent {
    public static final String EXECVE = "execve", CLONE = "clone", PROCEXIT = "procexit";

    private ProcessEvent event;
    private ProcessRecord record;
    private String type = EXECVE;
    private long ktime;
    private ProcessInfo process, parent;
    private int exitCode;

    public ProcessRuleEvent wrap(ProcessEvent e) {
        event = e;
        record = null;
        ktime = e.ktime();
        process = e.process();
        parent = e.parent();
        exitCode = 0;
        type = switch (e) {
            case ProcessEvent.Exec x -> EXECVE;
            case ProcessEvent.Fork f -> CLONE;
            case ProcessEvent.Exit x -> {
                exitCode = x.exitCode();
                yield PROCEXIT;
            }
        };
        return this;
    }

    public ProcessRuleEvent wrap(ProcessRecord r) {
        event = null;
        record = r;
        ktime = r.ktime();
        process = r.process();
        parent = r.parent();
        exitCode = 0;
        type = switch (r.kind()) {
            case EXEC -> EXECVE;
            case FORK -> CLONE;
            case EXIT -> {
                exitCode = ProcessEvent.Exit.exitCode(r.status());
                yield PROCEXIT;
            }
        };
        return this;
    }

    @Override public String evtType() { return type; }
    @Override public long ktime() { return ktime; }
    @Override public ProcessInfo process() { return process; }
    @Override public ProcessInfo parent() { return parent; }
    @Override public long rawres() { return exitCode; }

    @Override
    public Event toEvent() {
        return event != null ? event : record.toEvent();
    }
}
