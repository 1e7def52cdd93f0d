package dev.vigil.rules;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class DefaultRulesTest {
    private static final RuleSet DEFAULTS = RuleSet.defaults();
    private static final Pattern TECHNIQUE = Pattern.compile("T\\d{4}(\\.\\d{3})?");

    static List<DefaultRuleCases.Case> cases() {
        return DefaultRuleCases.cases();
    }

    private static List<String> fired(RuleEvent e) {
        RuleEngine engine = new RuleEngine(DEFAULTS, new EvalContext(TestEvents.LOOKUP, null));
        List<String> names = new ArrayList<>();
        engine.evaluate(e, (rule, ev, ctx) -> names.add(rule.name()));
        return names;
    }

    @Test
    void everyDefaultRuleLoads() {
        RuleSet.Report r = DEFAULTS.report();
        assertThat(r.errors()).isEmpty();
        assertThat(r.rules()).allSatisfy(x -> assertThat(x.status()).as(x.name() + ": " + x.detail()).isEqualTo(RuleReport.Status.LOADED));
        assertThat(DEFAULTS.rules()).hasSizeGreaterThanOrEqualTo(60);
        // Indexed by event type: none of them runs on every event.
        assertThat(DEFAULTS.rules()).allSatisfy(x -> assertThat(x.evtTypes()).as(x.name()).isNotNull());
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void everyRuleHasDescriptionPriorityTacticAndTechnique() {
        Set<String> tactics = new TreeSet<>();
        for (CompiledRule rule : DEFAULTS.rules()) {
            assertThat(rule.desc()).as(rule.name()).hasSizeGreaterThan(20);
            assertThat(rule.priority()).as(rule.name()).isNotNull();
            List<String> mitre = rule.tags().stream().filter(t -> t.startsWith("mitre_")).toList();
            assertThat(mitre).as(rule.name() + " tactic").isNotEmpty();
            assertThat(rule.tags()).as(rule.name() + " technique").anyMatch(t -> TECHNIQUE.matcher(t).matches());
            tactics.addAll(mitre);
        }
        assertThat(tactics).hasSizeGreaterThanOrEqualTo(10);
    }

    @Test
    void everyRuleHasExactlyOneCase() {
        Set<String> ruleNames = DEFAULTS.rules().stream().map(CompiledRule::name).collect(Collectors.toCollection(TreeSet::new));
        List<String> caseNames = cases().stream().map(DefaultRuleCases.Case::rule).toList();
        assertThat(caseNames).doesNotHaveDuplicates();
        assertThat(new TreeSet<>(caseNames)).isEqualTo(ruleNames);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void behaviourMatchesAndBenignNeighbourDoesNot(DefaultRuleCases.Case c) {
        assertThat(fired(c.matching())).as("rules fired by the behaviour").contains(c.rule());
        assertThat(fired(c.benign())).as("rules fired by the benign event").doesNotContain(c.rule());
    }

    @Test
    void alertCarriesFormattedOutputAndTags() {
        DefaultRuleCases.Case c = cases().stream().filter(x -> x.rule().equals("Shell Spawned in Container")).findFirst().orElseThrow();
        RuleEngine engine = new RuleEngine(DEFAULTS, new EvalContext(TestEvents.LOOKUP, null));
        List<Alert> alerts = new ArrayList<>();
        engine.evaluate(c.matching(), (rule, ev, ctx) -> alerts.add(Alert.of(rule, ev, ctx)));
        Alert a = alerts.stream().filter(x -> x.rule().equals(c.rule())).findFirst().orElseThrow();
        assertThat(a.priority()).isEqualTo(Priority.NOTICE);
        assertThat(a.tags()).contains("mitre_execution", "T1059.004");
        assertThat(a.output()).startsWith("Shell spawned in a container (shell=bash cmdline=bash parent=python3 user=root container=web-1 "
                + "image=docker.io/library/nginx:1.25 pod=web-1-7d9f ns=shop)");
        assertThat(a.event()).isSameAs(c.matching().toEvent());
        assertThat(a.type()).isEqualTo("alert");
    }
}
