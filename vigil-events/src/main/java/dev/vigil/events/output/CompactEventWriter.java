package dev.vigil.events.output;

import dev.vigil.events.process.ProcessEvent;
import dev.vigil.events.process.ProcessInfo;

import java.io.PrintStream;
import java.util.function.LongUnaryOperator;

/** One short line per event for people watching a terminal: time, kind, where, who, what. */
public final class CompactEventWriter implements EventSink {
    private final PrintStream out;
    private final LongUnaryOperator toEpochNanos;

    public CompactEventWriter(PrintStream out, LongUnaryOperator toEpochNanos) {
        this.out = out;
        this.toEpochNanos = toEpochNanos;
    }

    public static String format(ProcessEvent event, LongUnaryOperator toEpochNanos) {
        ProcessInfo p = event.process();
        String where = p.container() == null ? "host" : p.container().name().isEmpty() ? p.container().shortId() : p.container().name();
        String what = switch (event) {
            case ProcessEvent.Exec e -> "exec  " + String.join(" ", p.args());
            case ProcessEvent.Fork f -> "fork  " + p.binary() + " <- " + p.ppid();
            case ProcessEvent.Exit x -> "exit  " + p.binary() + (x.signal() != 0 ? " " + Signals.name(x.signal()) : " " + x.exitCode());
        };
        return Timestamps.rfc3339(toEpochNanos.applyAsLong(event.ktime())).substring(11, 23) + " " + String.format("%-14s", where)
                + " pid=" + p.pid() + " uid=" + p.uid() + " " + what;
    }

    @Override
    public void accept(ProcessEvent event) {
        out.println(format(event, toEpochNanos));
    }

    @Override
    public void flush() {
        out.flush();
    }
}
