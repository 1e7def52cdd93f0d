package dev.vigil.agent.sensor;

import dev.vigil.kernel.probe.Feature;

import java.util.List;

/** Every sensor the agent knows, in load order: the program table of the kernel side. */
public final class Sensors {
    private Sensors() {}

    public static final SensorSpec PROCESS = new SensorSpec("process", "process exec, fork and exit", "process",
            List.of(
                    new ProgramSpec("vigil_exec", "sched_process_exec fires once the new image is committed: argv, creds and binary are final"),
                    new ProgramSpec("vigil_fork", "sched_process_fork fires before the child runs, so its record precedes anything the child does"),
                    new ProgramSpec("vigil_exit", "sched_process_exit fires per thread; the program reports only a group's last")),
            List.of(Feature.BTF, Feature.RINGBUF, Feature.TP_BTF, Feature.BPF_LOOP));

    public static final SensorSpec CONTAINERS = new SensorSpec("containers", "cgroup v2 creation and removal, to place containers", "cgroup",
            List.of(
                    new ProgramSpec("vigil_cgroup_mkdir", "cgroup_mkdir fires before any task can join the new cgroup"),
                    new ProgramSpec("vigil_cgroup_rmdir", "cgroup_rmdir marks a container's end even without a runtime API")),
            List.of(Feature.BTF, Feature.RINGBUF, Feature.TP_BTF, Feature.CGROUP_V2));

    public static final List<SensorSpec> ALL = List.of(PROCESS, CONTAINERS);
}
