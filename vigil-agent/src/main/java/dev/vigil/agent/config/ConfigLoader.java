package dev.vigil.agent.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * Builds the effective configuration: embedded defaults, then a user file, then overrides from
 * flags. The user file is first read on its own into the typed model, so an unknown key or a
 * wrong type is reported with its line before anything is merged.
 */
public final class ConfigLoader {
    private static final String DEFAULTS = "/dev/vigil/agent/default-config.yaml";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ConfigLoader() {}

    public static String defaultsText() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Defaults merged with {@code file} (may be null) and then {@code overrides} (dotted keys, e.g. "output.path"). */
    public static AgentConfig load(Path file, Map<String, Object> overrides) {
        ObjectNode tree = (ObjectNode) parse(defaultsText(), "embedded defaults");
        if (file != null) {
            String text;
            try {
                text = Files.readString(file);
            } catch (IOException e) {
                throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
            }
            JsonNode user = parse(text, file.toString());
            if (user != null && !user.isNull()) {
                if (!user.isObject()) throw new ConfigException(file + ": the configuration must be a mapping of keys");
                typed(() -> YAML.readValue(text, AgentConfig.class), file.toString(), text);
                merge(tree, (ObjectNode) user);
            }
        }
        for (Map.Entry<String, Object> o : overrides.entrySet()) {
            String[] path = o.getKey().split("\\.");
            ObjectNode at = tree;
            for (int i = 0; i < path.length - 1; i++) at = (ObjectNode) at.get(path[i]);
            at.set(path[path.length - 1], YAML.valueToTree(o.getValue()));
        }
        return typed(() -> YAML.readValue(YAML.treeAsTokens(tree), AgentConfig.class), "configuration", null).validate();
    }

    public static String toYaml(AgentConfig config) {
        try {
            return YAML.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(String text, String source) {
        try {
            return YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + ":" + line(e) + ": " + e.getOriginalMessage(), e);
        }
    }

    private interface Reader {
        AgentConfig read() throws IOException;
    }

    private static AgentConfig typed(Reader reader, String source, String text) {
        try {
            return reader.read();
        } catch (UnrecognizedPropertyException e) {
            // The YAML parser reports where it stopped, which can be past the key; name the key's own line.
            String where = text == null ? line(e) : keyLine(text, e.getPropertyName(), e.getLocation().getLineNr());
            throw new ConfigException(source + ":" + where + ": unknown key \"" + e.getPropertyName() + "\" at " + keyPath(e)
                    + "; known keys here: " + e.getKnownPropertyIds(), e);
        } catch (JsonMappingException e) {
            throw new ConfigException(source + ":" + line(e) + ": " + firstLine(e.getOriginalMessage()) + " at " + keyPath(e), e);
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + ":" + line(e) + ": " + firstLine(e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw new ConfigException(source + ": " + e.getMessage(), e);
        }
    }

    private static String keyPath(JsonMappingException e) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) b.append(b.isEmpty() ? "" : ".").append(r.getFieldName());
            else b.append('[').append(r.getIndex()).append(']');
        }
        return b.toString();
    }

    private static String keyLine(String text, String key, int reportedLine) {
        String[] lines = text.split("\n", -1);
        for (int i = Math.min(reportedLine, lines.length) - 1; i >= 0; i--) {
            if (lines[i].strip().startsWith(key + ":")) return String.valueOf(i + 1);
        }
        return String.valueOf(reportedLine);
    }

    private static String line(JsonProcessingException e) {
        return e.getLocation() == null || e.getLocation().getLineNr() < 0 ? "?" : String.valueOf(e.getLocation().getLineNr());
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static void merge(ObjectNode into, ObjectNode from) {
        for (Iterator<Map.Entry<String, JsonNode>> it = from.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode existing = into.get(e.getKey());
            if (existing instanceof ObjectNode o && e.getValue() instanceof ObjectNode n) merge(o, n);
            else into.set(e.getKey(), e.getValue());
        }
    }
}
