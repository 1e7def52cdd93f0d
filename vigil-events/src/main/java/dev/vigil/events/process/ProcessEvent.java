package dev.vigil.events.process;

import dev.vigil.events.Event;

/** Process lifecycle events, as the output and later the rule engine see them. */
public sealed interface ProcessEvent extends Event {
    ProcessInfo process();

    /** The parent image, or null when it is not known. */
    ProcessInfo parent();

    /** The same event about an updated view of the same process (e.g. its container's details arrived). */
    ProcessEvent withProcess(ProcessInfo process);

    record Exec(long ktime, ProcessInfo process, ProcessInfo parent) implements ProcessEvent {
        public String type() {
            return "process_exec";
        }

        public Exec withProcess(ProcessInfo p) {
            return new Exec(ktime, p, parent);
        }
    }

    record Fork(long ktime, ProcessInfo process, ProcessInfo parent) implements ProcessEvent {
        public String type() {
            return "process_fork";
        }

        public Fork withProcess(ProcessInfo p) {
            return new Fork(ktime, p, parent);
        }
    }

    /**
     * @param status the raw wait status; {@link #exitCode()} and {@link #signal()} decode it
     */
    record Exit(long ktime, ProcessInfo process, ProcessInfo parent, int status) implements ProcessEvent {
        public String type() {
            return "process_exit";
        }

        public Exit withProcess(ProcessInfo p) {
            return new Exit(ktime, p, parent, status);
        }

        /** Exit code for a normal exit, -1 when a signal ended the process. */
        public int exitCode() {
            return exitCode(status);
        }

        /** The exit code a raw wait status gives, -1 when a signal ended the process. */
        public static int exitCode(int status) {
            return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1;
        }

        /** Number of the signal that ended the process, 0 for a normal exit. */
        public int signal() {
            return status & 0x7f;
        }
    }
}
