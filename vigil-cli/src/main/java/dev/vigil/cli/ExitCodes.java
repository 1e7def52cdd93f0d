package dev.vigil.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** The vigil command's exit codes; docs/cli.md lists them for scripts. */
final class ExitCodes {
    static final int OK = 0, ERROR = 1, USAGE = 2, NOT_RUNNING = 3, PERMISSION_DENIED = 4, NOT_FOUND = 5, INVALID_INPUT = 6;

    private ExitCodes() {}

    /** Turns an API failure into an exit code and the message the user sees. */
    static CliException fromStatus(StatusRuntimeException e, String socket) {
        Status s = e.getStatus();
        String description = s.getDescription() == null ? s.getCode().toString() : s.getDescription();
        return switch (s.getCode()) {
            case UNAVAILABLE -> causeMentions(e, "Permission denied") || causeMentions(e, "EACCES")
                    ? new CliException(PERMISSION_DENIED, "permission denied: the API socket is root-only; run as root")
                    : new CliException(NOT_RUNNING, "the agent is not running (cannot connect to " + socket + ": " + rootCause(e) + ")");
            case PERMISSION_DENIED, UNAUTHENTICATED -> new CliException(PERMISSION_DENIED, "permission denied: " + description);
            case NOT_FOUND -> new CliException(NOT_FOUND, description);
            case INVALID_ARGUMENT, OUT_OF_RANGE -> new CliException(INVALID_INPUT, description);
            case RESOURCE_EXHAUSTED -> new CliException(INVALID_INPUT, "the agent refused the request: " + description);
            default -> new CliException(ERROR, s.getCode() + ": " + description);
        };
    }

    private static boolean causeMentions(Throwable t, String text) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null && c.getMessage().contains(text)) return true;
        }
        return false;
    }

    private static String rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null) c = c.getCause();
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }
}
