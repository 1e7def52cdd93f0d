package dev.vigil.agent.api;

import dev.vigil.agent.Agent;
import dev.vigil.agent.AgentStats;
import dev.vigil.agent.guard.EscapeGuard;
import dev.vigil.agent.sensor.SensorStatus;
import dev.vigil.api.v1.ContainerInventory;
import dev.vigil.api.v1.GetStatusRequest;
import dev.vigil.api.v1.KernelFeature;
import dev.vigil.api.v1.Status;
import dev.vigil.api.v1.StatusServiceGrpc;
import dev.vigil.api.v1.StoreStatus;
import dev.vigil.api.v1.Subscriber;
import dev.vigil.kernel.probe.FeatureStatus;
import dev.vigil.store.StoreHealth;
import io.grpc.stub.StreamObserver;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

final class StatusApi extends StatusServiceGrpc.StatusServiceImplBase {
    private final Agent agent;

    StatusApi(Agent agent) {
        this.agent = agent;
    }

    static String version() {
        String v = Agent.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }

    @Override
    public void getStatus(GetStatusRequest request, StreamObserver<Status> observer) {
        Rpc.unary("GetStatus", observer, () -> {
            Status.Builder b = Status.newBuilder()
                    .setVersion(version())
                    .setNode(agent.node())
                    .setStartedAt(agent.startedAt().toString())
                    .setUptimeSeconds(Duration.between(agent.startedAt(), Instant.now()).toSeconds());
            for (FeatureStatus f : agent.features().all().values()) {
                b.addKernelFeatures(KernelFeature.newBuilder().setName(f.feature().name().toLowerCase(Locale.ROOT))
                        .setAvailable(f.available()).setDetail(f.detail()).setDescription(f.feature().description()));
            }
            for (SensorStatus s : agent.sensors()) b.addSensors(Protos.sensor(s));
            for (EscapeGuard.ProtectionStatus p : agent.guard().status()) {
                b.addProtections(dev.vigil.api.v1.Protection.newBuilder().setName(p.protection().key()).setRule(p.protection().rule())
                        .setDefaultAction(p.defaultAction().label()).setMechanism(p.mechanism()));
            }
            AgentStats stats = agent.stats();
            StoreHealth health = agent.store().health();
            b.setCounters(Protos.counters(stats, stats.storeDropped()));
            b.setContainers(ContainerInventory.newBuilder().setSize(stats.containers()).setSource(String.valueOf(stats.containerSource())));
            b.setStore(StoreStatus.newBuilder().setAvailable(health.available()).setReason(health.reason() == null ? "" : health.reason())
                    .setPath(agent.config().store().path()).setRows(health.rows()).setBytes(health.bytes())
                    .setDropped(health.dropped()).setExpired(health.expired()));
            for (SubscriptionHub.SubscriberInfo s : agent.subscriptions().subscribers()) {
                b.addSubscribers(Subscriber.newBuilder().setId(s.id()).setFilter(s.filter()).setDelivered(s.delivered()).setDropped(s.dropped()));
            }
            b.setNetwork(NetApi.status(agent.network()));
            return b.build();
        });
    }
}
