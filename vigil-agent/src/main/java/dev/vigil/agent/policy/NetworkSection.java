package dev.vigil.agent.policy;

import dev.vigil.net.policy.NetworkPolicyException;
import dev.vigil.net.policy.NetworkSpec;

/** Validates {@code spec.network} (vigil-net's rules) and reports a problem as FILE:LINE: reason. */
final class NetworkSection {
    private NetworkSection() {}

    static void check(NetworkSpec network, String source, String yaml) {
        try {
            network.validate();
        } catch (NetworkPolicyException e) {
            throw new PolicyException(source + ":" + line(yaml, e.key(), e.value()) + ": " + e.getMessage(), e);
        }
    }

    /** The first line under "network:" that holds the offending value (or, without one, the key). */
    static int line(String yaml, String key, String value) {
        String[] lines = yaml.split("\n", -1);
        int start = 0;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].strip().startsWith("network:")) {
                start = i;
                break;
            }
        }
        for (int i = start; i < lines.length; i++) {
            String l = lines[i];
            boolean hasKey = l.contains(key + ":");
            if (value != null ? hasKey && l.contains(value) || l.contains("\"" + value + "\"") || l.contains("'" + value + "'") : hasKey) {
                return i + 1;
            }
        }
        return start + 1;
    }
}
