package dev.vigil.events.wire;

/** A record whose declared sizes do not fit its length: counted as a processing failure, never trusted. */
public class MalformedRecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MalformedRecordException(String message) {
        super(message);
    }
}
