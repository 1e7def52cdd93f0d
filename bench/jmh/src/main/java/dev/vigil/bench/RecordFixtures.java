package dev.vigil.bench;

import dev.vigil.kernel.InMemoryRingProducer;
import dev.vigil.kernel.wire.Wire;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A ring filled once with a realistic mix of lifecycle records (a fork, an exec, an exit per
 * process, as a shell loop produces), consumed again and again by rewinding the consumer.
 */
final class RecordFixtures {
    static final int PROCESSES = 1024;
    static final int RECORDS = PROCESSES * 3;

    private RecordFixtures() {}

    static InMemoryRingProducer filledRing(Arena arena) {
        InMemoryRingProducer producer = new InMemoryRingProducer(4 << 20);
        long t = 1_000_000;
        for (int i = 0; i < PROCESSES; i++) {
            int pid = 1000 + i;
            write(producer, fork(arena, t++, pid, 999, 5));
            write(producer, exec(arena, t++, pid, 999, 5, "/usr/bin/true", "/bin/true\0--flag\0value", "/home/user/work"));
            write(producer, exit(arena, t++, pid, t - 1));
        }
        return producer;
    }

    private static void write(InMemoryRingProducer p, MemorySegment record) {
        if (!p.write(record)) throw new IllegalStateException("fixture ring too small");
    }

    private static MemorySegment header(Arena arena, int type, long size, long ktime, int pid) {
        MemorySegment r = arena.allocate(size, 8);
        r.set(JAVA_SHORT, Wire.Header.TYPE, (short) type);
        r.set(JAVA_INT, Wire.Header.SIZE, (int) size);
        r.set(JAVA_LONG, Wire.Header.KTIME, ktime);
        r.set(JAVA_INT, Wire.Header.PID, pid);
        r.set(JAVA_INT, Wire.Header.TGID, pid);
        r.set(JAVA_LONG, Wire.Header.CGROUP_ID, 4242);
        return r;
    }

    static MemorySegment exec(Arena arena, long ktime, int pid, int ppid, long parentKtime, String binary, String args, String cwd) {
        byte[] b = binary.getBytes(StandardCharsets.UTF_8), a = args.getBytes(StandardCharsets.UTF_8), c = cwd.getBytes(StandardCharsets.UTF_8);
        MemorySegment r = header(arena, Wire.EV_EXEC, Wire.Exec.BYTES + b.length + a.length + c.length, ktime, pid);
        r.set(JAVA_LONG, Wire.Exec.PARENT_EXEC_KTIME, parentKtime);
        r.set(JAVA_INT, Wire.Exec.PPID, ppid);
        r.set(JAVA_INT, Wire.Exec.UID, 1000);
        r.set(JAVA_SHORT, Wire.Exec.BINARY_LEN, (short) b.length);
        r.set(JAVA_SHORT, Wire.Exec.ARGS_LEN, (short) a.length);
        r.set(JAVA_SHORT, Wire.Exec.CWD_LEN, (short) c.length);
        MemorySegment.copy(b, 0, r, JAVA_BYTE, Wire.Exec.BYTES, b.length);
        MemorySegment.copy(a, 0, r, JAVA_BYTE, Wire.Exec.BYTES + b.length, a.length);
        MemorySegment.copy(c, 0, r, JAVA_BYTE, Wire.Exec.BYTES + b.length + a.length, c.length);
        return r;
    }

    static MemorySegment fork(Arena arena, long ktime, int child, int ppid, long parentKtime) {
        MemorySegment r = header(arena, Wire.EV_FORK, Wire.Fork.BYTES, ktime, child);
        r.set(JAVA_LONG, Wire.Fork.PARENT_EXEC_KTIME, parentKtime);
        r.set(JAVA_INT, Wire.Fork.PPID, ppid);
        return r;
    }

    static MemorySegment exit(Arena arena, long ktime, int pid, long execKtime) {
        MemorySegment r = header(arena, Wire.EV_EXIT, Wire.Exit.BYTES, ktime, pid);
        r.set(JAVA_LONG, Wire.Exit.EXEC_KTIME, execKtime);
        return r;
    }
}
