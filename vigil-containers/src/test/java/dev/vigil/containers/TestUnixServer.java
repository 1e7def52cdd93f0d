package dev.vigil.containers;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A real unix-socket server for tests; each connection gets the request line and an output. */
final class TestUnixServer implements Closeable {

    interface Handler {
        void handle(String requestLine, OutputStream out) throws IOException, InterruptedException;
    }

    private final Path path;
    private final ServerSocketChannel server;
    private final List<SocketChannel> clients = new CopyOnWriteArrayList<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    TestUnixServer(Path path, Handler handler) throws IOException {
        this.path = path;
        Files.deleteIfExists(path);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        Thread.ofPlatform().daemon().name("test-unix-server").start(() -> {
            while (!closed) {
                try {
                    SocketChannel client = server.accept();
                    clients.add(client);
                    Thread.ofPlatform().daemon().start(() -> serve(client, handler));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    Path path() {
        return path;
    }

    private void serve(SocketChannel client, Handler handler) {
        try (client) {
            InputStream in = Channels.newInputStream(client);
            String requestLine = readLine(in);
            String line;
            do {
                line = readLine(in);
            } while (line != null && !line.isEmpty());
            requests.add(requestLine);
            OutputStream out = Channels.newOutputStream(client);
            handler.handle(requestLine, out);
            out.flush();
        } catch (IOException | InterruptedException e) {
            // Client went away or the server is closing.
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                buf.write(b);
            }
        }
        return b < 0 && buf.size() == 0 ? null : buf.toString(StandardCharsets.ISO_8859_1);
    }

    /** Drops all open connections, keeping the listener. */
    void dropClients() {
        for (SocketChannel c : clients) {
            try {
                c.close();
            } catch (IOException ignored) {
                // Already closed.
            }
        }
        clients.clear();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        dropClients();
        Files.deleteIfExists(path);
    }

    static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    static void respondJson(OutputStream out, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        write(out, "HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\n\r\n");
        out.write(body);
        out.flush();
    }

    static void chunk(OutputStream out, String data) throws IOException {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        write(out, Integer.toHexString(bytes.length) + "\r\n");
        out.write(bytes);
        write(out, "\r\n");
    }
}
