package dev.vigil.rules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns conditions into {@link Pred} trees against one set of lists and macros. Each macro is
 * compiled once and its predicate shared by every rule that uses it.
 */
final class Compiler {
    static final class CompileException extends Exception {
        /** True when Falco would accept the construct and Vigil cannot evaluate it: the rule is skipped. */
        final boolean unsupported;
        /** The macro the problem is in, null when it is in the condition itself. */
        final String macro;

        CompileException(boolean unsupported, String macro, String message) {
            super(message, null, false, false);
            this.unsupported = unsupported;
            this.macro = macro;
        }
    }

    private final Map<String, List<String>> lists;
    private final Map<String, String> macros;
    private final Map<String, Object> compiledMacros = new HashMap<>();
    private final Set<String> expanding = new LinkedHashSet<>();

    Compiler(Map<String, List<String>> lists, Map<String, String> macros) {
        this.lists = lists;
        this.macros = macros;
    }

    Pred compile(String condition) throws CompileException {
        return compile(parse(condition, null));
    }

    static Cond parse(String condition, String macro) throws CompileException {
        try {
            return ConditionParser.parse(condition);
        } catch (ConditionParser.SyntaxException e) {
            boolean unsupported = e.getMessage().startsWith("field-to-field");
            throw new CompileException(unsupported, macro, e.getMessage());
        }
    }

    Pred compile(Cond c) throws CompileException {
        return switch (c) {
            case Cond.And a -> new Pred.And(all(a.items()));
            case Cond.Or o -> new Pred.Or(all(o.items()));
            case Cond.Not n -> new Pred.Not(compile(n.item()));
            case Cond.Macro m -> macro(m.name());
            case Cond.Cmp cmp -> comparison(cmp);
        };
    }

    private Pred[] all(List<Cond> items) throws CompileException {
        Pred[] out = new Pred[items.size()];
        for (int i = 0; i < out.length; i++) out[i] = compile(items.get(i));
        return out;
    }

    /** The compiled macro; a problem inside it is reported as the macro's. */
    Pred macro(String name) throws CompileException {
        Object done = compiledMacros.get(name);
        if (done instanceof Pred p) return p;
        if (done instanceof CompileException e) throw e;
        String condition = macros.get(name);
        if (condition == null) {
            if (lists.containsKey(name)) throw new CompileException(false, null, "list \"" + name + "\" used as a condition; lists go inside ( ) after in/intersects/pmatch");
            throw new CompileException(false, null, "undefined macro \"" + name + "\"");
        }
        if (!expanding.add(name)) throw new CompileException(false, name, "macro \"" + name + "\" refers to itself (" + String.join(" -> ", expanding) + " -> " + name + ")");
        try {
            Pred p = compile(parse(condition, name));
            compiledMacros.put(name, p);
            return p;
        } catch (CompileException e) {
            CompileException wrapped = e.macro != null ? e : new CompileException(e.unsupported, name, "macro \"" + name + "\": " + e.getMessage());
            compiledMacros.put(name, wrapped);
            throw wrapped;
        } finally {
            expanding.remove(name);
        }
    }

    /** The items of a list, with items naming other lists expanded. */
    List<String> list(String name, Set<String> seen) throws CompileException {
        if (!seen.add(name)) throw new CompileException(false, null, "list \"" + name + "\" contains itself");
        List<String> out = new ArrayList<>();
        for (String item : lists.get(name)) {
            if (lists.containsKey(item)) out.addAll(list(item, seen));
            else out.add(unquote(item));
        }
        seen.remove(name);
        return out;
    }

    /** Falco pastes list items into the condition text, so an item written '"a b"' is the string a b. */
    private static String unquote(String item) {
        if (item.length() >= 2 && (item.charAt(0) == '"' || item.charAt(0) == '\'') && item.charAt(item.length() - 1) == item.charAt(0))
            return item.substring(1, item.length() - 1);
        return item;
    }

    static Field field(String name, String arg) throws CompileException {
        try {
            return Fields.resolve(name, arg);
        } catch (FieldException e) {
            throw new CompileException(e.unsupported, null, e.getMessage());
        }
    }

    private Pred comparison(Cond.Cmp cmp) throws CompileException {
        Field f = field(cmp.field(), cmp.arg());
        Op op = Op.parse(cmp.op());
        if (op == null) throw new CompileException(true, null, "operator \"" + cmp.op() + "\" is not supported: " + Op.UNSUPPORTED.get(cmp.op()));
        if (op == Op.EXISTS) return new Pred.Exists(f);
        if (cmp.list() && !op.takesList()) throw new CompileException(false, null, "operator " + op.text + " takes one value, not a list, for " + f.name());
        List<String> values = new ArrayList<>();
        for (Cond.Val v : cmp.values()) {
            if (!v.quoted() && lists.containsKey(v.text()) && (cmp.list() || op.takesList())) values.addAll(list(v.text(), new HashSet<>()));
            else values.add(v.text());
        }
        String where = f.name() + " " + op.text;
        return switch (f.type()) {
            case STRING, STRING_LIST -> withHint(string(f, op, values, where), f, op, values);
            case NUMBER -> number(f, op, values, where);
            case BOOL -> bool(f, op, values, where);
        };
    }

    /** Adds the bound a test on a file field puts on the opened path (OpenPaths), for the kernel's open filter. */
    private static Pred withHint(Pred p, Field f, Op op, List<String> values) {
        if (!(p instanceof Pred.Str s) || values.isEmpty()) return p;
        OpenPaths.Hint h = OpenPaths.hint(f.name(), op, values);
        return h == null ? p : s.withHint(h);
    }

    private static Pred string(Field f, Op op, List<String> values, String where) throws CompileException {
        if (op.takesList()) {
            if (values.isEmpty()) return new Pred.Const(false);
            if (op == Op.PMATCH) {
                String[] prefixes = values.stream().map(p -> p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p).toArray(String[]::new);
                return new Pred.Str(f, s -> pmatch(s, prefixes), null);
            }
            Set<String> set = Set.copyOf(new HashSet<>(values));
            return new Pred.Str(f, set::contains, set);
        }
        String v = values.getFirst();
        return switch (op) {
            case EQ -> new Pred.Str(f, v::equals, Set.of(v));
            case NE -> f.type() == Field.Type.STRING_LIST ? new Pred.NoneEqual(f, v) : new Pred.Str(f, s -> !s.equals(v), null);
            case CONTAINS -> new Pred.Str(f, s -> s.contains(v), null);
            case ICONTAINS -> {
                char lower = Character.toLowerCase(v.isEmpty() ? ' ' : v.charAt(0)), upper = Character.toUpperCase(lower);
                yield new Pred.Str(f, s -> icontains(s, v, lower, upper), null);
            }
            case STARTSWITH -> new Pred.Str(f, s -> s.startsWith(v), null);
            case ENDSWITH -> new Pred.Str(f, s -> s.endsWith(v), null);
            case GLOB -> {
                try {
                    Glob g = new Glob(v);
                    yield new Pred.Str(f, g::matches, null);
                } catch (IllegalArgumentException e) {
                    throw new CompileException(false, null, where + ": " + e.getMessage());
                }
            }
            default -> throw new CompileException(false, null, "operator " + op.text + " needs a numeric field; " + f.name() + " is a string");
        };
    }

    private static Pred number(Field f, Op op, List<String> values, String where) throws CompileException {
        long[] nums = new long[values.size()];
        for (int i = 0; i < nums.length; i++) nums[i] = parseNumber(values.get(i), where);
        return switch (op) {
            case IN, INTERSECTS -> nums.length == 0 ? new Pred.Const(false) : new Pred.NumIn(f, nums);
            case EQ, NE, LT, LE, GT, GE -> new Pred.Num(f, op, nums[0]);
            default -> throw new CompileException(false, null, "operator " + op.text + " is not valid for the numeric field " + f.name());
        };
    }

    private static Pred bool(Field f, Op op, List<String> values, String where) throws CompileException {
        if (op != Op.EQ && op != Op.NE) throw new CompileException(false, null, "operator " + op.text + " is not valid for the boolean field " + f.name());
        String v = values.getFirst();
        if (!v.equals("true") && !v.equals("false")) throw new CompileException(false, null, where + ": expected true or false, found \"" + v + "\"");
        return new Pred.Bool(f, v.equals("true"), op == Op.EQ);
    }

    private static long parseNumber(String v, String where) throws CompileException {
        try {
            return v.startsWith("0x") ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new CompileException(false, null, where + ": expected a number, found \"" + v + "\"");
        }
    }

    /** Case-insensitive substring search; a first-character check keeps regionMatches off most positions. */
    static boolean icontains(String s, String needle, char lower, char upper) {
        int n = needle.length();
        if (n == 0) return true;
        for (int k = 0, last = s.length() - n; k <= last; k++) {
            char c = s.charAt(k);
            if ((c == lower || c == upper) && s.regionMatches(true, k, needle, 0, n)) return true;
        }
        return false;
    }

    /** Path-prefix match: /usr/bin matches /usr/bin and /usr/bin/ls, not /usr/binx. */
    static boolean pmatch(String s, String[] prefixes) {
        for (String p : prefixes) {
            if (s.startsWith(p) && (s.length() == p.length() || p.equals("/") || s.charAt(p.length()) == '/')) return true;
        }
        return false;
    }
}
