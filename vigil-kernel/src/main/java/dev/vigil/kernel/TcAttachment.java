package dev.vigil.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A TC classifier attached to one direction of an interface as its own filter (handle and
 * priority chosen by the caller, so it coexists with other agents' filters). libbpf 1.1 TC
 * attachments are netlink filters, not links: they outlive the process, so closing detaches
 * explicitly. The clsact qdisc is created when missing and never deleted: other programs may
 * hang filters on it.
 *
 * An attachment made inside another network namespace (an underlay interface moved into a
 * container) remembers that namespace and detaches from inside it too: ifindexes are per
 * namespace.
 */
public final class TcAttachment implements AutoCloseable {
    public enum Direction {
        INGRESS(1), EGRESS(2);

        final int attachPoint;

        Direction(int attachPoint) {
            this.attachPoint = attachPoint;
        }
    }

    // struct bpf_tc_hook (24 bytes) and struct bpf_tc_opts (32 bytes), libbpf 1.1 x86-64.
    private static final long HOOK_SIZE = 24, HOOK_IFINDEX = 8, HOOK_ATTACH_POINT = 12;
    private static final long OPTS_SIZE = 32, OPTS_PROG_FD = 8, OPTS_FLAGS = 12, OPTS_PROG_ID = 16, OPTS_HANDLE = 20, OPTS_PRIORITY = 24;

    private final int ifindex;
    private final Direction direction;
    private final int handle;
    private final int priority;
    private final int programId;
    private final NetNamespace netns; // null: the caller's own namespace
    private boolean closed;

    private TcAttachment(int ifindex, Direction direction, int handle, int priority, int programId, NetNamespace netns) {
        this.netns = netns;
        this.ifindex = ifindex;
        this.direction = direction;
        this.handle = handle;
        this.priority = priority;
        this.programId = programId;
    }

    /** Attaches {@code program} as filter (handle, priority); fails with EEXIST if that filter exists. */
    public static TcAttachment attach(int ifindex, Direction direction, BpfProgram program, int handle, int priority) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment hook = hook(arena, ifindex, direction);
            int rc = (int) LibBpf.tc_hook_create.invokeExact(hook);
            if (rc < 0 && rc != -Errno.EEXIST) throw new BpfException("create clsact on ifindex " + ifindex, -rc);
            MemorySegment opts = opts(arena, handle, priority);
            opts.set(JAVA_INT, OPTS_PROG_FD, program.fd());
            LibBpf.check((int) LibBpf.tc_attach.invokeExact(hook, opts),
                    "attach " + program + " to ifindex " + ifindex + " " + direction.name().toLowerCase());
            return new TcAttachment(ifindex, direction, handle, priority, opts.get(JAVA_INT, OPTS_PROG_ID), null);
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
    }

    /**
     * As {@link #attach(int, Direction, BpfProgram, int, int)}, for interface {@code ifindex} of
     * {@code netns}; the caller keeps {@code netns} open until this attachment is closed.
     */
    public static TcAttachment attach(NetNamespace netns, int ifindex, Direction direction, BpfProgram program, int handle, int priority) {
        TcAttachment here = netns.call(() -> attach(ifindex, direction, program, handle, priority));
        return new TcAttachment(ifindex, direction, handle, priority, here.programId, netns);
    }

    /** Kernel id of the attached program, as bpftool and tc show it. */
    public int programId() {
        return programId;
    }

    public int ifindex() {
        return ifindex;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (netns != null) netns.run(this::detachHere);
        else detachHere();
    }

    private void detachHere() {
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) LibBpf.tc_detach.invokeExact(hook(arena, ifindex, direction), opts(arena, handle, priority));
            // The interface may be gone already (a container's veth dies with it): nothing left to detach.
            if (rc < 0 && rc != -Errno.ENOENT && rc != -19 /* ENODEV */) throw new BpfException("detach TC filter from ifindex " + ifindex, -rc);
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
    }

    private static MemorySegment hook(Arena arena, int ifindex, Direction direction) {
        MemorySegment hook = arena.allocate(HOOK_SIZE, 8);
        hook.set(JAVA_LONG, 0, HOOK_SIZE);
        hook.set(JAVA_INT, HOOK_IFINDEX, ifindex);
        hook.set(JAVA_INT, HOOK_ATTACH_POINT, direction.attachPoint);
        return hook;
    }

    private static MemorySegment opts(Arena arena, int handle, int priority) {
        MemorySegment opts = arena.allocate(OPTS_SIZE, 8);
        opts.set(JAVA_LONG, 0, OPTS_SIZE);
        opts.set(JAVA_INT, OPTS_FLAGS, 0);
        opts.set(JAVA_INT, OPTS_HANDLE, handle);
        opts.set(JAVA_INT, OPTS_PRIORITY, priority);
        return opts;
    }

    @Override
    public String toString() {
        return "TC filter " + handle + "/" + priority + " on ifindex " + ifindex + " " + direction.name().toLowerCase()
                + (netns == null ? "" : " in " + netns);
    }
}
