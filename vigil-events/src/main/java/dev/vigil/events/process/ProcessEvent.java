package dev.vigil.events.process;

/** Process lifecycle events, as the output and later the rule engine see them. */
public sealed interface ProcessEvent {
    /** The event's JSON type name. */
    String type();

    /** Boot-time ns when the kernel saw it. */
    long ktime();

    ProcessInfo process();

    /** The parent image, or null when it is not known. */
    ProcessInfo parent();

    record Exec(long ktime, ProcessInfo process, ProcessInfo parent) implements ProcessEvent {
        public String type() {
            return "process_exec";
        }
    }

    record Fork(long ktime, ProcessInfo process, ProcessInfo parent) implements ProcessEvent {
        public String type() {
            return "process_fork";
        }
    }

    /**
     * @param status the raw wait status; {@link #exitCode()} and {@link #signal()} decode it
     */
    record Exit(long ktime, ProcessInfo process, ProcessInfo parent, int status) implements ProcessEvent {
        public String type() {
            return "process_exit";
        }

        /** Exit code for a normal exit, -1 when a signal ended the process. */
        public int exitCode() {
            return signal() == 0 ? (status >> 8) & 0xff : -1;
        }

        /** Number of the signal that ended the process, 0 for a normal exit. */
        public int signal() {
            return status & 0x7f;
        }
    }
}
