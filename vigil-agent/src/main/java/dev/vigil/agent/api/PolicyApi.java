package dev.vigil.agent.api;

import dev.vigil.agent.Agent;
import dev.vigil.agent.policy.PolicyRegistry;
import dev.vigil.api.v1.ApplyPolicyRequest;
import dev.vigil.api.v1.ApplyPolicyResponse;
import dev.vigil.api.v1.DeletePolicyRequest;
import dev.vigil.api.v1.DeletePolicyResponse;
import dev.vigil.api.v1.GetPolicyRequest;
import dev.vigil.api.v1.ListPoliciesRequest;
import dev.vigil.api.v1.ListPoliciesResponse;
import dev.vigil.api.v1.Policy;
import dev.vigil.api.v1.PolicyServiceGrpc;
import io.grpc.stub.StreamObserver;

import java.util.NoSuchElementException;

final class PolicyApi extends PolicyServiceGrpc.PolicyServiceImplBase {
    private final Agent agent;

    PolicyApi(Agent agent) {
        this.agent = agent;
    }

    @Override
    public void applyPolicy(ApplyPolicyRequest request, StreamObserver<ApplyPolicyResponse> observer) {
        Rpc.unary("ApplyPolicy", observer, () -> {
            PolicyRegistry.ApplyResult r = agent.policies().apply(request.getYaml(), request.getSourceFile());
            return ApplyPolicyResponse.newBuilder().setPolicy(Protos.policy(r.applied())).setCreated(r.created()).build();
        });
    }

    @Override
    public void listPolicies(ListPoliciesRequest request, StreamObserver<ListPoliciesResponse> observer) {
        Rpc.unary("ListPolicies", observer, () -> {
            ListPoliciesResponse.Builder b = ListPoliciesResponse.newBuilder();
            for (PolicyRegistry.Applied a : agent.policies().list()) b.addPolicies(Protos.policy(a));
            return b.build();
        });
    }

    @Override
    public void getPolicy(GetPolicyRequest request, StreamObserver<Policy> observer) {
        Rpc.unary("GetPolicy", observer, () -> agent.policies().get(request.getName()).map(Protos::policy)
                .orElseThrow(() -> new NoSuchElementException("no policy named \"" + request.getName() + "\"")));
    }

    @Override
    public void deletePolicy(DeletePolicyRequest request, StreamObserver<DeletePolicyResponse> observer) {
        Rpc.unary("DeletePolicy", observer, () -> {
            if (!agent.policies().delete(request.getName())) throw new NoSuchElementException("no policy named \"" + request.getName() + "\"");
            return DeletePolicyResponse.getDefaultInstance();
        });
    }
}
