package dev.vigil.events.container;

import dev.vigil.containers.ContainerInfo;
import dev.vigil.containers.RiskFinding;
import dev.vigil.events.Event;

import java.util.List;

/**
 * A container started or stopped (as the runtime or the kernel's cgroup records tell), or the
 * risk findings of its configuration, assessed as it starts.
 */
public record ContainerEvent(Kind kind, long ktime, ContainerInfo container, List<RiskFinding> findings) implements Event {
    public enum Kind {
        START("container_start"), STOP("container_stop"), RISK("container_risk");

        private final String type;

        Kind(String type) {
            this.type = type;
        }
    }

    public ContainerEvent {
        findings = List.copyOf(findings);
    }

    @Override
    public String type() {
        return kind.type;
    }
}
