package dev.vigil.net;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.util.List;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The Java view of bpf/include/vigil_net.h, member for member, so that NetWireLayoutTest can
 * compare it with the BTF of the compiled objects.
 */
public final class NetWire {
    private NetWire() {}

    public static final int RULES_MAX = 16;
    public static final int DIR_INGRESS = 0, DIR_EGRESS = 1;
    public static final int ACT_ALLOW = 0, ACT_DENY = 1;
    public static final int LAYER_TC = 0, LAYER_SOCK = 1;
    public static final int ERR_COUNTER_FULL = 0, ERR_FLOW_INSERT = 1, ERR_NO_POLICY = 2, ERR_MAX = 4;
    public static final List<String> ERROR_NAMES = List.of("counter_map_full", "flow_insert_failed", "endpoint_without_policy");

    public static final StructLayout ENDPOINT = MemoryLayout.structLayout(
            JAVA_INT.withName("ep_id"),
            JAVA_INT.withName("policy_id"),
            JAVA_INT.withName("classid"),
            JAVA_INT.withName("flags")).withName("vigil_net_endpoint");

    public static final StructLayout POLICY = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(2, JAVA_BYTE).withName("default_action"),
            JAVA_SHORT.withName("reserved"),
            MemoryLayout.sequenceLayout(2, JAVA_INT).withName("default_rule_id")).withName("vigil_net_policy");

    public static final StructLayout RULE = MemoryLayout.structLayout(
            JAVA_INT.withName("rule_id"),
            JAVA_BYTE.withName("action"),
            JAVA_BYTE.withName("proto"),
            JAVA_SHORT.withName("port_lo"),
            JAVA_SHORT.withName("port_hi"),
            JAVA_SHORT.withName("reserved")).withName("vigil_net_rule");

    public static final StructLayout RULE_SET = MemoryLayout.structLayout(
            JAVA_INT.withName("count"),
            JAVA_INT.withName("reserved"),
            MemoryLayout.sequenceLayout(RULES_MAX, RULE).withName("rules")).withName("vigil_net_rule_set");

    public static final StructLayout LPM4_KEY = MemoryLayout.structLayout(
            JAVA_INT.withName("prefixlen"),
            JAVA_INT.withName("scope"),
            MemoryLayout.sequenceLayout(4, JAVA_BYTE).withName("addr")).withName("vigil_net_lpm4_key");

    public static final StructLayout LPM6_KEY = MemoryLayout.structLayout(
            JAVA_INT.withName("prefixlen"),
            JAVA_INT.withName("scope"),
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("addr")).withName("vigil_net_lpm6_key");

    public static final StructLayout COUNTER_KEY = MemoryLayout.structLayout(
            JAVA_INT.withName("ep_id"),
            JAVA_INT.withName("rule_id"),
            JAVA_BYTE.withName("dir"),
            JAVA_BYTE.withName("action"),
            JAVA_BYTE.withName("layer"),
            JAVA_BYTE.withName("reserved")).withName("vigil_net_counter_key");

    public static final StructLayout COUNTER = MemoryLayout.structLayout(
            JAVA_LONG.withName("packets"),
            JAVA_LONG.withName("bytes")).withName("vigil_net_counter");

    public static final StructLayout FLOW_KEY = MemoryLayout.structLayout(
            JAVA_INT.withName("ep_id"),
            JAVA_BYTE.withName("dir"),
            JAVA_BYTE.withName("proto"),
            JAVA_BYTE.withName("family"),
            JAVA_BYTE.withName("layer"),
            JAVA_SHORT.withName("sport"),
            JAVA_SHORT.withName("dport"),
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("saddr"),
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("daddr")).withName("vigil_net_flow_key");

    public static final StructLayout FLOW = MemoryLayout.structLayout(
            JAVA_INT.withName("rule_id"),
            JAVA_INT.withName("reserved"),
            JAVA_LONG.withName("first_seen_ns"),
            JAVA_LONG.withName("last_seen_ns"),
            JAVA_LONG.withName("packets"),
            JAVA_LONG.withName("bytes")).withName("vigil_net_flow");

    public static List<StructLayout> all() {
        return List.of(ENDPOINT, POLICY, RULE, RULE_SET, LPM4_KEY, LPM6_KEY, COUNTER_KEY, COUNTER, FLOW_KEY, FLOW);
    }

    static long off(StructLayout layout, String field) {
        return layout.byteOffset(groupElement(field));
    }
}
