package dev.vigil.rules;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.vigil.rules.TestEvents.CONTAINER;
import static dev.vigil.rules.TestEvents.exe;
import static dev.vigil.rules.TestEvents.exec;
import static dev.vigil.rules.TestEvents.read;
import static org.assertj.core.api.Assertions.assertThat;

/** Files in order: appends, overrides, exceptions, toggles, and all-or-nothing application of each file. */
class RuleFilesTest {
    static RuleSet.Source resource(String name) {
        try (InputStream in = RuleFilesTest.class.getResourceAsStream("/dev/vigil/rules/" + name)) {
            return new RuleSet.Source(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Map<String, RuleReport> byName(RuleSet set) {
        return set.report().rules().stream().collect(Collectors.toMap(RuleReport::name, Function.identity(), (a, b) -> b));
    }

    private static List<String> fired(RuleSet set, RuleEvent e) {
        List<String> out = new ArrayList<>();
        new RuleEngine(set, new EvalContext(TestEvents.LOOKUP, null)).evaluate(e, (r, ev, c) -> out.add(r.name()));
        return out;
    }

    @Test
    void firstFileAloneReportsEachRule() {
        RuleSet set = RuleSet.load(List.of(resource("base.yaml")));
        assertThat(set.report().errors()).isEmpty();
        Map<String, RuleReport> r = byName(set);
        assertThat(r.get("Read secret file").status()).isEqualTo(RuleReport.Status.LOADED);
        assertThat(r.get("Read secret file").line()).isEqualTo(29);
        assertThat(r.get("Audit create").status()).isEqualTo(RuleReport.Status.SKIPPED);
        assertThat(r.get("Audit create").detail()).contains("source \"k8s_audit\" is not supported");
        assertThat(r.get("Private network peer").detail()).contains("fd.snet");
        assertThat(set.rules()).extracting(CompiledRule::name).containsExactly("Read secret file", "Shell in container", "Noisy rule");

        assertThat(fired(set, read(exe("/bin/cat"), "/etc/shadow"))).containsExactly("Read secret file");
        assertThat(fired(set, read(exe("/usr/sbin/sshd"), "/etc/shadow"))).isEmpty();
        assertThat(fired(set, read(exe("/usr/bin/backup-agent"), "/etc/sudoers"))).as("exception tuple").isEmpty();
        assertThat(fired(set, read(exe("/usr/bin/backup-agent"), "/etc/shadow"))).as("only the listed pair").containsExactly("Read secret file");
        assertThat(fired(set, read(exe("/bin/cat"), "/etc/gshadow"))).isEmpty();
        assertThat(fired(set, exec(exe("/bin/sh").in(CONTAINER).parent(exe("/sbin/tini").in(CONTAINER))))).containsExactly("Shell in container");
    }

    @Test
    void laterFilesAppendAndOverride() {
        RuleSet set = RuleSet.load(List.of(resource("base.yaml"), resource("overrides.yaml")));
        assertThat(set.report().errors()).isEmpty();
        Map<String, RuleReport> r = byName(set);
        assertThat(r.get("Noisy rule").status()).isEqualTo(RuleReport.Status.DISABLED);
        assertThat(r.get("Shell in container").priority()).isEqualTo(Priority.ERROR);
        assertThat(r.get("Shell in container").tags()).containsExactly("container", "mitre_execution", "T1059.004", "tuned");

        // list appends, both styles
        assertThat(fired(set, read(exe("/bin/cat"), "/etc/gshadow"))).containsExactly("Read secret file");
        assertThat(fired(set, read(exe("/usr/sbin/unix_chkpwd"), "/etc/shadow"))).isEmpty();
        // exception values appended by name, and a new single-field exception
        assertThat(fired(set, read(exe("/sbin/auditd"), "/etc/shadow"))).isEmpty();
        assertThat(fired(set, read(exe("/usr/bin/backup-agent"), "/etc/sudoers"))).isEmpty();
        // macro replaced, condition appended
        assertThat(fired(set, exec(exe("/bin/sh").in(CONTAINER).parent(exe("/sbin/tini").in(CONTAINER))))).isEmpty();
        assertThat(fired(set, exec(exe("/bin/sh").in(CONTAINER).parent(exe("/usr/sbin/sshd").in(CONTAINER))))).isEmpty();
        assertThat(fired(set, exec(exe("/bin/sh").in(CONTAINER).parent(exe("/usr/bin/node").in(CONTAINER))))).containsExactly("Shell in container");
        assertThat(fired(set, exec(exe("/bin/ls")))).isEmpty();
    }

    @Test
    void aFileWithAnErrorAppliesNothing() {
        RuleSet set = RuleSet.load(List.of(resource("base.yaml"), resource("broken.yaml")));
        assertThat(set.report().errors()).containsExactly("broken.yaml:13: rule \"Typo rule\": unknown field \"proc.nme\"");
        assertThat(set.report().rejectedFiles()).containsExactly("broken.yaml");
        Map<String, RuleReport> r = byName(set);
        assertThat(r.get("Typo rule").status()).isEqualTo(RuleReport.Status.ERROR);
        assertThat(r.get("Good rule").status()).isEqualTo(RuleReport.Status.NOT_APPLIED);
        assertThat(r.get("Good rule").detail()).isEqualTo("not applied: broken.yaml has errors");
        assertThat(set.rules()).extracting(CompiledRule::name).doesNotContain("Good rule");
        // the list append in the broken file did not happen either
        assertThat(fired(set, read(exe("/bin/cat"), "/etc/passwd"))).isEmpty();
        assertThat(fired(set, read(exe("/bin/cat"), "/etc/shadow"))).containsExactly("Read secret file");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "- rule: X\\n  condition: and proc.name = a\\n  append: true | t.yaml:1: rule \"X\": cannot append to undefined rule",
            "- rule: X\\n  priority: INFO\\n  override:\\n    priority: replace | t.yaml:1: rule \"X\": cannot override undefined rule",
            "- list: l\\n  items: [a]\\n  append: true | t.yaml:1: list \"l\": cannot append to undefined list",
            "- macro: m\\n  condition: and x\\n  override:\\n    condition: append | t.yaml:1: macro \"m\": cannot append to undefined macro",
            "- rule: X\\n  desc: d\\n  condition: evt.type = execve\\n  priority: INFO | t.yaml:1: rule \"X\": missing key \"output\"",
            "- rule: X\\n  desc: d\\n  condition: evt.type = execve\\n  output: o\\n  priority: loud | t.yaml:5: rule \"X\": invalid priority \"loud\"",
            "- rule: X\\n  desc: d\\n  condition: evt.type = execve\\n  output: o\\n  priority: INFO\\n  enabled: maybe | t.yaml:6: rule \"X\": \"enabled\" must be true or false",
            "- rule: X\\n  desc: d\\n  condition: evt.type = execve\\n  output: o %proc.nam\\n  priority: INFO | t.yaml:1: rule \"X\": output: unknown field \"proc.nam\"",
            "- rule: X\\n  desc: d\\n  condition: evt.type = execve\\n  output: o\\n  priority: INFO\\n  exceptions:\\n    - name: e\\n      fields: [proc.name, fd.name]\\n      values:\\n        - [a] | t.yaml:10: rule \"X\": exception \"e\": each value must be a list of 2 values",
            "- rule: X\\n  desc: d\\n  condition: evt.type = execve\\n  output: o\\n  priority: INFO\\n  exceptions:\\n    - name: e\\n      fields: [proc.name]\\n      comps: [like]\\n      values: [] | t.yaml:9: rule \"X\": exception \"e\": bad comparison operator \"like\"",
            "- macro: a\\n  condition: b\\n- macro: b\\n  condition: a | t.yaml:1: macro \"a\" refers to itself (a -> b -> a)",
            "- rule: X\\n  desc: d\\n  condition: evt.type = execve\\n  output: o\\n  priority: INFO\\n  append: false\\n  override:\\n    priority: append | t.yaml:8: rule \"X\": \"priority\" cannot be appended",
            "- rule: X\\n  desc: [d | t.yaml:2: invalid YAML",
            "rule: X | t.yaml:1: a rules file is a YAML list of items",
            "- rules: X | t.yaml:1: item: unknown item with keys [rules]",
    })
    void invalidItemsNameFileLineAndItem(String yaml, String error) {
        RuleSet set = RuleSet.load(List.of(new RuleSet.Source("t.yaml", yaml.replace("\\n", "\n"))));
        assertThat(set.report().errors()).isNotEmpty();
        assertThat(set.report().errors().getFirst()).startsWith(error);
        assertThat(set.rules()).isEmpty();
    }

    @Test
    void loadFilesReportsAnUnreadableFileAndLoadsTheOthers(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
        java.nio.file.Path good = dir.resolve("good.yaml");
        java.nio.file.Files.writeString(good, resource("base.yaml").text());
        java.nio.file.Path missing = dir.resolve("missing.yaml");
        RuleSet set = RuleSet.loadFiles(List.of(good, missing));
        assertThat(set.report().errors()).singleElement().asString().startsWith(missing + ":1: cannot read");
        assertThat(set.report().rejectedFiles()).containsExactly(missing.toString());
        assertThat(set.rules()).extracting(CompiledRule::name).contains("Read secret file");
    }

    @Test
    void engineLoadRefusesFilesWithErrors(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
        java.nio.file.Path bad = dir.resolve("bad.yaml");
        java.nio.file.Files.writeString(bad, resource("broken.yaml").text());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RuleEngine.load(List.of(bad), ProcessLookup.NONE))
                .isInstanceOf(RuleLoadException.class)
                .hasMessage(bad + ":2: list \"secret_files\": cannot append to undefined list\n"
                        + bad + ":13: rule \"Typo rule\": unknown field \"proc.nme\"");
        java.nio.file.Path tuning = dir.resolve("tuning.yaml");
        java.nio.file.Files.writeString(tuning, "- rule: Shell Spawned in Container\n  enabled: false\n");
        RuleEngine engine = assertDoesNotThrowLoad(tuning);
        assertThat(engine.rules().rules()).extracting(CompiledRule::name).doesNotContain("Shell Spawned in Container").contains("Nsenter Executed");
    }

    private static RuleEngine assertDoesNotThrowLoad(java.nio.file.Path file) {
        try {
            return RuleEngine.load(List.of(file), ProcessLookup.NONE);
        } catch (RuleLoadException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void skipIfUnknownFilterSkipsInsteadOfFailing() {
        RuleSet set = RuleSet.load(List.of(new RuleSet.Source("t.yaml", """
                - rule: Future field
                  desc: d
                  condition: evt.type = execve and proc.future_thing = 1
                  output: o
                  priority: INFO
                  skip-if-unknown-filter: true
                """)));
        assertThat(set.report().errors()).isEmpty();
        assertThat(set.report().rules().getFirst().status()).isEqualTo(RuleReport.Status.SKIPPED);
        assertThat(set.report().rules().getFirst().detail()).isEqualTo("skip-if-unknown-filter: unknown field \"proc.future_thing\"");
    }

    /** Rules written the way the Falco community files are (own text): the large majority must load. */
    @Test
    void communityStyleRulesLoad() {
        RuleSet set = RuleSet.load(List.of(resource("community-style.yaml")));
        assertThat(set.report().errors()).isEmpty();
        long total = set.report().rules().size();
        long loaded = set.report().count(RuleReport.Status.LOADED) + set.report().count(RuleReport.Status.DISABLED);
        assertThat(total).isGreaterThanOrEqualTo(20);
        assertThat(loaded * 10).as(set.report().rules().toString()).isGreaterThanOrEqualTo(total * 8);
        assertThat(set.report().rules()).filteredOn(r -> r.status() == RuleReport.Status.SKIPPED)
                .allSatisfy(r -> assertThat(r.detail()).containsAnyOf("not supported", "skip-if-unknown-filter"));
    }
}
