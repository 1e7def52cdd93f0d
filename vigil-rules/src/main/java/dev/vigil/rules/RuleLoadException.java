package dev.vigil.rules;

import java.util.List;

/** Rule files that could not be loaded; the message lists every "FILE:LINE: rule "NAME": reason". */
public final class RuleLoadException extends Exception {
    private final List<String> errors;

    public RuleLoadException(List<String> errors) {
        super(String.join("\n", errors));
        this.errors = List.copyOf(errors);
    }

    public List<String> errors() {
        return errors;
    }
}
