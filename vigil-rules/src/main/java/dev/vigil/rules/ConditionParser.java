package dev.vigil.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * Falco's condition syntax, recursive descent: or binds loosest, then and, then not; comparisons
 * are {@code field op value}, {@code field op (v, ...)} for in/intersects/pmatch, or
 * {@code field exists}; any other bare name is a macro. Values are read in context, so bare
 * words such as {@code <} or {@code /etc/shadow} need no quotes.
 */
final class ConditionParser {
    static final class SyntaxException extends Exception {
        SyntaxException(String message) {
            super(message, null, false, false);
        }
    }

    private final String s;
    private int i;

    private ConditionParser(String s) {
        this.s = s;
    }

    static Cond parse(String condition) throws SyntaxException {
        ConditionParser p = new ConditionParser(condition);
        p.ws();
        if (p.i == p.s.length()) throw new SyntaxException("empty condition");
        Cond c = p.or();
        p.ws();
        if (p.i < p.s.length()) throw p.error("expected \"and\", \"or\" or the end, found \"" + p.peekWord() + "\"");
        return c;
    }

    private Cond or() throws SyntaxException {
        List<Cond> items = new ArrayList<>();
        items.add(and());
        while (keyword("or")) items.add(and());
        return items.size() == 1 ? items.getFirst() : new Cond.Or(items);
    }

    private Cond and() throws SyntaxException {
        List<Cond> items = new ArrayList<>();
        items.add(not());
        while (keyword("and")) items.add(not());
        return items.size() == 1 ? items.getFirst() : new Cond.And(items);
    }

    private Cond not() throws SyntaxException {
        if (keyword("not")) return new Cond.Not(not());
        return primary();
    }

    private Cond primary() throws SyntaxException {
        ws();
        if (i >= s.length()) throw error("unexpected end of condition");
        if (s.charAt(i) == '(') {
            i++;
            Cond c = or();
            ws();
            if (i >= s.length() || s.charAt(i) != ')') throw error("missing \")\"");
            i++;
            return c;
        }
        int column = i + 1;
        String name = identifier();
        if (name.isEmpty()) throw error("expected a field or macro name, found \"" + peekWord() + "\"");
        if (name.equals("val") && i < s.length() && s.charAt(i) == '(') throw error("field-to-field comparison val(...) is not supported");
        String arg = null;
        if (i < s.length() && s.charAt(i) == '[') {
            int close = s.indexOf(']', i);
            if (close < 0) throw error("missing \"]\" after " + name + "[");
            arg = s.substring(i + 1, close);
            i = close + 1;
        }
        ws();
        String op = operator();
        if (op == null) {
            if (name.indexOf('.') >= 0 || arg != null) {
                String w = peekWord();
                throw error(w.isEmpty() || w.equals("and") || w.equals("or") || w.equals(")")
                        ? "field " + name + " needs an operator"
                        : "bad operator \"" + w + "\" after field " + name);
            }
            return new Cond.Macro(name, column);
        }
        Op known = Op.parse(op);
        if (known == Op.EXISTS) return new Cond.Cmp(name, arg, op, List.of(), false, column);
        ws();
        if (s.startsWith("val(", i)) throw error("field-to-field comparison val(...) is not supported");
        if (i < s.length() && (s.charAt(i) == '=' || s.charAt(i) == '!')) throw error("unexpected \"" + s.charAt(i) + "\" after operator \"" + op + "\"");
        boolean list = i < s.length() && s.charAt(i) == '(';
        List<Cond.Val> values = new ArrayList<>();
        if (list) {
            i++;
            ws();
            if (i < s.length() && s.charAt(i) == ')') i++;
            else {
                while (true) {
                    values.add(value(true));
                    ws();
                    if (i >= s.length()) throw error("missing \")\" after the list of values");
                    char c = s.charAt(i++);
                    if (c == ')') break;
                    if (c != ',') throw error("expected \",\" or \")\" in the list of values");
                }
            }
        } else {
            if (i >= s.length()) throw error("expected a value after \"" + op + "\"");
            values.add(value(false));
        }
        return new Cond.Cmp(name, arg, op, values, list, column);
    }

    private Cond.Val value(boolean inList) throws SyntaxException {
        ws();
        if (i >= s.length()) throw error("expected a value");
        char q = s.charAt(i);
        if (q == '"' || q == '\'') {
            StringBuilder b = new StringBuilder();
            int start = i++;
            while (true) {
                if (i >= s.length()) {
                    i = start;
                    throw error("unterminated string");
                }
                char c = s.charAt(i++);
                if (c == q) break;
                if (c == '\\' && i < s.length()) c = s.charAt(i++);
                b.append(c);
            }
            return new Cond.Val(b.toString(), true);
        }
        int start = i;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c) || c == ')' || (inList && c == ',')) break;
            i++;
        }
        if (i == start) throw error("expected a value, found \"" + s.charAt(i) + "\"");
        return new Cond.Val(s.substring(start, i), false);
    }

    /** The operator at the cursor (consumed), or null when the next word is none. */
    private String operator() {
        if (i >= s.length()) return null;
        for (String sym : new String[]{"==", "!=", "<=", ">=", "=", "<", ">"}) {
            if (s.startsWith(sym, i)) {
                i += sym.length();
                return sym;
            }
        }
        int start = i, end = i;
        while (end < s.length() && Character.isLetter(s.charAt(end))) end++;
        String w = s.substring(start, end);
        if (Op.parse(w) != null || Op.UNSUPPORTED.containsKey(w)) {
            i = end;
            return w;
        }
        return null;
    }

    private String identifier() {
        int start = i;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-') i++;
            else break;
        }
        return s.substring(start, i);
    }

    private boolean keyword(String k) {
        ws();
        if (s.startsWith(k, i)) {
            int end = i + k.length();
            if (end == s.length() || !(Character.isLetterOrDigit(s.charAt(end)) || s.charAt(end) == '_' || s.charAt(end) == '.')) {
                i = end;
                return true;
            }
        }
        return false;
    }

    private String peekWord() {
        int end = i;
        while (end < s.length() && !Character.isWhitespace(s.charAt(end))) end++;
        return s.substring(i, Math.min(end, i + 40));
    }

    private void ws() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
    }

    private SyntaxException error(String message) {
        return new SyntaxException(message + " (at column " + (i + 1) + ")");
    }
}
