package dev.vigil.containers;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpParsingTest {

    private static InputStream in(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String readChunked(String wire) throws IOException {
        return new String(new ChunkedInputStream(in(wire)).readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void decodesChunks() throws IOException {
        assertThat(readChunked("5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n")).isEqualTo("hello, world");
    }

    @Test
    void chunkSizesAreHexWithExtensionsAndTrailersIgnored() throws IOException {
        String data = "x".repeat(0x1a);
        assertThat(readChunked("1A;name=value\r\n" + data + "\r\n0\r\nX-Trailer: yes\r\n\r\n")).isEqualTo(data);
        assertThat(readChunked("1a\n" + data + "\n0\n\n")).isEqualTo(data);
    }

    @Test
    void emptyBody() throws IOException {
        assertThat(readChunked("0\r\n\r\n")).isEmpty();
    }

    @Test
    void dataAfterTheLastChunkIsNotPartOfTheBody() throws IOException {
        InputStream raw = in("3\r\nabc\r\n0\r\n\r\nNEXT");
        assertThat(new ChunkedInputStream(raw).readAllBytes()).isEqualTo("abc".getBytes(StandardCharsets.US_ASCII));
        assertThat(raw.readAllBytes()).isEqualTo("NEXT".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void readsReturnWithinAChunkWithoutWaitingForMore() throws IOException {
        ChunkedInputStream chunked = new ChunkedInputStream(in("4\r\nabcd\r\n4\r\nefgh\r\n0\r\n\r\n"));
        byte[] buf = new byte[100];
        assertThat(chunked.read(buf, 0, 100)).isEqualTo(4);
        assertThat(chunked.read(buf, 0, 2)).isEqualTo(2);
        assertThat(chunked.read(buf, 0, 100)).isEqualTo(2);
        assertThat(chunked.read(buf, 0, 100)).isEqualTo(-1);
    }

    @Test
    void badChunkSizeIsAProtocolError() {
        assertThatThrownBy(() -> readChunked("zz\r\nabc\r\n")).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> readChunked("\r\n")).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> readChunked("ffffffffffffffffff\r\n")).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> readChunked("-1\r\n")).isInstanceOf(ProtocolException.class);
    }

    @Test
    void missingCrlfAfterChunkIsAProtocolError() {
        assertThatThrownBy(() -> readChunked("3\r\nabcX\r\n0\r\n\r\n")).isInstanceOf(ProtocolException.class);
    }

    @Test
    void truncatedChunkIsEof() {
        assertThatThrownBy(() -> readChunked("10\r\nabc")).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> readChunked("3\r\nabc\r\n")).isInstanceOf(EOFException.class);
    }

    @Test
    void parsesResponseHead() throws IOException {
        HttpResponseHead head = HttpResponseHead.read(in(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ntransfer-encoding: Chunked\r\nX-A: 1\r\nX-A: 2\r\n\r\nbody"));
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("content-type")).contains("application/json");
        assertThat(head.chunked()).isTrue();
        assertThat(head.header("X-A")).contains("1, 2");
        assertThat(head.contentLength()).isEmpty();
    }

    @Test
    void statusWithoutReasonPhrase() throws IOException {
        assertThat(HttpResponseHead.read(in("HTTP/1.0 404\r\n\r\n")).status()).isEqualTo(404);
    }

    @Test
    void garbageIsRejected() {
        assertThatThrownBy(() -> HttpResponseHead.read(in("SSH-2.0-OpenSSH\r\n\r\n"))).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> HttpResponseHead.read(in("HTTP/1.1 2x0 OK\r\n\r\n"))).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> HttpResponseHead.read(in("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n")))
                .isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> HttpResponseHead.read(in("HTTP/1.1 200 OK\r\nX: " + "a".repeat(10000) + "\r\n\r\n")))
                .isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> HttpResponseHead.read(in(""))).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> HttpResponseHead.read(in("HTTP/1.1 200 OK\r\nX: y\r\n"))).isInstanceOf(EOFException.class);
    }

    @Test
    void contentLengthFraming() throws IOException {
        HttpResponseHead head = HttpResponseHead.read(in("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"));
        InputStream body = UnixHttpClient.body(head, in("helloEXTRA"));
        assertThat(new String(body.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("hello");
        InputStream shortBody = UnixHttpClient.body(head, in("hel"));
        assertThatThrownBy(shortBody::readAllBytes).isInstanceOf(EOFException.class);
        HttpResponseHead bad = HttpResponseHead.read(in("HTTP/1.1 200 OK\r\nContent-Length: many\r\n\r\n"));
        assertThatThrownBy(() -> UnixHttpClient.body(bad, in(""))).isInstanceOf(ProtocolException.class);
    }

    @Test
    void noContentHasNoBody() throws IOException {
        HttpResponseHead head = HttpResponseHead.read(in("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n"));
        assertThat(UnixHttpClient.body(head, in("hello")).readAllBytes()).isEmpty();
    }

    @Test
    void bodyWithoutFramingRunsToEof() throws IOException {
        HttpResponseHead head = HttpResponseHead.read(in("HTTP/1.1 200 OK\r\n\r\n"));
        assertThat(UnixHttpClient.body(head, in("all of it")).readAllBytes()).hasSize(9);
    }
}
