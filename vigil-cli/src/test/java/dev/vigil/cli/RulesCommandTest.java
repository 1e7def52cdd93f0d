package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** vigil rules check / list: no agent involved. */
class RulesCommandTest {
    record Result(int exit, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    private static String file(String name) {
        try {
            return Path.of(RulesCommandTest.class.getResource("/rules/" + name).toURI()).toString();
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private static String row(String out, String rule) {
        return out.lines().filter(l -> l.startsWith(rule + "  ") || l.contains("  " + rule + "  ")).findFirst().orElseThrow(() -> new AssertionError(rule + " not in\n" + out));
    }

    @Test
    void tuningFileAppliesOnTopOfTheDefaults() {
        Result r = run("rules", "check", "--with-defaults", file("tuning.yaml"));
        assertThat(r.exit()).as(r.out()).isEqualTo(0);
        assertThat(row(r.out(), "Process Discovery in Container")).startsWith("disabled");
        assertThat(r.out()).contains(" 0 skipped, 0 invalid, 0 not applied; 0 errors");
    }

    @Test
    void tuningFileAloneFailsBecauseItAppendsToUndefinedItems() {
        Result r = run("rules", "check", file("tuning.yaml"));
        assertThat(r.exit()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(r.out()).contains("error: " + file("tuning.yaml") + ":2: list \"user_known_shell_parents\": cannot append to undefined list");
        assertThat(r.out()).contains(":11: rule \"Shell Spawned in Container\": cannot override undefined rule");
    }

    @Test
    void eachRuleIsReportedWithWhatStopsIt() {
        Result r = run("rules", "check", file("mixed.yaml"));
        assertThat(r.exit()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(row(r.out(), "Admin tool in container")).startsWith("loaded").contains("mixed.yaml:24");
        assertThat(row(r.out(), "Secret read by shell")).startsWith("loaded");
        assertThat(row(r.out(), "Exec into pod")).startsWith("skipped").contains("source \"k8s_audit\" is not supported");
        assertThat(row(r.out(), "Outbound to private network")).startsWith("skipped").contains("field fd.snet is not supported");
        assertThat(row(r.out(), "Shell with odd name")).startsWith("skipped").contains("regex operator is not supported");
        assertThat(row(r.out(), "Container image from plugin")).startsWith("skipped").contains("container.image.digest");
        assertThat(r.out()).contains("6 rules: 2 loaded, 0 disabled, 4 skipped, 0 invalid, 0 not applied; 0 errors");
    }

    @Test
    void jsonReport() throws Exception {
        Result r = run("rules", "check", "--json", file("mixed.yaml"), file("bad.yaml"));
        assertThat(r.exit()).isEqualTo(ExitCodes.INVALID_INPUT);
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertThat(doc.path("ok").asBoolean()).isFalse();
        assertThat(doc.path("summary").path("loaded").asInt()).isEqualTo(2);
        assertThat(doc.path("rejected_files").get(0).asText()).endsWith("bad.yaml");
        List<String> statuses = new ArrayList<>();
        doc.path("rules").forEach(n -> statuses.add(n.path("name").asText() + "=" + n.path("status").asText()));
        assertThat(statuses).contains("Exec into pod=skipped", "Uses missing macro=error", "Fine rule=not_applied");
        assertThat(doc.path("errors").toString()).contains("bad.yaml:4: rule \\\"Uses missing macro\\\": undefined macro \\\"known_good_parents\\\"");
    }

    @Test
    void invalidFileNamesEveryBrokenRuleAndAppliesNothing() {
        Result r = run("rules", "check", file("bad.yaml"));
        assertThat(r.exit()).isEqualTo(ExitCodes.INVALID_INPUT);
        String f = file("bad.yaml");
        assertThat(r.out()).contains("error: " + f + ":4: rule \"Uses missing macro\": undefined macro \"known_good_parents\"",
                "error: " + f + ":10: rule \"Misspelt field\": unknown field \"proc.cmdlin\"",
                "error: " + f + ":16: rule \"Bad operator\": bad operator \"like\" after field proc.name");
        assertThat(row(r.out(), "Fine rule")).startsWith("not applied").contains("has errors");
        assertThat(r.out()).contains("0 loaded");
    }

    @Test
    void unreadableFile() {
        Result r = run("rules", "check", "/nonexistent/rules.yaml");
        assertThat(r.exit()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(r.out()).contains("error: /nonexistent/rules.yaml:1: cannot read");
    }

    @Test
    void listShowsTheDefaultRules() throws Exception {
        Result r = run("rules", "list");
        assertThat(r.exit()).isEqualTo(0);
        assertThat(row(r.out(), "Cgroup Release Agent Modified")).contains("Critical").contains("mitre_privilege_escalation").contains("T1611");
        JsonNode json = new ObjectMapper().readTree(run("rules", "list", "-o", "json").out());
        assertThat(json.size()).isGreaterThanOrEqualTo(60);
        assertThat(json.get(0).path("tags").toString()).contains("mitre_");
    }
}
