package dev.vigil.rules;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Evaluating the default rules allocates nothing once each process's derived strings exist. */
class EvaluationAllocationTest {
    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void steadyStateEvaluationDoesNotAllocate() {
        RuleEngine engine = new RuleEngine(RuleSet.defaults(), new EvalContext(TestEvents.LOOKUP, null));
        List<RuleEvent> events = new ArrayList<>();
        for (DefaultRuleCases.Case c : DefaultRuleCases.cases()) {
            events.add(c.matching());
            events.add(c.benign());
        }
        RuleEvent[] all = events.toArray(RuleEvent[]::new);
        long[] matches = new long[1];
        AlertSink count = (rule, e, c) -> matches[0]++;
        // Warm up: derived strings are built on first sight, and the JIT compiles the hot paths.
        for (int round = 0; round < 2_000; round++) for (RuleEvent e : all) engine.evaluate(e, count);
        long before = allocated();
        for (int round = 0; round < 2_000; round++) for (RuleEvent e : all) engine.evaluate(e, count);
        long bytes = allocated() - before;
        assertThat(matches[0]).isGreaterThan(4_000L * DefaultRuleCases.cases().size() / 2);
        // 400k evaluations; a few hundred bytes of slack for the measurement itself.
        assertThat(bytes).as("bytes allocated by %d evaluations", 2_000L * all.length).isLessThan(1024);
    }
}
