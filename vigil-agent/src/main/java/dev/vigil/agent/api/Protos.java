package dev.vigil.agent.api;

import dev.vigil.agent.AgentStats;
import dev.vigil.agent.policy.PolicyRegistry;
import dev.vigil.agent.sensor.SensorStatus;
import dev.vigil.api.v1.Bucket;
import dev.vigil.api.v1.Container;
import dev.vigil.api.v1.ContainerConfig;
import dev.vigil.api.v1.Count;
import dev.vigil.api.v1.Counters;
import dev.vigil.api.v1.Mount;
import dev.vigil.api.v1.Policy;
import dev.vigil.api.v1.RiskFinding;
import dev.vigil.api.v1.Sensor;
import dev.vigil.api.v1.SensorState;
import dev.vigil.api.v1.StatsResponse;
import dev.vigil.api.v1.StoredEvent;
import dev.vigil.containers.ContainerInfo;
import dev.vigil.store.StoreStats;

import java.time.Instant;
import java.util.Locale;

/** Conversions from the agent's types to the API's messages. */
final class Protos {
    private Protos() {}

    static Sensor sensor(SensorStatus s) {
        SensorState state = switch (s.state()) {
            case ATTACHED -> SensorState.SENSOR_STATE_ATTACHED;
            case LOADED -> SensorState.SENSOR_STATE_LOADED;
            case DISABLED -> SensorState.SENSOR_STATE_DISABLED;
            case UNAVAILABLE -> SensorState.SENSOR_STATE_UNAVAILABLE;
        };
        return Sensor.newBuilder().setName(s.spec().name()).setDescription(s.spec().description()).setState(state)
                .setReason(s.reason()).setEnforcementMode(s.enforcementMode()).addAllPrograms(s.programs()).build();
    }

    static Counters counters(AgentStats s, long storeDropped) {
        return Counters.newBuilder()
                .putAllKernelRingDrops(s.kernelRingDrops())
                .putAllKernelErrors(s.kernelErrors())
                .setRingRecords(s.ringRecords())
                .setRingBytes(s.ringBytes())
                .setRecordFailures(s.recordFailures())
                .setUnknownRecords(s.unknownRecords())
                .setEvents(s.events())
                .putAllEventsByType(s.eventsByType())
                .setPipelineErrors(s.pipelineErrors())
                .setSideEventsDropped(s.sideEventsDropped())
                .setProcessCacheLive(s.processCacheLive())
                .setProcessCacheExited(s.processCacheExited())
                .setProcessCacheEvictions(s.processCacheEvictions())
                .setProcessCacheReconciled(s.processCacheReconciled())
                .setContainerEvictions(s.containerEvictions())
                .setStoreDropped(storeDropped)
                .setStreamDropped(s.streamDropped())
                .setEventsWithoutContainerDetails(s.eventsWithoutContainerDetails())
                .setContainersPlacedByNamespace(s.containersPlacedByNamespace())
                .setContainerPlacementConflicts(s.containerPlacementConflicts())
                .build();
    }

    static Container container(ContainerInfo c, boolean running) {
        Container.Builder b = Container.newBuilder().setId(c.id()).setName(c.name()).setImage(c.image()).setImageId(c.imageId())
                .putAllLabels(c.labels()).setRuntime(c.runtime()).setInitPid(c.initPid())
                .setStartedAt(c.startedAt() == null ? "" : c.startedAt().toString())
                .setCgroupPath(c.cgroupPath() == null ? "" : c.cgroupPath())
                .setRunning(running);
        if (c.pod() != null) b.setPodName(c.pod().name()).setPodNamespace(c.pod().namespace()).setPodUid(c.pod().uid());
        return b.build();
    }

    static ContainerConfig config(dev.vigil.containers.ContainerConfig c) {
        ContainerConfig.Builder b = ContainerConfig.newBuilder().setPrivileged(c.privileged()).addAllCapAdd(c.capAdd())
                .setHostPid(c.hostPid()).setHostNet(c.hostNet()).setHostIpc(c.hostIpc()).setUser(c.user())
                .setReadonlyRootfs(c.readonlyRootfs()).setSeccompProfile(c.seccompProfile()).setNetworkMode(c.networkMode());
        for (dev.vigil.containers.ContainerConfig.Mount m : c.mounts()) {
            b.addMounts(Mount.newBuilder().setSource(m.source()).setDestination(m.destination()).setReadWrite(m.readWrite()));
        }
        return b.build();
    }

    static RiskFinding finding(dev.vigil.containers.RiskFinding f) {
        return RiskFinding.newBuilder().setId(f.id()).setSeverity(f.severity().name().toLowerCase(Locale.ROOT))
                .setSubject(f.subject()).setMessage(f.message()).build();
    }

    static StoredEvent stored(dev.vigil.store.StoredEvent e) {
        return StoredEvent.newBuilder().setId(e.id()).setTime(e.time() == null ? "" : e.time().toString()).setType(e.type())
                .setNode(e.node()).setRule(e.rule()).setPriority(e.priority()).setAction(e.action())
                .setContainerId(e.containerId()).setContainerName(e.containerName()).setPodName(e.podName())
                .setPodNamespace(e.podNamespace()).setBinary(e.binary()).setJson(e.json()).build();
    }

    static StatsResponse stats(StoreStats s) {
        StatsResponse.Builder b = StatsResponse.newBuilder().setTotal(s.total());
        for (StoreStats.Count c : s.topRules()) b.addTopRules(Count.newBuilder().setKey(c.key()).setCount(c.count()));
        for (StoreStats.Count c : s.topContainers()) b.addTopContainers(Count.newBuilder().setKey(c.key()).setCount(c.count()));
        for (StoreStats.Bucket k : s.blockedOverTime()) {
            b.addBlockedOverTime(Bucket.newBuilder().setStart(k.start().toString()).setBlocked(k.blocked()).setAlerted(k.alerted()));
        }
        return b.build();
    }

    static Policy policy(PolicyRegistry.Applied a) {
        return Policy.newBuilder().setName(a.name()).setSourceFile(a.sourceFile()).setAppliedAt(a.appliedAt().toString())
                .setYaml(a.yaml()).build();
    }

    static Instant millis(long unixMillis) {
        return unixMillis == 0 ? null : Instant.ofEpochMilli(unixMillis);
    }
}
