package dev.vigil.store;

import java.time.Instant;

/**
 * One stored event: the columns queries filter and group by, and the event's full JSON.
 * Strings that do not apply are "" (never null); {@code id} is 0 until stored.
 *
 * @param type     event type, e.g. "alert", "container_risk"
 * @param rule     rule name for alerts; finding ids for risk events
 * @param priority e.g. "critical", "warning"
 * @param action   "alert" or "block" for alerts, else ""
 * @param json     the event exactly as the JSON output wrote it
 */
public record StoredEvent(long id, Instant time, String type, String node, String rule, String priority, String action,
                          String containerId, String containerName, String podName, String podNamespace, String binary, String json) {}
