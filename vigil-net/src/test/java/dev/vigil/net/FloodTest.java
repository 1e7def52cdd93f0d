package dev.vigil.net;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A UDP flood at a denied port, from one socket and from a thousand: counters account for every
 * packet while the flow records stay one per tuple and never exceed the LRU's size, so the
 * agent's work does not grow with the attacker's packet rate.
 */
@Tag("kernel")
class FloodTest {
    private static final int FLOW_RECORDS = 256;

    @Test
    void floodGrowsCountersNotRecords() {
        try (TestNetns net = new TestNetns();
             NetEnforcer vigil = NetEnforcer.open(new NetEnforcer.Options(0x564e, 1, true, FLOW_RECORDS))) {
            vigil.protect(net.endpoint(null), Policies.one("flood", "egress: {rules: [{action: deny, protocol: UDP, ports: ['9999']}]}"));

            assertThat(net.probe("udp-send", net.host4, "9999", "20000")).isEqualTo("sent 20000");
            NetStats s = vigil.stats();
            assertThat(s.packets(net.ns, "egress", "deny", "tc")).isGreaterThanOrEqualTo(20000);
            assertThat(vigil.flows(net.ns)).hasSize(1).first().satisfies(f -> assertThat(f.packets()).isEqualTo(20000));

            // A thousand source ports: a thousand tuples, but the LRU keeps at most its size.
            assertThat(net.probe("udp-spray", net.host4, "9999", "1000")).isEqualTo("sent 1000");
            s = vigil.stats();
            assertThat(s.packets(net.ns, "egress", "deny", "tc")).isGreaterThanOrEqualTo(21000);
            assertThat(s.flowRecords()).isLessThanOrEqualTo(FLOW_RECORDS).isGreaterThan(FLOW_RECORDS / 4);
            assertThat(vigil.flows(net.ns).size()).isLessThanOrEqualTo(FLOW_RECORDS);
            assertThat(s.errors().get("counter_map_full")).isZero();
        }
    }
}
