package dev.vigil.agent.api;

import dev.vigil.agent.Agent;
import dev.vigil.agent.config.AgentConfig;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The control API: gRPC on a root-only unix socket and, when configured, on TCP with mutual
 * TLS. Owns its event loops and executor; closing stops both listeners and removes the socket.
 */
public final class ApiServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ApiServer.class.getName());
    /** Requests are small; a policy document is the largest. Bigger ones fail with RESOURCE_EXHAUSTED. */
    public static final int MAX_INBOUND_BYTES = 4 << 20;
    // Netty warns once per connection that a unix socket has no SO_KEEPALIVE, which gRPC sets
    // for every transport; held so the level stays set.
    private static final java.util.logging.Logger NETTY_BOOTSTRAP = java.util.logging.Logger.getLogger("io.grpc.netty.shaded.io.netty.bootstrap");

    static {
        NETTY_BOOTSTRAP.setLevel(java.util.logging.Level.SEVERE);
    }

    private final Path socket;
    private final EventLoopGroup boss, workers;
    private final ExecutorService executor;
    private final Server unixServer;
    private final Server tcpServer;

    private ApiServer(Path socket, EventLoopGroup boss, EventLoopGroup workers, ExecutorService executor, Server unixServer, Server tcpServer) {
        this.socket = socket;
        this.boss = boss;
        this.workers = workers;
        this.executor = executor;
        this.unixServer = unixServer;
        this.tcpServer = tcpServer;
    }

    public static ApiServer start(Agent agent, AgentConfig.ApiConfig config) {
        List<BindableService> services = List.of(new StatusApi(agent), new FeatureApi(agent), new EventApi(agent),
                new ContainerApi(agent), new PolicyApi(agent), new NetApi(agent));
        Path socket = Path.of(config.socket()).toAbsolutePath();
        EventLoopGroup boss = new EpollEventLoopGroup(1);
        EventLoopGroup workers = new EpollEventLoopGroup(2);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        Server unix = null, tcp = null;
        try {
            unix = startUnix(socket, services, boss, workers, executor);
            if (config.tcp().enabled()) tcp = startTcp(config.tcp(), services, executor);
            return new ApiServer(socket, boss, workers, executor, unix, tcp);
        } catch (RuntimeException | IOException e) {
            if (unix != null) unix.shutdownNow();
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            executor.shutdownNow();
            if (e instanceof IOException io) throw new UncheckedIOException("cannot start the API on " + socket + ": " + io.getMessage(), io);
            throw (RuntimeException) e;
        }
    }

    /**
     * Binds in a fresh 0700 directory beside the final path, sets the socket to 0600, then
     * renames it into place: no client can reach it before its mode is right, whatever the
     * process umask or the parent directory's mode.
     */
    private static Server startUnix(Path socket, List<BindableService> services, EventLoopGroup boss, EventLoopGroup workers,
                                    ExecutorService executor) throws IOException {
        Path dir = socket.getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.isRegularFile(socket, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(socket, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(socket + " exists and is not a socket");
            }
            if (live(socket)) throw new IllegalStateException("another agent is already serving " + socket);
            Files.delete(socket); // a stale socket of an agent that did not stop cleanly
        }
        Path staging = Files.createTempDirectory(dir, ".vigil-api-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path bound = staging.resolve("s");
        NettyServerBuilder b = NettyServerBuilder.forAddress(new DomainSocketAddress(bound.toString()))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers)
                .executor(executor)
                .protocolNegotiator(new PeerCredentialsNegotiator())
                .maxInboundMessageSize(MAX_INBOUND_BYTES);
        RootOnlyInterceptor rootOnly = new RootOnlyInterceptor();
        for (BindableService s : services) b.addService(ServerInterceptors.intercept(s, rootOnly));
        Server server = b.build();
        try {
            server.start();
            Files.setPosixFilePermissions(bound, PosixFilePermissions.fromString("rw-------"));
            Files.move(bound, socket, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            server.shutdownNow();
            throw e;
        } finally {
            Files.deleteIfExists(bound);
            Files.deleteIfExists(staging);
        }
        LOG.log(System.Logger.Level.INFO, "API listening on " + socket + " (root only)");
        return server;
    }

    private static boolean live(Path socket) {
        try (java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            ch.connect(java.net.UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Server startTcp(AgentConfig.TcpConfig tcp, List<BindableService> services, ExecutorService executor) throws IOException {
        for (String f : List.of(tcp.certFile(), tcp.keyFile(), tcp.clientCaFile())) {
            if (!Files.isReadable(Path.of(f))) throw new IOException("api.tcp: cannot read " + f);
        }
        TlsServerCredentials.Builder creds = TlsServerCredentials.newBuilder()
                .keyManager(new File(tcp.certFile()), new File(tcp.keyFile()))
                .trustManager(new File(tcp.clientCaFile()))
                .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
        InetSocketAddress parsed = AgentConfig.hostPort("api.tcp.address", tcp.address());
        InetSocketAddress addr = parsed.isUnresolved() ? new InetSocketAddress(parsed.getHostString(), parsed.getPort()) : parsed;
        NettyServerBuilder b = NettyServerBuilder.forAddress(addr, creds.build()).executor(executor).maxInboundMessageSize(MAX_INBOUND_BYTES);
        for (BindableService s : services) b.addService(s);
        Server server = b.build().start();
        LOG.log(System.Logger.Level.INFO, "API listening on " + addr + " (TCP, mutual TLS)");
        return server;
    }

    public Path socket() {
        return socket;
    }

    /** The TCP listener's port, -1 when there is none. */
    public int tcpPort() {
        return tcpServer == null ? -1 : tcpServer.getPort();
    }

    @Override
    public void close() {
        for (Server s : new Server[]{tcpServer, unixServer}) {
            if (s == null) continue;
            s.shutdown();
            try {
                if (!s.awaitTermination(2, TimeUnit.SECONDS)) s.shutdownNow();
            } catch (InterruptedException e) {
                s.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        executor.shutdownNow();
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot remove " + socket + ": " + e.getMessage());
        }
    }
}
