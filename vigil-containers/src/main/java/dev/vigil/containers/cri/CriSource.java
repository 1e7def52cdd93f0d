package dev.vigil.containers.cri;

import dev.vigil.containers.CgroupFs;
import dev.vigil.containers.CgroupMatch;
import dev.vigil.containers.ContainerInfo;
import dev.vigil.containers.ContainerSource;
import dev.vigil.containers.PodInfo;
import dev.vigil.containers.RuntimeEvent;
import dev.vigil.containers.cri.v1.Container;
import dev.vigil.containers.cri.v1.ContainerFilter;
import dev.vigil.containers.cri.v1.ContainerState;
import dev.vigil.containers.cri.v1.ContainerStateValue;
import dev.vigil.containers.cri.v1.ContainerStatusRequest;
import dev.vigil.containers.cri.v1.ContainerStatusResponse;
import dev.vigil.containers.cri.v1.ListContainersRequest;
import dev.vigil.containers.cri.v1.PodSandboxMetadata;
import dev.vigil.containers.cri.v1.PodSandboxStatusRequest;
import dev.vigil.containers.cri.v1.VersionRequest;
import dev.vigil.containers.cri.v1.VersionResponse;
import io.grpc.StatusRuntimeException;

import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Containers from a Kubernetes node's runtime (containerd, CRI-O) through the Container
 * Runtime Interface: gRPC {@code runtime.v1.RuntimeService} on the runtime's unix socket.
 * Request-response calls are bounded by a deadline. Live changes come from
 * GetContainerEvents, reconnecting with exponential backoff; runtimes too old for it are
 * polled with ListContainers instead.
 *
 * <p>Owns a gRPC channel and its event loop: {@link #close()} releases them and stops the
 * watches. Threads are daemons, so an unclosed source does not keep the JVM alive.
 */
public final class CriSource implements ContainerSource, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(CriSource.class.getName());
    /** Sandboxes whose pod is remembered; kubelet labels usually make asking unnecessary. */
    private static final int SANDBOX_CACHE_SIZE = 1024;

    /**
     * @param requestTimeout deadline of each request-response call
     * @param reconnectMin   first delay before reconnecting the event feed
     * @param reconnectMax   the delay doubles up to this
     * @param pollInterval   how often ListContainers is diffed when the runtime has no event stream
     * @param cgroupFs       where container cgroup paths are looked up; null means {@link CgroupFs#detect()}
     */
    public record Options(Duration requestTimeout, Duration reconnectMin, Duration reconnectMax,
                          Duration pollInterval, CgroupFs cgroupFs) {
        public Options {
            Objects.requireNonNull(requestTimeout);
            Objects.requireNonNull(reconnectMin);
            Objects.requireNonNull(reconnectMax);
            Objects.requireNonNull(pollInterval);
        }

        public static Options defaults() {
            return new Options(Duration.ofSeconds(5), Duration.ofMillis(250), Duration.ofSeconds(10),
                    Duration.ofSeconds(3), null);
        }

        public Options withRequestTimeout(Duration d) {
            return new Options(d, reconnectMin, reconnectMax, pollInterval, cgroupFs);
        }

        public Options withReconnect(Duration min, Duration max) {
            return new Options(requestTimeout, min, max, pollInterval, cgroupFs);
        }

        public Options withPollInterval(Duration d) {
            return new Options(requestTimeout, reconnectMin, reconnectMax, d, cgroupFs);
        }

        public Options withCgroupFs(CgroupFs fs) {
            return new Options(requestTimeout, reconnectMin, reconnectMax, pollInterval, fs);
        }
    }

    private final CriChannel channel;
    private final Options options;
    private final CgroupFs cgroupFs;
    private final Set<CriEventFeed> feeds = ConcurrentHashMap.newKeySet();
    private final Map<String, PodSandboxMetadata> sandboxes = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PodSandboxMetadata> eldest) {
            return size() > SANDBOX_CACHE_SIZE;
        }
    };
    /** Learned from Version once it answers; the socket's owner does not change under a path. */
    private volatile String runtime;

    public CriSource(Path socket) {
        this(socket, Options.defaults());
    }

    /**
     * Does not connect yet; the socket need not exist.
     *
     * @throws IllegalStateException where Netty's epoll transport is unavailable (not Linux)
     */
    public CriSource(Path socket, Options options) {
        this.options = options;
        this.cgroupFs = options.cgroupFs() != null ? options.cgroupFs() : CgroupFs.detect();
        this.channel = new CriChannel(socket);
    }

    /**
     * The runtime sockets to try, in order: $CONTAINER_RUNTIME_ENDPOINT (as crictl reads it)
     * when it names a unix socket, then containerd's, k3s's embedded containerd's and CRI-O's.
     */
    public static List<Path> defaultSockets() {
        Set<Path> out = new LinkedHashSet<>();
        String env = System.getenv("CONTAINER_RUNTIME_ENDPOINT");
        if (env != null && env.startsWith("unix://")) {
            out.add(Path.of(env.substring("unix://".length())));
        }
        out.add(Path.of("/run/containerd/containerd.sock"));
        out.add(Path.of("/run/k3s/containerd/containerd.sock"));
        out.add(Path.of("/var/run/crio/crio.sock"));
        return List.copyOf(out);
    }

    /**
     * A source on the first of {@code sockets} that exists and answers Version. Docker hosts
     * run a containerd with the CRI plugin disabled: its socket exists but does not answer.
     */
    public static Optional<CriSource> detect(List<Path> sockets, Options options) {
        for (Path socket : sockets) {
            if (!Files.exists(socket)) {
                continue;
            }
            CriSource source;
            try {
                source = new CriSource(socket, options);
            } catch (RuntimeException | LinkageError e) {
                LOG.log(Level.INFO, "cannot talk gRPC over unix sockets here: {0}", e.toString());
                return Optional.empty();
            }
            try {
                VersionResponse v = source.version();
                LOG.log(Level.INFO, "CRI runtime {0} {1} on {2}", v.getRuntimeName(), v.getRuntimeVersion(), socket);
                return Optional.of(source);
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "{0} does not answer CRI: {1}", socket, e.getMessage());
                source.close();
            }
        }
        return Optional.empty();
    }

    @Override
    public String name() {
        return "cri";
    }

    public Path socket() {
        return channel.socket();
    }

    /** True if the runtime answers Version. Never throws. */
    public boolean ping() {
        try {
            version();
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The runtime's Version answer; also settles which runtime this is. */
    public VersionResponse version() throws IOException {
        try {
            VersionResponse v = channel.call(options.requestTimeout())
                    .version(VersionRequest.newBuilder().setVersion("v1").build());
            runtime = CriMapping.runtimeName(v.getRuntimeName(), socket());
            return v;
        } catch (StatusRuntimeException e) {
            throw CriChannel.failure("Version", e);
        }
    }

    /** Running containers, each with its verbose status. */
    @Override
    public List<ContainerInfo> list() throws IOException {
        List<Container> listing = listContainers(true);
        List<ContainerInfo> out = new ArrayList<>();
        for (Container c : listing) {
            // A container may be removed between the list and its status; that is not an error.
            inspect(c.getId(), c.getPodSandboxId()).ifPresent(out::add);
        }
        return out;
    }

    /** The runtime's containers, all of them or only the running ones. */
    List<Container> listContainers(boolean runningOnly) throws IOException {
        ListContainersRequest.Builder request = ListContainersRequest.newBuilder();
        if (runningOnly) {
            request.setFilter(ContainerFilter.newBuilder()
                    .setState(ContainerStateValue.newBuilder().setState(ContainerState.CONTAINER_RUNNING)));
        }
        try {
            return channel.call(options.requestTimeout()).listContainers(request.build()).getContainersList();
        } catch (StatusRuntimeException e) {
            throw CriChannel.failure("ListContainers", e);
        }
    }

    @Override
    public Optional<ContainerInfo> inspect(String id) throws IOException {
        return inspect(id, "");
    }

    private Optional<ContainerInfo> inspect(String id, String sandboxHint) throws IOException {
        if (id == null || id.isBlank()) {
            return Optional.empty();
        }
        ContainerStatusResponse response;
        try {
            response = channel.call(options.requestTimeout()).containerStatus(
                    ContainerStatusRequest.newBuilder().setContainerId(id).setVerbose(true).build());
        } catch (StatusRuntimeException e) {
            if (CriChannel.isNotFound(e)) {
                return Optional.empty();
            }
            throw CriChannel.failure("ContainerStatus", e);
        }
        if (!response.hasStatus() || response.getStatus().getId().isEmpty()) {
            throw new IOException("CRI ContainerStatus of " + id + " returned no container");
        }
        VerboseInfo verbose = VerboseInfo.parse(response.getInfoMap(), response.getStatus().getMountsList());
        String sandboxId = verbose.sandboxId().isEmpty() ? sandboxHint : verbose.sandboxId();
        PodInfo pod = podOf(response.getStatus().getLabelsMap(), sandboxId);
        ContainerInfo info = CriMapping.fromStatus(response.getStatus(), verbose, pod, runtime());
        return Optional.of(withCgroup(info));
    }

    /**
     * The kubelet labels every container with its pod; only when they are missing or partial
     * (a container not made by the kubelet) is the sandbox asked.
     */
    private PodInfo podOf(Map<String, String> labels, String sandboxId) {
        PodInfo fromLabels = PodInfo.fromLabels(labels);
        if (CriMapping.complete(fromLabels) || sandboxId.isEmpty()) {
            return fromLabels;
        }
        return sandbox(sandboxId).map(meta -> CriMapping.pod(labels, meta)).orElse(fromLabels);
    }

    private Optional<PodSandboxMetadata> sandbox(String sandboxId) {
        synchronized (sandboxes) {
            PodSandboxMetadata known = sandboxes.get(sandboxId);
            if (known != null) {
                return Optional.of(known);
            }
        }
        try {
            PodSandboxMetadata meta = channel.call(options.requestTimeout())
                    .podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(sandboxId).build())
                    .getStatus().getMetadata();
            synchronized (sandboxes) {
                sandboxes.put(sandboxId, meta);
            }
            return Optional.of(meta);
        } catch (StatusRuntimeException e) {
            // The pod is a nicety; the container is still worth reporting without it.
            LOG.log(Level.DEBUG, "PodSandboxStatus of {0} failed: {1}", sandboxId, e.getStatus());
            return Optional.empty();
        }
    }

    /** Fills the cgroup path from the init process, which CRI does not report. */
    private ContainerInfo withCgroup(ContainerInfo info) {
        if (info.initPid() <= 0) {
            return info;
        }
        Optional<CgroupMatch> match = cgroupFs.containerOf(info.initPid());
        if (match.isPresent() && match.get().containerId().equals(info.id())) {
            return info.withCgroupPath(match.get().containerCgroup());
        }
        // Unusual cgroup layouts may not follow a known naming scheme: take the process's cgroup.
        return cgroupFs.v2PathOf(info.initPid()).map(info::withCgroupPath).orElse(info);
    }

    @Override
    public Optional<ContainerInfo> describe(RuntimeEvent event) {
        if (event.attributes().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(CriMapping.fromEvent(event, knownRuntime()));
    }

    /** The runtime, asking Version the first time. */
    String runtime() {
        if (runtime == null) {
            ping();
        }
        return knownRuntime();
    }

    private String knownRuntime() {
        String known = runtime;
        return known != null ? known : CriMapping.runtimeName("", socket());
    }

    Options options() {
        return options;
    }

    CriChannel channel() {
        return channel;
    }

    @Override
    public Closeable watch(Consumer<RuntimeEvent> listener, WatchStatus status) {
        CriEventFeed feed = new CriEventFeed(this, listener, status, feeds::remove);
        feeds.add(feed);
        feed.start();
        return feed;
    }

    /** Stops the watches and releases the connection. */
    @Override
    public void close() {
        for (CriEventFeed feed : List.copyOf(feeds)) {
            feed.close();
        }
        channel.close();
    }
}
