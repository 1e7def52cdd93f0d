package dev.vigil.agent.api;

import dev.vigil.agent.Agent;
import dev.vigil.agent.sensor.SensorStatus;
import dev.vigil.api.v1.FeatureServiceGrpc;
import dev.vigil.api.v1.ListFeaturesRequest;
import dev.vigil.api.v1.ListFeaturesResponse;
import dev.vigil.api.v1.SetFeatureRequest;
import dev.vigil.api.v1.Sensor;
import io.grpc.stub.StreamObserver;

final class FeatureApi extends FeatureServiceGrpc.FeatureServiceImplBase {
    private final Agent agent;

    FeatureApi(Agent agent) {
        this.agent = agent;
    }

    @Override
    public void listFeatures(ListFeaturesRequest request, StreamObserver<ListFeaturesResponse> observer) {
        Rpc.unary("ListFeatures", observer, () -> {
            ListFeaturesResponse.Builder b = ListFeaturesResponse.newBuilder();
            for (SensorStatus s : agent.sensors()) b.addSensors(Protos.sensor(s));
            return b.build();
        });
    }

    @Override
    public void setFeature(SetFeatureRequest request, StreamObserver<Sensor> observer) {
        Rpc.unary("SetFeature", observer, () -> Protos.sensor(agent.setSensorEnabled(request.getName(), request.getEnabled())));
    }
}
