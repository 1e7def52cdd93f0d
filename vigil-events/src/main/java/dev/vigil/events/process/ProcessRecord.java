package dev.vigil.events.process;

/**
 * The lifecycle record the tracker just decoded, in one reusable instance: what detection reads
 * before anything is shipped. {@link #toEvent} makes the immutable event the outputs keep.
 * Owned by the pipeline thread; valid until the tracker's next record.
 */
public final class ProcessRecord {
    public enum Kind { EXEC, FORK, EXIT }

    private Kind kind = Kind.EXEC;
    private long ktime;
    private ProcessInfo process, parent;
    private int status;

    ProcessRecord set(Kind kind, long ktime, ProcessInfo process, ProcessInfo parent, int status) {
        this.kind = kind;
        this.ktime = ktime;
        this.process = process;
        this.parent = parent;
        this.status = status;
        return this;
    }

    public Kind kind() { return kind; }
    public long ktime() { return ktime; }
    public ProcessInfo process() { return process; }
    /** The parent image, or null when it is not known. */
    public ProcessInfo parent() { return parent; }
    /** The raw wait status of an exit (see {@link ProcessEvent.Exit}). */
    public int status() { return status; }

    public ProcessEvent toEvent() {
        return switch (kind) {
            case EXEC -> new ProcessEvent.Exec(ktime, process, parent);
            case FORK -> new ProcessEvent.Fork(ktime, process, parent);
            case EXIT -> new ProcessEvent.Exit(ktime, process, parent, status);
        };
    }
}
