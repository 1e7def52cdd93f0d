package dev.vigil.agent.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ControlPlaneConfigTest {
    @Test
    void defaults() {
        AgentConfig c = ConfigLoader.load(null, Map.of());
        assertThat(c.api().socket()).isEqualTo("/run/vigil/vigil.sock");
        assertThat(c.api().tcp().enabled()).isFalse();
        assertThat(c.policies().dir()).isEqualTo("/var/lib/vigil/policies");
        assertThat(c.store().path()).isEqualTo("/var/lib/vigil/events.db");
        assertThat(c.store().types()).containsExactly("alert", "container_start", "container_stop", "container_risk");
        assertThat(c.store().maxAgeDays()).isEqualTo(7);
        assertThat(c.store().maxBytes()).isEqualTo(536870912L);
        assertThat(c.metrics().enabled()).isFalse();
        assertThat(c.metrics().address()).isEqualTo("127.0.0.1:9464");
    }

    @Test
    void tcpNeedsAllThreeTlsFiles() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("api.tcp.address", "0.0.0.0:7443", "api.tcp.certFile", "/c.pem")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("mutual TLS");
        assertThat(ConfigLoader.load(null, Map.of("api.tcp.address", "0.0.0.0:7443", "api.tcp.certFile", "/c", "api.tcp.keyFile", "/k",
                "api.tcp.clientCaFile", "/ca")).api().tcp().enabled()).isTrue();
    }

    @Test
    void badValuesNameTheirKey() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("metrics.enabled", true, "metrics.address", "nowhere")))
                .hasMessageContaining("metrics.address");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("store.maxAgeDays", 0))).hasMessageContaining("store.maxAgeDays");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("store.types", List.of("")))).hasMessageContaining("store.types");
        Path f = Files.writeString(Files.createTempFile("vigil", ".yaml"), "api:\n  sock: /x\n");
        assertThatThrownBy(() -> ConfigLoader.load(f, Map.of())).hasMessageContaining(f + ":2:").hasMessageContaining("sock");
    }
}
