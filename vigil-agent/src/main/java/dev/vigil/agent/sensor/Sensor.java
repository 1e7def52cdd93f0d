package dev.vigil.agent.sensor;

import dev.vigil.kernel.BpfLink;
import dev.vigil.kernel.BpfObject;
import dev.vigil.kernel.probe.Feature;
import dev.vigil.kernel.probe.KernelFeatures;

import java.util.ArrayList;
import java.util.List;

/**
 * A loaded sensor: its object (sharing the core maps) and, while attached, one link per program.
 * Detaching removes the programs from their hooks; closing also unloads them.
 */
public final class Sensor implements AutoCloseable {
    private final SensorSpec spec;
    private final BpfObject object;
    private final List<ProgramSpec> programs;
    private final List<BpfLink> links = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();

    private Sensor(SensorSpec spec, BpfObject object, List<ProgramSpec> programs) {
        this.spec = spec;
        this.object = object;
        this.programs = programs;
    }

    /** Loads the sensor's programs, or explains which kernel feature it lacks. */
    public static Sensor load(SensorSpec spec, CoreMaps core, KernelFeatures features) {
        for (Feature f : spec.requires()) {
            if (!features.has(f)) {
                throw new IllegalStateException("sensor " + spec.name() + " needs " + f.description() + ": " + features.status(f).detail());
            }
        }
        BpfObject object = BpfObject.openResource(spec.object());
        try {
            core.shareWith(object);
            // Only this kernel's variant is loaded: an LSM program on a kernel without BPF LSM would fail the whole object.
            List<ProgramSpec> used = spec.programs().stream().filter(p -> p.applies(features)).toList();
            for (var p : object.programs()) p.setAutoload(used.stream().anyMatch(u -> u.program().equals(p.name())));
            object.load();
            return new Sensor(spec, object, used);
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
    }

    public synchronized void attach() {
        if (!links.isEmpty()) return;
        try {
            skipped.clear();
            for (ProgramSpec p : programs) {
                try {
                    links.add(object.program(p.program()).attach());
                } catch (RuntimeException e) {
                    if (!p.optional()) throw e;
                    skipped.add(p.program() + ": " + e.getMessage());
                }
            }
        } catch (RuntimeException e) {
            detach();
            throw e;
        }
    }

    public synchronized void detach() {
        RuntimeException first = null;
        for (BpfLink l : links) {
            try {
                l.close();
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        links.clear();
        if (first != null) throw first;
    }

    public synchronized boolean attached() {
        return !links.isEmpty();
    }

    public synchronized List<String> attachedPrograms() {
        return links.stream().map(BpfLink::description).toList();
    }

    /** Optional programs this kernel has no hook for, with the reason. */
    public synchronized List<String> skippedPrograms() {
        return List.copyOf(skipped);
    }

    public SensorSpec spec() {
        return spec;
    }

    /** The programs this kernel runs (LSM or fallback variants chosen at load). */
    public List<ProgramSpec> programs() {
        return programs;
    }

    @Override
    public synchronized void close() {
        try {
            detach();
        } finally {
            object.close();
        }
    }
}
