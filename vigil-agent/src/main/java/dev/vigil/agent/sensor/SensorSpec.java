package dev.vigil.agent.sensor;

import dev.vigil.kernel.probe.Feature;

import java.util.List;

/**
 * A sensor as declared: the BPF object it comes from, its programs with the reason for each
 * hook, and the kernel features it cannot work without.
 */
public record SensorSpec(String name, String description, String object, List<ProgramSpec> programs, List<Feature> requires) {}
