package dev.vigil.cli;

import dev.vigil.api.v1.ContainerServiceGrpc;
import dev.vigil.api.v1.EventServiceGrpc;
import dev.vigil.api.v1.FeatureServiceGrpc;
import dev.vigil.api.v1.PolicyServiceGrpc;
import dev.vigil.api.v1.StatusServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A connection to the agent's unix socket; owns its channel and event loop. */
final class ApiClient implements AutoCloseable {
    // Netty warns through java.util.logging that a unix socket has no SO_KEEPALIVE (gRPC sets it
    // for every transport); that line would break the CLI's one-line errors. Held so it stays set.
    private static final java.util.logging.Logger NETTY_BOOTSTRAP = quiet("io.grpc.netty.shaded.io.netty.bootstrap");

    static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger l = java.util.logging.Logger.getLogger(name);
        l.setLevel(java.util.logging.Level.SEVERE);
        return l;
    }

    private final Path socket;
    private final EventLoopGroup group;
    private final ManagedChannel channel;

    private ApiClient(Path socket, EventLoopGroup group, ManagedChannel channel) {
        this.socket = socket;
        this.group = group;
        this.channel = channel;
    }

    /** Checks the socket before connecting, so the two common mistakes get their own exit code and message. */
    static ApiClient connect(Path socket) {
        // exists() is false both when there is no file and when we may not look; only the first means "not running".
        if (Files.notExists(socket)) throw new CliException(ExitCodes.NOT_RUNNING, "the agent is not running (no socket at " + socket + ")");
        if (!Files.isWritable(socket)) {
            throw new CliException(ExitCodes.PERMISSION_DENIED, "permission denied: the API socket is root-only; run as root");
        }
        EventLoopGroup group = new EpollEventLoopGroup(1);
        ManagedChannel channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollDomainSocketChannel.class)
                .eventLoopGroup(group)
                .usePlaintext()
                .build();
        return new ApiClient(socket, group, channel);
    }

    Path socket() {
        return socket;
    }

    StatusServiceGrpc.StatusServiceBlockingStub status() {
        return StatusServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    FeatureServiceGrpc.FeatureServiceBlockingStub features() {
        return FeatureServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    /** No deadline: --follow streams until interrupted. */
    EventServiceGrpc.EventServiceBlockingStub events() {
        return EventServiceGrpc.newBlockingStub(channel);
    }

    ContainerServiceGrpc.ContainerServiceBlockingStub containers() {
        return ContainerServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    dev.vigil.api.v1.NetServiceGrpc.NetServiceBlockingStub net() {
        return dev.vigil.api.v1.NetServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    PolicyServiceGrpc.PolicyServiceBlockingStub policies() {
        return PolicyServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
