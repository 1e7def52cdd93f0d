package dev.vigil.kernel;

import dev.vigil.kernel.wire.Wire;
import org.junit.jupiter.api.Test;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Java view of every shared struct must match what clang laid out: same members, same
 * offsets, same sizes, read from the BTF of the object the agent ships. Opening an object parses
 * it without touching the kernel, so this runs without root.
 */
class WireLayoutTest {
    private static final List<String> OBJECTS = List.of("core", "process", "cgroup", "guard_exec", "guard_file", "guard_privop", "guard_cgroup", "syscalls");

    @Test
    void everySharedStructMatchesEveryCompiledObjectThatHasIt() {
        java.util.Set<String> found = new java.util.HashSet<>();
        for (String objectName : OBJECTS) {
            try (BpfObject object = BpfObject.openResource(objectName)) {
                Btf btf = object.btf();
                for (StructLayout layout : Wire.all()) {
                    String name = layout.name().orElseThrow();
                    var c = btf.struct(name);
                    if (c.isEmpty()) continue;
                    found.add(name);
                    assertThat(layout.byteSize()).as("size of struct %s in %s", name, objectName).isEqualTo(c.get().size());
                    assertThat(javaMembers(layout)).as("members of struct %s in %s", name, objectName).isEqualTo(c.get().members());
                }
            }
        }
        assertThat(found).as("structs found in some object's BTF")
                .containsExactlyInAnyOrderElementsOf(Wire.all().stream().map(l -> l.name().orElseThrow()).toList());
    }

    @Test
    void detectsADrift() {
        // The check itself must be able to fail: a layout with one member moved is caught.
        try (BpfObject object = BpfObject.openResource("process")) {
            Btf.Struct c = object.btf().struct("vigil_fork_event").orElseThrow();
            StructLayout wrong = MemoryLayout.structLayout(Wire.Header.LAYOUT.withName("hdr"),
                    java.lang.foreign.ValueLayout.JAVA_LONG.withName("start_boottime"),
                    java.lang.foreign.ValueLayout.JAVA_LONG.withName("parent_exec_ktime"),
                    java.lang.foreign.ValueLayout.JAVA_INT.withName("ppid"),
                    java.lang.foreign.ValueLayout.JAVA_INT.withName("reserved"));
            assertThat(javaMembers(wrong)).isNotEqualTo(c.members());
        }
    }

    private static List<Btf.Member> javaMembers(GroupLayout layout) {
        List<Btf.Member> out = new ArrayList<>();
        long offset = 0;
        for (MemoryLayout m : layout.memberLayouts()) {
            if (m.name().isPresent()) out.add(new Btf.Member(m.name().get(), offset, m.byteSize()));
            offset += m.byteSize();
        }
        return out;
    }
}
