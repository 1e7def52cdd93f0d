package dev.vigil.containers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static dev.vigil.containers.TestUnixServer.chunk;
import static dev.vigil.containers.TestUnixServer.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The HTTP client against a real unix socket served by the test. */
class UnixHttpClientTest {

    @TempDir
    Path tmp;

    private UnixHttpClient client(Path socket) {
        return new UnixHttpClient(socket, Duration.ofSeconds(1), Duration.ofMillis(700));
    }

    @Test
    void contentLengthResponse() throws Exception {
        try (TestUnixServer server = new TestUnixServer(tmp.resolve("s.sock"),
                (req, out) -> TestUnixServer.respondJson(out, 200, "{\"ok\":true}"))) {
            UnixHttpClient.Response r = client(server.path()).get("/v1.41/_ping");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("{\"ok\":true}");
            assertThat(server.requests).containsExactly("GET /v1.41/_ping HTTP/1.1");
        }
    }

    @Test
    void chunkedResponseSentInPieces() throws Exception {
        try (TestUnixServer server = new TestUnixServer(tmp.resolve("s.sock"), (req, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            chunk(out, "[1,");
            Thread.sleep(50);
            chunk(out, "2,3]");
            write(out, "0\r\n\r\n");
        })) {
            assertThat(client(server.path()).get("/x").bodyText()).isEqualTo("[1,2,3]");
        }
    }

    @Test
    void streamDeliversChunksAsTheyArrive() throws Exception {
        try (TestUnixServer server = new TestUnixServer(tmp.resolve("s.sock"), (req, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            chunk(out, "first");
            // Longer than the request timeout: the stream's body must not be bound by it.
            Thread.sleep(1200);
            chunk(out, "second");
            write(out, "0\r\n\r\n");
        })) {
            try (UnixHttpClient.Stream s = client(server.path()).openStream("/events")) {
                byte[] buf = new byte[64];
                int n = s.body().read(buf);
                assertThat(new String(buf, 0, n, StandardCharsets.US_ASCII)).isEqualTo("first");
                n = s.body().read(buf);
                assertThat(new String(buf, 0, n, StandardCharsets.US_ASCII)).isEqualTo("second");
                assertThat(s.body().read(buf)).isEqualTo(-1);
            }
        }
    }

    @Test
    void silentServerTimesOut() throws Exception {
        try (TestUnixServer server = new TestUnixServer(tmp.resolve("s.sock"), (req, out) -> Thread.sleep(5000))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> client(server.path()).get("/x")).isInstanceOf(SocketTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void tricklingServerHitsTheRequestDeadline() throws Exception {
        try (TestUnixServer server = new TestUnixServer(tmp.resolve("s.sock"), (req, out) -> {
            write(out, "HTTP/1.1 200 OK\r\n");
            for (int i = 0; i < 100; i++) {
                write(out, "X-Slow: " + i + "\r\n");
                Thread.sleep(50);
            }
        })) {
            assertThatThrownBy(() -> client(server.path()).get("/x")).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void garbageIsAProtocolError() throws Exception {
        try (TestUnixServer server = new TestUnixServer(tmp.resolve("s.sock"),
                (req, out) -> write(out, "\u0000\u0001garbage that is not http\r\n\r\n"))) {
            assertThatThrownBy(() -> client(server.path()).get("/x")).isInstanceOf(ProtocolException.class);
        }
    }

    @Test
    void missingSocket() {
        assertThatThrownBy(() -> client(tmp.resolve("absent.sock")).get("/x")).isInstanceOf(IOException.class);
    }

    @Test
    void closingAStreamFromAnotherThreadUnblocksTheReader() throws Exception {
        try (TestUnixServer server = new TestUnixServer(tmp.resolve("s.sock"), (req, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            Thread.sleep(10_000);
        })) {
            UnixHttpClient.Stream s = client(server.path()).openStream("/events");
            Thread closer = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ignored) {
                    return;
                }
                s.close();
            });
            long start = System.nanoTime();
            assertThatThrownBy(() -> s.body().read()).isInstanceOf(IOException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            closer.join();
        }
    }

    @Test
    void rejectsUnescapedRequestTargets() {
        UnixHttpClient c = client(tmp.resolve("x.sock"));
        assertThatThrownBy(() -> c.get("/a b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.get("/a\r\nX: y")).isInstanceOf(IllegalArgumentException.class);
    }
}
