package dev.vigil.kernel;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** The few libc calls the JDK has no API for: mmap and epoll for the ring buffer, raw fds, mount, clocks, namespaces. */
final class LibC {
    private LibC() {}

    private static final Linker.Option E = Native.CAPTURE_ERRNO;

    static final int PROT_READ = 1, PROT_WRITE = 2, MAP_SHARED = 1;
    static final int EPOLL_CLOEXEC = 0x80000, EPOLL_CTL_ADD = 1, EPOLLIN = 1;
    static final int O_RDONLY = 0, O_DIRECTORY = 0x10000, O_CLOEXEC = 0x80000;
    static final int SC_PAGESIZE = 30;

    static final MethodHandle mmap = Native.libc("mmap", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), E);
    static final MethodHandle munmap = Native.libc("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    static final MethodHandle epoll_create1 = Native.libc("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT), E);
    static final MethodHandle epoll_ctl = Native.libc("epoll_ctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), E);
    static final MethodHandle epoll_wait = Native.libc("epoll_wait", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), E);
    static final MethodHandle open = Native.libc("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), E);
    static final MethodHandle close = Native.libc("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    static final MethodHandle sysconf = Native.libc("sysconf", FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
    static final MethodHandle clock_gettime = Native.libc("clock_gettime", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    static final MethodHandle mount = Native.libc("mount", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS), E);
    static final MethodHandle setns = Native.libc("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), E);
    static final MethodHandle if_nametoindex = Native.libc("if_nametoindex", FunctionDescriptor.of(JAVA_INT, ADDRESS), E);
    static final int CLONE_NEWNET = 0x40000000;
    static final MethodHandle vsnprintf = Native.libc("vsnprintf", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));

    static void closeQuietly(int fd) {
        if (fd < 0) return;
        try {
            int ignored = (int) close.invokeExact(fd);
        } catch (Throwable ignored) {
            // nothing useful to do about a failed close
        }
    }

    static long pageSize() {
        try {
            return (long) sysconf.invokeExact(SC_PAGESIZE);
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
    }
}
