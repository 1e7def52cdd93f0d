package dev.vigil.rules;

import dev.vigil.containers.ContainerInfo;
import dev.vigil.events.Event;
import dev.vigil.events.process.ProcessInfo;

/**
 * What a rule sees of one event. Compiled fields read it through these typed accessors, so an
 * implementation that keeps its values in fields (not maps) is read without allocating.
 * Accessors for facts an event does not have return null, -1 or 0 as documented; a comparison
 * on an absent value is false, as in Falco.
 */
public interface RuleEvent {
    /** Falco's evt.type: execve, clone, procexit, openat, connect, ... (interned constants). */
    String evtType();

    /** '<' (exit, the default) or '>' (enter). */
    default char evtDir() {
        return '<';
    }

    long ktime();

    /** The process that caused the event; null when unknown. */
    ProcessInfo process();

    /** Its parent, when the event carries it; the engine walks further ancestors by pid. */
    ProcessInfo parent();

    default ContainerInfo container() {
        ProcessInfo p = process();
        return p == null ? null : p.container();
    }

    /** The terminal of the process (Falco's proc.tty); -1 when the event does not carry it. */
    default long tty() {
        return -1;
    }

    /** fd.name: file path, "ip:port->ip:port" for sockets; null without a file descriptor. */
    default String fdName() {
        return null;
    }

    /** fd.typechar: 'f' file, 'd' directory, '4' ipv4, '6' ipv6, 'u' unix, 'p' pipe, 'm' memfd; 0 when none. */
    default char fdTypechar() {
        return 0;
    }

    /** fd.num, -1 when none. */
    default long fdNum() {
        return -1;
    }

    /** Server side of a connection (the destination of a connect): ip as text, null when none. */
    default String serverIp() {
        return null;
    }

    default int serverPort() {
        return -1;
    }

    default String clientIp() {
        return null;
    }

    default int clientPort() {
        return -1;
    }

    /** "tcp", "udp", "icmp", "raw" or null. */
    default String l4proto() {
        return null;
    }

    /** The syscall's return value (evt.rawres). */
    default long rawres() {
        return 0;
    }

    /** open(2) flags for open-family events (evt.is_open_read/write/create), else 0. */
    default int openFlags() {
        return 0;
    }

    /** evt.arg.NAME as text, null when absent. */
    default String arg(String name) {
        return null;
    }

    /** evt.arg[N] as text, null when absent. */
    default String arg(int index) {
        return null;
    }

    /** The Vigil event an alert reports: an immutable object the integrator can keep. */
    Event toEvent();
}
