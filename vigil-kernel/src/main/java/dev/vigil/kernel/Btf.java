package dev.vigil.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Read-only view of BTF type information, enough to list a struct's members with their byte
 * offsets and sizes. Used to prove the Java wire layouts match what clang laid out.
 */
public final class Btf {
    private static final int KIND_STRUCT = 4;
    // struct btf_type: name_off, info, size; followed by vlen struct btf_member {name_off, type, offset}.
    private static final long TYPE_HEADER = 12, MEMBER_SIZE = 12;

    private final MemorySegment btf;
    private final BpfObject owner;

    Btf(MemorySegment btf, BpfObject owner) {
        this.btf = btf;
        this.owner = owner;
    }

    public record Member(String name, long offset, long size) {}

    public record Struct(String name, long size, List<Member> members) {}

    public Optional<Struct> struct(String name) {
        owner.ensureOpen();
        try (Arena arena = Arena.ofConfined()) {
            int id = (int) LibBpf.btf_find_by_name_kind.invokeExact(btf, arena.allocateFrom(name), KIND_STRUCT);
            if (id < 0) return Optional.empty();
            MemorySegment type = ((MemorySegment) LibBpf.btf_type_by_id.invokeExact(btf, id)).reinterpret(TYPE_HEADER + MEMBER_SIZE * 0xffff);
            int info = type.get(JAVA_INT, 4);
            int vlen = info & 0xffff;
            boolean bitfieldEncoding = (info >>> 31) != 0;
            long size = Integer.toUnsignedLong(type.get(JAVA_INT, 8));
            List<Member> members = new ArrayList<>(vlen);
            for (int i = 0; i < vlen; i++) {
                long m = TYPE_HEADER + i * MEMBER_SIZE;
                String memberName = Native.cString((MemorySegment) LibBpf.btf_name_by_offset.invokeExact(btf, type.get(JAVA_INT, m)));
                int memberType = type.get(JAVA_INT, m + 4);
                int offset = type.get(JAVA_INT, m + 8);
                long bits = bitfieldEncoding ? (offset & 0xffffff) : Integer.toUnsignedLong(offset);
                long memberSize = (long) LibBpf.btf_resolve_size.invokeExact(btf, memberType);
                members.add(new Member(memberName, bits / 8, memberSize));
            }
            return Optional.of(new Struct(name, size, members));
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
    }
}
