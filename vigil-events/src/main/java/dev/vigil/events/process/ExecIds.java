package dev.vigil.events.process;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Process identities that stay unique across pid reuse: (node, exec boot time, pid), encoded so
 * that they read as opaque tokens, in the manner Tetragon users know.
 */
public final class ExecIds {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final String node;

    public ExecIds(String node) {
        this.node = node;
    }

    public String of(int pid, long execKtime) {
        if (execKtime == 0) return "";
        return ENCODER.encodeToString((node + ":" + execKtime + ":" + pid).getBytes(StandardCharsets.UTF_8));
    }

    public String node() {
        return node;
    }
}
