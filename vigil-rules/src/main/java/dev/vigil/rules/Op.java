package dev.vigil.rules;

import java.util.Map;

/** Condition operators, as rule files spell them. */
enum Op {
    EQ("="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">="), IN("in"), INTERSECTS("intersects"), CONTAINS("contains"),
    ICONTAINS("icontains"), STARTSWITH("startswith"), ENDSWITH("endswith"), GLOB("glob"), PMATCH("pmatch"), EXISTS("exists");

    final String text;

    Op(String text) {
        this.text = text;
    }

    /** Falco operators Vigil does not evaluate: a rule using one is skipped, not rejected. */
    static final Map<String, String> UNSUPPORTED = Map.of(
            "bcontains", "byte-buffer operators are not supported",
            "bstartswith", "byte-buffer operators are not supported",
            "regex", "the regex operator is not supported (use glob or pmatch)",
            "iglob", "case-insensitive glob is not supported");

    static Op parse(String s) {
        if (s.equals("==")) return EQ;
        for (Op op : values()) if (op.text.equals(s)) return op;
        return null;
    }

    /** Operators that take a parenthesised list. */
    boolean takesList() {
        return this == IN || this == INTERSECTS || this == PMATCH;
    }
}
