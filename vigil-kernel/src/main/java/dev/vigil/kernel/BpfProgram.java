package dev.vigil.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A program of a {@link BpfObject}; valid while the object is open. Attaching yields a {@link BpfLink} the caller owns. */
public final class BpfProgram {
    private final BpfObject owner;
    private final MemorySegment program;
    private final String name;
    private final String section;

    BpfProgram(BpfObject owner, MemorySegment program) {
        this.owner = owner;
        this.program = program;
        try {
            this.name = Native.cString((MemorySegment) LibBpf.program_name.invokeExact(program));
            this.section = Native.cString((MemorySegment) LibBpf.program_section_name.invokeExact(program));
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
    }

    public String name() {
        return name;
    }

    /** The ELF section, e.g. {@code tp_btf/sched_process_exec}: it names the hook. */
    public String section() {
        return section;
    }

    public int fd() {
        owner.ensureOpen();
        try {
            return (int) LibBpf.program_fd.invokeExact(program);
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
    }

    /** Whether {@link BpfObject#load()} loads this program; set before loading. */
    public void setAutoload(boolean autoload) {
        owner.ensureOpen();
        try {
            LibBpf.check((int) LibBpf.program_set_autoload.invokeExact(program, autoload), "set autoload of " + name);
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
    }

    public boolean autoload() {
        try {
            return (boolean) LibBpf.program_autoload.invokeExact(program);
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
    }

    /** Attaches where the section name says (tracepoints, tp_btf, lsm, fentry, kprobe...). */
    public BpfLink attach() {
        return link("attach", (state, arena) -> (MemorySegment) LibBpf.program_attach.invokeExact(state, program));
    }

    public BpfLink attachTracepoint(String category, String event) {
        return link("attach tracepoint " + category + "/" + event, (state, arena) -> (MemorySegment)
                LibBpf.program_attach_tracepoint.invokeExact(state, program, arena.allocateFrom(category), arena.allocateFrom(event)));
    }

    public BpfLink attachRawTracepoint(String event) {
        return link("attach raw tracepoint " + event, (state, arena) -> (MemorySegment)
                LibBpf.program_attach_raw_tracepoint.invokeExact(state, program, arena.allocateFrom(event)));
    }

    /** tp_btf, fentry, fexit: the target comes from the section name. */
    public BpfLink attachTrace() {
        return link("attach trace", (state, arena) -> (MemorySegment) LibBpf.program_attach_trace.invokeExact(state, program));
    }

    public BpfLink attachLsm() {
        return link("attach LSM", (state, arena) -> (MemorySegment) LibBpf.program_attach_lsm.invokeExact(state, program));
    }

    /** Attaches to the cgroup v2 directory open as {@code cgroupFd}; the link detaches on close. */
    public BpfLink attachCgroup(int cgroupFd) {
        return link("attach to cgroup", (state, arena) -> (MemorySegment)
                LibBpf.program_attach_cgroup.invokeExact(state, program, cgroupFd));
    }

    @FunctionalInterface
    private interface AttachCall {
        MemorySegment call(MemorySegment callState, Arena arena) throws Throwable;
    }

    private BpfLink link(String what, AttachCall call) {
        owner.ensureOpen();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.CALL_STATE);
            MemorySegment link = call.call(state, arena);
            if (link.equals(MemorySegment.NULL)) {
                throw new BpfException(what + " of program " + name + " (" + section + ")", Native.errno(state));
            }
            return new BpfLink(link, name + " (" + section + ")");
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
    }

    @Override
    public String toString() {
        return name + " (" + section + ")";
    }
}
