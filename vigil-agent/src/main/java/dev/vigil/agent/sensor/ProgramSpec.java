package dev.vigil.agent.sensor;

/**
 * One row of a sensor's program table: a program of the object and why that hook was chosen.
 * Programs attach where their ELF section says (tp_btf/..., tp/..., lsm/...).
 */
public record ProgramSpec(String program, String why) {}
