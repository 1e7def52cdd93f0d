package dev.vigil.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Lists, macros and rules as the files define them, after appends and overrides, before
 * compilation. Copied before each file is applied, so a file with an error leaves the previous
 * state untouched.
 */
final class Definitions {
    record Origin(String file, int line) {
        @Override
        public String toString() {
            return file + ":" + line;
        }
    }

    record ListDef(String name, List<String> items, Origin origin) {}

    record MacroDef(String name, String condition, Origin origin) {}

    /**
     * @param fields one field (the values then form one list) or several (each value is a tuple)
     * @param values per tuple, each element a String or a List of Strings
     */
    record ExceptionDef(String name, List<String> fields, boolean singleField, List<String> comps, List<List<Object>> values, Origin origin) {
        ExceptionDef withMoreValues(List<List<Object>> more) {
            List<List<Object>> all = new ArrayList<>(values);
            all.addAll(more);
            return new ExceptionDef(name, fields, singleField, comps, all, origin);
        }
    }

    record RuleDef(String name, String desc, String condition, String output, String priority, List<String> tags, boolean enabled,
                   List<ExceptionDef> exceptions, String source, boolean skipIfUnknown, boolean warnEvttypes, Origin origin) {
        RuleDef withCondition(String c) {
            return new RuleDef(name, desc, c, output, priority, tags, enabled, exceptions, source, skipIfUnknown, warnEvttypes, origin);
        }

        RuleDef withDesc(String d) {
            return new RuleDef(name, d, condition, output, priority, tags, enabled, exceptions, source, skipIfUnknown, warnEvttypes, origin);
        }

        RuleDef withOutput(String o) {
            return new RuleDef(name, desc, condition, o, priority, tags, enabled, exceptions, source, skipIfUnknown, warnEvttypes, origin);
        }

        RuleDef withPriority(String p) {
            return new RuleDef(name, desc, condition, output, p, tags, enabled, exceptions, source, skipIfUnknown, warnEvttypes, origin);
        }

        RuleDef withTags(List<String> t) {
            return new RuleDef(name, desc, condition, output, priority, t, enabled, exceptions, source, skipIfUnknown, warnEvttypes, origin);
        }

        RuleDef withEnabled(boolean e) {
            return new RuleDef(name, desc, condition, output, priority, tags, e, exceptions, source, skipIfUnknown, warnEvttypes, origin);
        }

        RuleDef withExceptions(List<ExceptionDef> x) {
            return new RuleDef(name, desc, condition, output, priority, tags, enabled, x, source, skipIfUnknown, warnEvttypes, origin);
        }

        RuleDef withSkipIfUnknown(boolean s) {
            return new RuleDef(name, desc, condition, output, priority, tags, enabled, exceptions, source, s, warnEvttypes, origin);
        }

        RuleDef withWarnEvttypes(boolean w) {
            return new RuleDef(name, desc, condition, output, priority, tags, enabled, exceptions, source, skipIfUnknown, w, origin);
        }
    }

    final LinkedHashMap<String, ListDef> lists = new LinkedHashMap<>();
    final LinkedHashMap<String, MacroDef> macros = new LinkedHashMap<>();
    final LinkedHashMap<String, RuleDef> rules = new LinkedHashMap<>();

    Definitions copy() {
        Definitions d = new Definitions();
        d.lists.putAll(lists);
        d.macros.putAll(macros);
        d.rules.putAll(rules);
        return d;
    }
}
