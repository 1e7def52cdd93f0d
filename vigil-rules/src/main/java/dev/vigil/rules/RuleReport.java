package dev.vigil.rules;

import java.util.List;

/** What happened to one rule at load: what `vigil rules check` prints per rule. */
public record RuleReport(String name, String file, int line, Status status, String detail, Priority priority, List<String> tags) {
    public enum Status {
        /** compiled and active */
        LOADED,
        /** compiled, enabled: false */
        DISABLED,
        /** valid for Falco, but uses a field, operator or source Vigil does not provide; detail says which */
        SKIPPED,
        /** invalid: detail says why; its file was not applied */
        ERROR,
        /** valid itself, but its file had errors elsewhere and was not applied */
        NOT_APPLIED
    }

    public RuleReport {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }
}
