package dev.vigil.containers;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Maps Docker Engine API JSON (as Docker and Podman's compat service send it) to our types. */
final class DockerJson {

    private DockerJson() {
    }

    /** GET /containers/{id}/json. {@code runtime} is decided by the caller from /version. */
    static ContainerInfo fromInspect(JsonNode n, String runtime) {
        JsonNode config = n.path("Config");
        JsonNode host = n.path("HostConfig");
        JsonNode state = n.path("State");
        Map<String, String> labels = stringMap(config.path("Labels"));
        String name = text(n, "Name");
        if (name.startsWith("/")) {
            name = name.substring(1);
        }
        int pid = state.path("Pid").asInt(0);
        boolean running = state.path("Running").asBoolean(pid > 0);
        return new ContainerInfo(
                text(n, "Id"),
                name,
                text(config, "Image"),
                text(n, "Image"),
                labels,
                PodInfo.fromLabels(labels),
                runtime,
                running ? Math.max(pid, 0) : 0,
                instant(text(state, "StartedAt")),
                null,
                configOf(config, host, n.path("Mounts")));
    }

    static ContainerConfig configOf(JsonNode config, JsonNode host, JsonNode mounts) {
        return new ContainerConfig(
                host.path("Privileged").asBoolean(false),
                strings(host.path("CapAdd")),
                "host".equals(text(host, "PidMode")),
                "host".equals(text(host, "NetworkMode")),
                "host".equals(text(host, "IpcMode")),
                mounts.isArray() ? mounts(mounts) : binds(host.path("Binds")),
                text(config, "User"),
                host.path("ReadonlyRootfs").asBoolean(false),
                seccomp(strings(host.path("SecurityOpt"))),
                text(host, "NetworkMode"));
    }

    /** Ids from GET /containers/json. */
    static List<String> idsFromList(JsonNode n) {
        List<String> ids = new ArrayList<>();
        for (JsonNode c : n) {
            String id = text(c, "Id");
            if (!id.isEmpty()) {
                ids.add(id);
            }
        }
        return ids;
    }

    /**
     * One object of the /events feed. Docker says "destroy" where Podman says "remove"; "die"
     * is the moment processes are gone, "stop" follows it for a requested stop.
     */
    static Optional<RuntimeEvent> toEvent(JsonNode n) {
        String type = text(n, "Type");
        if (!type.isEmpty() && !type.equals("container")) {
            return Optional.empty();
        }
        String id = text(n.path("Actor"), "ID");
        if (id.isEmpty()) {
            id = text(n, "id");
        }
        String action = text(n, "Action");
        if (action.isEmpty()) {
            action = text(n, "status");
        }
        if (id.isEmpty()) {
            return Optional.empty();
        }
        RuntimeEvent.Kind kind = switch (action) {
            case "start", "restart", "unpause" -> RuntimeEvent.Kind.START;
            case "die", "stop" -> RuntimeEvent.Kind.STOP;
            case "destroy", "remove" -> RuntimeEvent.Kind.DESTROY;
            default -> null;
        };
        return kind == null ? Optional.empty() : Optional.of(new RuntimeEvent(kind, id, stringMap(n.path("Actor").path("Attributes"))));
    }

    /**
     * A minimal record of a container from its start event, for when it is gone before it can
     * be inspected. Docker puts the labels among the attributes, next to name and image.
     */
    static ContainerInfo fromEvent(RuntimeEvent event, String runtime) {
        Map<String, String> labels = new LinkedHashMap<>(event.attributes());
        String name = Optional.ofNullable(labels.remove("name")).orElse("");
        String image = Optional.ofNullable(labels.remove("image")).orElse("");
        for (String podmanOnly : List.of("containerExitCode", "exitCode", "podId", "execID", "signal")) {
            labels.remove(podmanOnly);
        }
        return new ContainerInfo(event.id(), name, image, "", labels, PodInfo.fromLabels(labels), runtime,
                0, null, null, null);
    }

    /** GET /version: Podman lists a "Podman Engine" component; everything else is Docker. */
    static String runtimeFromVersion(JsonNode n) {
        for (JsonNode component : n.path("Components")) {
            if (text(component, "Name").toLowerCase(Locale.ROOT).contains("podman")) {
                return Runtimes.PODMAN;
            }
        }
        if (text(n.path("Platform"), "Name").toLowerCase(Locale.ROOT).contains("podman")) {
            return Runtimes.PODMAN;
        }
        return Runtimes.DOCKER;
    }

    static String seccomp(List<String> securityOpts) {
        for (String opt : securityOpts) {
            // Docker accepts both "seccomp=x" and the older "seccomp:x".
            if (opt.startsWith("seccomp=") || opt.startsWith("seccomp:")) {
                String profile = opt.substring("seccomp=".length()).trim();
                return profile.equalsIgnoreCase(ContainerConfig.SECCOMP_UNCONFINED)
                        ? ContainerConfig.SECCOMP_UNCONFINED : profile;
            }
        }
        return ContainerConfig.SECCOMP_DEFAULT;
    }

    private static List<ContainerConfig.Mount> mounts(JsonNode array) {
        List<ContainerConfig.Mount> out = new ArrayList<>();
        for (JsonNode m : array) {
            out.add(new ContainerConfig.Mount(text(m, "Source"), text(m, "Destination"), m.path("RW").asBoolean(true)));
        }
        return out;
    }

    /** HostConfig.Binds ("src:dst[:opts]"), for inspect output that lacks Mounts. */
    private static List<ContainerConfig.Mount> binds(JsonNode array) {
        List<ContainerConfig.Mount> out = new ArrayList<>();
        for (String bind : strings(array)) {
            String[] parts = bind.split(":", 3);
            if (parts.length < 2) {
                continue;
            }
            boolean readOnly = parts.length == 3 && List.of(parts[2].split(",")).contains("ro");
            out.add(new ContainerConfig.Mount(parts[0], parts[1], !readOnly));
        }
        return out;
    }

    static Instant instant(String s) {
        if (s == null || s.isEmpty() || s.startsWith("0001-01-01")) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(s).toInstant();
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isValueNode() && !v.isNull() ? v.asText() : "";
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array.isArray()) {
            for (JsonNode v : array) {
                if (v.isValueNode() && !v.isNull()) {
                    out.add(v.asText());
                }
            }
        }
        return out;
    }

    private static Map<String, String> stringMap(JsonNode object) {
        Map<String, String> out = new LinkedHashMap<>();
        if (object.isObject()) {
            object.properties().forEach(e -> {
                if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                    out.put(e.getKey(), e.getValue().asText());
                }
            });
        }
        return out;
    }
}
