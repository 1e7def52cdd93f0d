package dev.vigil.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vigil.rules.CompiledRule;
import dev.vigil.rules.RuleReport;
import dev.vigil.rules.RuleSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** Detection rules (docs/rules.md): validate Falco-syntax files as the agent would load them, list the defaults. Needs no agent. */
@Command(name = "rules", mixinStandardHelpOptions = true, description = "Validate rule files and list the default rules (docs/rules.md).",
        subcommands = {RulesCommand.Check.class, RulesCommand.ListCmd.class})
final class RulesCommand {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private static void printJson(PrintWriter out, Object value) {
        try {
            out.println(JSON.writeValueAsString(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.flush();
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Load rule files in order, as the agent does (later files append to and override earlier ones), and report "
                    + "per rule whether it loaded or what stops it.",
                    "Exit code 0 when every rule loads (or is disabled), 6 otherwise."})
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", arity = "1..*", description = "Rule files in Falco's syntax.")
        List<Path> files;

        @Option(names = "--with-defaults", description = "Load Vigil's default rules first, so the files can append to and override them.")
        boolean withDefaults;

        @Option(names = "--json", description = "Print the report as JSON.")
        boolean json;

        @Override
        public Integer call() {
            List<RuleSet.Source> sources = new ArrayList<>();
            List<String> unreadable = new ArrayList<>();
            if (withDefaults) sources.add(RuleSet.defaultSource());
            for (Path f : files) {
                try {
                    sources.add(RuleSet.Source.of(f));
                } catch (IOException e) {
                    unreadable.add(f + ":1: cannot read: " + e.getMessage());
                }
            }
            RuleSet set = RuleSet.load(sources);
            RuleSet.Report r = set.report();
            List<RuleReport> rules = withDefaults ? r.rules().stream().filter(x -> !x.file().equals(RuleSet.DEFAULT_NAME)
                    || x.status() != RuleReport.Status.LOADED).toList() : r.rules();
            List<String> errors = new ArrayList<>(unreadable);
            errors.addAll(r.errors());
            boolean ok = errors.isEmpty() && r.allLoaded();
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("ok", ok);
                doc.put("rules", rules.stream().map(Check::ruleJson).toList());
                doc.put("errors", errors);
                doc.put("warnings", r.warnings());
                doc.put("rejected_files", r.rejectedFiles());
                doc.put("summary", summary(r));
                printJson(out, doc);
            } else {
                Table t = new Table("RESULT", "RULE", "WHERE", "DETAIL");
                for (RuleReport x : rules) t.row(x.status().name().toLowerCase(Locale.ROOT).replace('_', ' '), x.name(), x.file() + ":" + x.line(),
                        x.status() == RuleReport.Status.LOADED ? "" : x.detail());
                t.print(out);
                for (String e : errors) out.println("error: " + e);
                for (String w : r.warnings()) out.println("warning: " + w);
                Map<String, Long> s = summary(r);
                out.println(s.get("rules") + " rules: " + s.get("loaded") + " loaded, " + s.get("disabled") + " disabled, " + s.get("skipped")
                        + " skipped, " + s.get("error") + " invalid, " + s.get("not_applied") + " not applied; " + errors.size() + " errors, "
                        + r.warnings().size() + " warnings");
                out.flush();
            }
            return ok ? ExitCodes.OK : ExitCodes.INVALID_INPUT;
        }

        private static Map<String, Object> ruleJson(RuleReport x) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", x.name());
            m.put("file", x.file());
            m.put("line", x.line());
            m.put("status", x.status().name().toLowerCase(Locale.ROOT));
            m.put("detail", x.detail());
            m.put("priority", x.priority() == null ? null : x.priority().label());
            m.put("tags", x.tags());
            return m;
        }

        private static Map<String, Long> summary(RuleSet.Report r) {
            Map<String, Long> s = new LinkedHashMap<>();
            s.put("rules", (long) r.rules().size());
            for (RuleReport.Status st : RuleReport.Status.values()) s.put(st.name().toLowerCase(Locale.ROOT), r.count(st));
            return s;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the default rules: name, priority, MITRE ATT&CK tags.")
    static final class ListCmd implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table", description = "table (default) or json.")
        OutputFormat output;

        @Override
        public Integer call() {
            RuleSet set = RuleSet.defaults();
            PrintWriter out = spec.commandLine().getOut();
            if (output == OutputFormat.json) {
                List<Map<String, Object>> rules = new ArrayList<>();
                for (CompiledRule r : set.rules()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("name", r.name());
                    m.put("priority", r.priority().label());
                    m.put("tags", r.tags());
                    m.put("desc", r.desc());
                    m.put("event_types", r.evtTypes() == null ? null : r.evtTypes().stream().sorted().toList());
                    rules.add(m);
                }
                printJson(out, rules);
                return ExitCodes.OK;
            }
            Table t = new Table("RULE", "PRIORITY", "TAGS");
            for (CompiledRule r : set.rules()) t.row(r.name(), r.priority().label(), String.join(",", r.tags()));
            t.print(out);
            return ExitCodes.OK;
        }
    }
}
