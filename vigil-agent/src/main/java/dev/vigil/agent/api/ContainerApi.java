package dev.vigil.agent.api;

import dev.vigil.agent.Agent;
import dev.vigil.api.v1.ContainerDetail;
import dev.vigil.api.v1.ContainerServiceGrpc;
import dev.vigil.api.v1.InspectContainerRequest;
import dev.vigil.api.v1.ListContainersRequest;
import dev.vigil.api.v1.ListContainersResponse;
import dev.vigil.containers.ContainerInfo;
import dev.vigil.containers.ContainerInventory;
import dev.vigil.containers.RiskAssessor;
import dev.vigil.containers.RiskFinding;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;

final class ContainerApi extends ContainerServiceGrpc.ContainerServiceImplBase {
    private static final RiskAssessor RISK = new RiskAssessor();
    private final Agent agent;

    ContainerApi(Agent agent) {
        this.agent = agent;
    }

    @Override
    public void listContainers(ListContainersRequest request, StreamObserver<ListContainersResponse> observer) {
        Rpc.unary("ListContainers", observer, () -> {
            ContainerInventory inv = agent.containers();
            ListContainersResponse.Builder b = ListContainersResponse.newBuilder();
            inv.containers().stream().sorted(Comparator.comparing(ContainerInfo::name).thenComparing(ContainerInfo::id))
                    .forEach(c -> b.addContainers(Protos.container(c, inv.isRunning(c.id()))));
            return b.build();
        });
    }

    @Override
    public void inspectContainer(InspectContainerRequest request, StreamObserver<ContainerDetail> observer) {
        Rpc.unary("InspectContainer", observer, () -> {
            ContainerInventory inv = agent.containers();
            ContainerInfo c = find(inv.containers(), request.getId());
            ContainerDetail.Builder b = ContainerDetail.newBuilder().setContainer(Protos.container(c, inv.isRunning(c.id())));
            if (c.config() != null) {
                b.setConfig(Protos.config(c.config()));
                for (RiskFinding f : RISK.assess(c)) b.addFindings(Protos.finding(f));
            }
            return b.build();
        });
    }

    /** Full id, then name, then a unique id prefix. */
    static ContainerInfo find(List<ContainerInfo> all, String ref) {
        if (ref.isEmpty()) throw new IllegalArgumentException("a container id, id prefix or name is required");
        for (ContainerInfo c : all) if (c.id().equals(ref)) return c;
        for (ContainerInfo c : all) if (c.name().equals(ref)) return c;
        List<ContainerInfo> prefixed = all.stream().filter(c -> c.id().startsWith(ref)).toList();
        if (prefixed.size() > 1) {
            throw Status.FAILED_PRECONDITION.withDescription("container id prefix \"" + ref + "\" is ambiguous: "
                    + prefixed.stream().map(ContainerInfo::shortId).toList()).asRuntimeException();
        }
        if (prefixed.isEmpty()) throw new NoSuchElementException("no container \"" + ref + "\" (by id, id prefix or name)");
        return prefixed.getFirst();
    }
}
