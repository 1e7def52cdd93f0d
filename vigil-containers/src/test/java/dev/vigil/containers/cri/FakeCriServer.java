package dev.vigil.containers.cri;

import dev.vigil.containers.cri.v1.Container;
import dev.vigil.containers.cri.v1.ContainerEventResponse;
import dev.vigil.containers.cri.v1.ContainerEventType;
import dev.vigil.containers.cri.v1.ContainerMetadata;
import dev.vigil.containers.cri.v1.ContainerState;
import dev.vigil.containers.cri.v1.ContainerStatus;
import dev.vigil.containers.cri.v1.ContainerStatusRequest;
import dev.vigil.containers.cri.v1.ContainerStatusResponse;
import dev.vigil.containers.cri.v1.GetEventsRequest;
import dev.vigil.containers.cri.v1.ImageSpec;
import dev.vigil.containers.cri.v1.ListContainersRequest;
import dev.vigil.containers.cri.v1.ListContainersResponse;
import dev.vigil.containers.cri.v1.PodSandboxMetadata;
import dev.vigil.containers.cri.v1.PodSandboxStatus;
import dev.vigil.containers.cri.v1.PodSandboxStatusRequest;
import dev.vigil.containers.cri.v1.PodSandboxStatusResponse;
import dev.vigil.containers.cri.v1.RuntimeServiceGrpc;
import dev.vigil.containers.cri.v1.VersionRequest;
import dev.vigil.containers.cri.v1.VersionResponse;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted CRI runtime: the generated RuntimeService served over a real unix socket. The
 * containers and sandboxes live in {@link #runtime}, which survives {@link #stop()} and
 * {@link #start()}, as a restarted containerd still knows its containers.
 */
final class FakeCriServer implements AutoCloseable {

    final Path socket;
    final Runtime runtime = new Runtime();
    private Server server;
    private EventLoopGroup boss;
    private EventLoopGroup workers;

    FakeCriServer(Path socket) {
        this.socket = socket;
    }

    FakeCriServer start() throws IOException {
        // A socket file left by a previous run would make bind fail with EADDRINUSE.
        Files.deleteIfExists(socket);
        boss = new EpollEventLoopGroup(1, new DefaultThreadFactory("fake-cri-boss", true));
        workers = new EpollEventLoopGroup(1, new DefaultThreadFactory("fake-cri-worker", true));
        server = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers)
                .withChildOption(ChannelOption.SO_KEEPALIVE, null)
                .directExecutor()
                .addService(runtime)
                .build()
                .start();
        return this;
    }

    void stop() throws InterruptedException {
        if (server == null) {
            return;
        }
        runtime.subscribers.clear();
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(3, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(3, TimeUnit.SECONDS);
        server = null;
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    /** The service and its scripted state. */
    static final class Runtime extends RuntimeServiceGrpc.RuntimeServiceImplBase {
        final Map<String, ContainerStatusResponse> containers = new ConcurrentHashMap<>();
        final Map<String, String> sandboxOf = new ConcurrentHashMap<>();
        final Map<String, PodSandboxMetadata> sandboxes = new ConcurrentHashMap<>();
        final List<ServerCallStreamObserver<ContainerEventResponse>> subscribers = new CopyOnWriteArrayList<>();
        final AtomicInteger versionCalls = new AtomicInteger();
        final AtomicInteger listCalls = new AtomicInteger();
        final AtomicInteger sandboxCalls = new AtomicInteger();
        final AtomicInteger subscriptions = new AtomicInteger();
        volatile String runtimeName = "containerd";
        /** Never answer anything: a wedged runtime. */
        volatile boolean hang;
        /** Answer Version with UNIMPLEMENTED, as a containerd with its CRI plugin disabled does. */
        volatile boolean criDisabled;
        /** Answer GetContainerEvents with UNIMPLEMENTED, as runtimes before CRI v1.26 do. */
        volatile boolean eventsUnimplemented;

        void put(ContainerStatusResponse c, String sandboxId) {
            containers.put(c.getStatus().getId(), c);
            sandboxOf.put(c.getStatus().getId(), sandboxId);
        }

        void setState(String id, ContainerState state) {
            containers.computeIfPresent(id, (k, c) -> c.toBuilder()
                    .setStatus(c.getStatus().toBuilder().setState(state)).build());
        }

        @Override
        public void version(VersionRequest request, StreamObserver<VersionResponse> out) {
            versionCalls.incrementAndGet();
            if (hang) {
                return;
            }
            if (criDisabled) {
                super.version(request, out);
                return;
            }
            out.onNext(VersionResponse.newBuilder().setVersion("0.1.0").setRuntimeName(runtimeName)
                    .setRuntimeVersion("1.7.99").setRuntimeApiVersion("v1").build());
            out.onCompleted();
        }

        @Override
        public void listContainers(ListContainersRequest request, StreamObserver<ListContainersResponse> out) {
            listCalls.incrementAndGet();
            if (hang) {
                return;
            }
            ListContainersResponse.Builder response = ListContainersResponse.newBuilder();
            for (ContainerStatusResponse c : containers.values()) {
                ContainerStatus s = c.getStatus();
                if (request.getFilter().hasState() && request.getFilter().getState().getState() != s.getState()) {
                    continue;
                }
                response.addContainers(Container.newBuilder()
                        .setId(s.getId())
                        .setPodSandboxId(sandboxOf.getOrDefault(s.getId(), ""))
                        .setMetadata(s.getMetadata())
                        // containerd lists the image id here, not the name.
                        .setImage(ImageSpec.newBuilder().setImage(s.getImageId()).setUserSpecifiedImage(s.getImage().getImage()))
                        .setImageRef(s.getImageRef())
                        .setState(s.getState())
                        .setCreatedAt(s.getCreatedAt())
                        .putAllLabels(s.getLabelsMap()));
            }
            out.onNext(response.build());
            out.onCompleted();
        }

        @Override
        public void containerStatus(ContainerStatusRequest request, StreamObserver<ContainerStatusResponse> out) {
            if (hang) {
                return;
            }
            ContainerStatusResponse c = containers.get(request.getContainerId());
            if (c == null) {
                out.onError(Status.NOT_FOUND.withDescription("container " + request.getContainerId() + " not found")
                        .asRuntimeException());
                return;
            }
            out.onNext(request.getVerbose() ? c : c.toBuilder().clearInfo().build());
            out.onCompleted();
        }

        @Override
        public void podSandboxStatus(PodSandboxStatusRequest request, StreamObserver<PodSandboxStatusResponse> out) {
            sandboxCalls.incrementAndGet();
            if (hang) {
                return;
            }
            PodSandboxMetadata meta = sandboxes.get(request.getPodSandboxId());
            if (meta == null) {
                out.onError(Status.NOT_FOUND.asRuntimeException());
                return;
            }
            out.onNext(PodSandboxStatusResponse.newBuilder()
                    .setStatus(PodSandboxStatus.newBuilder().setId(request.getPodSandboxId()).setMetadata(meta)).build());
            out.onCompleted();
        }

        @Override
        public void getContainerEvents(GetEventsRequest request, StreamObserver<ContainerEventResponse> out) {
            subscriptions.incrementAndGet();
            if (eventsUnimplemented) {
                super.getContainerEvents(request, out);
                return;
            }
            ServerCallStreamObserver<ContainerEventResponse> observer = (ServerCallStreamObserver<ContainerEventResponse>) out;
            observer.setOnCancelHandler(() -> subscribers.remove(observer));
            if (!hang) {
                subscribers.add(observer);
            }
        }

        /** Sends an event about {@code id} to every subscriber, with its status and sandbox as containerd does. */
        synchronized void emit(ContainerEventType type, String id) {
            ContainerEventResponse.Builder event = ContainerEventResponse.newBuilder()
                    .setContainerId(id).setContainerEventType(type).setCreatedAt(System.currentTimeMillis() * 1_000_000L);
            ContainerStatusResponse c = containers.get(id);
            if (c != null) {
                event.addContainersStatuses(c.getStatus());
            }
            String sandboxId = sandboxOf.getOrDefault(id, id);
            PodSandboxMetadata meta = sandboxes.get(sandboxId);
            PodSandboxStatus.Builder sandbox = PodSandboxStatus.newBuilder().setId(sandboxId);
            if (meta != null) {
                sandbox.setMetadata(meta);
            }
            event.setPodSandboxStatus(sandbox);
            for (ServerCallStreamObserver<ContainerEventResponse> s : subscribers) {
                s.onNext(event.build());
            }
        }
    }

    /** A container status as containerd reports it, with the verbose info JSON given. */
    static ContainerStatusResponse container(String id, String name, ContainerState state, Map<String, String> labels,
                                             String infoJson) {
        ContainerStatusResponse.Builder b = ContainerStatusResponse.newBuilder().setStatus(ContainerStatus.newBuilder()
                .setId(id)
                .setMetadata(ContainerMetadata.newBuilder().setName(name).setAttempt(0))
                .setState(state)
                .setCreatedAt(1_714_557_600_000_000_000L)
                .setStartedAt(state == ContainerState.CONTAINER_CREATED ? 0 : 1_714_557_601_250_000_000L)
                .setImage(ImageSpec.newBuilder().setImage("docker.io/library/nginx:1.25"))
                .setImageRef("docker.io/library/nginx@sha256:" + "ab".repeat(32))
                .setImageId("sha256:" + "cd".repeat(32))
                .putAllLabels(labels));
        if (infoJson != null) {
            b.putInfo("info", infoJson);
        }
        return b.build();
    }
}
