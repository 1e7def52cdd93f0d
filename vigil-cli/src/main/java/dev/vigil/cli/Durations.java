package dev.vigil.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** "90s", "15m", "2h", "7d" (or an ISO-8601 duration) for --since. */
final class Durations {
    private static final Pattern SHORT = Pattern.compile("(\\d+)([smhd])");

    private Durations() {}

    static Duration parse(String s) {
        Matcher m = SHORT.matcher(s.trim());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(s.trim());
        } catch (RuntimeException e) {
            throw new CliException(ExitCodes.USAGE, "not a duration: \"" + s + "\" (use e.g. 30s, 15m, 2h, 7d)");
        }
    }
}
