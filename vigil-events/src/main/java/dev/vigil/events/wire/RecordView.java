package dev.vigil.events.wire;

import dev.vigil.kernel.wire.Wire;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * A reusable window onto one ring-buffer record, read in place: nothing is copied or allocated
 * until a caller asks for a string. {@link #wrap} checks that the record is as long as its type's
 * fixed part and its declared strings, so a malformed record fails here and not halfway through
 * building an event.
 */
public final class RecordView {
    private MemorySegment segment;
    private long base;
    private int length;

    public RecordView wrap(MemorySegment segment, long base, int length) {
        if (length < Wire.Header.BYTES) throw new MalformedRecordException("record of " + length + " bytes is shorter than its header");
        this.segment = segment;
        this.base = base;
        this.length = length;
        long needed = switch (type()) {
            case Wire.EV_EXEC -> Wire.Exec.BYTES + u16(Wire.Exec.BINARY_LEN) + u16(Wire.Exec.ARGS_LEN) + u16(Wire.Exec.CWD_LEN);
            case Wire.EV_FORK -> Wire.Fork.BYTES;
            case Wire.EV_EXIT -> Wire.Exit.BYTES;
            case Wire.EV_CGROUP_MKDIR, Wire.EV_CGROUP_RMDIR -> Wire.Cgroup.BYTES + u16(Wire.Cgroup.PATH_LEN);
            case Wire.EV_GUARD -> Wire.GuardEvent.BYTES + u16(Wire.GuardEvent.PATH_LEN) + u16(Wire.GuardEvent.DETAIL_LEN);
            case Wire.EV_SYSCALL -> Wire.Syscall.BYTES + u16(Wire.Syscall.PATH_LEN) + u16(Wire.Syscall.PATH2_LEN);
            default -> Wire.Header.BYTES;
        };
        if (length < needed) throw new MalformedRecordException("type " + type() + " record of " + length + " bytes needs " + needed);
        return this;
    }

    public int length() {
        return length;
    }

    public int type() {
        return u16(Wire.Header.TYPE);
    }

    public long ktime() {
        return u64(Wire.Header.KTIME);
    }

    public int pid() {
        return u32(Wire.Header.PID);
    }

    public int tgid() {
        return u32(Wire.Header.TGID);
    }

    public long cgroupId() {
        return u64(Wire.Header.CGROUP_ID);
    }

    public long u64(long offset) {
        return segment.get(JAVA_LONG_UNALIGNED, base + offset);
    }

    public int u32(long offset) {
        return segment.get(JAVA_INT_UNALIGNED, base + offset);
    }

    public int u16(long offset) {
        return Short.toUnsignedInt(segment.get(JAVA_SHORT_UNALIGNED, base + offset));
    }

    public int u8(long offset) {
        return Byte.toUnsignedInt(segment.get(JAVA_BYTE, base + offset));
    }

    /** A UTF-8 string without a cache (rare records: alerts). */
    public String utf8String(long offset, int len) {
        return utf8(base + offset, base + offset + len);
    }

    /** Offset of the exec record's binary path; args and cwd follow it back to back. */
    public long execStringsStart() {
        return Wire.Exec.BYTES;
    }

    public String string(long offset, int len, StringCache cache) {
        return cache.intern(segment, base + offset, len);
    }

    /** The value a cache keeps for these bytes (made once per distinct bytes). */
    public <V> V cached(long offset, int len, BytesCache<V> cache) {
        return cache.get(segment, base + offset, len);
    }

    /** A cache of NUL-separated string lists (argv): the same bytes give the same unmodifiable list. */
    public static BytesCache<List<String>> nulSeparatedCache(int slots, int maxLength) {
        return new BytesCache<>(slots, maxLength, bytes -> List.copyOf(splitNul(bytes)));
    }

    /** NUL-separated UTF-8 strings (argv, /proc/PID/cmdline); a trailing NUL does not make an empty last element. */
    public static List<String> splitNul(byte[] bytes) {
        List<String> out = new ArrayList<>(4);
        int from = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                out.add(new String(bytes, from, i - from, StandardCharsets.UTF_8));
                from = i + 1;
            }
        }
        if (from < bytes.length) out.add(new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8));
        return out;
    }

    /** NUL-separated strings, e.g. argv; a trailing NUL does not make an empty last element. */
    public List<String> nulSeparated(long offset, int len) {
        byte[] bytes = new byte[len];
        MemorySegment.copy(segment, JAVA_BYTE, base + offset, bytes, 0, len);
        return splitNul(bytes);
    }

    private String utf8(long from, long to) {
        byte[] bytes = new byte[(int) (to - from)];
        MemorySegment.copy(segment, JAVA_BYTE, from, bytes, 0, bytes.length);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
