package dev.vigil.net.policy;

/**
 * A {@code spec.network} value that does not validate. {@code key} and {@code value} let the
 * policy parser point at the line the value is written on.
 */
public final class NetworkPolicyException extends IllegalArgumentException {
    private final String key;
    private final String value;

    public NetworkPolicyException(String key, String value, String reason) {
        super(reason);
        this.key = key;
        this.value = value;
    }

    public String key() {
        return key;
    }

    public String value() {
        return value;
    }
}
