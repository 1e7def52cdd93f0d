package dev.vigil.rules;

import dev.vigil.rules.Definitions.ExceptionDef;
import dev.vigil.rules.Definitions.RuleDef;
import dev.vigil.rules.RuleReport.Status;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rules loaded from Falco-syntax files, in order (later files append to and override earlier
 * ones, as in Falco), compiled and indexed by event type, with the report of what loaded and
 * what did not. A file with any error is not applied at all. Immutable and shareable between
 * threads; evaluate through a {@link RuleEngine}.
 */
public final class RuleSet {
    public static final String DEFAULT_RESOURCE = "/dev/vigil/rules/default-rules.yaml";
    /** The name the default rules carry in reports. */
    public static final String DEFAULT_NAME = "default-rules.yaml";

    /** A rules file's name (for messages) and text. */
    public record Source(String name, String text) {
        public static Source of(Path file) throws IOException {
            return new Source(file.toString(), Files.readString(file));
        }
    }

    /**
     * @param errors   every "FILE:LINE: rule "NAME": reason", in file order; empty when all files applied
     * @param warnings problems that do not stop a load (unknown keys, rules without an event type, ...)
     */
    public record Report(List<RuleReport> rules, List<String> errors, List<String> warnings, List<String> rejectedFiles) {
        public long count(Status s) {
            return rules.stream().filter(r -> r.status() == s).count();
        }

        /** True when every file applied and every rule loaded or is disabled on purpose. */
        public boolean allLoaded() {
            return errors.isEmpty() && rules.stream().allMatch(r -> r.status() == Status.LOADED || r.status() == Status.DISABLED);
        }
    }

    private final List<CompiledRule> rules;
    private final Report report;
    private final Map<String, Bucket> byType = new HashMap<>();
    private final Bucket anyType;

    /**
     * The rules an event of one type can match, split by process name: rules that can only match
     * some process names ({@code proc.name in (...)} reachable through and/or) are looked up by
     * the event's process name, the others always run. Most rules name their processes, so an
     * event runs a handful of rules instead of every rule of its type. For file opens the rules
     * that always run are split once more by the access classes they can match (a read open
     * never runs the rules about writes), and those whose condition bounds the path are run
     * through a {@link PathIndex} (an open of a path no rule names runs none of them).
     *
     * @param always         every rule that runs whatever the process name, in file order
     * @param alwaysByAccess for file opens, per access mask (index OpenPaths.READ, WRITE,
     *                       READ|WRITE), those rules not bounded by path; for other types, all of
     *                       them at every index
     * @param pathsByAccess  for file opens, per access mask, the path-bounded ones; null otherwise
     */
    record Bucket(CompiledRule[] always, CompiledRule[][] alwaysByAccess, PathIndex[] pathsByAccess,
                  Map<String, CompiledRule[]> byProcName) {
        static Bucket of(List<CompiledRule> rules, boolean opens) {
            List<CompiledRule> always = new ArrayList<>();
            Map<String, List<CompiledRule>> named = new HashMap<>();
            for (CompiledRule r : rules) {
                if (r.procNames() == null) always.add(r);
                else for (String n : r.procNames()) named.computeIfAbsent(n, x -> new ArrayList<>()).add(r);
            }
            Map<String, CompiledRule[]> byName = new HashMap<>();
            named.forEach((n, rs) -> byName.put(n, rs.toArray(CompiledRule[]::new)));
            CompiledRule[] all = always.toArray(CompiledRule[]::new);
            CompiledRule[][] byAccess = new CompiledRule[4][];
            PathIndex[] paths = opens ? new PathIndex[4] : null;
            for (int access = 0; access < 4; access++) {
                if (!opens) {
                    byAccess[access] = all;
                    continue;
                }
                int a = access;
                List<CompiledRule> reachable = always.stream().filter(r -> (r.openAccess() & a) != 0).toList();
                byAccess[access] = reachable.stream().filter(r -> r.openPaths().any()).toArray(CompiledRule[]::new);
                paths[access] = new PathIndex(reachable.stream().filter(r -> !r.openPaths().any()).toList());
            }
            return new Bucket(all, byAccess, paths, byName);
        }

        private static int access(int openFlags) {
            int accmode = openFlags & 3;
            return accmode == 0 ? OpenPaths.READ : accmode == 1 ? OpenPaths.WRITE : OpenPaths.READ | OpenPaths.WRITE;
        }

        /** The always-run rules not bounded by path for an event with these open(2) flags (all of them for other types). */
        CompiledRule[] always(int openFlags) {
            return alwaysByAccess[access(openFlags)];
        }

        /** The path-bounded rules for an open with these flags; null for other types. */
        PathIndex paths(int openFlags) {
            return pathsByAccess == null ? null : pathsByAccess[access(openFlags)];
        }
    }

    private RuleSet(List<CompiledRule> rules, Report report) {
        this.rules = List.copyOf(rules);
        this.report = report;
        List<CompiledRule> untyped = new ArrayList<>();
        Map<String, List<CompiledRule>> typed = new LinkedHashMap<>();
        for (CompiledRule r : rules) {
            if (r.evtTypes() == null) untyped.add(r);
            else for (String t : r.evtTypes()) typed.computeIfAbsent(t, x -> new ArrayList<>());
        }
        // Each type's bucket keeps file order and includes the rules that run on every type.
        for (String t : typed.keySet()) {
            byType.put(t, Bucket.of(rules.stream().filter(r -> r.evtTypes() == null || r.evtTypes().contains(t)).toList(),
                    OpenPaths.OPEN_TYPES.contains(t)));
        }
        anyType = Bucket.of(untyped, false);
    }

    /** The active rules, in file order. */
    public List<CompiledRule> rules() {
        return rules;
    }

    public Report report() {
        return report;
    }

    /** The rules an event of this type must be tested against; allocation-free. */
    Bucket forType(String evtType) {
        Bucket b = byType.get(evtType);
        return b != null ? b : anyType;
    }

    /** The rules an event of this type and process name runs, in file order (for tests and tools; allocates). */
    List<CompiledRule> candidates(String evtType, String procName) {
        Bucket b = forType(evtType);
        Set<CompiledRule> out = new java.util.HashSet<>(List.of(b.always()));
        CompiledRule[] named = procName == null ? null : b.byProcName().get(procName);
        if (named != null) out.addAll(List.of(named));
        return rules.stream().filter(out::contains).toList();
    }

    /** Vigil's built-in rule set. */
    public static RuleSet defaults() {
        return load(List.of(defaultSource()));
    }

    public static Source defaultSource() {
        try (InputStream in = RuleSet.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) throw new IllegalStateException("missing resource " + DEFAULT_RESOURCE);
            return new Source(DEFAULT_NAME, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads files in order; an unreadable file is reported like an invalid one. */
    public static RuleSet loadFiles(List<Path> files) {
        List<Source> sources = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        for (Path f : files) {
            try {
                sources.add(Source.of(f));
            } catch (IOException e) {
                unreadable.add(f + ":1: cannot read: " + e.getMessage());
                sources.add(null);
            }
        }
        RuleSet set = load(sources.stream().filter(s -> s != null).toList());
        if (unreadable.isEmpty()) return set;
        List<String> errors = new ArrayList<>(unreadable);
        errors.addAll(set.report.errors());
        List<String> rejected = new ArrayList<>(files.stream().filter(f -> unreadable.stream().anyMatch(u -> u.startsWith(f + ":1:"))).map(Path::toString).toList());
        rejected.addAll(set.report.rejectedFiles());
        return new RuleSet(set.rules, new Report(set.report.rules(), errors, set.report.warnings(), rejected));
    }

    public static RuleSet load(List<Source> sources) {
        Definitions defs = new Definitions();
        Compiled accepted = compile(defs);
        List<String> errors = new ArrayList<>(), warnings = new ArrayList<>(), rejected = new ArrayList<>();
        List<RuleReport> rejectedReports = new ArrayList<>();
        for (Source s : sources) {
            Definitions next = defs.copy();
            RuleFileReader reader = new RuleFileReader(s.name(), next);
            reader.read(s.text());
            // Compiled even when items were bad, so that one check reports every problem of the file.
            Compiled c = compile(next);
            List<String> fileErrors = new ArrayList<>(reader.errors);
            fileErrors.addAll(c.errors);
            if (fileErrors.isEmpty()) {
                defs = next;
                accepted = c;
                warnings.addAll(reader.warnings);
                continue;
            }
            errors.addAll(fileErrors);
            rejected.add(s.name());
            // What each rule this file touched would have been, so the report names every one.
            Compiled attempt = c;
            for (String name : reader.touchedRules) {
                RuleReport r = attempt.reports.get(name);
                if (r == null) continue;
                boolean own = r.status() == Status.ERROR;
                rejectedReports.add(new RuleReport(name, s.name(), r.line(), own ? Status.ERROR : Status.NOT_APPLIED,
                        own ? r.detail() : "not applied: " + s.name() + " has errors", r.priority(), r.tags()));
            }
            for (String e : reader.errors) {
                if (e.contains(": rule \"") && rejectedReports.stream().noneMatch(r -> e.contains("rule \"" + r.name() + "\""))) {
                    String name = e.substring(e.indexOf(": rule \"") + 8);
                    name = name.substring(0, name.indexOf('"'));
                    int line = Integer.parseInt(e.substring(s.name().length() + 1, e.indexOf(':', s.name().length() + 1)));
                    rejectedReports.add(new RuleReport(name, s.name(), line, Status.ERROR, e.substring(e.indexOf(": rule \"") + 2), null, List.of()));
                }
            }
        }
        warnings.addAll(accepted.warnings);
        List<RuleReport> reports = new ArrayList<>(accepted.reports.values());
        reports.addAll(rejectedReports);
        return new RuleSet(accepted.rules, new Report(reports, errors, warnings, rejected));
    }

    private record Compiled(List<CompiledRule> rules, Map<String, RuleReport> reports, List<String> errors, List<String> warnings) {}

    private static Compiled compile(Definitions defs) {
        Map<String, List<String>> lists = new HashMap<>();
        defs.lists.forEach((k, v) -> lists.put(k, v.items()));
        Map<String, String> macros = new HashMap<>();
        defs.macros.forEach((k, v) -> macros.put(k, v.condition()));
        Compiler compiler = new Compiler(lists, macros);
        List<String> errors = new ArrayList<>(), warnings = new ArrayList<>();
        for (var m : defs.macros.values()) {
            try {
                compiler.macro(m.name());
            } catch (Compiler.CompileException e) {
                if (!e.unsupported && m.name().equals(e.macro)) errors.add(m.origin() + ": " + e.getMessage());
            }
        }
        List<CompiledRule> rules = new ArrayList<>();
        Map<String, RuleReport> reports = new LinkedHashMap<>();
        for (RuleDef d : defs.rules.values()) {
            Priority priority = Priority.parse(d.priority());
            String where = d.origin() + ": rule \"" + d.name() + "\": ";
            Status status;
            String detail;
            if (!d.source().equals("syscall")) {
                status = Status.SKIPPED;
                detail = "source \"" + d.source() + "\" is not supported (Vigil evaluates syscall rules)";
            } else {
                try {
                    Cond cond = Compiler.parse(d.condition(), null);
                    Cond withExceptions = exceptions(cond, d.exceptions());
                    Pred p = compiler.compile(withExceptions);
                    List<String> outputWarnings = new ArrayList<>();
                    OutputTemplate out = OutputTemplate.compile(d.output(), outputWarnings);
                    for (String w : outputWarnings) warnings.add(where + w);
                    CompiledRule r = new CompiledRule(d.name(), d.desc(), d.condition(), d.origin().file(), d.origin().line(), priority, d.tags(), p, out);
                    if (r.evtTypes() == null && d.warnEvttypes())
                        warnings.add(where + "no evt.type restriction: it runs on every event (add evt.type ... or warn_evttypes: false)");
                    if (d.enabled()) {
                        rules.add(r);
                        status = Status.LOADED;
                        detail = "loaded";
                    } else {
                        status = Status.DISABLED;
                        detail = "disabled (enabled: false)";
                    }
                } catch (Compiler.CompileException e) {
                    boolean unknown = !e.unsupported && e.getMessage().contains("unknown field");
                    if (e.unsupported) {
                        status = Status.SKIPPED;
                        detail = e.getMessage();
                    } else if (unknown && d.skipIfUnknown()) {
                        status = Status.SKIPPED;
                        detail = "skip-if-unknown-filter: " + e.getMessage();
                    } else {
                        status = Status.ERROR;
                        detail = e.getMessage();
                        // A broken macro is reported once, at the macro; its rules point to it.
                        if (e.macro == null) errors.add(where + e.getMessage());
                    }
                }
            }
            reports.put(d.name(), new RuleReport(d.name(), d.origin().file(), d.origin().line(), status, detail, priority, d.tags()));
        }
        return new Compiled(rules, reports, errors, warnings);
    }

    /** The rule condition with Falco's exception semantics: {@code (cond) and not (tuple or tuple ...)} per exception. */
    private static Cond exceptions(Cond cond, List<ExceptionDef> exceptions) throws Compiler.CompileException {
        List<Cond> all = new ArrayList<>();
        all.add(cond);
        for (ExceptionDef x : exceptions) {
            if (x.fields().isEmpty()) throw new Compiler.CompileException(false, null, "exception \"" + x.name() + "\" has no fields");
            List<Cond> tuples = new ArrayList<>();
            for (List<Object> row : x.values()) {
                if (row.size() != x.fields().size())
                    throw new Compiler.CompileException(false, null, "exception \"" + x.name() + "\": value " + row + " has " + row.size()
                            + " values for the " + x.fields().size() + " fields " + x.fields());
                List<Cond> cmps = new ArrayList<>();
                for (int i = 0; i < x.fields().size(); i++) cmps.add(comparison(x, x.fields().get(i), x.comps().get(i), row.get(i)));
                tuples.add(cmps.size() == 1 ? cmps.getFirst() : new Cond.And(cmps));
            }
            if (!tuples.isEmpty()) all.add(new Cond.Not(tuples.size() == 1 ? tuples.getFirst() : new Cond.Or(tuples)));
        }
        return all.size() == 1 ? cond : new Cond.And(all);
    }

    private static Cond comparison(ExceptionDef x, String field, String comp, Object value) throws Compiler.CompileException {
        String name = field, arg = null;
        int bracket = field.indexOf('[');
        if (bracket > 0 && field.endsWith("]")) {
            name = field.substring(0, bracket);
            arg = field.substring(bracket + 1, field.length() - 1);
        }
        Op op = Op.parse(comp);
        List<Cond.Val> vals = new ArrayList<>();
        if (value instanceof List<?> items) {
            if (!op.takesList()) throw new Compiler.CompileException(false, null, "exception \"" + x.name() + "\": operator " + comp + " takes one value, not a list");
            for (Object o : items) vals.add(new Cond.Val((String) o, false));
        } else {
            // A single value for in/pmatch may name a list; for the other operators it is literal.
            vals.add(new Cond.Val((String) value, !op.takesList()));
        }
        return new Cond.Cmp(name, arg, comp, vals, op.takesList(), 0);
    }

    /** Rules sorted by name, for listings. */
    public List<CompiledRule> rulesByName() {
        return rules.stream().sorted(Comparator.comparing(CompiledRule::name)).toList();
    }

    /** The event types some rule is indexed under. */
    public Set<String> indexedTypes() {
        return Set.copyOf(byType.keySet());
    }
}
