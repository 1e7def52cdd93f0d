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
}
