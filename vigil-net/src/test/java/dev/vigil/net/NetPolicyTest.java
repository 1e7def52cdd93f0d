package dev.vigil.net;

import dev.vigil.net.policy.Cidr;
import dev.vigil.net.policy.CompiledPolicy;
import dev.vigil.net.policy.NetworkModel;
import dev.vigil.net.policy.NetworkPolicyException;
import dev.vigil.net.policy.Rates;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Validation and compilation of spec.network, without the kernel. */
class NetPolicyTest {

    @Test
    void cidrsParseCoverAndRefuseHostBits() {
        Cidr c = Cidr.parse("10.0.0.0/8");
        assertThat(c.covers(Cidr.parse("10.1.2.0/24"))).isTrue();
        assertThat(c.covers(Cidr.parse("11.0.0.0/24"))).isFalse();
        assertThat(Cidr.parse("fd00::/8").covers(Cidr.parse("fd12::1"))).isTrue();
        assertThat(Cidr.parse("fd00::/8").covers(Cidr.parse("10.0.0.1"))).isFalse();
        assertThat(Cidr.parse("192.168.1.7").prefixLength()).isEqualTo(32);
        assertThatThrownBy(() -> Cidr.parse("10.0.0.1/8")).hasMessageContaining("host bits");
        assertThatThrownBy(() -> Cidr.parse("example.com")).hasMessageContaining("not an IPv4 or IPv6");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("0..32");
    }

    @Test
    void ratesInTcUnits() {
        assertThat(Rates.parse("10mbit")).isEqualTo(10_000_000);
        assertThat(Rates.parse("1.5gbit")).isEqualTo(1_500_000_000);
        assertThat(Rates.parse("500kbps")).isEqualTo(4_000_000);
        assertThatThrownBy(() -> Rates.parse("10 furlongs")).hasMessageContaining("not a rate");
        assertThatThrownBy(() -> Rates.parse("1bit")).hasMessageContaining("between");
    }

    @Test
    void invalidValuesNameTheirPlace() {
        assertThatThrownBy(() -> Policies.spec("egress: {rules: [{action: maybe}]}").validate())
                .isInstanceOf(NetworkPolicyException.class).hasMessageContaining("spec.network.egress.rules[0].action");
        assertThatThrownBy(() -> Policies.spec("egress: {rules: [{action: deny, ports: ['70000']}]}").validate())
                .hasMessageContaining("1..65535");
        assertThatThrownBy(() -> Policies.spec("egress: {rules: [{action: deny, ports: ['20-10']}]}").validate())
                .hasMessageContaining("LO <= HI");
        assertThatThrownBy(() -> Policies.spec("egress: {rules: [{action: deny, protocol: ICMP, ports: ['1']}]}").validate())
                .hasMessageContaining("ICMP has no ports");
        assertThatThrownBy(() -> Policies.spec("egress: {rules: [{action: deny, protocol: SCTP}]}").validate())
                .hasMessageContaining("SCTP");
        assertThatThrownBy(() -> Policies.spec("ingress: {defaultAction: block}").validate())
                .hasMessageContaining("defaultAction");
        assertThatThrownBy(() -> Policies.spec("bandwidth: {egress: {rate: 20mbit, ceil: 10mbit}}").validate())
                .hasMessageContaining("ceil must not be below rate");
        NetworkPolicyException e = (NetworkPolicyException) org.assertj.core.api.Assertions.catchThrowable(
                () -> Policies.spec("egress: {rules: [{action: deny, cidr: 10.0.0.300/8}]}").validate());
        assertThat(e.key()).isEqualTo("cidr");
        assertThat(e.value()).isEqualTo("10.0.0.300/8");
    }

    @Test
    void unknownKeyIsRejectedByTheBinding() {
        assertThatThrownBy(() -> Policies.spec("egress: {rules: [{action: deny, port: ['22']}]}")).hasMessageContaining("port");
    }

    @Test
    void prefixListsCarryCoveringRulesLongestFirstDenyFirst() {
        CompiledPolicy cp = CompiledPolicy.compile(List.of(
                Policies.source("a", "egress: {rules: [{action: deny, cidr: 10.0.0.0/8}, {action: allow, cidr: 10.1.0.0/16, protocol: TCP, ports: ['80', '443']}]}"),
                Policies.source("b", "egress: {defaultAction: deny, rules: [{action: deny, cidr: 10.1.0.0/16, protocol: TCP, ports: ['443']}]}")),
                (p, d, i) -> (p.equals("a") ? 100 : 200) + i);
        assertThat(cp.defaults()).containsExactly(NetworkModel.Action.ALLOW, NetworkModel.Action.DENY);
        CompiledPolicy.Entry slash16 = cp.entries().stream().filter(e -> e.prefix().prefixLength() == 16).findFirst().orElseThrow();
        // b's deny of 443 first (same length, deny first), then a's allows, then the /8 deny they fall back to.
        assertThat(slash16.rules()).extracting(CompiledPolicy.KernelRule::ruleId).containsExactly(200, 101, 101, 100);
        assertThat(slash16.rules().getFirst().portLo()).isEqualTo(443);
        CompiledPolicy.Entry slash8 = cp.entries().stream().filter(e -> e.prefix().prefixLength() == 8).findFirst().orElseThrow();
        assertThat(slash8.rules()).extracting(CompiledPolicy.KernelRule::ruleId).containsExactly(100);
    }

    @Test
    void tooManyRulesForOnePrefixIsRefused() {
        StringBuilder y = new StringBuilder("egress: {rules: [");
        for (int i = 0; i < 17; i++) y.append(i == 0 ? "" : ", ").append("{action: deny, cidr: 10.0.0.0/8, ports: ['").append(1000 + i).append("']}");
        assertThatThrownBy(() -> Policies.spec(y + "]}").validate()).hasMessageContaining("at most 16");
    }

    @Test
    void tightestBandwidthWins() {
        CompiledPolicy cp = CompiledPolicy.compile(List.of(
                Policies.source("a", "bandwidth: {egress: {rate: 10mbit, ceil: 50mbit}}"),
                Policies.source("b", "bandwidth: {egress: {rate: 20mbit, ceil: 30mbit}, ingress: {rate: 5mbit}}")), (p, d, i) -> 16);
        assertThat(cp.egressLimit()).isEqualTo(new NetworkModel.Limit(10_000_000, 30_000_000));
        assertThat(cp.ingressLimit()).isEqualTo(new NetworkModel.Limit(5_000_000, 5_000_000));
    }
}
