package dev.vigil.rules;

/**
 * A compiled field: one typed extractor bound at load time, so evaluation calls it directly
 * instead of looking the name up. Numbers use {@link #ABSENT} and booleans -1 for "the event
 * has no such value", so nothing is boxed.
 */
public final class Field {
    public static final long ABSENT = Long.MIN_VALUE;
    static final String NA = "<NA>";

    public enum Type { STRING, NUMBER, BOOL, STRING_LIST }

    @FunctionalInterface interface Str { String get(RuleEvent e, EvalContext c); }
    @FunctionalInterface interface Num { long get(RuleEvent e, EvalContext c); }
    @FunctionalInterface interface Bool { int get(RuleEvent e, EvalContext c); }
    /** Element i of a list field, null past its end. */
    @FunctionalInterface interface Item { String get(RuleEvent e, EvalContext c, int i); }

    private final String name;
    private final Type type;
    private final Str str;
    private final Num num;
    private final Bool bool;
    private final Item item;

    private Field(String name, Type type, Str str, Num num, Bool bool, Item item) {
        this.name = name;
        this.type = type;
        this.str = str;
        this.num = num;
        this.bool = bool;
        this.item = item;
    }

    static Field str(String name, Str s) { return new Field(name, Type.STRING, s, null, null, null); }
    static Field num(String name, Num n) { return new Field(name, Type.NUMBER, null, n, null, null); }
    static Field bool(String name, Bool b) { return new Field(name, Type.BOOL, null, null, b, null); }
    static Field list(String name, Item i) { return new Field(name, Type.STRING_LIST, null, null, null, i); }

    public String name() { return name; }
    public Type type() { return type; }

    String str(RuleEvent e, EvalContext c) { return str.get(e, c); }
    long num(RuleEvent e, EvalContext c) { return num.get(e, c); }
    int bool(RuleEvent e, EvalContext c) { return bool.get(e, c); }
    String item(RuleEvent e, EvalContext c, int i) { return item.get(e, c, i); }

    boolean exists(RuleEvent e, EvalContext c) {
        return switch (type) {
            case STRING -> str(e, c) != null;
            case NUMBER -> num(e, c) != ABSENT;
            case BOOL -> bool(e, c) >= 0;
            case STRING_LIST -> item(e, c, 0) != null;
        };
    }

    /** The value as an output template prints it; Falco prints "&lt;NA&gt;" for absent values. */
    void format(RuleEvent e, EvalContext c, StringBuilder out) {
        switch (type) {
            case STRING -> {
                String s = str(e, c);
                out.append(s == null ? NA : s);
            }
            case NUMBER -> {
                long n = num(e, c);
                if (n == ABSENT) out.append(NA);
                else out.append(n);
            }
            case BOOL -> {
                int b = bool(e, c);
                out.append(b < 0 ? NA : b == 1 ? "true" : "false");
            }
            case STRING_LIST -> {
                String first = item(e, c, 0);
                if (first == null) {
                    out.append(NA);
                    return;
                }
                out.append(first);
                for (int i = 1; ; i++) {
                    String s = item(e, c, i);
                    if (s == null) break;
                    out.append(',').append(s);
                }
            }
        }
    }
}
