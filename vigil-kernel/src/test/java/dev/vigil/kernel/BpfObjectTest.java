package dev.vigil.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The binding against the real kernel: loading, maps, pinning, verifier errors, TC. */
@Tag("kernel")
class BpfObjectTest {
    @Test
    void mapOperationsRoundTripThroughTheKernel() {
        try (BpfObject core = BpfObject.openResource("core"); Arena arena = Arena.ofConfined()) {
            core.load();
            BpfMap procs = core.map("vigil_procs");
            MemorySegment key = arena.allocateFrom(JAVA_INT, 4242);
            MemorySegment value = arena.allocate(8);
            assertThat(procs.lookup(key, value)).isFalse();
            procs.update(key, arena.allocateFrom(JAVA_LONG, 77L), BpfMap.BPF_NOEXIST);
            assertThat(procs.lookup(key, value)).isTrue();
            assertThat(value.get(JAVA_LONG, 0)).isEqualTo(77L);
            assertThatThrownBy(() -> procs.update(key, arena.allocateFrom(JAVA_LONG, 1L), BpfMap.BPF_NOEXIST))
                    .isInstanceOf(BpfException.class).satisfies(e -> assertThat(((BpfException) e).errno()).isEqualTo(Errno.EEXIST));
            MemorySegment next = arena.allocate(4);
            assertThat(procs.nextKey(MemorySegment.NULL, next)).isTrue();
            assertThat(next.get(JAVA_INT, 0)).isEqualTo(4242);
            assertThat(procs.delete(key)).isTrue();
            assertThat(procs.delete(key)).isFalse();
            assertThat(core.map("vigil_errors").isPerCpu()).isTrue();
            assertThat(core.map("vigil_errors").sumPerCpuCounter(0)).isZero();
        }
    }

    @Test
    void aPinnedMapOutlivesItsObject() throws Exception {
        Filesystems.ensureMounted(Filesystems.BPFFS, "bpf");
        Path pin = Filesystems.BPFFS.resolve("vigil-test-" + UUID.randomUUID());
        try {
            try (BpfObject core = BpfObject.openResource("core")) {
                core.load();
                core.map("vigil_config").pin(pin.toString());
            }
            assertThat(Files.exists(pin)).isTrue();
            Process p = new ProcessBuilder("bpftool", "-j", "map", "show", "pinned", pin.toString()).start();
            JsonNode map = new ObjectMapper().readTree(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).isZero();
            assertThat(map.get("name").asText()).isEqualTo("vigil_config");
        } finally {
            Files.deleteIfExists(pin);
        }
    }

    @Test
    void aVerifierRejectionCarriesTheVerifierLog() {
        try (BpfObject probe = BpfObject.openResource("probe")) {
            for (BpfProgram p : probe.programs()) p.setAutoload(p.name().equals("probe_rejected"));
            assertThatThrownBy(probe::load)
                    .isInstanceOfSatisfying(BpfException.class, e -> {
                        assertThat(e.errno()).isIn(13 /* EACCES */, Errno.EINVAL);
                        assertThat(e.log()).contains("probe_rejected").containsAnyOf("invalid", "out of bounds", "stack");
                    });
        }
    }

    @Test
    void tcFilterAttachesBesideAnotherAndDetachesAlone() throws Exception {
        String a = "vt-tc" + Integer.toHexString((int) (Math.random() * 0xfff)), b = a + "p";
        sh("ip", "link", "add", a, "type", "veth", "peer", "name", b);
        try {
            sh("tc", "qdisc", "add", "dev", a, "clsact");
            // Somebody else's filter on the same hook, loaded by tc itself, must survive our attach and detach.
            Path object = Files.createTempFile("vigil-probe", ".bpf.o");
            try (var in = BpfObject.class.getResourceAsStream(BpfObject.RESOURCE_DIR + "probe.bpf.o")) {
                Files.write(object, in.readAllBytes());
            }
            sh("tc", "filter", "add", "dev", a, "ingress", "prio", "7", "bpf", "obj", object.toString(), "sec", "tc", "direct-action");
            int ifindex = Integer.parseInt(Files.readString(Path.of("/sys/class/net", a, "ifindex")).trim());
            try (BpfObject probe = BpfObject.openResource("probe")) {
                for (BpfProgram p : probe.programs()) p.setAutoload(p.name().equals("probe_tc"));
                probe.load();
                try (TcAttachment tc = TcAttachment.attach(ifindex, TcAttachment.Direction.INGRESS, probe.program("probe_tc"), 0x5647, 0x4000)) {
                    String filters = sh("tc", "filter", "show", "dev", a, "ingress");
                    assertThat(filters).contains("pref 7 ").contains("pref 16384 ").contains("handle 0x5647").contains("id " + tc.programId());
                }
            }
            String after = sh("tc", "filter", "show", "dev", a, "ingress");
            assertThat(after).contains("pref 7 ").doesNotContain("pref 16384").doesNotContain("handle 0x5647");
            assertThat(sh("tc", "qdisc", "show", "dev", a)).contains("clsact");
        } finally {
            new ProcessBuilder("ip", "link", "del", a).start().waitFor();
        }
    }

    private static String sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
        return out;
    }
}
