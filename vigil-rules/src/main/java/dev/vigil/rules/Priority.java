package dev.vigil.rules;

import java.util.Locale;

/** Falco's priorities, most severe first; rule files spell them in any case. */
public enum Priority {
    EMERGENCY, ALERT, CRITICAL, ERROR, WARNING, NOTICE, INFORMATIONAL, DEBUG;

    /** The priority named {@code text}, or null when it names none ("info" is Falco's alias). */
    public static Priority parse(String text) {
        if (text == null) return null;
        String t = text.trim().toUpperCase(Locale.ROOT);
        if (t.equals("INFO")) return INFORMATIONAL;
        for (Priority p : values()) if (p.name().equals(t)) return p;
        return null;
    }

    public String label() {
        return name().charAt(0) + name().substring(1).toLowerCase(Locale.ROOT);
    }
}
