package dev.vigil.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Containers from the Docker Engine API on a unix socket: Docker itself, or Podman's compat
 * service ({@code podman system service}). Request-response calls are bounded by timeouts;
 * the event feed reconnects with exponential backoff whenever the socket is missing, answers
 * garbage, or closes.
 */
public final class DockerApiSource implements ContainerSource {

    private static final System.Logger LOG = System.getLogger(DockerApiSource.class.getName());
    static final String API = "/v1.41";
    static final String EVENTS_PATH = API + "/events?filters="
            + URLEncoder.encode("{\"type\":[\"container\"]}", StandardCharsets.UTF_8);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Container ids and names; anything else is not sent into a request path. */
    private static final Pattern REFERENCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,253}");

    /**
     * @param connectTimeout bound on connecting to the socket
     * @param requestTimeout bound on a whole request-response exchange (and on the event
     *                       feed's response headers)
     * @param reconnectMin   first delay before reconnecting the event feed
     * @param reconnectMax   the delay doubles up to this
     */
    public record Options(Duration connectTimeout, Duration requestTimeout, Duration reconnectMin,
                          Duration reconnectMax, CgroupFs cgroupFs) {
        public Options {
            Objects.requireNonNull(connectTimeout);
            Objects.requireNonNull(requestTimeout);
            Objects.requireNonNull(reconnectMin);
            Objects.requireNonNull(reconnectMax);
        }

        public static Options defaults() {
            return new Options(Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofMillis(250),
                    Duration.ofSeconds(10), null);
        }

        public Options withRequestTimeout(Duration d) {
            return new Options(connectTimeout, d, reconnectMin, reconnectMax, cgroupFs);
        }

        public Options withReconnect(Duration min, Duration max) {
            return new Options(connectTimeout, requestTimeout, min, max, cgroupFs);
        }

        /** Where container cgroup paths are looked up; null means {@link CgroupFs#detect()}. */
        public Options withCgroupFs(CgroupFs fs) {
            return new Options(connectTimeout, requestTimeout, reconnectMin, reconnectMax, fs);
        }
    }

    private final UnixHttpClient http;
    private final Options options;
    private final CgroupFs cgroupFs;
    /** Learned from /version once it answers; the socket's owner does not change under a path. */
    private volatile String runtime;

    public DockerApiSource(Path socket) {
        this(socket, Options.defaults());
    }

    public DockerApiSource(Path socket, Options options) {
        this.options = options;
        this.http = new UnixHttpClient(socket, options.connectTimeout(), options.requestTimeout());
        this.cgroupFs = options.cgroupFs() != null ? options.cgroupFs() : CgroupFs.detect();
    }

    @Override
    public String name() {
        return "docker-api";
    }

    public Path socket() {
        return http.socket();
    }

    /** True if the socket answers /_ping with 200. Never throws. */
    public boolean ping() {
        try {
            return http.get("/_ping").status() == 200;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public List<ContainerInfo> list() throws IOException {
        JsonNode listing = getJson(API + "/containers/json");
        if (!listing.isArray()) {
            throw new IOException("containers/json did not return an array");
        }
        List<ContainerInfo> out = new ArrayList<>();
        for (String id : DockerJson.idsFromList(listing)) {
            // A container may be removed between the list and its inspect; that is not an error.
            inspect(id).ifPresent(out::add);
        }
        return out;
    }

    @Override
    public Optional<ContainerInfo> inspect(String id) throws IOException {
        if (!REFERENCE.matcher(id).matches()) {
            return Optional.empty();
        }
        UnixHttpClient.Response response = http.get(API + "/containers/" + id + "/json");
        // Podman answers 500 "no such container" for a container removed a moment ago.
        if (response.status() == 404 || (response.status() == 500 && response.bodyText().contains("no such container"))) {
            return Optional.empty();
        }
        JsonNode node = parse(response, "containers/" + id + "/json");
        if (!node.isObject() || !node.path("Id").isTextual()) {
            throw new IOException("inspect of " + id + " returned no container");
        }
        ContainerInfo info = DockerJson.fromInspect(node, runtime());
        info = info.withConfig(ProcNamespaces.withObservedHostNamespaces(info.config(), cgroupFs.procRoot(), info.initPid()));
        return Optional.of(withCgroup(info));
    }

    /** Fills the cgroup path from the init process, which the Docker API does not report. */
    private ContainerInfo withCgroup(ContainerInfo info) {
        if (info.initPid() <= 0) {
            return info;
        }
        List<CgroupFs.Membership> memberships = cgroupFs.memberships(info.initPid());
        Optional<CgroupMatch> match = CgroupFs.containerIn(memberships);
        if (match.isPresent() && match.get().containerId().equals(info.id())) {
            return info.withCgroupPath(match.get().containerCgroup());
        }
        // A custom --cgroup-parent may not follow a known naming scheme: take the process's cgroup.
        return memberships.stream().filter(CgroupFs.Membership::isV2).findFirst()
                .map(m -> info.withCgroupPath(m.path())).orElse(info);
    }

    @Override
    public Optional<ContainerInfo> describe(RuntimeEvent event) {
        if (event.attributes().isEmpty()) {
            return Optional.empty();
        }
        String known = runtime;
        return Optional.of(DockerJson.fromEvent(event, known == null ? Runtimes.UNKNOWN : known));
    }

    private String runtime() {
        String known = runtime;
        if (known != null) {
            return known;
        }
        try {
            known = DockerJson.runtimeFromVersion(getJson(API + "/version"));
            runtime = known;
            return known;
        } catch (IOException e) {
            return Runtimes.DOCKER;
        }
    }

    private JsonNode getJson(String path) throws IOException {
        return parse(http.get(path), path);
    }

    private static JsonNode parse(UnixHttpClient.Response response, String what) throws IOException {
        if (response.status() != 200) {
            throw new IOException(what + ": HTTP " + response.status() + " "
                    + HttpResponseHead.printable(response.bodyText()));
        }
        try {
            return MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new IOException(what + ": invalid JSON: " + e.getMessage(), e);
        }
    }

    @Override
    public Closeable watch(Consumer<RuntimeEvent> listener, WatchStatus status) {
        EventFeed feed = new EventFeed(listener, status);
        feed.thread.start();
        return feed;
    }

    /** The /events stream on its own daemon thread, reconnecting until closed. */
    private final class EventFeed implements Closeable {
        private final WatchCallbacks callbacks;
        private final Thread thread;
        private volatile boolean closed;
        private volatile UnixHttpClient.Stream current;

        EventFeed(Consumer<RuntimeEvent> listener, WatchStatus status) {
            this.callbacks = new WatchCallbacks(listener, status);
            this.thread = Thread.ofPlatform().daemon().name("vigil-docker-events").unstarted(this::run);
        }

        private void run() {
            callbacks.runReconnecting("docker event feed on " + socket(), options.reconnectMin(), options.reconnectMax(),
                    () -> closed, this::follow);
        }

        private void follow() throws IOException {
            try (UnixHttpClient.Stream stream = http.openStream(EVENTS_PATH)) {
                current = stream;
                if (closed) {
                    return;
                }
                if (stream.status() != 200) {
                    throw new IOException("events: HTTP " + stream.status());
                }
                // The headers arrived and are sane: the runtime is listening. Report it now, as
                // the feed stays silent until something happens (and readValues already reads).
                callbacks.connected();
                ObjectReader reader = MAPPER.readerFor(JsonNode.class);
                try (MappingIterator<JsonNode> it = reader.readValues(stream.body())) {
                    while (!closed && it.hasNextValue()) {
                        JsonNode event = it.nextValue();
                        DockerJson.toEvent(event).ifPresent(callbacks::deliver);
                    }
                } catch (RuntimeException e) {
                    // Jackson wraps some parse errors in unchecked exceptions inside iterators.
                    throw new IOException("events: " + e.getMessage(), e);
                }
                if (!closed) {
                    throw new EOFException("event stream ended");
                }
            } finally {
                current = null;
            }
        }


        @Override
        public void close() {
            closed = true;
            UnixHttpClient.Stream stream = current;
            if (stream != null) {
                stream.close();
            }
            thread.interrupt();
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
