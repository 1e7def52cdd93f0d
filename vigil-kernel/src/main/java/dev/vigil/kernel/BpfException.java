package dev.vigil.kernel;

/**
 * A libbpf or kernel call failed. Carries the positive errno and, for loads, the verifier's log,
 * because "EINVAL" alone never tells anybody which instruction the verifier disliked.
 */
public class BpfException extends RuntimeException {
    private final int errno;
    private final String log;

    public BpfException(String operation, int errno) {
        this(operation, errno, "");
    }

    public BpfException(String operation, int errno, String log) {
        super(operation + " failed: " + Errno.describe(errno) + (log.isBlank() ? "" : "\n" + tail(log)));
        this.errno = errno;
        this.log = log;
    }

    /** Positive errno value, e.g. 1 for EPERM. */
    public int errno() {
        return errno;
    }

    /** The verifier or libbpf log captured with the failure; empty when there was none. */
    public String log() {
        return log;
    }

    private static String tail(String log) {
        // Verifier logs run to megabytes; the reason is at the end.
        int max = 4000;
        return log.length() <= max ? log : "... " + log.substring(log.length() - max);
    }
}
