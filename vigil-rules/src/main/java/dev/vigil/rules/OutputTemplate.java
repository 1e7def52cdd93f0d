package dev.vigil.rules;

import java.util.ArrayList;
import java.util.List;

/** A rule's output with its %field references bound to compiled fields. */
final class OutputTemplate {
    private final Object[] parts; // String literals and Fields, in order

    private OutputTemplate(Object[] parts) {
        this.parts = parts;
    }

    /**
     * @param warnings receives one line per field Vigil does not provide (printed as &lt;NA&gt;)
     * @throws Compiler.CompileException for an unknown field
     */
    static OutputTemplate compile(String output, List<String> warnings) throws Compiler.CompileException {
        output = output.replace("%container.info", "container_id=%container.id container_name=%container.name");
        List<Object> parts = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        int i = 0;
        while (i < output.length()) {
            char c = output.charAt(i);
            int end = i + 1;
            if (c == '%') {
                while (end < output.length() && isFieldChar(output.charAt(end))) end++;
                while (end > i + 1 && output.charAt(end - 1) == '.') end--;
            }
            if (c != '%' || end == i + 1) {
                lit.append(c);
                i++;
                continue;
            }
            String name = output.substring(i + 1, end), arg = null;
            if (end < output.length() && output.charAt(end) == '[') {
                int close = output.indexOf(']', end);
                if (close > 0) {
                    arg = output.substring(end + 1, close);
                    end = close + 1;
                }
            }
            Field f;
            try {
                f = Fields.resolve(name, arg);
            } catch (FieldException e) {
                if (!e.unsupported) throw new Compiler.CompileException(false, null, "output: " + e.getMessage());
                warnings.add("output: " + e.getMessage() + "; it prints as <NA>");
                lit.append(Field.NA);
                i = end;
                continue;
            }
            if (!lit.isEmpty()) {
                parts.add(lit.toString());
                lit.setLength(0);
            }
            parts.add(f);
            i = end;
        }
        if (!lit.isEmpty()) parts.add(lit.toString());
        return new OutputTemplate(parts.toArray());
    }

    private static boolean isFieldChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.';
    }

    String format(RuleEvent e, EvalContext c) {
        StringBuilder b = new StringBuilder(128);
        for (Object p : parts) {
            if (p instanceof String s) b.append(s);
            else ((Field) p).format(e, c, b);
        }
        return b.toString();
    }
}
