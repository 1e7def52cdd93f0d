package dev.vigil.containers;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.vigil.containers.TestUnixServer.chunk;
import static dev.vigil.containers.TestUnixServer.respondJson;
import static dev.vigil.containers.TestUnixServer.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** DockerApiSource against a scripted Docker API on a real unix socket. */
class DockerApiSourceTest {

    static final String ID = CgroupPathsTest.ID;
    static final String ID2 = CgroupPathsTest.ID2;

    @TempDir
    Path tmp;
    private final List<Closeable> toClose = new CopyOnWriteArrayList<>();

    @AfterEach
    void cleanup() throws IOException {
        for (Closeable c : toClose) {
            c.close();
        }
    }

    private DockerApiSource source(Path socket) {
        DockerApiSource.Options options = DockerApiSource.Options.defaults()
                .withRequestTimeout(Duration.ofSeconds(1))
                .withReconnect(Duration.ofMillis(50), Duration.ofMillis(200))
                .withCgroupFs(new CgroupFs(tmp, null));
        return new DockerApiSource(socket, options);
    }

    private TestUnixServer server(TestUnixServer.Handler handler) throws IOException {
        TestUnixServer s = new TestUnixServer(tmp.resolve("docker.sock"), handler);
        toClose.add(s);
        return s;
    }

    /** A Docker daemon with two running containers, the second removed before it is inspected. */
    private static void fakeDocker(String request, OutputStream out) throws IOException {
        String path = request.split(" ")[1];
        switch (path) {
            case "/v1.41/containers/json" -> respondJson(out, 200,
                    "[{\"Id\":\"" + ID + "\",\"Names\":[\"/web-1\"]},{\"Id\":\"" + ID2 + "\"}]");
            case "/v1.41/version" -> respondJson(out, 200, "{\"Components\":[{\"Name\":\"Engine\"}]}");
            default -> {
                if (path.equals("/v1.41/containers/" + ID + "/json") || path.equals("/v1.41/containers/web-1/json")) {
                    respondJson(out, 200, DockerJsonTest.riskyInspect(ID));
                } else if (path.equals("/v1.41/containers/" + ID2 + "/json")) {
                    // What Podman says about a container removed a moment ago.
                    respondJson(out, 500, "{\"cause\":\"no such container\",\"message\":\"container " + ID2
                            + " does not exist in database: no such container\",\"response\":500}");
                } else {
                    respondJson(out, 404, "{\"message\":\"No such container\"}");
                }
            }
        }
    }

    @Test
    void listsAndInspects() throws Exception {
        Files.createDirectories(tmp.resolve("4242"));
        Files.writeString(tmp.resolve("4242/cgroup"), "0::/system.slice/docker-" + ID + ".scope\n");
        TestUnixServer server = server(DockerApiSourceTest::fakeDocker);
        DockerApiSource source = source(server.path());

        List<ContainerInfo> list = source.list();
        assertThat(list).extracting(ContainerInfo::id).containsExactly(ID);
        ContainerInfo c = list.getFirst();
        assertThat(c.name()).isEqualTo("web-1");
        assertThat(c.runtime()).isEqualTo(Runtimes.DOCKER);
        assertThat(c.pod()).isEqualTo(new PodInfo("web", "shop", "u-123"));
        assertThat(c.cgroupPath()).isEqualTo("/system.slice/docker-" + ID + ".scope");

        assertThat(source.inspect("web-1")).map(ContainerInfo::id).contains(ID);
        assertThat(source.inspect(ID2)).isEmpty();
        assertThat(source.inspect(ID.replace('3', '4'))).isEmpty();
        // Not sent at all: it would escape the request path.
        assertThat(source.inspect("../../version")).isEmpty();
        assertThat(server.requests).noneMatch(r -> r.contains(".."));
    }

    @Test
    void errorsAndGarbageAreIOExceptions() throws Exception {
        AtomicReference<String> reply = new AtomicReference<>("HTTP/1.1 500 Oops\r\nContent-Length: 4\r\n\r\nboom");
        TestUnixServer server = server((req, out) -> write(out, reply.get()));
        DockerApiSource source = source(server.path());
        assertThatThrownBy(source::list).isInstanceOf(IOException.class).hasMessageContaining("500");
        reply.set("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n{not json");
        assertThatThrownBy(source::list).isInstanceOf(IOException.class).hasMessageContaining("invalid JSON");
        reply.set("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
        assertThatThrownBy(source::list).isInstanceOf(IOException.class);
        reply.set("certainly not HTTP\n\n");
        assertThatThrownBy(source::list).isInstanceOf(IOException.class);
        assertThat(source.ping()).isFalse();
    }

    @Test
    void missingSocketIsAnIOException() {
        DockerApiSource source = source(tmp.resolve("absent.sock"));
        assertThatThrownBy(source::list).isInstanceOf(IOException.class);
        assertThat(source.ping()).isFalse();
    }

    /** Records what a watch reports. */
    static final class Recorder implements ContainerSource.WatchStatus {
        final BlockingQueue<Object> seen = new LinkedBlockingQueue<>();

        @Override
        public void connected() {
            seen.add("connected");
        }

        @Override
        public void disconnected(Exception cause) {
            seen.add("disconnected");
        }

        Object next() throws InterruptedException {
            Object o = seen.poll(5, TimeUnit.SECONDS);
            assertThat(o).as("nothing reported within 5 s").isNotNull();
            return o;
        }
    }

    private static String event(String action, String id) {
        return "{\"status\":\"" + action + "\",\"id\":\"" + id + "\",\"Type\":\"container\",\"Action\":\"" + action
                + "\",\"Actor\":{\"ID\":\"" + id + "\",\"Attributes\":{}},\"time\":1}\n";
    }

    @Test
    void eventStreamReconnectsAfterTheServerCloses() throws Exception {
        AtomicInteger connection = new AtomicInteger();
        TestUnixServer server = server((req, out) -> {
            assertThat(req).startsWith("GET " + DockerApiSource.EVENTS_PATH);
            write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
            if (connection.incrementAndGet() == 1) {
                // Two objects in one chunk, and one object split over two chunks.
                chunk(out, event("start", ID) + event("create", ID2));
                String split = event("die", ID);
                chunk(out, split.substring(0, 20));
                Thread.sleep(30);
                chunk(out, split.substring(20));
                // Then the connection drops without the final chunk.
            } else {
                chunk(out, event("destroy", ID));
                Thread.sleep(10_000);
            }
        });
        Recorder r = new Recorder();
        Closeable watch = source(server.path()).watch(r.seen::add, r);
        toClose.add(watch);
        assertThat(r.next()).isEqualTo("connected");
        assertThat(r.next()).isEqualTo(new RuntimeEvent(RuntimeEvent.Kind.START, ID));
        assertThat(r.next()).isEqualTo(new RuntimeEvent(RuntimeEvent.Kind.STOP, ID));
        assertThat(r.next()).isEqualTo("disconnected");
        assertThat(r.next()).isEqualTo("connected");
        assertThat(r.next()).isEqualTo(new RuntimeEvent(RuntimeEvent.Kind.DESTROY, ID));
        assertThat(server.requests.getFirst()).contains("filters=%7B%22type%22%3A%5B%22container%22%5D%7D");

        long start = System.nanoTime();
        watch.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void eventStreamSurvivesGarbageAndAMissingSocket() throws Exception {
        Path socket = tmp.resolve("docker.sock");
        Recorder r = new Recorder();
        Closeable watch = source(socket).watch(r.seen::add, r);
        toClose.add(watch);
        // No socket yet.
        assertThat(r.next()).isEqualTo("disconnected");

        AtomicInteger connection = new AtomicInteger();
        TestUnixServer server = server((req, out) -> {
            switch (connection.incrementAndGet()) {
                case 1 -> write(out, "garbage\r\n\r\n");
                case 2 -> {
                    write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
                    chunk(out, "{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"x\"}} ]]]} not json");
                    Thread.sleep(10_000);
                }
                default -> {
                    write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
                    chunk(out, event("start", ID2));
                    Thread.sleep(10_000);
                }
            }
        });
        assertThat(server.path()).isEqualTo(socket);
        // Garbage head: still disconnected, no second report. Then a good head with a bad body.
        assertThat(r.next()).isEqualTo("connected");
        assertThat(r.next()).isEqualTo(new RuntimeEvent(RuntimeEvent.Kind.START, "x"));
        assertThat(r.next()).isEqualTo("disconnected");
        assertThat(r.next()).isEqualTo("connected");
        assertThat(r.next()).isEqualTo(new RuntimeEvent(RuntimeEvent.Kind.START, ID2));
        assertThat(connection.get()).isEqualTo(3);
    }

    @Test
    void listenerExceptionsDoNotKillTheFeed() throws Exception {
        TestUnixServer server = server((req, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            chunk(out, event("start", ID) + event("start", ID2));
            Thread.sleep(10_000);
        });
        BlockingQueue<RuntimeEvent> got = new LinkedBlockingQueue<>();
        Closeable watch = source(server.path()).watch(e -> {
            got.add(e);
            throw new IllegalStateException("listener bug");
        });
        toClose.add(watch);
        assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo(new RuntimeEvent(RuntimeEvent.Kind.START, ID));
        assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo(new RuntimeEvent(RuntimeEvent.Kind.START, ID2));
    }
}
