package dev.vigil.agent.sensor;

import dev.vigil.kernel.probe.Feature;
import dev.vigil.kernel.probe.KernelFeatures;

import java.util.List;

/**
 * A sensor as declared: the BPF object it comes from, its programs with the reason for each
 * hook, the kernel features it cannot work without, and whether it enforces (blocks) or only
 * observes.
 */
public record SensorSpec(String name, String description, String object, List<ProgramSpec> programs, List<Feature> requires, boolean enforces) {
    public SensorSpec(String name, String description, String object, List<ProgramSpec> programs, List<Feature> requires) {
        this(name, description, object, programs, requires, false);
    }

    /** How this sensor blocks on this kernel: "observe", "signal", "lsm", or "lsm+signal" when both variants run. */
    public String enforcementMode(KernelFeatures features) {
        if (!enforces) return SensorStatus.OBSERVE;
        boolean lsm = programs.stream().anyMatch(p -> p.when() == ProgramSpec.When.WITH_LSM && p.applies(features));
        boolean signal = programs.stream().anyMatch(p -> p.when() != ProgramSpec.When.WITH_LSM && p.applies(features));
        return lsm && signal ? "lsm+signal" : lsm ? "lsm" : "signal";
    }
}
