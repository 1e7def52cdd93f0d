package dev.vigil.agent.pipeline;

import dev.vigil.events.Event;
import dev.vigil.events.alert.Alert;
import dev.vigil.events.output.EventSink;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts alerts by (rule, priority) and blocks by enforcement mechanism, for the metrics. Rules
 * come from the protections and the loaded rule sets, so the map stays as small as they are.
 */
public final class AlertCounter implements EventSink {
    public record RuleKey(String rule, String priority) {}

    private final Map<RuleKey, LongAdder> byRule = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> blocksByEnforcement = new ConcurrentHashMap<>();

    @Override
    public void accept(Event event) {
        if (!(event instanceof Alert a)) return;
        byRule.computeIfAbsent(new RuleKey(a.rule(), a.priority()), k -> new LongAdder()).increment();
        if (a.action().equals("block")) blocksByEnforcement.computeIfAbsent(a.enforcement(), k -> new LongAdder()).increment();
    }

    @Override
    public void flush() {}

    public Map<RuleKey, Long> byRule() {
        Map<RuleKey, Long> out = new java.util.TreeMap<>(java.util.Comparator.comparing(RuleKey::rule).thenComparing(RuleKey::priority));
        byRule.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    public long blocks(String enforcement) {
        LongAdder n = blocksByEnforcement.get(enforcement);
        return n == null ? 0 : n.sum();
    }
}
