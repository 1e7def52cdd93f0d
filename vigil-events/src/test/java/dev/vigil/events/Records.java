package dev.vigil.events;

import dev.vigil.kernel.wire.Wire;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/** Builds records byte for byte as the kernel programs write them, for decoder tests. */
public final class Records {
    private Records() {}

    public static MemorySegment header(Arena arena, int type, long size, long ktime, int pid, long cgroup) {
        MemorySegment r = arena.allocate(size, 8);
        r.set(JAVA_SHORT, Wire.Header.TYPE, (short) type);
        r.set(JAVA_INT, Wire.Header.SIZE, (int) size);
        r.set(JAVA_LONG, Wire.Header.KTIME, ktime);
        r.set(JAVA_INT, Wire.Header.PID, pid);
        r.set(JAVA_INT, Wire.Header.TGID, pid);
        r.set(JAVA_LONG, Wire.Header.CGROUP_ID, cgroup);
        return r;
    }

    public static MemorySegment exec(Arena arena, long ktime, int pid, int ppid, long parentKtime, String binary, String argsNul, String cwd) {
        byte[] b = binary.getBytes(StandardCharsets.UTF_8), a = argsNul.getBytes(StandardCharsets.UTF_8), c = cwd.getBytes(StandardCharsets.UTF_8);
        MemorySegment r = header(arena, Wire.EV_EXEC, Wire.Exec.BYTES + b.length + a.length + c.length, ktime, pid, 77);
        r.set(JAVA_LONG, Wire.Exec.PARENT_EXEC_KTIME, parentKtime);
        r.set(JAVA_LONG, Wire.Exec.START_BOOTTIME, ktime - 5);
        r.set(JAVA_LONG, Wire.Exec.CAP_EFFECTIVE, 0x1ffffffffffL);
        r.set(JAVA_INT, Wire.Exec.PPID, ppid);
        r.set(JAVA_INT, Wire.Exec.NSPID, 1);
        r.set(JAVA_INT, Wire.Exec.UID, 1000);
        r.set(JAVA_INT, Wire.Exec.GID, 1001);
        r.set(JAVA_INT, Wire.Exec.EUID, 0);
        r.set(JAVA_INT, Wire.Exec.EGID, 1002);
        r.set(JAVA_INT, Wire.Exec.PID_NS, 0xF0000001);
        r.set(JAVA_INT, Wire.Exec.MNT_NS, (int) 4026531841L);
        r.set(JAVA_INT, Wire.Exec.NET_NS, (int) 4026531840L);
        r.set(JAVA_SHORT, Wire.Exec.FLAGS, (short) Wire.F_ARGS_TRUNCATED);
        r.set(JAVA_SHORT, Wire.Exec.BINARY_LEN, (short) b.length);
        r.set(JAVA_SHORT, Wire.Exec.ARGS_LEN, (short) a.length);
        r.set(JAVA_SHORT, Wire.Exec.CWD_LEN, (short) c.length);
        long at = Wire.Exec.BYTES;
        MemorySegment.copy(b, 0, r, JAVA_BYTE, at, b.length);
        MemorySegment.copy(a, 0, r, JAVA_BYTE, at + b.length, a.length);
        MemorySegment.copy(c, 0, r, JAVA_BYTE, at + b.length + a.length, c.length);
        return r;
    }

    public static MemorySegment fork(Arena arena, long ktime, int child, int ppid, long parentKtime) {
        MemorySegment r = header(arena, Wire.EV_FORK, Wire.Fork.BYTES, ktime, child, 77);
        r.set(JAVA_LONG, Wire.Fork.PARENT_EXEC_KTIME, parentKtime);
        r.set(JAVA_LONG, Wire.Fork.START_BOOTTIME, ktime);
        r.set(JAVA_INT, Wire.Fork.PPID, ppid);
        return r;
    }

    public static MemorySegment exit(Arena arena, long ktime, int pid, long execKtime, int status) {
        MemorySegment r = header(arena, Wire.EV_EXIT, Wire.Exit.BYTES, ktime, pid, 77);
        r.set(JAVA_LONG, Wire.Exit.EXEC_KTIME, execKtime);
        r.set(JAVA_INT, Wire.Exit.EXIT_CODE, status);
        r.set(JAVA_INT, Wire.Exit.PPID, 1);
        return r;
    }

    /** x86_64 syscall numbers of the records below. */
    public static final int NR_OPENAT = 257, NR_CONNECT = 42;

    /** A successful openat of {@code path} (as the syscalls sensor reports it, path resolved) by process (pid, execKtime). */
    public static MemorySegment open(Arena arena, long ktime, int pid, long execKtime, String path, int flags, int fd) {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        MemorySegment r = syscall(arena, ktime, pid, execKtime, NR_OPENAT,
                (flags & 3) == 1 ? Wire.SK_OPEN_WRITE : Wire.SK_OPEN_READ, p.length);
        r.set(JAVA_LONG, Wire.Syscall.RET, fd);
        r.set(JAVA_INT, Wire.Syscall.FD, fd);
        r.set(JAVA_INT, Wire.Syscall.OPEN_FLAGS, flags);
        r.set(JAVA_INT, Wire.Syscall.MODE, 0100644);
        r.set(JAVA_SHORT, Wire.Syscall.PATH_LEN, (short) p.length);
        MemorySegment.copy(p, 0, r, JAVA_BYTE, Wire.Syscall.BYTES, p.length);
        return r;
    }

    /** A TCP connect over IPv4 from local to remote (4-byte addresses, host-order ports) by process (pid, execKtime). */
    public static MemorySegment connect(Arena arena, long ktime, int pid, long execKtime, int fd, byte[] local, int lport, byte[] remote, int rport) {
        MemorySegment r = syscall(arena, ktime, pid, execKtime, NR_CONNECT, Wire.SK_CONNECT, 0);
        r.set(JAVA_INT, Wire.Syscall.FD, fd);
        r.set(JAVA_INT, Wire.Syscall.OPEN_FLAGS, 1); // SOCK_STREAM
        r.set(JAVA_SHORT, Wire.Syscall.FAMILY, (short) 2); // AF_INET
        r.set(JAVA_SHORT, Wire.Syscall.LPORT, (short) lport);
        r.set(JAVA_SHORT, Wire.Syscall.RPORT, (short) rport);
        MemorySegment.copy(local, 0, r, JAVA_BYTE, Wire.Syscall.LADDR, 4);
        MemorySegment.copy(remote, 0, r, JAVA_BYTE, Wire.Syscall.RADDR, 4);
        return r;
    }

    private static MemorySegment syscall(Arena arena, long ktime, int pid, long execKtime, int nr, int kind, int pathBytes) {
        MemorySegment r = header(arena, Wire.EV_SYSCALL, Wire.Syscall.BYTES + pathBytes, ktime, pid, 77);
        r.set(JAVA_LONG, Wire.Syscall.EXEC_KTIME, execKtime);
        r.set(JAVA_INT, Wire.Syscall.NR, nr);
        r.set(JAVA_INT, Wire.Syscall.KIND, kind);
        return r;
    }
}
