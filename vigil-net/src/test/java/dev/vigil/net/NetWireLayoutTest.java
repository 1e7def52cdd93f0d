package dev.vigil.net;

import dev.vigil.kernel.BpfObject;
import dev.vigil.kernel.Btf;
import org.junit.jupiter.api.Test;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** NetWire against the BTF of both network objects: same members, offsets and sizes. Needs no root. */
class NetWireLayoutTest {

    @Test
    void everyNetStructMatchesTheCompiledObjects() {
        Set<String> found = new HashSet<>();
        for (String objectName : List.of("net_tc", "net_sock")) {
            try (BpfObject object = BpfObject.openResource(objectName)) {
                Btf btf = object.btf();
                for (StructLayout layout : NetWire.all()) {
                    String name = layout.name().orElseThrow();
                    var c = btf.struct(name);
                    if (c.isEmpty()) continue;
                    found.add(name);
                    assertThat(layout.byteSize()).as("size of %s in %s", name, objectName).isEqualTo(c.get().size());
                    assertThat(members(layout)).as("members of %s in %s", name, objectName).isEqualTo(c.get().members());
                }
            }
        }
        assertThat(found).containsExactlyInAnyOrderElementsOf(NetWire.all().stream().map(l -> l.name().orElseThrow()).toList());
    }

    private static List<Btf.Member> members(GroupLayout layout) {
        List<Btf.Member> out = new ArrayList<>();
        long offset = 0;
        for (MemoryLayout m : layout.memberLayouts()) {
            if (m.name().isPresent()) out.add(new Btf.Member(m.name().get(), offset, m.byteSize()));
            offset += m.byteSize();
        }
        return out;
    }
}
