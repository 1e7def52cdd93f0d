package dev.vigil.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Routes libbpf's own messages (its print callback) into the agent's logger instead of raw stderr.
 * The callback receives a printf format and a va_list; on x86-64 a va_list argument is a pointer,
 * so it is passed straight on to vsnprintf.
 */
public final class LibbpfLog {
    private static final System.Logger LOG = System.getLogger("dev.vigil.libbpf");
    private static final int WARN = 0, INFO = 1;
    private static volatile boolean installed;
    private static final ThreadLocal<Boolean> EXPECTING_FAILURE = ThreadLocal.withInitial(() -> false);

    private LibbpfLog() {}

    /** Installs the callback once per JVM; the stub lives as long as the JVM because libbpf keeps it. */
    public static synchronized void install() {
        if (installed) return;
        try {
            MethodHandle target = MethodHandles.lookup().findStatic(LibbpfLog.class, "print",
                    MethodType.methodType(int.class, int.class, MemorySegment.class, MemorySegment.class));
            MemorySegment stub = Native.LINKER.upcallStub(target, FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), Arena.global());
            MemorySegment previous = (MemorySegment) LibBpf.set_print.invokeExact(stub);
            installed = true;
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
    }

    /** The upcall. Nothing may escape it: an exception thrown here would terminate the JVM. */
    private static int print(int level, MemorySegment format, MemorySegment args) {
        try {
            System.Logger.Level target = switch (level) {
                case WARN -> System.Logger.Level.WARNING;
                case INFO -> System.Logger.Level.DEBUG; // libbpf INFO is chatter about sections and relocations
                default -> System.Logger.Level.DEBUG;
            };
            if (EXPECTING_FAILURE.get()) target = System.Logger.Level.DEBUG;
            if (!LOG.isLoggable(target)) return 0;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buffer = arena.allocate(2048);
                int n = (int) LibC.vsnprintf.invokeExact(buffer, buffer.byteSize(), format, args);
                if (n > 0) LOG.log(target, buffer.getString(0).stripTrailing());
            }
        } catch (Throwable ignored) {
            // losing one libbpf log line is better than losing the process
        }
        return 0;
    }

    /**
     * Runs {@code action} with libbpf's warnings demoted to debug on this thread: feature probes
     * expect refusals, and a refusal they report is not a warning.
     */
    public static <T> T expectingFailure(java.util.function.Supplier<T> action) {
        EXPECTING_FAILURE.set(true);
        try {
            return action.get();
        } finally {
            EXPECTING_FAILURE.set(false);
        }
    }

    public static String libbpfVersion() {
        try {
            return Native.cString((MemorySegment) LibBpf.version_string.invokeExact());
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
    }
}
