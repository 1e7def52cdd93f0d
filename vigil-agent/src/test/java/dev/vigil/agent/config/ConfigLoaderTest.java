package dev.vigil.agent.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void embeddedDefaultsAreComplete() {
        AgentConfig c = ConfigLoader.load(null, Map.of());
        assertThat(c.output().format()).isEqualTo(AgentConfig.Format.JSON);
        assertThat(c.ringBuffer().sizeBytes()).isEqualTo(16 << 20);
        assertThat(c.processCache().maxEntries()).isEqualTo(65536);
    }

    @Test
    void fileOverridesDefaultsAndFlagsOverrideTheFile() throws Exception {
        Path f = Files.writeString(dir.resolve("c.yaml"), "output:\n  format: compact\n  path: /tmp/a\n");
        AgentConfig c = ConfigLoader.load(f, Map.of("output.path", "/tmp/b"));
        assertThat(c.output().format()).isEqualTo(AgentConfig.Format.COMPACT);
        assertThat(c.output().path()).isEqualTo("/tmp/b");
        assertThat(c.ringBuffer().pollMillis()).isEqualTo(20);
    }

    @Test
    void unknownKeyIsRejectedWithFileAndLine() throws Exception {
        Path f = Files.writeString(dir.resolve("c.yaml"), "node: a\nringBuffer:\n  sizeBytes: 4096\n  sizeByts: 8192\n");
        assertThatThrownBy(() -> ConfigLoader.load(f, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(f + ":4:")
                .hasMessageContaining("sizeByts");
    }

    @Test
    void wrongTypeIsRejectedWithLine() throws Exception {
        Path f = Files.writeString(dir.resolve("c.yaml"), "ringBuffer:\n  pollMillis: soon\n");
        assertThatThrownBy(() -> ConfigLoader.load(f, Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining(f + ":2:");
    }

    @Test
    void badValuesAreRejectedByName() throws Exception {
        Path f = Files.writeString(dir.resolve("c.yaml"), "ringBuffer:\n  sizeBytes: 5000\n");
        assertThatThrownBy(() -> ConfigLoader.load(f, Map.of())).hasMessageContaining("ringBuffer.sizeBytes");
    }

    @Test
    void underlayInterfaceDefaultsToVethModeAndIsValidated() throws Exception {
        assertThat(ConfigLoader.load(null, Map.of()).network().underlay()).isFalse();
        Path f = Files.writeString(dir.resolve("c.yaml"), "network:\n  underlayInterface: net1\n");
        assertThat(ConfigLoader.load(f, Map.of()).network().underlayInterface()).isEqualTo("net1");
        for (String bad : new String[]{"lo", "a/b", "eth 1", "an-interface-name-too-long"}) {
            assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("network.underlayInterface", bad)))
                    .as(bad).isInstanceOf(ConfigException.class).hasMessageContaining("network.underlayInterface");
        }
    }

    @Test
    void syntaxErrorsNameTheLine() throws Exception {
        Path f = Files.writeString(dir.resolve("c.yaml"), "output:\n  path: [unclosed\n");
        assertThatThrownBy(() -> ConfigLoader.load(f, Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining(f.toString());
    }

    @Test
    void effectiveConfigPrintsAsYaml() {
        assertThat(ConfigLoader.toYaml(ConfigLoader.load(null, Map.of()))).contains("sizeBytes: 16777216").contains("format: \"json\"");
    }
}
