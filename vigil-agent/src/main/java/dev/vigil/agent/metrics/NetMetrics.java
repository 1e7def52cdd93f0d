package dev.vigil.agent.metrics;

import dev.vigil.agent.Agent;
import dev.vigil.net.NetStats;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Network protection's families: every allowed and dropped packet, by container, rule, direction and layer. */
final class NetMetrics {
    private static final String[] LABELS = {"container", "rule", "direction", "action", "layer"};

    private NetMetrics() {}

    static void register(Agent agent, PrometheusRegistry registry) {
        CounterWithCallback.builder().name("vigil_net_packets").help("Packets (TC) or socket calls (socket layer) judged by network policy")
                .labelNames(LABELS).callback(cb -> stats(agent).rows().forEach(r ->
                        cb.call(r.packets(), r.containerName(), r.rule(), r.direction(), r.action(), r.layer())))
                .register(registry);
        CounterWithCallback.builder().name("vigil_net_bytes").help("Bytes judged by network policy at the TC layer")
                .labelNames(LABELS).callback(cb -> stats(agent).rows().forEach(r ->
                        cb.call(r.bytes(), r.containerName(), r.rule(), r.direction(), r.action(), r.layer())))
                .register(registry);
        CounterWithCallback.builder().name("vigil_net_kernel_errors").help("Network programs' own failures (a full counter map, a failed flow insert)")
                .labelNames("reason").callback(cb -> stats(agent).errors().forEach((k, v) -> cb.call(v, k)))
                .register(registry);
        GaugeWithCallback.builder().name("vigil_net_flow_records").help("Blocked-flow records held in the kernel (LRU)")
                .callback(cb -> cb.call(stats(agent).flowRecords())).register(registry);
        GaugeWithCallback.builder().name("vigil_net_interfaces").help("Interfaces with Vigil's TC programs attached")
                .callback(cb -> cb.call(stats(agent).interfaces())).register(registry);
    }

    private static NetStats stats(Agent agent) {
        return agent.network() == null ? new NetStats("off", 0, 0, java.util.List.of(), java.util.Map.of(), 0) : agent.network().stats();
    }
}
