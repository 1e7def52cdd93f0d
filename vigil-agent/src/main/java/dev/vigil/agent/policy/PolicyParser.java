package dev.vigil.agent.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.vigil.agent.guard.CommandLibrary;
import dev.vigil.agent.guard.Protection;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads and validates a whole policy document before anything is applied; every failure is a
 * {@link PolicyException} "FILE:LINE: reason".
 */
public final class PolicyParser {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** Kubernetes object names: DNS-1123 subdomains. */
    private static final Pattern DNS_1123 = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private PolicyParser() {}

    public static RuntimePolicy parse(String yaml, String file) {
        String source = file == null || file.isBlank() ? "<request>" : file;
        RuntimePolicy p;
        try {
            p = YAML.readValue(yaml, RuntimePolicy.class);
        } catch (UnrecognizedPropertyException e) {
            throw new PolicyException(source + ":" + keyLine(yaml, e.getPropertyName(), e) + ": unknown field \"" + e.getPropertyName() + "\" at " + path(e)
                    + "; known fields here: " + e.getKnownPropertyIds(), e);
        } catch (MismatchedInputException e) {
            String where = path(e);
            String last = e.getPath().isEmpty() ? null : e.getPath().getLast().getFieldName();
            throw new PolicyException(source + ":" + (last == null ? line(e) : keyLine(yaml, last, e)) + ": " + firstLine(e.getOriginalMessage()) + (where.isEmpty() ? "" : " at " + where), e);
        } catch (JsonMappingException e) {
            throw new PolicyException(source + ":" + line(e) + ": " + firstLine(e.getOriginalMessage()) + " at " + path(e), e);
        } catch (JsonProcessingException e) {
            throw new PolicyException(source + ":" + line(e) + ": " + firstLine(e.getOriginalMessage()), e);
        }
        if (p == null) throw new PolicyException(source + ":1: empty document");
        Lines lines = new Lines(yaml);
        require(RuntimePolicy.API_VERSION.equals(p.apiVersion()), source, lines.of("apiVersion"),
                "apiVersion must be " + RuntimePolicy.API_VERSION + ", not \"" + p.apiVersion() + "\"");
        require(RuntimePolicy.KIND.equals(p.kind()), source, lines.of("kind"), "kind must be " + RuntimePolicy.KIND + ", not \"" + p.kind() + "\"");
        require(p.metadata() != null, source, 1, "metadata is required");
        String name = p.metadata().name();
        require(name != null && !name.isEmpty(), source, lines.of("metadata"), "metadata.name is required");
        require(name.length() <= 253 && DNS_1123.matcher(name).matches(), source, lines.of("name"),
                "metadata.name \"" + name + "\" is not a DNS-1123 name (lower case letters, digits, '-' and '.'; at most 253)");
        require(p.spec() != null, source, 1, "spec is required");
        RuntimePolicy.Selector s = p.spec().selector();
        if (s != null) {
            globs(s.containerName(), "spec.selector.containerName", "containerName", source, lines);
            globs(s.image(), "spec.selector.image", "image", source, lines);
            globs(s.podNamespace(), "spec.selector.podNamespace", "podNamespace", source, lines);
            if (s.labels() != null) {
                s.labels().forEach((k, v) -> require(k != null && !k.isBlank() && v != null, source, lines.of("labels"),
                        "spec.selector.labels: keys must be non-empty and values strings"));
            }
        }
        if (p.spec().escape() != null) escape(p.spec().escape(), source, lines);
        if (p.spec().network() != null) NetworkSection.check(p.spec().network(), source, yaml);
        return p;
    }

    private static void escape(RuntimePolicy.Escape e, String source, Lines lines) {
        if (e.commands() != null) action(e.commands().action(), "spec.escape.commands.action", source, lines.of("commands"));
        if (e.hostFiles() != null) {
            if (e.hostFiles().action() != null) action(e.hostFiles().action(), "spec.escape.hostFiles.action", source, lines.of("hostFiles"));
            if (e.hostFiles().sensitive() != null) action(e.hostFiles().sensitive(), "spec.escape.hostFiles.sensitive", source, lines.of("sensitive"));
        }
        if (e.privilegedOps() != null) {
            for (var op : e.privilegedOps().entrySet()) {
                require(Protection.privilegedOpKeys().contains(op.getKey()), source, lines.of(op.getKey()),
                        "unknown privileged operation \"" + op.getKey() + "\" at spec.escape.privilegedOps; known: " + Protection.privilegedOpKeys());
                action(op.getValue(), "spec.escape.privilegedOps." + op.getKey(), source, lines.of(op.getKey()));
            }
        }
        if (e.extraCommands() != null && !e.extraCommands().isEmpty()) {
            try {
                CommandLibrary.builtin().with(e.extraCommands());
            } catch (IllegalArgumentException ex) {
                throw new PolicyException(source + ":" + lines.of("extraCommands") + ": spec.escape.extraCommands: " + ex.getMessage());
            }
        }
    }

    private static void action(String value, String key, String source, int line) {
        require(value != null && Protection.Action.parse(value).isPresent(), source, line,
                key + " must be one of off, alert, block, not \"" + value + "\"");
    }

    private static void globs(List<String> globs, String key, String field, String source, Lines lines) {
        if (globs == null) return;
        for (String g : globs) {
            require(g != null, source, lines.of(field), key + " must not contain null");
            try {
                Globs.compile(g);
            } catch (IllegalArgumentException e) {
                throw new PolicyException(source + ":" + lines.of(field) + ": " + key + ": " + e.getMessage());
            }
        }
    }

    private static void require(boolean ok, String source, int line, String reason) {
        if (!ok) throw new PolicyException(source + ":" + line + ": " + reason);
    }

    private static String line(JsonProcessingException e) {
        return e.getLocation() == null || e.getLocation().getLineNr() < 0 ? "1" : String.valueOf(e.getLocation().getLineNr());
    }

    /** The YAML parser reports where it stopped, which can be lines past the key; name the key's own line. */
    private static String keyLine(String text, String key, JsonProcessingException e) {
        int reported = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
        String[] lines = text.split("\n", -1);
        for (int i = Math.min(reported < 1 ? lines.length : reported, lines.length) - 1; i >= 0; i--) {
            String t = lines[i].strip();
            if (t.startsWith(key + ":") || t.startsWith("- " + key + ":") || t.contains("{" + key + ":") || t.contains(" " + key + ":")) {
                return String.valueOf(i + 1);
            }
        }
        return line(e);
    }

    private static String path(JsonMappingException e) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) b.append(b.isEmpty() ? "" : ".").append(r.getFieldName());
            else b.append('[').append(r.getIndex()).append(']');
        }
        return b.toString();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Finds the line a key is written on, for checks made after parsing (the parser's locations are gone). */
    private record Lines(String text) {
        int of(String key) {
            String[] ls = text.split("\n", -1);
            for (int i = 0; i < ls.length; i++) {
                String t = ls[i].strip();
                if (t.startsWith(key + ":") || t.startsWith("- " + key + ":")) return i + 1;
            }
            return 1;
        }
    }
}
