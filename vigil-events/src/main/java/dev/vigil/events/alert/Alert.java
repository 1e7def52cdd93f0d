package dev.vigil.events.alert;

import dev.vigil.containers.ContainerInfo;
import dev.vigil.events.Event;
import dev.vigil.events.process.ProcessInfo;

import java.util.List;
import java.util.Map;

/**
 * A rule or protection that matched: what it is (rule, priority, ATT&CK tags), what was done
 * ({@code action} alert or block, and the kernel mechanism that did it), who did it (the
 * process, its ancestors nearest first, the container) and the particulars ({@code details},
 * e.g. the path the process used and the host path it resolved to).
 *
 * @param process null when the process was not known to the agent (it then fills pid details)
 */
public record Alert(
        long ktime,
        String rule,
        String priority,
        String output,
        List<String> tags,
        String action,
        String enforcement,
        ProcessInfo process,
        List<ProcessInfo> ancestors,
        ContainerInfo container,
        Map<String, String> details) implements Event {

    public Alert {
        tags = List.copyOf(tags);
        ancestors = List.copyOf(ancestors);
        details = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
    }

    /** The same alert with fresher details of its container (and of the process's copy of it). */
    public Alert withContainer(ContainerInfo c) {
        return new Alert(ktime, rule, priority, output, tags, action, enforcement, process == null ? null : process.withContainer(c), ancestors, c, details);
    }

    @Override
    public String type() {
        return "alert";
    }
}
