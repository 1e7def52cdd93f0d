package dev.vigil.net;

import java.time.Instant;

/** One blocked flow as the kernel aggregated it: one record however many packets it dropped. */
public record FlowRecord(String containerId, String containerName, String direction, String layer, String protocol,
                         String source, int sourcePort, String destination, int destinationPort, String rule,
                         Instant firstSeen, Instant lastSeen, long packets, long bytes) {}
