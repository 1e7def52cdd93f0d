package dev.vigil.rules;

/** A field or operator the loader cannot use: unknown (an error), or known to Falco but not provided by Vigil (the rule is skipped). */
final class FieldException extends Exception {
    final boolean unsupported;

    FieldException(boolean unsupported, String message) {
        super(message, null, false, false);
        this.unsupported = unsupported;
    }
}
