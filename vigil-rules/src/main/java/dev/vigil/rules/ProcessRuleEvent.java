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
        String t = switch (e) {
            case ProcessEvent.Exec x -> EXECVE;
            case ProcessEvent.Fork f -> CLONE;
            case ProcessEvent.Exit x -> PROCEXIT;
        };
        return set(e, null, t, e.ktime(), e.process(), e.parent(), e instanceof ProcessEvent.Exit x ? x.exitCode() : 0);
    }

    public ProcessRuleEvent wrap(ProcessRecord r) {
        String t = switch (r.kind()) {
            case EXEC -> EXECVE;
            case FORK -> CLONE;
            case EXIT -> PROCEXIT;
        };
        return set(null, r, t, r.ktime(), r.process(), r.parent(), r.kind() == ProcessRecord.Kind.EXIT ? ProcessEvent.Exit.exitCode(r.status()) : 0);
    }

    private ProcessRuleEvent set(ProcessEvent e, ProcessRecord r, String t, long at, ProcessInfo p, ProcessInfo pp, int code) {
        event = e;
        record = r;
        type = t;
        ktime = at;
        process = p;
        parent = pp;
        exitCode = code;
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
