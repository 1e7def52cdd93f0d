package dev.vigil.containers.cri;

import dev.vigil.containers.cri.v1.RuntimeServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC channel to a CRI runtime's unix socket, with an event loop of its own so that
 * closing it leaves no threads behind. gRPC connects lazily and reconnects by itself; the
 * socket need not exist yet.
 */
final class CriChannel implements AutoCloseable {

    /** Large nodes list thousands of containers; kubelet allows 16 MiB for the same reason. */
    private static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    private final Path socket;
    private final EventLoopGroup eventLoop;
    private final ManagedChannel channel;
    private final RuntimeServiceGrpc.RuntimeServiceBlockingStub stub;

    CriChannel(Path socket) {
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("unix domain sockets need Netty's epoll transport", Epoll.unavailabilityCause());
        }
        this.socket = socket;
        // Daemon threads: a source nobody closed must not keep the JVM alive.
        this.eventLoop = new EpollEventLoopGroup(1, new DefaultThreadFactory("vigil-cri-io", true));
        this.channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .eventLoopGroup(eventLoop)
                .channelType(EpollDomainSocketChannel.class)
                // gRPC asks for TCP keepalive, which a unix socket does not have (Netty warns).
                .withOption(ChannelOption.SO_KEEPALIVE, null)
                .usePlaintext()
                // A socket path is no authority; runtimes ignore it, as grpc-go clients send this.
                .overrideAuthority("localhost")
                // Only blocking stubs are used: they run callbacks on the calling thread, so the
                // shared gRPC executor (and its lingering threads) is never needed.
                .directExecutor()
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .build();
        this.stub = RuntimeServiceGrpc.newBlockingStub(channel);
    }

    Path socket() {
        return socket;
    }

    /** The stub for one request-response call, bounded by {@code timeout}. */
    RuntimeServiceGrpc.RuntimeServiceBlockingStub call(Duration timeout) {
        return stub.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The stub for a long-lived stream: no deadline. */
    RuntimeServiceGrpc.RuntimeServiceBlockingStub stream() {
        return stub;
    }

    /**
     * gRPC backs off reconnecting on its own, up to two minutes, and fails calls at once
     * meanwhile; the caller has its own backoff and wants each attempt to really connect.
     */
    void reconnectNow() {
        channel.resetConnectBackoff();
    }

    /** An RPC failure as the IOException the container sources report. */
    static IOException failure(String rpc, StatusRuntimeException e) {
        Status status = e.getStatus();
        String detail = status.getDescription() == null ? "" : ": " + status.getDescription();
        return new IOException("CRI " + rpc + ": " + status.getCode() + detail, e);
    }

    static boolean isNotFound(StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        // Some runtime versions report a missing container as UNKNOWN with a "not found" text.
        return code == Status.Code.NOT_FOUND
                || (code == Status.Code.UNKNOWN && String.valueOf(e.getStatus().getDescription()).contains("not found"));
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(2, TimeUnit.SECONDS);
            eventLoop.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
