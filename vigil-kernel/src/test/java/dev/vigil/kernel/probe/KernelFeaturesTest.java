package dev.vigil.kernel.probe;

import dev.vigil.kernel.Filesystems;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The probe's answers agree with what the kernel shows through other doors. */
@Tag("kernel")
class KernelFeaturesTest {
    private final KernelFeatures features = KernelFeatures.probe();

    @Test
    void everyFeatureIsAnsweredWithAReason() {
        for (Feature f : Feature.values()) {
            FeatureStatus s = features.status(f);
            assertThat(s).as(f.name()).isNotNull();
            assertThat(s.detail()).as(f.name()).isNotBlank();
        }
    }

    @Test
    void whatVigilNeedsIsAvailable() {
        // Vigil's minimum: the suite cannot run on a kernel without these.
        assertThat(features.has(Feature.BTF)).isEqualTo(Files.isReadable(Path.of("/sys/kernel/btf/vmlinux"))).isTrue();
        assertThat(features.has(Feature.RINGBUF)).isTrue();
        assertThat(features.has(Feature.TP_BTF)).isTrue();
        assertThat(features.has(Feature.BPF_LOOP)).isTrue();
    }

    @Test
    void cgroupAnswerMatchesTheMounts() {
        assertThat(features.has(Feature.CGROUP_V2)).isEqualTo(Filesystems.cgroup2Root().isPresent());
    }

    @Test
    void kprobeAnswerMatchesTracefs() {
        // Without CONFIG_KPROBE_EVENTS tracefs has no kprobe_events file and no kprobe can attach.
        boolean tracefsKnowsKprobes = Files.exists(Filesystems.TRACEFS.resolve("kprobe_events"));
        if (!tracefsKnowsKprobes) assertThat(features.has(Feature.KPROBES)).isFalse();
    }

    @Test
    void lsmIsOnlyAvailableWhenBpfIsAnActiveLsm() throws Exception {
        Path lsm = Filesystems.SECURITYFS.resolve("lsm");
        boolean active = Files.isReadable(lsm) && java.util.List.of(Files.readString(lsm).trim().split(",")).contains("bpf");
        if (!active) assertThat(features.has(Feature.BPF_LSM)).isFalse();
        if (!features.has(Feature.BPF_LSM)) assertThat(features.status(Feature.BPF_LSM).detail()).containsAnyOf("refused", "not an active LSM", "unreadable");
    }

    @Test
    void theProbeMountsBpffsAndTracefs() {
        assertThat(Filesystems.isMounted(Filesystems.BPFFS, "bpf")).isTrue();
        assertThat(Filesystems.isMounted(Filesystems.TRACEFS, "tracefs")).isTrue();
    }
}
