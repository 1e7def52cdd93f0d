package dev.vigil.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/** Symbol lookup and downcall construction shared by the libbpf and libc bindings. */
final class Native {
    static final Linker LINKER = Linker.nativeLinker();
    static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(groupElement("errno"));
    static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private static final SymbolLookup LIBBPF = loadLibbpf();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();

    private Native() {}

    private static SymbolLookup loadLibbpf() {
        try {
            return SymbolLookup.libraryLookup("libbpf.so.1", Arena.global());
        } catch (IllegalArgumentException e) {
            throw new UnsatisfiedLinkError("libbpf.so.1 not found: install the Debian package libbpf1 (" + e.getMessage() + ")");
        }
    }

    static MethodHandle libbpf(String name, FunctionDescriptor fd, Linker.Option... options) {
        return downcall(LIBBPF, "libbpf.so.1", name, fd, options);
    }

    static MethodHandle libc(String name, FunctionDescriptor fd, Linker.Option... options) {
        return downcall(LIBC, "libc", name, fd, options);
    }

    private static MethodHandle downcall(SymbolLookup lookup, String library, String name, FunctionDescriptor fd,
                                         Linker.Option... options) {
        MemorySegment symbol = lookup.find(name).orElseThrow(
                () -> new UnsatisfiedLinkError(library + " has no symbol " + name + " (libbpf 1.1 or newer is required)"));
        return LINKER.downcallHandle(symbol, fd, options);
    }

    static int errno(MemorySegment callState) {
        return (int) ERRNO.get(callState, 0L);
    }

    static String cString(MemorySegment pointer) {
        return pointer.equals(MemorySegment.NULL) ? null : pointer.reinterpret(Integer.MAX_VALUE).getString(0);
    }
}
