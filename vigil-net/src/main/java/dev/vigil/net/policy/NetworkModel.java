package dev.vigil.net.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A validated {@code spec.network}: what the compiler and the enforcer work from. */
public record NetworkModel(Direction ingress, Direction egress, Limit ingressLimit, Limit egressLimit) {

    public enum Action { ALLOW, DENY }

    public enum Protocol {
        ANY, TCP, UDP, ICMP;

        /** IP protocol number as the kernel sees it; ICMP depends on the family (1 or 58). */
        public int number(int family) {
            return switch (this) {
                case ANY -> 0;
                case TCP -> 6;
                case UDP -> 17;
                case ICMP -> family == 4 ? 1 : 58;
            };
        }
    }

    public record PortRange(int lo, int hi) {
        @Override
        public String toString() {
            return lo == hi ? String.valueOf(lo) : lo + "-" + hi;
        }
    }

    /** {@code index} is the rule's position in the document, which names it in reports. */
    public record Rule(int index, Action action, List<Cidr> cidrs, Protocol protocol, List<PortRange> ports) {}

    public record Direction(Action defaultAction, List<Rule> rules) {
        public static final Direction ALLOW_ALL = new Direction(Action.ALLOW, List.of());
    }

    public record Limit(long rateBits, long ceilBits) {}

    public Direction direction(int dir) {
        return dir == 0 ? ingress : egress;
    }

    static NetworkModel of(NetworkSpec spec) {
        Direction in = direction(spec.ingress(), "ingress");
        Direction eg = direction(spec.egress(), "egress");
        Limit inLimit = null, egLimit = null;
        if (spec.bandwidth() != null) {
            inLimit = limit(spec.bandwidth().ingress(), "ingress");
            egLimit = limit(spec.bandwidth().egress(), "egress");
        }
        NetworkModel m = new NetworkModel(in, eg, inLimit, egLimit);
        // The kernel keeps at most RULES_MAX rules per prefix: a document that cannot fit alone is refused here.
        try {
            CompiledPolicy.compile(List.of(new CompiledPolicy.Source("check", m)), (p, d, i) -> i + 16);
        } catch (IllegalArgumentException e) {
            throw new NetworkPolicyException("rules", null, "spec.network: " + e.getMessage());
        }
        return m;
    }

    private static Direction direction(NetworkSpec.DirectionSpec d, String name) {
        if (d == null) return Direction.ALLOW_ALL;
        String where = "spec.network." + name;
        Action def = d.defaultAction() == null ? Action.ALLOW : action(d.defaultAction(), "defaultAction", where + ".defaultAction");
        List<Rule> rules = new ArrayList<>();
        List<NetworkSpec.RuleSpec> specs = d.rules() == null ? List.of() : d.rules();
        for (int i = 0; i < specs.size(); i++) {
            NetworkSpec.RuleSpec r = specs.get(i);
            String at = where + ".rules[" + i + "]";
            if (r == null) throw new NetworkPolicyException("rules", null, at + " must not be null");
            Action a = action(r.action(), "action", at + ".action");
            List<Cidr> cidrs;
            if (r.cidr() == null) {
                cidrs = List.of(Cidr.ANY4, Cidr.ANY6);
            } else {
                try {
                    cidrs = List.of(Cidr.parse(r.cidr().strip()));
                } catch (IllegalArgumentException e) {
                    throw new NetworkPolicyException("cidr", r.cidr(), at + ".cidr: " + e.getMessage());
                }
            }
            Protocol p = Protocol.ANY;
            if (r.protocol() != null) {
                String t = r.protocol().strip().toUpperCase(Locale.ROOT);
                p = switch (t) {
                    case "TCP" -> Protocol.TCP;
                    case "UDP" -> Protocol.UDP;
                    case "ICMP", "ICMPV6" -> Protocol.ICMP;
                    case "ANY" -> Protocol.ANY;
                    default -> throw new NetworkPolicyException("protocol", r.protocol(),
                            at + ".protocol: \"" + r.protocol() + "\" is not one of TCP, UDP, ICMP (ICMPv6 for IPv6 prefixes), ANY");
                };
            }
            List<PortRange> ports = new ArrayList<>();
            if (r.ports() != null) {
                if (p == Protocol.ICMP) throw new NetworkPolicyException("ports", null, at + ".ports: ICMP has no ports");
                for (String s : r.ports()) ports.add(port(s, at + ".ports"));
            }
            rules.add(new Rule(i, a, cidrs, p, List.copyOf(ports)));
        }
        return new Direction(def, List.copyOf(rules));
    }

    private static Action action(String text, String key, String where) {
        if (text == null) throw new NetworkPolicyException(key, null, where + " is required (allow or deny)");
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "allow" -> Action.ALLOW;
            case "deny" -> Action.DENY;
            default -> throw new NetworkPolicyException(key, text, where + ": \"" + text + "\" is not allow or deny");
        };
    }

    private static PortRange port(String text, String where) {
        if (text == null) throw new NetworkPolicyException("ports", null, where + " must not contain null");
        String t = text.strip();
        int dash = t.indexOf('-');
        try {
            int lo = Integer.parseInt(dash < 0 ? t : t.substring(0, dash).strip());
            int hi = dash < 0 ? lo : Integer.parseInt(t.substring(dash + 1).strip());
            if (lo < 1 || hi > 65535 || lo > hi) {
                throw new NetworkPolicyException("ports", text, where + ": \"" + text + "\" must be a port 1..65535 or a range LO-HI with LO <= HI");
            }
            return new PortRange(lo, hi);
        } catch (NumberFormatException e) {
            throw new NetworkPolicyException("ports", text, where + ": \"" + text + "\" is not a port or a port range (\"22\", \"3000-3999\")");
        }
    }

    private static Limit limit(NetworkSpec.LimitSpec l, String name) {
        if (l == null) return null;
        String where = "spec.network.bandwidth." + name;
        if (l.rate() == null) throw new NetworkPolicyException("rate", null, where + ".rate is required");
        long rate, ceil;
        try {
            rate = Rates.parse(l.rate());
        } catch (IllegalArgumentException e) {
            throw new NetworkPolicyException("rate", l.rate(), where + ".rate: " + e.getMessage());
        }
        try {
            ceil = l.ceil() == null ? rate : Rates.parse(l.ceil());
        } catch (IllegalArgumentException e) {
            throw new NetworkPolicyException("ceil", l.ceil(), where + ".ceil: " + e.getMessage());
        }
        if (ceil < rate) throw new NetworkPolicyException("ceil", l.ceil(), where + ".ceil must not be below rate");
        return new Limit(rate, ceil);
    }
}
