package dev.vigil.containers;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;

/**
 * Decodes an HTTP/1.1 chunked body: {@code <hex-size>[;ext]CRLF <data> CRLF ... 0 CRLF
 * [trailers] CRLF}. Reads return as soon as some data of the current chunk is available, which
 * a streaming consumer such as the Docker event feed needs.
 */
final class ChunkedInputStream extends BlockInputStream {

    /** Chunks this large are garbage from our point of view, not a Docker response. */
    private static final long MAX_CHUNK = 1L << 31;

    private final InputStream in;
    private long remainingInChunk;
    private boolean started;
    private boolean finished;

    ChunkedInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (remainingInChunk == 0 && !nextChunk()) {
            return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, remainingInChunk));
        if (n < 0) {
            throw new EOFException("connection closed inside a chunk");
        }
        remainingInChunk -= n;
        return n;
    }

    /** Moves to the next chunk with data; false at the end of the body. */
    private boolean nextChunk() throws IOException {
        if (finished) {
            return false;
        }
        if (started) {
            String end = HttpResponseHead.readLine(in);
            if (end == null || !end.isEmpty()) {
                throw new ProtocolException("chunk not followed by CRLF");
            }
        }
        started = true;
        String sizeLine = HttpResponseHead.readLine(in);
        if (sizeLine == null) {
            throw new EOFException("connection closed before a chunk size");
        }
        long size = parseSize(sizeLine);
        if (size == 0) {
            // Trailer fields, if any, end with an empty line; we have no use for them.
            String line;
            do {
                line = HttpResponseHead.readLine(in);
                if (line == null) {
                    throw new EOFException("connection closed inside the chunked trailer");
                }
            } while (!line.isEmpty());
            finished = true;
            return false;
        }
        remainingInChunk = size;
        return true;
    }

    static long parseSize(String line) throws ProtocolException {
        int semicolon = line.indexOf(';');
        String hex = (semicolon >= 0 ? line.substring(0, semicolon) : line).trim();
        if (hex.isEmpty() || hex.length() > 16) {
            throw new ProtocolException("bad chunk size: " + HttpResponseHead.printable(line));
        }
        long size;
        try {
            size = Long.parseUnsignedLong(hex, 16);
        } catch (NumberFormatException e) {
            throw new ProtocolException("bad chunk size: " + HttpResponseHead.printable(line));
        }
        if (size < 0 || size > MAX_CHUNK) {
            throw new ProtocolException("chunk too large: " + hex);
        }
        return size;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
