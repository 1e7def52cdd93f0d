package dev.vigil.agent.metrics;

import dev.vigil.agent.Agent;
import dev.vigil.agent.AgentStats;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * The Prometheus endpoint. Every value is read from the agent's own counters when scraped
 * (callbacks), so the event path carries no metrics code of its own.
 */
public final class MetricsServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MetricsServer.class.getName());
    /** Enforcement modes later sensors use; each shows 0 until one acts. */
    static final java.util.List<String> ENFORCEMENT_MODES = java.util.List.of("lsm", "cgroup", "signal");
    private final HTTPServer http;
    private final PrometheusRegistry registry;

    private MetricsServer(HTTPServer http, PrometheusRegistry registry) {
        this.http = http;
        this.registry = registry;
    }

    public static MetricsServer start(Agent agent, InetSocketAddress address) {
        PrometheusRegistry registry = register(agent, new PrometheusRegistry());
        try {
            InetAddress host = address.isUnresolved() ? InetAddress.getByName(address.getHostString()) : address.getAddress();
            HTTPServer.Builder b = HTTPServer.builder().port(address.getPort()).registry(registry);
            if (host != null) b.inetAddress(host);
            HTTPServer http = b.buildAndStart();
            LOG.log(System.Logger.Level.INFO, "metrics on http://" + address.getHostString() + ":" + http.getPort() + "/metrics");
            return new MetricsServer(http, registry);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the metrics endpoint on " + address + ": " + e.getMessage(), e);
        }
    }

    static PrometheusRegistry register(Agent agent, PrometheusRegistry registry) {
        CounterWithCallback.builder().name("vigil_events").help("Events handed to the outputs, by type")
                .labelNames("type")
                .callback(cb -> agent.stats().eventsByType().forEach((type, n) -> cb.call(n, type)))
                .register(registry);
        CounterWithCallback.builder().name("vigil_drops").help("Events or records lost, by where and why (see docs/events.md, loss accounting)")
                .labelNames("place", "reason")
                .callback(cb -> drops(agent.stats()).forEach((k, n) -> cb.call(n, k[0], k[1])))
                .register(registry);
        CounterWithCallback.builder().name("vigil_syscall_records").help("File, network and privilege syscall records for the rules, by kind: sent by the kernel, received by the agent, or filtered in the kernel because no loaded rule reads the kind")
                .labelNames("kind", "stage")
                .callback(cb -> {
                    Agent.SyscallStats s = agent.syscallStats();
                    s.sent().forEach((k, n) -> cb.call(n, k, "sent"));
                    s.received().forEach((k, n) -> cb.call(n, k, "received"));
                    s.filtered().forEach((k, n) -> cb.call(n, k, "filtered"));
                })
                .register(registry);
        CounterWithCallback.builder().name("vigil_alerts").help("Alerts raised, by rule and priority")
                .labelNames("rule", "priority")
                .callback(cb -> agent.alerts().byRule().forEach((k, n) -> cb.call(n, k.rule(), k.priority())))
                .register(registry);
        CounterWithCallback.builder().name("vigil_enforcement_actions").help("Operations blocked or processes killed, by enforcement mode")
                .labelNames("mode").callback(cb -> ENFORCEMENT_MODES.forEach(m -> cb.call(agent.alerts().blocks(m), m))).register(registry);
        GaugeWithCallback.builder().name("vigil_bpf_map_entries").help("Entries in a BPF map now")
                .labelNames("map")
                .callback(cb -> cb.call(agent.coreMaps().countProcs(), "vigil_procs"))
                .register(registry);
        GaugeWithCallback.builder().name("vigil_bpf_map_max_entries").help("Capacity of a BPF map")
                .labelNames("map")
                .callback(cb -> cb.call(agent.coreMaps().procsMaxEntries(), "vigil_procs"))
                .register(registry);
        GaugeWithCallback.builder().name("vigil_process_cache_entries").help("Processes in the agent's cache, live or exited")
                .labelNames("state")
                .callback(cb -> {
                    AgentStats s = agent.stats();
                    cb.call(s.processCacheLive(), "live");
                    cb.call(s.processCacheExited(), "exited");
                })
                .register(registry);
        GaugeWithCallback.builder().name("vigil_process_cache_max_entries").help("Capacity of the process cache")
                .callback(cb -> cb.call(agent.processCacheMaxEntries()))
                .register(registry);
        GaugeWithCallback.builder().name("vigil_containers").help("Containers in the inventory")
                .callback(cb -> cb.call(agent.stats().containers()))
                .register(registry);
        GaugeWithCallback.builder().name("vigil_store_rows").help("Events in the store")
                .callback(cb -> cb.call(agent.store().health().rows()))
                .register(registry);
        GaugeWithCallback.builder().name("vigil_store_available").help("1 when the event store can be written")
                .callback(cb -> cb.call(agent.store().health().available() ? 1 : 0))
                .register(registry);
        NetMetrics.register(agent, registry);
        return registry;
    }

    /** Every loss counter the agent has, as (place, reason) pairs. */
    static Map<String[], Long> drops(AgentStats s) {
        Map<String[], Long> out = new java.util.LinkedHashMap<>();
        s.kernelRingDrops().forEach((type, n) -> out.put(new String[]{"kernel_ring", type}, n));
        s.kernelErrors().forEach((reason, n) -> out.put(new String[]{"kernel", reason}, n));
        out.put(new String[]{"agent", "record_failure"}, s.recordFailures());
        out.put(new String[]{"agent", "unknown_record"}, s.unknownRecords());
        out.put(new String[]{"agent", "pipeline_error"}, s.pipelineErrors());
        out.put(new String[]{"agent", "side_queue_full"}, s.sideEventsDropped());
        out.put(new String[]{"process_cache", "eviction"}, s.processCacheEvictions());
        out.put(new String[]{"container_inventory", "eviction"}, s.containerEvictions());
        out.put(new String[]{"store", "not_stored"}, s.storeDropped());
        out.put(new String[]{"api_stream", "subscriber_queue_full"}, s.streamDropped());
        out.put(new String[]{"container_details", "runtime_too_slow"}, s.eventsWithoutContainerDetails());
        return out;
    }

    /**
     * Every registered family, those without samples included: the text format leaves out a
     * family with no series (vigil_alerts_total until a rule fires).
     */
    public java.util.Set<String> familyNames() {
        java.util.Set<String> names = new java.util.TreeSet<>();
        registry.scrape().forEach(s -> names.add(s.getMetadata().getPrometheusName()));
        return names;
    }

    public int port() {
        return http.getPort();
    }

    @Override
    public void close() {
        http.close();
    }
}
