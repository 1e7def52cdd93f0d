package dev.vigil.agent.sensor;

import dev.vigil.kernel.probe.KernelFeatures;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The agent's sensors ({@link Sensors#ALL}): loaded at start, switched off and on at runtime
 * (off closes the sensor's BPF object, so its programs leave the kernel), each with a state
 * and, when not loaded, the reason. All sensors share the {@link CoreMaps}.
 */
public final class SensorSet implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SensorSet.class.getName());

    private final CoreMaps core;
    private final KernelFeatures features;
    private final Map<String, Sensor> loaded = new LinkedHashMap<>();
    /** Why a sensor is not loaded: it could not load or attach. */
    private final Map<String, String> problems = new LinkedHashMap<>();
    private final Set<String> disabled = new HashSet<>();
    private boolean closed;

    public SensorSet(CoreMaps core, KernelFeatures features) {
        this.core = core;
        this.features = features;
    }

    /** Loads and attaches every sensor; one that cannot is reported unavailable, except the process sensor, which Vigil cannot do without. */
    public synchronized void loadAll() {
        for (SensorSpec spec : Sensors.ALL) {
            try {
                Sensor sensor = Sensor.load(spec, core, features);
                loaded.put(spec.name(), sensor);
                sensor.attach();
                LOG.log(System.Logger.Level.INFO, "sensor " + spec.name() + " attached: " + String.join(", ", sensor.attachedPrograms()));
            } catch (RuntimeException e) {
                if (spec == Sensors.PROCESS) throw e;
                Sensor half = loaded.remove(spec.name());
                if (half != null) half.close();
                problems.put(spec.name(), String.valueOf(e.getMessage()));
                LOG.log(System.Logger.Level.WARNING, "sensor " + spec.name() + " unavailable: " + e.getMessage());
            }
        }
    }

    /** Every known sensor with its state, in load order. */
    public synchronized List<SensorStatus> statuses() {
        List<SensorStatus> out = new ArrayList<>();
        for (SensorSpec spec : Sensors.ALL) out.add(status(spec));
        return out;
    }

    private SensorStatus status(SensorSpec spec) {
        Sensor s = loaded.get(spec.name());
        if (s != null) {
            return s.attached()
                    ? new SensorStatus(spec, SensorStatus.State.ATTACHED,
                            s.skippedPrograms().isEmpty() ? "" : "without " + String.join("; ", s.skippedPrograms()),
                            spec.enforcementMode(features), s.attachedPrograms())
                    : new SensorStatus(spec, SensorStatus.State.LOADED, "loaded but not attached", spec.enforcementMode(features), List.of());
        }
        if (disabled.contains(spec.name())) {
            return new SensorStatus(spec, SensorStatus.State.DISABLED, "disabled through the API", SensorStatus.OBSERVE, List.of());
        }
        return new SensorStatus(spec, SensorStatus.State.UNAVAILABLE, problems.getOrDefault(spec.name(), "not loaded"), SensorStatus.OBSERVE, List.of());
    }

    /**
     * Switches a sensor. NoSuchElementException for an unknown name; IllegalStateException (with
     * the kernel's reason) when it cannot load or attach, or when the set is closing.
     */
    public synchronized SensorStatus setEnabled(String name, boolean enabled) {
        if (closed) throw new IllegalStateException("the agent is stopping");
        SensorSpec spec = Sensors.ALL.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no feature named \"" + name + "\"; known: "
                        + String.join(", ", Sensors.ALL.stream().map(SensorSpec::name).toList())));
        if (enabled) {
            Sensor s = loaded.get(name);
            if (s == null) {
                try {
                    s = Sensor.load(spec, core, features);
                } catch (RuntimeException e) {
                    problems.put(name, String.valueOf(e.getMessage()));
                    throw new IllegalStateException("cannot load sensor " + name + ": " + e.getMessage(), e);
                }
                loaded.put(name, s);
            }
            try {
                s.attach();
            } catch (RuntimeException e) {
                loaded.remove(name);
                s.close();
                problems.put(name, String.valueOf(e.getMessage()));
                throw new IllegalStateException("cannot attach sensor " + name + ": " + e.getMessage(), e);
            }
            disabled.remove(name);
            problems.remove(name);
            LOG.log(System.Logger.Level.INFO, "sensor " + name + " enabled: " + String.join(", ", s.attachedPrograms()));
        } else {
            Sensor s = loaded.remove(name);
            disabled.add(name);
            if (s != null) s.close();
            LOG.log(System.Logger.Level.INFO, "sensor " + name + " disabled and unloaded");
        }
        return status(spec);
    }

    /** Whether a sensor is attached now, and which of its programs it runs. */
    public synchronized java.util.Optional<Sensor> attached(String name) {
        Sensor s = loaded.get(name);
        return s != null && s.attached() ? java.util.Optional.of(s) : java.util.Optional.empty();
    }

    /** Takes every program off its hook (the maps stay readable) and refuses further switches. */
    public synchronized void detachAll() {
        closed = true;
        loaded.values().forEach(Sensor::detach);
    }

    @Override
    public synchronized void close() {
        closed = true;
        loaded.values().forEach(Sensor::close);
        loaded.clear();
    }
}
