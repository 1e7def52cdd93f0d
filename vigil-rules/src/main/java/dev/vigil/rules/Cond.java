package dev.vigil.rules;

import java.util.List;

/** A parsed condition, before macros, lists and fields are resolved. */
sealed interface Cond {
    record And(List<Cond> items) implements Cond {}

    record Or(List<Cond> items) implements Cond {}

    record Not(Cond item) implements Cond {}

    /** A bare name: a macro reference. */
    record Macro(String name, int column) implements Cond {}

    /** {@code field[arg] op value} or {@code field op (v1, v2)}; values is empty for exists. */
    record Cmp(String field, String arg, String op, List<Val> values, boolean list, int column) implements Cond {}

    /** A constant; a bare (unquoted) one inside a list may name a list. */
    record Val(String text, boolean quoted) {}
}
