package dev.vigil.rules;

import dev.vigil.events.Event;
import dev.vigil.events.process.ProcessInfo;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The file, network and privilege events the kernel side will produce, in one reusable shape: a
 * decoder fills one instance per record ({@link #reset} then the setters) and hands it to the
 * engine. Every accessor reads a field; arguments are parallel arrays scanned linearly (a
 * syscall has a handful), so reading allocates nothing. Not thread-safe.
 */
public final class SyscallEvent implements RuleEvent {
    private static final int MAX_ARGS = 8;

    private String evtType = "";
    private char dir = '<';
    private long ktime;
    private ProcessInfo process, parent;
    private long tty = -1;
    private String fdName;
    private char fdTypechar;
    private long fdNum = -1;
    private String serverIp, clientIp, l4proto;
    private int serverPort = -1, clientPort = -1;
    private long rawres;
    private int openFlags;
    private final String[] argNames = new String[MAX_ARGS];
    private final String[] argValues = new String[MAX_ARGS];
    private int argCount;

    /** Starts a new event of Falco type {@code evtType} (pass a constant: the rule index looks it up by hash). */
    public SyscallEvent reset(String evtType, long ktime, ProcessInfo process, ProcessInfo parent) {
        this.evtType = evtType;
        this.ktime = ktime;
        this.process = process;
        this.parent = parent;
        dir = '<';
        tty = -1;
        fdName = null;
        fdTypechar = 0;
        fdNum = -1;
        serverIp = clientIp = l4proto = null;
        serverPort = clientPort = -1;
        rawres = 0;
        openFlags = 0;
        argCount = 0;
        return this;
    }

    public SyscallEvent dir(char d) {
        dir = d;
        return this;
    }

    public SyscallEvent tty(long t) {
        tty = t;
        return this;
    }

    /** The file descriptor the event is about: its number, type character and name (path or tuple). */
    public SyscallEvent fd(long num, char typechar, String name) {
        fdNum = num;
        fdTypechar = typechar;
        fdName = name;
        return this;
    }

    /**
     * The connection's endpoints; {@code fd.name} becomes "client:port->server:port" unless
     * already set, spelled out only if read (most connections meet no rule on fd.name).
     */
    public SyscallEvent connection(String l4, String client, int cport, String server, int sport) {
        l4proto = l4;
        clientIp = client;
        clientPort = cport;
        serverIp = server;
        serverPort = sport;
        return this;
    }

    public SyscallEvent rawres(long r) {
        rawres = r;
        return this;
    }

    public SyscallEvent openFlags(int flags) {
        openFlags = flags;
        return this;
    }

    /** Adds evt.arg.NAME (also evt.arg[N] in the order added); at most 8, later ones are dropped. */
    public SyscallEvent arg(String name, String value) {
        if (argCount < MAX_ARGS) {
            argNames[argCount] = name;
            argValues[argCount++] = value;
        }
        return this;
    }

    @Override public String evtType() { return evtType; }
    @Override public char evtDir() { return dir; }
    @Override public long ktime() { return ktime; }
    @Override public ProcessInfo process() { return process; }
    @Override public ProcessInfo parent() { return parent; }
    @Override public long tty() { return tty; }
    /** The fd's name; a connection without one reads as its tuple, spelled out on first read. */
    @Override
    public String fdName() {
        return fdName == null && l4proto != null ? tupleName() : fdName;
    }

    // Out of line, so that fdName() stays small enough to inline into every predicate that reads it.
    private String tupleName() {
        return fdName = clientIp + ":" + clientPort + "->" + serverIp + ":" + serverPort;
    }

    @Override public char fdTypechar() { return fdTypechar; }
    @Override public long fdNum() { return fdNum; }
    @Override public String serverIp() { return serverIp; }
    @Override public int serverPort() { return serverPort; }
    @Override public String clientIp() { return clientIp; }
    @Override public int clientPort() { return clientPort; }
    @Override public String l4proto() { return l4proto; }
    @Override public long rawres() { return rawres; }
    @Override public int openFlags() { return openFlags; }

    @Override
    public String arg(String name) {
        for (int i = 0; i < argCount; i++) if (argNames[i].equals(name)) return argValues[i];
        return null;
    }

    @Override
    public String arg(int index) {
        return index >= 0 && index < argCount ? argValues[index] : null;
    }

    @Override
    public Event toEvent() {
        Map<String, String> args = new LinkedHashMap<>();
        for (int i = 0; i < argCount; i++) args.put(argNames[i], argValues[i]);
        return new Syscall(evtType, ktime, process, parent, fdName(), String.valueOf(fdTypechar == 0 ? ' ' : fdTypechar).trim(), fdNum,
                clientIp, clientPort, serverIp, serverPort, l4proto, rawres, openFlags, Map.copyOf(args));
    }

    /** An immutable copy for outputs; {@code type()} is the Falco event type. */
    public record Syscall(String evtType, long ktime, ProcessInfo process, ProcessInfo parent, String fdName, String fdType, long fdNum,
                          String clientIp, int clientPort, String serverIp, int serverPort, String l4proto, long rawres, int openFlags,
                          Map<String, String> args) implements Event {
        @Override
        public String type() {
            return evtType;
        }
    }
}
