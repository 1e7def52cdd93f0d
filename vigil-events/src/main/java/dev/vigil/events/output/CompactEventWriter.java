package dev.vigil.events.output;

import dev.vigil.events.Event;
import dev.vigil.events.alert.Alert;
import dev.vigil.events.container.ContainerEvent;
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

    public static String format(Event event, LongUnaryOperator toEpochNanos) {
        String time = Timestamps.rfc3339(toEpochNanos.applyAsLong(event.ktime())).substring(11, 23) + " ";
        if (event instanceof ContainerEvent c) {
            String who = c.container().name().isEmpty() ? c.container().shortId() : c.container().name();
            String what = switch (c.kind()) {
                case START -> "container start  image=" + c.container().image();
                case STOP -> "container stop";
                case RISK -> "container risk   " + c.findings().stream().map(f -> f.severity() + ":" + f.id()
                        + (f.subject() == null || f.subject().isEmpty() ? "" : "(" + f.subject() + ")")).toList();
            };
            return time + String.format("%-14s", who) + " " + what;
        }
        if (event instanceof Alert a) {
            String who = a.container() == null ? "host" : a.container().name().isEmpty() ? a.container().shortId() : a.container().name();
            return time + String.format("%-14s", who) + " ALERT " + a.action() + " " + a.rule() + " " + a.output();
        }
        ProcessEvent pe = (ProcessEvent) event;
        ProcessInfo p = pe.process();
        String where = p.container() == null ? "host" : p.container().name().isEmpty() ? p.container().shortId() : p.container().name();
        String what = switch (pe) {
            case ProcessEvent.Exec e -> "exec  " + String.join(" ", p.args());
            case ProcessEvent.Fork f -> "fork  " + p.binary() + " <- " + p.ppid();
            case ProcessEvent.Exit x -> "exit  " + p.binary() + (x.signal() != 0 ? " " + Signals.name(x.signal()) : " " + x.exitCode());
        };
        return time + String.format("%-14s", where)
                + " pid=" + p.pid() + " uid=" + p.uid() + " " + what;
    }

    @Override
    public void accept(Event event) {
        out.println(format(event, toEpochNanos));
    }

    @Override
    public void flush() {
        out.flush();
    }
}
