package dev.vigil.net;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vigil.net.policy.CompiledPolicy;
import dev.vigil.net.policy.NetworkSpec;

import java.util.List;

/** spec.network sections from YAML text, as the agent's parser binds them. */
final class Policies {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Policies() {}

    static NetworkSpec spec(String yaml) {
        try {
            return YAML.readValue(yaml, NetworkSpec.class);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static CompiledPolicy.Source source(String name, String yaml) {
        return new CompiledPolicy.Source(name, spec(yaml).validate());
    }

    static List<CompiledPolicy.Source> one(String name, String yaml) {
        return List.of(source(name, yaml));
    }
}
