package dev.vigil.containers;

import java.util.Objects;

/**
 * One weakness in a container's configuration.
 *
 * @param id      stable category, e.g. "privileged", "capability", "sensitive_mount"
 * @param subject what the finding is about within its category ("SYS_ADMIN", "/var/run/docker.sock"),
 *                "" when the category says it all
 */
public record RiskFinding(String id, Severity severity, String subject, String message) {

    public enum Severity {
        LOW, MEDIUM, HIGH, CRITICAL;

        public boolean atLeast(Severity other) {
            return compareTo(other) >= 0;
        }
    }

    public RiskFinding {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(severity, "severity");
        subject = Objects.requireNonNullElse(subject, "");
        Objects.requireNonNull(message, "message");
    }
}
