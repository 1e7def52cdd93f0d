package dev.vigil.events;

/** Anything the agent reports: process lifecycle, container lifecycle and risk, and later alerts. */
public interface Event {
    /** The JSON type name, e.g. {@code process_exec}. */
    String type();

    /** Boot-time nanoseconds (CLOCK_BOOTTIME) when it happened or was observed. */
    long ktime();
}
