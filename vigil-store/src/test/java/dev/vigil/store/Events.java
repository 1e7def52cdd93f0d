package dev.vigil.store;

import java.time.Instant;

/** Builds stored events for tests, with realistic field shapes. */
final class Events {
    private Events() {}

    /** 64 hex digits like a runtime's id; distinct numbers differ in the first 12 digits too. */
    static String containerId(int n) {
        return "%016x".formatted((n + 1) * 0x9E3779B97F4A7C15L).repeat(4);
    }

    static StoredEvent alert(Instant time, String rule, String action, String containerId, String containerName) {
        return event(time, "alert", rule, "warning", action, containerId, containerName, "prod");
    }

    static StoredEvent event(Instant time, String type, String rule, String priority, String action,
                             String containerId, String containerName, String podNamespace) {
        String pod = containerName.isEmpty() ? "" : containerName + "-5d8f7";
        // Concatenation, not String.format: the performance tests build a million of these.
        String json = "{\"time\":\"" + time + "\",\"type\":\"" + type + "\",\"node\":\"node-1\",\"rule\":\"" + rule
                + "\",\"priority\":\"" + priority + "\",\"action\":\"" + action + "\",\"container\":{\"id\":\""
                + containerId + "\",\"name\":\"" + containerName + "\"},\"pod\":{\"name\":\"" + pod
                + "\",\"namespace\":\"" + podNamespace + "\"},\"process\":{\"pid\":4242,\"binary\":\"/bin/sh\","
                + "\"args\":\"sh -c id\"}}";
        return new StoredEvent(0, time, type, "node-1", rule, priority, action, containerId, containerName, pod,
                podNamespace, "/bin/sh", json);
    }

    /** The event as the store gives it back: same fields, with the id it was stored under. */
    static StoredEvent withId(StoredEvent e, long id) {
        return new StoredEvent(id, e.time(), e.type(), e.node(), e.rule(), e.priority(), e.action(), e.containerId(),
                e.containerName(), e.podName(), e.podNamespace(), e.binary(), e.json());
    }
}
