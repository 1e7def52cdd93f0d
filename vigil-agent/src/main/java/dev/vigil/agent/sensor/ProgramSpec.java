package dev.vigil.agent.sensor;

import dev.vigil.kernel.probe.Feature;
import dev.vigil.kernel.probe.KernelFeatures;

/**
 * One row of a sensor's program table: a program of the object, why that hook was chosen, and
 * when it is used. Programs attach where their ELF section says (tp_btf/..., tp/..., lsm/...).
 */
public record ProgramSpec(String program, String why, When when, boolean optional) {
    /** Which kernels a program is for: every one, only those with BPF LSM, or only those without (its fallback). */
    public enum When { ALWAYS, WITH_LSM, WITHOUT_LSM }

    public ProgramSpec(String program, String why) {
        this(program, why, When.ALWAYS, false);
    }

    public ProgramSpec(String program, String why, When when) {
        this(program, why, when, false);
    }

    /** A program whose hook some kernels lack (a syscall compiled out): the sensor attaches without it and says so. */
    public static ProgramSpec optional(String program, String why) {
        return new ProgramSpec(program, why, When.ALWAYS, true);
    }

    public boolean applies(KernelFeatures features) {
        boolean lsm = features.has(Feature.BPF_LSM);
        return switch (when) {
            case ALWAYS -> true;
            case WITH_LSM -> lsm;
            case WITHOUT_LSM -> !lsm;
        };
    }
}
