package dev.vigil.events.process;

import java.nio.charset.StandardCharsets;

/**
 * Process identities that stay unique across pid reuse: (node, exec boot time, pid), encoded so
 * that they read as opaque tokens, in the manner Tetragon users know: URL-safe Base64 without
 * padding of the UTF-8 text "node:ktime:pid".
 *
 * <p>Two are made per exec record on the pipeline thread, so the text and its Base64 are built in
 * per-thread scratch buffers: the id String is the only allocation (the JDK's encoder would make
 * four objects per id).
 */
public final class ExecIds {
    private static final byte[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".getBytes(StandardCharsets.US_ASCII);
    private static final ThreadLocal<byte[][]> SCRATCH = ThreadLocal.withInitial(() -> new byte[2][]);

    private final String node;
    private final byte[] prefix;

    public ExecIds(String node) {
        this.node = node;
        this.prefix = (node + ":").getBytes(StandardCharsets.UTF_8);
    }

    public String of(int pid, long execKtime) {
        if (execKtime == 0) return "";
        byte[][] scratch = SCRATCH.get();
        int max = prefix.length + 20 + 1 + 11;
        byte[] text = scratch[0];
        if (text == null || text.length < max) scratch[0] = text = new byte[max];
        System.arraycopy(prefix, 0, text, 0, prefix.length);
        int n = decimal(text, prefix.length, execKtime);
        text[n++] = ':';
        n = decimal(text, n, pid);
        int encodedLength = (n * 4 + 2) / 3;
        byte[] out = scratch[1];
        if (out == null || out.length < encodedLength) scratch[1] = out = new byte[encodedLength + 16];
        base64(text, n, out);
        return new String(out, 0, encodedLength, StandardCharsets.ISO_8859_1);
    }

    /** Writes v in decimal at {@code at}; returns the end. Works on the negative side so that Long.MIN_VALUE fits. */
    static int decimal(byte[] b, int at, long v) {
        if (v < 0) b[at++] = '-';
        else v = -v;
        int start = at;
        do {
            b[at++] = (byte) ('0' - (v % 10));
            v /= 10;
        } while (v != 0);
        for (int i = start, j = at - 1; i < j; i++, j--) {
            byte t = b[i];
            b[i] = b[j];
            b[j] = t;
        }
        return at;
    }

    /** URL-safe Base64 of the first {@code n} bytes, without padding. */
    static void base64(byte[] in, int n, byte[] out) {
        int o = 0, i = 0;
        for (; i + 2 < n; i += 3) {
            int bits = (in[i] & 0xff) << 16 | (in[i + 1] & 0xff) << 8 | (in[i + 2] & 0xff);
            out[o++] = ALPHABET[bits >>> 18];
            out[o++] = ALPHABET[(bits >>> 12) & 63];
            out[o++] = ALPHABET[(bits >>> 6) & 63];
            out[o++] = ALPHABET[bits & 63];
        }
        if (n - i == 1) {
            int bits = (in[i] & 0xff) << 16;
            out[o++] = ALPHABET[bits >>> 18];
            out[o] = ALPHABET[(bits >>> 12) & 63];
        } else if (n - i == 2) {
            int bits = (in[i] & 0xff) << 16 | (in[i + 1] & 0xff) << 8;
            out[o++] = ALPHABET[bits >>> 18];
            out[o++] = ALPHABET[(bits >>> 12) & 63];
            out[o] = ALPHABET[(bits >>> 6) & 63];
        }
    }

    public String node() {
        return node;
    }
}
