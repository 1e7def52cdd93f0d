package dev.vigil.containers;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A unix domain stream socket with timeouts. The channel runs non-blocking under a selector
 * because a unix-domain SocketChannel has no SO_TIMEOUT, and a runtime that accepts but never
 * answers must not hang the caller. {@link #close()} from another thread wakes a blocked read.
 */
final class UnixSocketConnection implements Closeable {

    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;
    private final InputStream input = new ChannelInputStream();
    /** System.nanoTime() by which the current I/O must finish; 0 means wait forever. */
    private volatile long deadline;
    private volatile boolean closed;

    private UnixSocketConnection(SocketChannel channel, Selector selector, SelectionKey key) {
        this.channel = channel;
        this.selector = selector;
        this.key = key;
    }

    static UnixSocketConnection connect(Path socket, Duration timeout) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        Selector selector = null;
        try {
            channel.configureBlocking(false);
            selector = Selector.open();
            SelectionKey key = channel.register(selector, 0);
            if (!channel.connect(UnixDomainSocketAddress.of(socket))) {
                key.interestOps(SelectionKey.OP_CONNECT);
                long until = System.nanoTime() + timeout.toNanos();
                while (!channel.finishConnect()) {
                    long left = until - System.nanoTime();
                    if (left <= 0) {
                        throw new SocketTimeoutException("connect to " + socket + " timed out");
                    }
                    selector.select(Math.max(1, left / 1_000_000));
                    selector.selectedKeys().clear();
                }
            }
            key.interestOps(0);
            return new UnixSocketConnection(channel, selector, key);
        } catch (IOException | RuntimeException e) {
            channel.close();
            if (selector != null) {
                selector.close();
            }
            throw e;
        }
    }

    /** Every following read and write must complete within {@code timeout} from now; null lifts it. */
    void deadlineIn(Duration timeout) {
        deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
    }

    InputStream input() {
        return input;
    }

    void write(byte[] data) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(data);
        while (buf.hasRemaining()) {
            ensureOpen();
            if (channel.write(buf) == 0) {
                await(SelectionKey.OP_WRITE);
            }
        }
    }

    int read(ByteBuffer buf) throws IOException {
        while (true) {
            ensureOpen();
            int n = channel.read(buf);
            if (n != 0) {
                return n;
            }
            await(SelectionKey.OP_READ);
        }
    }

    private void await(int op) throws IOException {
        long until = deadline;
        long waitMillis = 0;
        if (until != 0) {
            long left = until - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("unix socket " + (op == SelectionKey.OP_READ ? "read" : "write") + " timed out");
            }
            waitMillis = Math.max(1, left / 1_000_000);
        }
        try {
            key.interestOps(op);
            selector.select(waitMillis);
            selector.selectedKeys().clear();
        } catch (ClosedSelectorException | java.nio.channels.CancelledKeyException e) {
            throw new AsynchronousCloseException();
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new AsynchronousCloseException();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        selector.wakeup();
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing useful to do: the peer is gone either way.
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // As above.
        }
    }

    private final class ChannelInputStream extends BlockInputStream {
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            return UnixSocketConnection.this.read(ByteBuffer.wrap(b, off, len));
        }

        @Override
        public void close() {
            UnixSocketConnection.this.close();
        }
    }
}
