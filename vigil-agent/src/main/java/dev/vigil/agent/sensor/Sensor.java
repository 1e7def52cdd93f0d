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
    private final List<BpfLink> links = new ArrayList<>();

    private Sensor(SensorSpec spec, BpfObject object) {
        this.spec = spec;
        this.object = object;
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
            object.load();
            return new Sensor(spec, object);
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
    }

    public synchronized void attach() {
        if (!links.isEmpty()) return;
        try {
            for (ProgramSpec p : spec.programs()) links.add(object.program(p.program()).attach());
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

    public SensorSpec spec() {
        return spec;
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
