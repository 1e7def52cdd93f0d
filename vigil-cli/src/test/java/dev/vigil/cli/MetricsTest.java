package dev.vigil.cli;

import dev.vigil.agent.Agent;
import dev.vigil.agent.AgentStats;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The Prometheus endpoint, when enabled, against the agent's own counters. */
@Tag("kernel")
class MetricsTest {
    @Test
    void metricsListEveryFamilyWithTheAgentsValues() throws Exception {
        Path dir = Files.createTempDirectory("vigil-metrics");
        Agent agent = TestAgents.start(dir, null, Map.of("metrics.enabled", true, "metrics.address", "127.0.0.1:0"));
        try {
            new ProcessBuilder("/bin/true").start().waitFor();
            Thread.sleep(300);
            AgentStats before = agent.stats();
            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.metrics().port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            AgentStats after = agent.stats();

            // No rule exists yet, so vigil_alerts_total has no series and the text leaves it out; it is registered all the same.
            assertThat(agent.metrics().familyNames()).contains("vigil_alerts", "vigil_enforcement_actions", "vigil_events", "vigil_drops");
            assertThat(value(body, "vigil_enforcement_actions_total{mode=\"lsm\"}")).isZero();
            for (String family : new String[]{"vigil_events_total", "vigil_drops_total", "vigil_enforcement_actions_total",
                    "vigil_bpf_map_entries", "vigil_bpf_map_max_entries", "vigil_process_cache_entries", "vigil_process_cache_max_entries",
                    "vigil_containers", "vigil_store_rows", "vigil_store_available"}) {
                assertThat(body).as(family).contains("# TYPE " + family.replace("_total", ""));
            }
            double execs = value(body, "vigil_events_total{type=\"process_exec\"}");
            assertThat(execs).isBetween((double) before.eventsByType().get("process_exec"), (double) after.eventsByType().get("process_exec"));
            for (Map.Entry<String, Long> e : after.kernelRingDrops().entrySet()) {
                assertThat(value(body, "vigil_drops_total{place=\"kernel_ring\",reason=\"" + e.getKey() + "\"}")).isEqualTo(e.getValue().doubleValue());
            }
            for (Map.Entry<String, Long> e : after.kernelErrors().entrySet()) {
                assertThat(value(body, "vigil_drops_total{place=\"kernel\",reason=\"" + e.getKey() + "\"}")).isEqualTo(e.getValue().doubleValue());
            }
            assertThat(value(body, "vigil_drops_total{place=\"agent\",reason=\"record_failure\"}")).isEqualTo((double) after.recordFailures());
            assertThat(value(body, "vigil_drops_total{place=\"api_stream\",reason=\"subscriber_queue_full\"}")).isEqualTo((double) after.streamDropped());
            assertThat(value(body, "vigil_drops_total{place=\"process_cache\",reason=\"eviction\"}")).isEqualTo((double) after.processCacheEvictions());
            assertThat(value(body, "vigil_containers")).isEqualTo((double) after.containers());
            assertThat(value(body, "vigil_process_cache_max_entries")).isEqualTo((double) agent.config().processCache().maxEntries());
            assertThat(value(body, "vigil_bpf_map_max_entries{map=\"vigil_procs\"}")).isEqualTo((double) agent.coreMaps().procsMaxEntries());
            // Running processes were seeded into the kernel's table: at least this JVM, its parent and the agent's children.
            // (A quiet CI machine runs only about ten processes, so no larger floor.)
            assertThat(value(body, "vigil_bpf_map_entries{map=\"vigil_procs\"}")).isGreaterThanOrEqualTo(3);
            assertThat(value(body, "vigil_process_cache_entries{state=\"live\"}")).isGreaterThanOrEqualTo(3);
            assertThat(value(body, "vigil_store_available")).isEqualTo(1.0);
        } finally {
            agent.close();
        }
    }

    private static double value(String body, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(body);
        assertThat(m.find()).as(series + " in\n" + body).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
