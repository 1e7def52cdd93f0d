package dev.vigil.net.policy;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** tc's rate units (SI multiples; "bit" for bits, "bps" for bytes per second). */
public final class Rates {
    private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-z]+)");
    private static final Map<String, Long> BITS = Map.ofEntries(
            Map.entry("bit", 1L), Map.entry("kbit", 1_000L), Map.entry("mbit", 1_000_000L), Map.entry("gbit", 1_000_000_000L),
            Map.entry("bps", 8L), Map.entry("kbps", 8_000L), Map.entry("mbps", 8_000_000L), Map.entry("gbps", 8_000_000_000L));
    /** HTB takes rates as 64-bit bytes/s; stay far from it and below any real link. */
    private static final long MAX_BITS = 1_000_000_000_000L;

    private Rates() {}

    /** Bits per second. */
    public static long parse(String text) {
        Matcher m = RATE.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches() || !BITS.containsKey(m.group(2))) {
            throw new IllegalArgumentException("\"" + text + "\" is not a rate; write e.g. 10mbit, 1.5gbit, 500kbps (units: " + BITS.keySet() + ")");
        }
        long bits = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(BITS.get(m.group(2)))).longValue();
        if (bits < 8_000 || bits > MAX_BITS) throw new IllegalArgumentException("\"" + text + "\": rate must be between 8kbit and 1tbit");
        return bits;
    }
}
