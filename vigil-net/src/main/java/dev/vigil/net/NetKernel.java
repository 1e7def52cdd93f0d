package dev.vigil.net;

import dev.vigil.kernel.BpfMap;
import dev.vigil.kernel.BpfObject;

import java.util.List;

/**
 * The two network objects and their shared maps. net_tc is loaded first; net_sock (cgroup
 * socket hooks) reuses its map fds so both layers read one policy and write one set of
 * counters. The socket layer is optional: without cgroup v2 only TC enforces.
 */
final class NetKernel implements AutoCloseable {
    static final List<String> SHARED_MAPS = List.of("vigil_net_ep_if", "vigil_net_ep_cg", "vigil_net_pol", "vigil_net_lpm4",
            "vigil_net_lpm6", "vigil_net_cnt", "vigil_net_flows", "vigil_net_err");

    final BpfObject tc;
    final BpfObject sock;
    final BpfMap epIf, epCg, policies, lpm4, lpm6, counters, flows, errors;

    private NetKernel(BpfObject tc, BpfObject sock) {
        this.tc = tc;
        this.sock = sock;
        epIf = tc.map("vigil_net_ep_if");
        epCg = tc.map("vigil_net_ep_cg");
        policies = tc.map("vigil_net_pol");
        lpm4 = tc.map("vigil_net_lpm4");
        lpm6 = tc.map("vigil_net_lpm6");
        counters = tc.map("vigil_net_cnt");
        flows = tc.map("vigil_net_flows");
        errors = tc.map("vigil_net_err");
    }

    static NetKernel load(boolean socketLayer, int flowRecords) {
        BpfObject tc = BpfObject.openResource("net_tc");
        BpfObject sock = null;
        try {
            tc.map("vigil_net_flows").setMaxEntries(flowRecords);
            tc.load();
            if (socketLayer) {
                sock = BpfObject.openResource("net_sock");
                for (String m : SHARED_MAPS) sock.map(m).reuse(tc.map(m));
                sock.load();
            }
            return new NetKernel(tc, sock);
        } catch (RuntimeException e) {
            if (sock != null) sock.close();
            tc.close();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            if (sock != null) sock.close();
        } finally {
            tc.close();
        }
    }
}
