package dev.vigil.agent.policy;

/** A policy document that does not validate; the message is "FILE:LINE: reason". */
public final class PolicyException extends RuntimeException {
    public PolicyException(String message) {
        super(message);
    }

    public PolicyException(String message, Throwable cause) {
        super(message, cause);
    }
}
