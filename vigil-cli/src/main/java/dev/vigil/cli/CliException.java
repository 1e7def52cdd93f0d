package dev.vigil.cli;

/** A failure with the exit code scripts rely on (docs/cli.md) and a one-line message. */
final class CliException extends RuntimeException {
    final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }
}
