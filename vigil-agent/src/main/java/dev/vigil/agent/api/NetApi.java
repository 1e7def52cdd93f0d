package dev.vigil.agent.api;

import dev.vigil.agent.Agent;
import dev.vigil.agent.net.NetworkProtection;
import dev.vigil.api.v1.Flow;
import dev.vigil.api.v1.GetNetStatsRequest;
import dev.vigil.api.v1.ListFlowsRequest;
import dev.vigil.api.v1.ListFlowsResponse;
import dev.vigil.api.v1.NetCounter;
import dev.vigil.api.v1.NetServiceGrpc;
import dev.vigil.api.v1.NetStats;
import dev.vigil.api.v1.NetStatus;
import dev.vigil.net.FlowRecord;
import io.grpc.stub.StreamObserver;

/** vigil.v1.NetService: the network enforcer's flows and counters, read from the kernel maps on each call. */
final class NetApi extends NetServiceGrpc.NetServiceImplBase {
    private final Agent agent;

    NetApi(Agent agent) {
        this.agent = agent;
    }

    static NetStatus status(NetworkProtection n) {
        if (n == null) return NetStatus.newBuilder().setMode("off").build();
        dev.vigil.net.NetStats s = n.stats();
        return NetStatus.newBuilder().setMode(n.mode()).setInterfaces(s.interfaces()).setContainers(s.containers())
                .putAllFailures(n.failures()).build();
    }

    @Override
    public void listFlows(ListFlowsRequest request, StreamObserver<ListFlowsResponse> observer) {
        Rpc.unary("ListFlows", observer, () -> {
            ListFlowsResponse.Builder b = ListFlowsResponse.newBuilder();
            NetworkProtection n = agent.network();
            if (n == null) return b.build();
            for (FlowRecord f : n.flows(request.getContainer().isEmpty() ? null : request.getContainer())) {
                b.addFlows(Flow.newBuilder().setContainerId(f.containerId()).setContainerName(f.containerName())
                        .setDirection(f.direction()).setLayer(f.layer()).setProtocol(f.protocol())
                        .setSource(f.source()).setSourcePort(f.sourcePort()).setDestination(f.destination())
                        .setDestinationPort(f.destinationPort()).setRule(f.rule()).setFirstSeen(f.firstSeen().toString())
                        .setLastSeen(f.lastSeen().toString()).setPackets(f.packets()).setBytes(f.bytes()));
            }
            return b.build();
        });
    }

    @Override
    public void getNetStats(GetNetStatsRequest request, StreamObserver<NetStats> observer) {
        Rpc.unary("GetNetStats", observer, () -> {
            NetworkProtection n = agent.network();
            NetStats.Builder b = NetStats.newBuilder().setStatus(status(n));
            if (n == null) return b.build();
            dev.vigil.net.NetStats s = n.stats();
            for (dev.vigil.net.NetStats.Row r : s.rows()) {
                b.addCounters(NetCounter.newBuilder().setContainerId(r.containerId()).setContainerName(r.containerName()).setRule(r.rule())
                        .setDirection(r.direction()).setAction(r.action()).setLayer(r.layer()).setPackets(r.packets()).setBytes(r.bytes()));
            }
            b.putAllKernelErrors(s.errors()).setFlowRecords(s.flowRecords());
            return b.build();
        });
    }
}
