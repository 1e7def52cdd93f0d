package dev.vigil.agent;

import dev.vigil.agent.config.AgentConfig;
import dev.vigil.agent.config.ConfigLoader;
import dev.vigil.events.output.EventSink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Configurations for test agents: the API socket, store and policies in a fresh temp dir, never the host's. */
public final class TestConfigs {
    private TestConfigs() {}

    public static AgentConfig load(Map<String, Object> overrides) {
        try {
            Path dir = Files.createTempDirectory("vigil-test");
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("api.socket", dir.resolve("api/vigil.sock").toString());
            o.put("store.path", dir.resolve("store/events.db").toString());
            o.put("policies.dir", dir.resolve("policies").toString());
            o.putAll(overrides);
            return ConfigLoader.load(null, o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An agent writing no output file, with the policies of work/policies and the rules file loaded after the defaults. */
    public static Agent startWithRules(Path work, Path rules, EventSink sink) throws Exception {
        return Agent.start(load(Map.of("output.path", "/dev/null", "policies.dir", work.resolve("policies").toString(),
                "rules.files", List.of(rules.toString()))), List.of(sink));
    }
}
