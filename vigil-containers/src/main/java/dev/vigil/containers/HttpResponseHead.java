package dev.vigil.containers;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/** Status line and headers of an HTTP/1.x response. Header names are case-insensitive. */
record HttpResponseHead(int status, Map<String, String> headers) {

    static final int MAX_LINE = 8192;
    static final int MAX_HEADERS = 128;

    HttpResponseHead {
        TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        copy.putAll(headers);
        headers = Collections.unmodifiableMap(copy);
    }

    /** Reads up to and including the blank line; rejects anything that is not HTTP/1.x. */
    static HttpResponseHead read(InputStream in) throws IOException {
        String statusLine = readLine(in);
        if (statusLine == null) {
            throw new EOFException("connection closed before the response");
        }
        // "HTTP/1.1 200 OK"; the reason phrase may be empty or absent.
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
            throw new ProtocolException("not an HTTP/1.x status line: " + printable(statusLine));
        }
        int status;
        try {
            status = Integer.parseInt(statusLine.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new ProtocolException("bad status code: " + printable(statusLine));
        }
        if (status < 100 || status > 599) {
            throw new ProtocolException("bad status code: " + status);
        }
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        while (true) {
            String line = readLine(in);
            if (line == null) {
                throw new EOFException("connection closed inside the response headers");
            }
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new ProtocolException("bad header line: " + printable(line));
            }
            if (headers.size() >= MAX_HEADERS) {
                throw new ProtocolException("more than " + MAX_HEADERS + " headers");
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            headers.merge(name, value, (a, b) -> a + ", " + b);
        }
        return new HttpResponseHead(status, headers);
    }

    Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name));
    }

    boolean chunked() {
        return header("Transfer-Encoding").map(v -> v.toLowerCase(Locale.ROOT).contains("chunked")).orElse(false);
    }

    OptionalLong contentLength() throws ProtocolException {
        Optional<String> value = header("Content-Length");
        if (value.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            long length = Long.parseLong(value.get());
            if (length < 0) {
                throw new ProtocolException("negative Content-Length");
            }
            return OptionalLong.of(length);
        } catch (NumberFormatException e) {
            throw new ProtocolException("bad Content-Length: " + printable(value.get()));
        }
    }

    /** True if the response carries no body whatever the headers say (RFC 9112 section 6.3). */
    boolean bodyless() {
        return status / 100 == 1 || status == 204 || status == 304;
    }

    /**
     * One CRLF- (or bare LF-) terminated line as ISO-8859-1, without the terminator; null at
     * EOF before any byte. Bounded so that a garbage peer cannot make us buffer forever.
     */
    static String readLine(InputStream in) throws IOException {
        byte[] buf = new byte[128];
        int len = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (len == 0) {
                    return null;
                }
                throw new EOFException("connection closed inside a line");
            }
            if (b == '\n') {
                if (len > 0 && buf[len - 1] == '\r') {
                    len--;
                }
                return new String(buf, 0, len, StandardCharsets.ISO_8859_1);
            }
            if (len == MAX_LINE) {
                throw new ProtocolException("line longer than " + MAX_LINE + " bytes");
            }
            if (len == buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.min(MAX_LINE, buf.length * 2));
            }
            buf[len++] = (byte) b;
        }
    }

    static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        StringBuilder out = new StringBuilder();
        for (char c : cut.toCharArray()) {
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
