package dev.vigil.rules;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine's path index changes which rules run on an open, never what matches. */
class PathIndexTest {
    @Test
    void theIndexedEngineMatchesWhatEveryRuleWouldOnEveryOpen() {
        RuleSet set = RuleSet.defaults();
        RuleEngine engine = new RuleEngine(set, new EvalContext(TestEvents.LOOKUP, null));
        int opens = 0, matched = 0;
        for (DefaultRuleCases.Case c : DefaultRuleCases.cases()) {
            for (RuleEvent base : List.of(c.matching(), c.benign())) {
                if (!(base instanceof SyscallEvent e) || !OpenPaths.OPEN_TYPES.contains(e.evtType()) || e.fdName() == null) continue;
                String path = e.fdName();
                // The path itself, its parent directory, a file below it, a longer sibling name, and no path.
                List<String> variants = new ArrayList<>(List.of(path, path + "/x", path + "x", "/tmp/unrelated"));
                if (path.lastIndexOf('/') > 0) variants.add(path.substring(0, path.lastIndexOf('/')));
                variants.add(null);
                for (String v : variants) {
                    e.fd(e.fdNum(), e.fdTypechar(), v);
                    TreeSet<String> indexed = new TreeSet<>(), everyRule = new TreeSet<>();
                    engine.evaluate(e, (rule, ev, ctx) -> indexed.add(rule.name()));
                    for (CompiledRule r : set.rules()) {
                        if (r.evtTypes() != null && !r.evtTypes().contains(e.evtType())) continue;
                        engine.context().begin();
                        if (r.test(e, engine.context())) everyRule.add(r.name());
                    }
                    assertThat(indexed).as("%s on %s", c.rule(), v).isEqualTo(everyRule);
                    opens++;
                    if (!indexed.isEmpty()) matched++;
                }
                e.fd(e.fdNum(), e.fdTypechar(), path);
            }
        }
        assertThat(opens).isGreaterThan(100);
        assertThat(matched).isGreaterThan(20);
    }

    @Test
    void anOpenOfAPathNoRuleNamesRunsNoBoundedRule() {
        RuleSet set = RuleSet.defaults();
        PathIndex reads = set.forType("openat").paths(0);
        assertThat(reads.isEmpty()).isFalse();
        long[] scratch = new long[reads.words()];
        int[] ran = {0};
        SyscallEvent e = new SyscallEvent().reset("openat", 1, null, null).fd(3, 'f', "/usr/share/zoneinfo/UTC").openFlags(0);
        // Every rule the index hands over would be tested; none is for an unnamed path.
        reads.run(e, e.fdName(), new EvalContext(), (r, ev, c) -> ran[0]++, scratch);
        assertThat(scratch).containsOnly(0L);
        reads.run(e, "/etc/shadow", new EvalContext(), (r, ev, c) -> ran[0]++, scratch);
        assertThat(scratch).as("/etc/shadow names the shadow rule").isNotEqualTo(new long[reads.words()]);
    }
}
