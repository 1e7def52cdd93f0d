package dev.vigil.events.wire;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/** The same UTF-8 bytes give the same String, allocated once (see {@link BytesCache}). */
public final class StringCache extends BytesCache<String> {
    public StringCache(int slots, int maxLength) {
        super(slots, maxLength, bytes -> new String(bytes, StandardCharsets.UTF_8));
    }

    public String intern(MemorySegment segment, long offset, int length) {
        return length == 0 ? "" : get(segment, offset, length);
    }
}
