package dev.vigil.net;

import java.util.List;
import java.util.Map;

/**
 * Counters summed over CPUs: one row per (container, rule, direction, verdict, layer), plus the
 * kernel's own error counters and the attachment state that {@code vigil status} shows.
 */
public record NetStats(String mode, int interfaces, int containers, List<Row> rows, Map<String, Long> errors, long flowRecords) {

    public record Row(String containerId, String containerName, String rule, String direction, String action, String layer,
                      long packets, long bytes) {}

    public NetStats withMode(String mode) {
        return new NetStats(mode, interfaces, containers, rows, errors, flowRecords);
    }

    public long packets(String containerName, String direction, String action, String layer) {
        return rows.stream().filter(r -> (containerName == null || r.containerName().equals(containerName))
                        && (direction == null || r.direction().equals(direction)) && r.action().equals(action)
                        && (layer == null || r.layer().equals(layer)))
                .mapToLong(Row::packets).sum();
    }
}
