package dev.vigil.rules;

import dev.vigil.rules.Definitions.ExceptionDef;
import dev.vigil.rules.Definitions.ListDef;
import dev.vigil.rules.Definitions.MacroDef;
import dev.vigil.rules.Definitions.Origin;
import dev.vigil.rules.Definitions.RuleDef;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies the items of one Falco rules file to a {@link Definitions}: lists, macros and rules,
 * with appends (old style {@code append: true}, new style {@code override:}). Every problem is
 * collected as "FILE:LINE: ..."; the caller discards the result when there is any.
 */
final class RuleFileReader {
    private static final Set<String> RULE_KEYS = Set.of("rule", "desc", "condition", "output", "priority", "tags", "enabled", "exceptions",
            "source", "append", "override", "warn_evttypes", "skip-if-unknown-filter", "capture", "capture_duration");
    private static final Set<String> RULE_APPENDABLE = Set.of("condition", "output", "desc", "tags", "exceptions");
    private static final Set<String> RULE_REPLACEABLE = Set.of("condition", "output", "desc", "priority", "tags", "exceptions", "enabled",
            "warn_evttypes", "skip-if-unknown-filter");

    private final String file;
    private final Definitions defs;
    final List<String> errors = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    /** Names of the rules this file defines or changes, in order. */
    final List<String> touchedRules = new ArrayList<>();

    private static final class ItemException extends Exception {
        final int line;

        ItemException(int line, String message) {
            super(message, null, false, false);
            this.line = line;
        }
    }

    RuleFileReader(String file, Definitions defs) {
        this.file = file;
        this.defs = defs;
    }

    void read(String text) {
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            root = new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1 : 1;
            errors.add(file + ":" + line + ": invalid YAML: " + e.getProblem());
            return;
        } catch (YAMLException e) {
            errors.add(file + ":1: invalid YAML: " + e.getMessage());
            return;
        }
        if (root == null) return;
        if (!(root instanceof SequenceNode seq)) {
            errors.add(file + ":" + line(root) + ": a rules file is a YAML list of items (- rule:, - macro:, - list:)");
            return;
        }
        for (Node item : seq.getValue()) {
            String what = "item";
            try {
                if (!(item instanceof MappingNode m)) throw new ItemException(line(item), "an item must be a mapping");
                Map<String, Node> keys = keys(m);
                if (keys.containsKey("rule")) {
                    what = "rule \"" + scalar(keys.get("rule"), "rule") + "\"";
                    rule(keys, line(item));
                } else if (keys.containsKey("macro")) {
                    what = "macro \"" + scalar(keys.get("macro"), "macro") + "\"";
                    macro(keys, line(item));
                } else if (keys.containsKey("list")) {
                    what = "list \"" + scalar(keys.get("list"), "list") + "\"";
                    list(keys, line(item));
                } else if (keys.containsKey("required_engine_version") || keys.containsKey("required_plugin_versions")) {
                    // Version requirements are Falco's; Vigil implements the syntax they gate.
                } else {
                    throw new ItemException(line(item), "unknown item with keys " + keys.keySet() + "; expected rule, macro, list, "
                            + "required_engine_version or required_plugin_versions");
                }
            } catch (ItemException e) {
                errors.add(file + ":" + e.line + ": " + what + ": " + e.getMessage());
            }
        }
    }

    private void list(Map<String, Node> k, int line) throws ItemException {
        String name = scalar(k.get("list"), "list");
        unknownKeys(k, Set.of("list", "items", "append", "override"), "list");
        String mode = mode(k, "items", Set.of("items"), Set.of("items"));
        List<String> items = k.containsKey("items") ? strings(k.get("items"), "items") : List.of();
        if (mode == null && !k.containsKey("items")) throw new ItemException(line, "missing key \"items\"");
        ListDef old = defs.lists.get(name);
        if ("append".equals(mode)) {
            if (old == null) throw new ItemException(line, "cannot append to undefined list");
            List<String> all = new ArrayList<>(old.items());
            all.addAll(items);
            defs.lists.put(name, new ListDef(name, all, old.origin()));
        } else {
            defs.lists.put(name, new ListDef(name, items, old != null && mode != null ? old.origin() : new Origin(file, line)));
        }
    }

    private void macro(Map<String, Node> k, int line) throws ItemException {
        String name = scalar(k.get("macro"), "macro");
        unknownKeys(k, Set.of("macro", "condition", "append", "override", "source"), "macro");
        String mode = mode(k, "condition", Set.of("condition"), Set.of("condition"));
        if (!k.containsKey("condition")) throw new ItemException(line, "missing key \"condition\"");
        String condition = scalar(k.get("condition"), "condition");
        MacroDef old = defs.macros.get(name);
        if ("append".equals(mode)) {
            if (old == null) throw new ItemException(line, "cannot append to undefined macro");
            defs.macros.put(name, new MacroDef(name, old.condition() + " " + condition, old.origin()));
        } else {
            defs.macros.put(name, new MacroDef(name, condition, new Origin(file, line)));
        }
    }

    private void rule(Map<String, Node> k, int line) throws ItemException {
        String name = scalar(k.get("rule"), "rule");
        for (String key : k.keySet()) {
            if (!RULE_KEYS.contains(key)) warnings.add(file + ":" + line + ": rule \"" + name + "\": unknown key \"" + key + "\" ignored");
        }
        RuleDef old = defs.rules.get(name);
        touchedRules.add(name);
        if (k.containsKey("override")) {
            Map<String, String> how = overrides(k, line);
            if (old == null) throw new ItemException(line, "cannot override undefined rule");
            RuleDef r = old;
            for (var e : how.entrySet()) r = apply(r, e.getKey(), e.getValue().equals("append"), k, line);
            defs.rules.put(name, r);
            return;
        }
        if (bool(k, "append", false)) {
            if (old == null) throw new ItemException(line, "cannot append to undefined rule");
            RuleDef r = old;
            for (String key : k.keySet()) {
                if (key.equals("rule") || key.equals("append")) continue;
                if (!key.equals("condition") && !key.equals("exceptions") && !key.equals("output") && !key.equals("desc") && !key.equals("tags"))
                    throw new ItemException(line(k.get(key)), "\"" + key + "\" cannot be appended (append: true takes condition, exceptions, output, desc, tags)");
                r = apply(r, key, true, k, line);
            }
            defs.rules.put(name, r);
            return;
        }
        if (old != null && k.containsKey("enabled") && k.keySet().stream().allMatch(s -> s.equals("rule") || s.equals("enabled"))) {
            defs.rules.put(name, old.withEnabled(bool(k, "enabled", true)));
            return;
        }
        for (String required : List.of("condition", "output", "desc", "priority")) {
            if (!k.containsKey(required)) throw new ItemException(line, "missing key \"" + required + "\"");
        }
        String priority = scalar(k.get("priority"), "priority");
        if (Priority.parse(priority) == null)
            throw new ItemException(line(k.get("priority")), "invalid priority \"" + priority + "\"; expected emergency, alert, critical, error, "
                    + "warning, notice, informational (info) or debug");
        defs.rules.put(name, new RuleDef(name, scalar(k.get("desc"), "desc"), scalar(k.get("condition"), "condition"),
                scalar(k.get("output"), "output"), priority, k.containsKey("tags") ? strings(k.get("tags"), "tags") : List.of(),
                bool(k, "enabled", true), k.containsKey("exceptions") ? exceptions(k.get("exceptions")) : List.of(),
                k.containsKey("source") ? scalar(k.get("source"), "source") : "syscall", bool(k, "skip-if-unknown-filter", false),
                bool(k, "warn_evttypes", true), new Origin(file, line)));
    }

    /** The override: mapping of a rule, checked against the keys the item carries. */
    private Map<String, String> overrides(Map<String, Node> k, int line) throws ItemException {
        if (!(k.get("override") instanceof MappingNode m)) throw new ItemException(line(k.get("override")), "override must be a mapping of key: append|replace");
        Map<String, String> how = new LinkedHashMap<>();
        for (var e : keys(m).entrySet()) {
            String key = e.getKey(), mode = scalar(e.getValue(), "override." + key);
            if (!mode.equals("append") && !mode.equals("replace"))
                throw new ItemException(line(e.getValue()), "override." + key + " must be append or replace, not \"" + mode + "\"");
            if (mode.equals("append") && !RULE_APPENDABLE.contains(key)) throw new ItemException(line(e.getValue()), "\"" + key + "\" cannot be appended");
            if (mode.equals("replace") && !RULE_REPLACEABLE.contains(key)) throw new ItemException(line(e.getValue()), "\"" + key + "\" cannot be replaced");
            if (!k.containsKey(key)) throw new ItemException(line(e.getValue()), "override." + key + " given but the item has no \"" + key + "\"");
            how.put(key, mode);
        }
        for (String key : k.keySet()) {
            if (!key.equals("rule") && !key.equals("override") && !how.containsKey(key))
                throw new ItemException(line(k.get(key)), "\"" + key + "\" is not listed in override");
        }
        return how;
    }

    private RuleDef apply(RuleDef r, String key, boolean append, Map<String, Node> k, int line) throws ItemException {
        Node v = k.get(key);
        return switch (key) {
            case "condition" -> r.withCondition(append ? r.condition() + " " + scalar(v, key) : scalar(v, key));
            case "output" -> r.withOutput(append ? r.output() + " " + scalar(v, key) : scalar(v, key));
            case "desc" -> r.withDesc(append ? r.desc() + " " + scalar(v, key) : scalar(v, key));
            case "tags" -> {
                List<String> tags = new ArrayList<>(append ? r.tags() : List.of());
                for (String t : strings(v, key)) if (!tags.contains(t)) tags.add(t);
                yield r.withTags(tags);
            }
            case "priority" -> {
                String p = scalar(v, key);
                if (Priority.parse(p) == null) throw new ItemException(line(v), "invalid priority \"" + p + "\"");
                yield r.withPriority(p);
            }
            case "enabled" -> r.withEnabled(bool(k, key, true));
            case "warn_evttypes" -> r.withWarnEvttypes(bool(k, key, true));
            case "skip-if-unknown-filter" -> r.withSkipIfUnknown(bool(k, key, false));
            case "exceptions" -> {
                List<ExceptionDef> more = exceptions(v);
                if (!append) yield r.withExceptions(more);
                List<ExceptionDef> all = new ArrayList<>(r.exceptions());
                for (ExceptionDef x : more) {
                    int at = -1;
                    for (int i = 0; i < all.size(); i++) if (all.get(i).name().equals(x.name())) at = i;
                    if (at >= 0) all.set(at, all.get(at).withMoreValues(x.values()));
                    else all.add(x);
                }
                yield r.withExceptions(all);
            }
            default -> throw new ItemException(line, "\"" + key + "\" cannot be changed");
        };
    }

    private List<ExceptionDef> exceptions(Node n) throws ItemException {
        if (!(n instanceof SequenceNode seq)) throw new ItemException(line(n), "exceptions must be a list");
        List<ExceptionDef> out = new ArrayList<>();
        for (Node item : seq.getValue()) {
            if (!(item instanceof MappingNode m)) throw new ItemException(line(item), "an exception must be a mapping with name, fields, comps, values");
            Map<String, Node> k = keys(m);
            unknownKeys(k, Set.of("name", "fields", "comps", "values"), "exception");
            if (!k.containsKey("name")) throw new ItemException(line(item), "exception without a name");
            String name = scalar(k.get("name"), "name");
            Node fieldsNode = k.get("fields");
            boolean single = fieldsNode instanceof ScalarNode;
            List<String> fields = fieldsNode == null ? List.of() : single ? List.of(scalar(fieldsNode, "fields")) : strings(fieldsNode, "fields");
            List<String> comps;
            Node compsNode = k.get("comps");
            if (compsNode == null) comps = single ? List.of("in") : fields.stream().map(f -> "=").toList();
            else comps = compsNode instanceof ScalarNode ? List.of(scalar(compsNode, "comps")) : strings(compsNode, "comps");
            if (comps.size() != fields.size())
                throw new ItemException(line(item), "exception \"" + name + "\": " + comps.size() + " comps for " + fields.size() + " fields");
            for (String c : comps) {
                Op op = Op.parse(c);
                if (op == null || op == Op.EXISTS) throw new ItemException(line(compsNode), "exception \"" + name + "\": bad comparison operator \"" + c + "\"");
            }
            List<List<Object>> values = new ArrayList<>();
            Node valuesNode = k.get("values");
            if (valuesNode != null) {
                if (!(valuesNode instanceof SequenceNode vs)) throw new ItemException(line(valuesNode), "exception \"" + name + "\": values must be a list");
                for (Node v : vs.getValue()) {
                    // One field: each value is one alternative. Several: each value is a tuple. No
                    // fields (values appended to an exception defined earlier): checked at compile.
                    if (single) values.add(List.of(value(v)));
                    else if (v instanceof SequenceNode ts) {
                        if (!fields.isEmpty() && ts.getValue().size() != fields.size())
                            throw new ItemException(line(v), "exception \"" + name + "\": each value must be a list of " + fields.size()
                                    + " values, one per field " + fields);
                        List<Object> row = new ArrayList<>();
                        for (Node e : ts.getValue()) row.add(value(e));
                        values.add(row);
                    } else if (fields.isEmpty()) values.add(List.of(value(v)));
                    else throw new ItemException(line(v), "exception \"" + name + "\": each value must be a list of " + fields.size() + " values");
                }
            }
            out.add(new ExceptionDef(name, fields, single, comps, values, new Origin(file, line(item))));
        }
        return out;
    }

    private Object value(Node v) throws ItemException {
        return v instanceof SequenceNode ? strings(v, "value") : scalar(v, "value");
    }

    /** "append", "replace" or null (a new definition) for a list or macro item. */
    private String mode(Map<String, Node> k, String key, Set<String> appendable, Set<String> replaceable) throws ItemException {
        if (k.containsKey("override")) {
            if (!(k.get("override") instanceof MappingNode m)) throw new ItemException(line(k.get("override")), "override must be a mapping");
            Map<String, Node> o = keys(m);
            for (var e : o.entrySet()) {
                String mode = scalar(e.getValue(), "override." + e.getKey());
                if (!(mode.equals("append") ? appendable : replaceable).contains(e.getKey()) || !(mode.equals("append") || mode.equals("replace")))
                    throw new ItemException(line(e.getValue()), "override." + e.getKey() + ": " + mode + " is not possible here");
            }
            if (!o.containsKey(key)) throw new ItemException(line(k.get("override")), "override must name \"" + key + "\"");
            return scalar(o.get(key), "override");
        }
        return bool(k, "append", false) ? "append" : null;
    }

    private void unknownKeys(Map<String, Node> k, Set<String> known, String what) throws ItemException {
        for (var e : k.entrySet()) {
            if (!known.contains(e.getKey())) throw new ItemException(line(e.getValue()), "unknown key \"" + e.getKey() + "\" in " + what);
        }
    }

    private static Map<String, Node> keys(MappingNode m) throws ItemException {
        Map<String, Node> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) out.put(scalar(t.getKeyNode(), "key"), t.getValueNode());
        return out;
    }

    private static String scalar(Node n, String key) throws ItemException {
        if (n instanceof ScalarNode s) return s.getValue();
        throw new ItemException(line(n), "\"" + key + "\" must be a single value");
    }

    private static List<String> strings(Node n, String key) throws ItemException {
        if (n instanceof ScalarNode s && s.getValue().isEmpty()) return List.of();
        if (!(n instanceof SequenceNode seq)) throw new ItemException(line(n), "\"" + key + "\" must be a list");
        List<String> out = new ArrayList<>();
        for (Node item : seq.getValue()) out.add(scalar(item, key));
        return out;
    }

    private static boolean bool(Map<String, Node> k, String key, boolean dflt) throws ItemException {
        Node n = k.get(key);
        if (n == null) return dflt;
        String v = scalar(n, key);
        if (v.equalsIgnoreCase("true")) return true;
        if (v.equalsIgnoreCase("false")) return false;
        throw new ItemException(line(n), "\"" + key + "\" must be true or false, not \"" + v + "\"");
    }

    private static int line(Node n) {
        return n == null || n.getStartMark() == null ? 1 : n.getStartMark().getLine() + 1;
    }
}
