package dev.vigil.agent.api;

import dev.vigil.agent.policy.Globs;
import dev.vigil.api.v1.EventFilter;
import dev.vigil.containers.ContainerInfo;
import dev.vigil.containers.RiskAssessor;
import dev.vigil.containers.RiskFinding;
import dev.vigil.events.Event;
import dev.vigil.events.container.ContainerEvent;
import dev.vigil.events.process.ProcessEvent;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** A stream subscriber's filter, compiled once; every given criterion must hold. */
final class EventMatcher {
    private final Set<String> types;
    private final String container, pod, namespace;
    private final Predicate<String> binary;
    private final RiskFinding.Severity minSeverity;
    private final String description;

    EventMatcher(EventFilter f) {
        this.types = Set.copyOf(f.getTypesList());
        this.container = f.getContainer();
        this.pod = f.getPod();
        this.namespace = f.getNamespace();
        if (f.getBinary().isEmpty()) {
            this.binary = null;
        } else if (Globs.isGlob(f.getBinary())) {
            Pattern p = Globs.compile(f.getBinary());
            this.binary = b -> p.matcher(b).matches();
        } else {
            String s = f.getBinary();
            this.binary = b -> b.contains(s);
        }
        this.minSeverity = f.getMinSeverity().isEmpty() ? null : severity(f.getMinSeverity());
        this.description = describe(f);
    }

    static RiskFinding.Severity severity(String s) {
        try {
            return RiskFinding.Severity.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown severity \"" + s + "\"; use low, medium, high or critical");
        }
    }

    boolean matches(Event e) {
        if (!types.isEmpty() && !types.contains(e.type())) return false;
        ContainerInfo c = switch (e) {
            case ProcessEvent p -> p.process().container();
            case ContainerEvent ce -> ce.container();
            default -> null;
        };
        if (!container.isEmpty() && (c == null || !(c.id().startsWith(container) || c.name().equals(container)))) return false;
        if (!pod.isEmpty() && (c == null || c.pod() == null || !c.pod().name().equals(pod))) return false;
        if (!namespace.isEmpty() && (c == null || c.pod() == null || !c.pod().namespace().equals(namespace))) return false;
        if (binary != null && !(e instanceof ProcessEvent p && binary.test(p.process().binary()))) return false;
        if (minSeverity != null) {
            Optional<RiskFinding.Severity> s = e instanceof ContainerEvent ce ? RiskAssessor.worst(ce.findings()) : Optional.empty();
            if (s.isEmpty() || !s.get().atLeast(minSeverity)) return false;
        }
        return true;
    }

    private static String describe(EventFilter f) {
        StringBuilder b = new StringBuilder();
        if (f.getTypesCount() > 0) b.append("types=").append(String.join(",", f.getTypesList())).append(' ');
        if (!f.getContainer().isEmpty()) b.append("container=").append(f.getContainer()).append(' ');
        if (!f.getPod().isEmpty()) b.append("pod=").append(f.getPod()).append(' ');
        if (!f.getNamespace().isEmpty()) b.append("namespace=").append(f.getNamespace()).append(' ');
        if (!f.getBinary().isEmpty()) b.append("binary=").append(f.getBinary()).append(' ');
        if (!f.getMinSeverity().isEmpty()) b.append("severity>=").append(f.getMinSeverity()).append(' ');
        return b.isEmpty() ? "all" : b.toString().strip();
    }

    @Override
    public String toString() {
        return description;
    }
}
