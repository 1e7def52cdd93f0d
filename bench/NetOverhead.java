import dev.vigil.net.EndpointSpec;
import dev.vigil.net.NetEnforcer;
import dev.vigil.net.policy.Cidr;
import dev.vigil.net.policy.CompiledPolicy;
import dev.vigil.net.policy.NetworkModel;

import java.util.ArrayList;
import java.util.List;

/**
 * Attaches Vigil's network programs to one interface for bench/net-overhead.sh, with a policy
 * that makes every packet take the full path (endpoint lookup, LPM lookup, a rule scan that
 * misses, default allow, counters), then waits for stdin to close and detaches.
 *
 *   java -cp ... bench/NetOverhead.java IFNAME
 */
public class NetOverhead {
    public static void main(String[] args) throws Exception {
        List<NetworkModel.Rule> rules = new ArrayList<>();
        // Covering prefixes of the bench addresses with port rules that do not match iperf3's port.
        rules.add(new NetworkModel.Rule(0, NetworkModel.Action.DENY, List.of(Cidr.parse("10.0.0.0/8")), NetworkModel.Protocol.TCP,
                List.of(new NetworkModel.PortRange(1, 1000))));
        rules.add(new NetworkModel.Rule(1, NetworkModel.Action.DENY, List.of(Cidr.parse("10.78.0.0/16")), NetworkModel.Protocol.UDP,
                List.of(new NetworkModel.PortRange(53, 53))));
        rules.add(new NetworkModel.Rule(2, NetworkModel.Action.DENY, List.of(Cidr.parse("192.168.0.0/16")), NetworkModel.Protocol.ANY, List.of()));
        NetworkModel.Direction d = new NetworkModel.Direction(NetworkModel.Action.ALLOW, rules);
        NetworkModel model = new NetworkModel(d, d, null, null);
        try (NetEnforcer e = NetEnforcer.open(new NetEnforcer.Options(0x564e, 1, false, 4096))) {
            e.protect(new EndpointSpec("bench", "bench", args[0], null, null, null), List.of(new CompiledPolicy.Source("bench", model)));
            System.out.println("attached");
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the script closes our stdin
            }
            System.err.println("allowed packets counted: " + e.stats().packets("bench", null, "allow", "tc"));
        }
    }
}
