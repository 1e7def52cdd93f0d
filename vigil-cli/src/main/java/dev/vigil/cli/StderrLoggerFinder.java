package dev.vigil.cli;

import java.io.PrintStream;
import java.text.MessageFormat;
import java.time.Instant;
import java.util.ResourceBundle;
import java.util.function.Supplier;

/**
 * System.Logger backend for the vigil command: one line per record on stderr, so logs never mix
 * with events on stdout. Not java.util.logging, whose LogManager closes its handlers in a
 * shutdown hook of its own, racing the agent's last words as SIGTERM detaches it.
 * The level comes from VIGIL_LOG_LEVEL (TRACE, DEBUG, INFO, WARNING, ERROR; default INFO).
 */
public final class StderrLoggerFinder extends System.LoggerFinder {
    private static final System.Logger.Level THRESHOLD = threshold();

    @Override
    public System.Logger getLogger(String name, Module module) {
        return new StderrLogger(name.substring(name.lastIndexOf('.') + 1));
    }

    private static System.Logger.Level threshold() {
        String v = System.getenv("VIGIL_LOG_LEVEL");
        try {
            return v == null ? System.Logger.Level.INFO : System.Logger.Level.valueOf(v.toUpperCase());
        } catch (IllegalArgumentException e) {
            return System.Logger.Level.INFO;
        }
    }

    private record StderrLogger(String name) implements System.Logger {
        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean isLoggable(Level level) {
            return level != Level.OFF && level.getSeverity() >= THRESHOLD.getSeverity();
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            if (!isLoggable(level)) return;
            PrintStream err = System.err;
            synchronized (err) {
                err.println(Instant.now() + " " + level.getName() + " " + name + ": " + msg);
                if (thrown != null) thrown.printStackTrace(err);
            }
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            if (!isLoggable(level)) return;
            log(level, bundle, params == null || params.length == 0 ? format : MessageFormat.format(format, params), (Throwable) null);
        }

        @Override
        public void log(Level level, Supplier<String> supplier) {
            if (isLoggable(level)) log(level, null, supplier.get(), (Throwable) null);
        }
    }
}
