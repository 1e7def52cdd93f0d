package dev.vigil.agent.policy;

import dev.vigil.containers.ContainerInfo;

import java.util.List;
import java.util.Map;

/** Whether a policy's selector picks a container (or, with {@code container == null}, the host). */
public final class SelectorMatcher {
    private SelectorMatcher() {}

    public static boolean selects(RuntimePolicy.Selector s, ContainerInfo container) {
        if (container == null) return s != null && Boolean.TRUE.equals(s.host());
        if (s == null) return true;
        return anyGlob(s.containerName(), container.name())
                && anyGlob(s.image(), container.image())
                && anyGlob(s.podNamespace(), container.pod() == null ? "" : container.pod().namespace())
                && labels(s.labels(), container.labels());
    }

    /** True when the selector names no container criterion: it picks every container, known or not yet known. */
    public static boolean selectsEveryContainer(RuntimePolicy.Selector s) {
        return s == null || (empty(s.containerName()) && empty(s.image()) && empty(s.podNamespace()) && (s.labels() == null || s.labels().isEmpty()));
    }

    private static boolean anyGlob(List<String> globs, String value) {
        if (empty(globs)) return true;
        for (String g : globs) if (Globs.compile(g).matcher(value).matches()) return true;
        return false;
    }

    private static boolean labels(Map<String, String> wanted, Map<String, String> have) {
        if (wanted == null) return true;
        for (Map.Entry<String, String> e : wanted.entrySet()) if (!e.getValue().equals(have.get(e.getKey()))) return false;
        return true;
    }

    private static boolean empty(List<String> l) {
        return l == null || l.isEmpty();
    }
}
