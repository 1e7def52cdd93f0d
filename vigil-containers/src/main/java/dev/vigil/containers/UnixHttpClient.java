package dev.vigil.containers;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * Minimal HTTP/1.1 GET client over a unix domain socket (the JDK's HttpClient only speaks
 * TCP). One request per connection ({@code Connection: close}): runtime sockets are local and
 * cheap to connect, and it keeps the client free of pooling state.
 */
final class UnixHttpClient {

    /** Larger bodies than this are not Docker API answers we want to hold in memory. */
    static final int MAX_BODY = 64 << 20;

    private final Path socket;
    private final Duration connectTimeout;
    private final Duration requestTimeout;

    UnixHttpClient(Path socket, Duration connectTimeout, Duration requestTimeout) {
        this.socket = socket;
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
    }

    Path socket() {
        return socket;
    }

    record Response(HttpResponseHead head, byte[] body) {
        int status() {
            return head.status();
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** A response whose body is read incrementally; closing it closes the connection. */
    static final class Stream implements Closeable {
        private final UnixSocketConnection connection;
        private final HttpResponseHead head;
        private final InputStream body;

        private Stream(UnixSocketConnection connection, HttpResponseHead head, InputStream body) {
            this.connection = connection;
            this.head = head;
            this.body = body;
        }

        HttpResponseHead head() {
            return head;
        }

        int status() {
            return head.status();
        }

        InputStream body() {
            return body;
        }

        @Override
        public void close() {
            connection.close();
        }
    }

    /** GET with the whole exchange bounded by the request timeout. */
    Response get(String pathAndQuery) throws IOException {
        try (Stream stream = send(pathAndQuery)) {
            return new Response(stream.head(), readAll(stream.body(), MAX_BODY));
        }
    }

    /**
     * GET whose headers must arrive within the request timeout; the body then has no deadline,
     * for feeds like /events that stay open indefinitely.
     */
    Stream openStream(String pathAndQuery) throws IOException {
        Stream stream = send(pathAndQuery);
        stream.connection.deadlineIn(null);
        return stream;
    }

    private Stream send(String pathAndQuery) throws IOException {
        if (!pathAndQuery.startsWith("/") || pathAndQuery.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
            throw new IllegalArgumentException("request target must be an escaped absolute path: " + pathAndQuery);
        }
        UnixSocketConnection connection = UnixSocketConnection.connect(socket, connectTimeout);
        try {
            connection.deadlineIn(requestTimeout);
            String request = "GET " + pathAndQuery + " HTTP/1.1\r\n"
                    + "Host: localhost\r\n"
                    + "User-Agent: vigil\r\n"
                    + "Accept: application/json\r\n"
                    + "Connection: close\r\n"
                    + "\r\n";
            connection.write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = new BufferedInputStream(connection.input(), 16 * 1024);
            HttpResponseHead head = HttpResponseHead.read(in);
            return new Stream(connection, head, body(head, in));
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    static InputStream body(HttpResponseHead head, InputStream in) throws ProtocolException {
        if (head.bodyless()) {
            return InputStream.nullInputStream();
        }
        if (head.chunked()) {
            return new ChunkedInputStream(in);
        }
        OptionalLong length = head.contentLength();
        if (length.isPresent()) {
            return new FixedLengthInputStream(in, length.getAsLong());
        }
        // Neither framing: the body runs to EOF, which Connection: close makes well-defined.
        return in;
    }

    static byte[] readAll(InputStream in, int max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) >= 0) {
            if (out.size() + n > max) {
                throw new ProtocolException("response body larger than " + max + " bytes");
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
