package dev.vigil.kernel;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/** Names and messages for errno values, so errors read "EPERM (Operation not permitted)". */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int EEXIST = 17;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;
    public static final int ENOSYS = 38;
    public static final int EOPNOTSUPP = 95;

    private static final String[] NAMES = new String[134];
    static {
        String[] pairs = {"1", "EPERM", "2", "ENOENT", "3", "ESRCH", "4", "EINTR", "5", "EIO", "7", "E2BIG", "9", "EBADF",
                "11", "EAGAIN", "12", "ENOMEM", "13", "EACCES", "14", "EFAULT", "16", "EBUSY", "17", "EEXIST",
                "19", "ENODEV", "22", "EINVAL", "24", "EMFILE", "28", "ENOSPC", "34", "ERANGE", "38", "ENOSYS",
                "95", "EOPNOTSUPP", "524", "ENOTSUPP"};
        for (int i = 0; i < pairs.length; i += 2) {
            int n = Integer.parseInt(pairs[i]);
            if (n < NAMES.length) NAMES[n] = pairs[i + 1];
        }
    }

    private static final MethodHandle STRERROR = Native.libc("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private Errno() {}

    public static String describe(int errno) {
        String name = errno > 0 && errno < NAMES.length && NAMES[errno] != null ? NAMES[errno] : "errno " + errno;
        if (errno == 524) return name + " (operation not supported by this kernel)";
        try {
            return name + " (" + Native.cString((MemorySegment) STRERROR.invokeExact(errno)) + ")";
        } catch (Throwable t) {
            return name;
        }
    }
}
