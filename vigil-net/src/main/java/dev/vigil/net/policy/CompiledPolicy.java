package dev.vigil.net.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The network sections of every policy that selects one container, merged into what the kernel
 * maps hold: per direction a default action and, per distinct prefix, the ordered rule list the
 * kernel scans after one longest-prefix lookup.
 *
 * Combination (docs/network.md): the matching rule with the longest prefix decides; at equal
 * length deny beats allow; if no rule matches, the direction's default is deny when any
 * selecting policy says deny. A prefix's list therefore holds its own rules and, after them,
 * those of every shorter prefix that covers it, so a miss on ports or protocol falls back to
 * the next shorter prefix without a second lookup.
 */
public record CompiledPolicy(List<NetworkModel.Action> defaults, List<Entry> entries, NetworkModel.Limit ingressLimit,
                             NetworkModel.Limit egressLimit) {

    public static final int RULES_MAX = 16;
    /** Rule ids of the defaults; ids of written rules start above. */
    public static final int DEFAULT_INGRESS_RULE = 1, DEFAULT_EGRESS_RULE = 2;

    public record Source(String policyName, NetworkModel model) {}

    @FunctionalInterface
    public interface RuleIds {
        int id(String policyName, int dir, int ruleIndex);
    }

    /** One rule as the kernel holds it; {@code portHi == 0}: no port condition. */
    public record KernelRule(int ruleId, int action, int proto, int portLo, int portHi) {}

    public record Entry(int dir, Cidr prefix, List<KernelRule> rules) {}

    public static CompiledPolicy compile(List<Source> sources, RuleIds ids) {
        List<NetworkModel.Action> defaults = new ArrayList<>();
        List<Entry> entries = new ArrayList<>();
        for (int dir = 0; dir < 2; dir++) {
            boolean deny = false;
            List<Candidate> candidates = new ArrayList<>();
            int order = 0;
            for (Source s : sources) {
                NetworkModel.Direction d = s.model().direction(dir);
                deny |= d.defaultAction() == NetworkModel.Action.DENY;
                for (NetworkModel.Rule r : d.rules()) {
                    int id = ids.id(s.policyName(), dir, r.index());
                    for (Cidr c : r.cidrs()) {
                        int proto = r.protocol().number(c.family());
                        int action = r.action() == NetworkModel.Action.DENY ? 1 : 0;
                        if (r.ports().isEmpty()) {
                            candidates.add(new Candidate(c, new KernelRule(id, action, proto, 0, 0), order++));
                        } else {
                            for (NetworkModel.PortRange p : r.ports()) {
                                candidates.add(new Candidate(c, new KernelRule(id, action, proto, p.lo(), p.hi()), order++));
                            }
                        }
                    }
                }
            }
            defaults.add(deny ? NetworkModel.Action.DENY : NetworkModel.Action.ALLOW);
            Set<Cidr> prefixes = new LinkedHashSet<>();
            candidates.forEach(c -> prefixes.add(c.cidr));
            Comparator<Candidate> precedence = Comparator.<Candidate>comparingInt(c -> -c.cidr.prefixLength())
                    .thenComparingInt(c -> -c.rule.action())
                    .thenComparingInt(c -> c.order);
            for (Cidr p : prefixes) {
                List<KernelRule> list = candidates.stream().filter(c -> c.cidr.covers(p)).sorted(precedence)
                        .map(c -> c.rule).distinct().toList();
                if (list.size() > RULES_MAX) {
                    throw new IllegalArgumentException((dir == 0 ? "ingress" : "egress") + " prefix " + p + " has " + list.size()
                            + " rules (its own and those of covering prefixes, after port ranges are split); the kernel keeps at most " + RULES_MAX);
                }
                entries.add(new Entry(dir, p, list));
            }
        }
        return new CompiledPolicy(List.copyOf(defaults), List.copyOf(entries), mergeLimit(sources, 0), mergeLimit(sources, 1));
    }

    /** The tightest limit any selecting policy sets. */
    private static NetworkModel.Limit mergeLimit(List<Source> sources, int dir) {
        NetworkModel.Limit out = null;
        for (Source s : sources) {
            NetworkModel.Limit l = dir == 0 ? s.model().ingressLimit() : s.model().egressLimit();
            if (l == null) continue;
            out = out == null ? l : new NetworkModel.Limit(Math.min(out.rateBits(), l.rateBits()), Math.min(out.ceilBits(), l.ceilBits()));
        }
        if (out != null && out.ceilBits() < out.rateBits()) out = new NetworkModel.Limit(out.rateBits(), out.rateBits());
        return out;
    }

    private record Candidate(Cidr cidr, KernelRule rule, int order) {}
}
