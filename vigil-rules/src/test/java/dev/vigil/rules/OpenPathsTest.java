package dev.vigil.rules;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The open filter's view of rules: access classes and path bounds, sound for every default rule. */
class OpenPathsTest {
    private static Map<String, OpenPaths> defaults() {
        return RuleSet.defaults().rules().stream().collect(Collectors.toMap(CompiledRule::name, CompiledRule::openPaths));
    }

    @Test
    void defaultOpenRulesAreBoundedByAccessAndPath() {
        Map<String, OpenPaths> d = defaults();
        OpenPaths shadow = d.get("Shadow File Read");
        assertThat(shadow.access()).isEqualTo(OpenPaths.READ);
        assertThat(shadow.any()).isFalse();
        assertThat(shadow.prefixes()).containsExactlyInAnyOrder("/etc/shadow", "/etc/gshadow", "/etc/shadow-", "/etc/gshadow-");
        OpenPaths passwd = d.get("Account Database Written");
        assertThat(passwd.access()).isEqualTo(OpenPaths.WRITE);
        assertThat(passwd.prefixes()).contains("/etc/passwd");
        OpenPaths cloud = d.get("Cloud Credentials File Read");
        assertThat(cloud.any()).isFalse();
        assertThat(cloud.components()).contains(".aws", "gcloud", ".azure");
        // Its unlink branch cannot match an open: the open branch alone bounds it.
        OpenPaths history = d.get("Shell History Cleared");
        assertThat(history.access()).isEqualTo(OpenPaths.WRITE);
        assertThat(history.any()).isFalse();
        OpenPaths procfs = d.get("Process Environment or Memory Read via Procfs");
        assertThat(procfs.components()).containsExactlyInAnyOrder("environ", "mem");
        assertThat(procfs.prefixes()).isEmpty();
    }

    @Test
    void everyBoundAdmitsThePathsOfTheRulesOwnMatchingCases() throws Exception {
        // The rule tests' matching open events: each must pass its rule's bound, or the kernel would drop a real detection.
        int checked = 0;
        for (DefaultRuleCases.Case c : DefaultRuleCases.cases()) {
            if (!(c.matching() instanceof SyscallEvent e) || !List.of("open", "openat", "openat2", "creat").contains(e.evtType())) continue;
            OpenPaths p = defaults().get(c.rule());
            int acc = e.openFlags() & 3;
            int cls = acc == 0 ? OpenPaths.READ : acc == 1 ? OpenPaths.WRITE : OpenPaths.READ | OpenPaths.WRITE;
            assertThat(p.access() & cls).as(c.rule()).isNotZero();
            assertThat(p.any() || admits(p, e.fdName())).as(c.rule() + " admits " + e.fdName()).isTrue();
            checked++;
        }
        assertThat(checked).as("open cases among the default rules' tests").isGreaterThan(15);
    }

    @Test
    void unboundedConditionsSayAny() {
        RuleSet set = RuleSet.load(List.of(new RuleSet.Source("t.yaml", """
                - rule: ends
                  desc: d
                  condition: evt.type = openat and fd.name endswith .php
                  output: o
                  priority: NOTICE
                - rule: none
                  desc: d
                  condition: evt.type = openat and fd.name in ()
                  output: o
                  priority: NOTICE
                """)));
        Map<String, OpenPaths> m = set.rules().stream().collect(Collectors.toMap(CompiledRule::name, CompiledRule::openPaths));
        assertThat(m.get("ends").any()).isTrue();
        assertThat(m.get("none").any()).isFalse();
        assertThat(m.get("none").prefixes()).isEmpty();
    }

    /** What the kernel does: a component-boundary prefix (or the whole path), or one component. */
    static boolean admits(OpenPaths p, String path) {
        for (int i = 1; i <= path.length(); i++) {
            if ((i == path.length() || path.charAt(i) == '/') && p.prefixes().contains(path.substring(0, i))) return true;
        }
        for (String comp : path.split("/")) if (p.components().contains(comp)) return true;
        return false;
    }
}
