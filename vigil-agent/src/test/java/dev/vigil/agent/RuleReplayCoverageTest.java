package dev.vigil.agent;

import dev.vigil.rules.CompiledRule;
import dev.vigil.rules.RuleSet;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which default rules {@link RuleReplayTest} replays for real, written to docs/rules-replays.md:
 * every default rule must have a replay, a stated reason, or (only then) need a record kind no
 * sensor makes yet, which the listing names; every replay must name a default rule on records the
 * sensors make, and the document must be what this test generates
 * (run with {@code -Dvigil.writeDocs=true} to rewrite it).
 */
class RuleReplayCoverageTest {
    private static final Set<String> PROCESS_TYPES = Set.of("execve", "execveat", "clone", "fork", "vfork", "procexit");
    private static final Map<String, String> KIND = new LinkedHashMap<>();

    /** The record kinds the syscalls sensor makes today (docs/rules.md, "Kernel sensors"). */
    private static final Set<String> SENSED = Set.of("file", "network", "privilege", "dup");

    static {
        for (String t : List.of("open", "openat", "openat2", "creat", "unlink", "unlinkat", "symlink", "symlinkat", "chmod", "fchmod", "fchmodat")) KIND.put(t, "file");
        for (String t : List.of("connect", "accept", "accept4", "bind", "listen")) KIND.put(t, "network");
        for (String t : List.of("dup", "dup2", "dup3")) KIND.put(t, "dup");
        for (String t : List.of("rename", "renameat", "renameat2", "link", "linkat", "mknod", "mknodat", "chown", "fchown", "fchownat", "lchown")) KIND.put(t, "file");
        for (String t : List.of("setuid", "setreuid", "setresuid", "ptrace", "mount", "unshare", "setns", "init_module", "finit_module", "bpf", "memfd_create")) KIND.put(t, "privilege");
    }

    private static final Path DOC = Path.of("").toAbsolutePath().resolve("../docs/rules-replays.md").normalize();

    @Test
    void everyDefaultProcessRuleIsReplayedOrSaysWhyNot() throws ClassNotFoundException {
        List<CompiledRule> rules = RuleSet.defaults().rules();
        Map<String, CompiledRule> byName = new LinkedHashMap<>();
        for (CompiledRule r : rules) byName.put(r.name(), r);
        for (RuleReplayCases.Case c : RuleReplayCases.CASES) {
            assertThat(byName).as("replayed rule %s is a default rule", c.rule()).containsKey(c.rule());
            assertThat(missingKinds(byName.get(c.rule()))).as("a replayed rule's events are ones the sensors make").allMatch(SENSED::contains);
        }
        for (String r : RuleReplayCases.PROCESS_RULES_NOT_REPLAYED.keySet()) {
            assertThat(byName).containsKey(r);
            assertThat(isProcessRule(byName.get(r))).as("%s runs on process events", r).isTrue();
            assertThat(replays(r)).as("%s is both replayed and listed as not replayed", r).isEmpty();
        }
        for (Map.Entry<String, String> vm : RuleReplayCases.VM_REPLAYS.entrySet()) {
            String r = vm.getKey();
            assertThat(byName).containsKey(r);
            assertThat(replays(r)).as("%s is replayed both here and in the VM", r).isEmpty();
            assertThat(RuleReplayCases.SYSCALL_RULES_NOT_REPLAYED).as("%s is replayed in the VM", r).doesNotContainKey(r);
            assertThat(missingKinds(byName.get(r))).as("%s: the sensors make its events", r).allMatch(SENSED::contains);
            String method = vmTest(r);
            assertThat(Arrays.stream(Class.forName("dev.vigil.agent.vm.KernelMatrixVmTest").getDeclaredMethods()))
                    .as("KernelMatrixVmTest has a @Test method %s for %s", method, r)
                    .anyMatch(m -> m.getName().equals(method) && m.isAnnotationPresent(Test.class));
        }
        for (String r : RuleReplayCases.SYSCALL_RULES_NOT_REPLAYED.keySet()) {
            assertThat(byName).containsKey(r);
            assertThat(replays(r)).as("%s is both replayed and listed as not replayed", r).isEmpty();
            assertThat(missingKinds(byName.get(r))).as("%s has a reason, so the sensors make its events", r).allMatch(SENSED::contains);
        }
        for (CompiledRule r : rules) {
            if (isProcessRule(r)) {
                assertThat(!replays(r.name()).isEmpty() || RuleReplayCases.VM_REPLAYS.containsKey(r.name())
                        || RuleReplayCases.PROCESS_RULES_NOT_REPLAYED.containsKey(r.name()))
                        .as("process rule %s has a replay in RuleReplayCases or a reason in PROCESS_RULES_NOT_REPLAYED", r.name()).isTrue();
            } else {
                assertThat(missingKinds(r)).as("event types of %s are classified", r.name()).doesNotContain("other");
                // Not replayed and no reason: only allowed while a record it needs is not made yet.
                if (replays(r.name()).isEmpty() && !RuleReplayCases.VM_REPLAYS.containsKey(r.name())
                        && !RuleReplayCases.SYSCALL_RULES_NOT_REPLAYED.containsKey(r.name())) {
                    assertThat(missingKinds(r)).as("%s needs only records the sensors make: replay it or give a reason", r.name())
                            .anyMatch(k -> !SENSED.contains(k));
                }
            }
        }
    }

    @Test
    void theCoverageDocumentIsCurrent() throws IOException {
        String generated = document();
        if (Boolean.getBoolean("vigil.writeDocs")) Files.writeString(DOC, generated);
        assertThat(Files.exists(DOC) ? Files.readString(DOC) : "").as("%s is stale: run this test with -Dvigil.writeDocs=true", DOC).isEqualTo(generated);
    }

    static String document() {
        List<CompiledRule> rules = RuleSet.defaults().rules();
        int replayed = 0, waiting = 0, other = 0;
        StringBuilder rows = new StringBuilder();
        for (CompiledRule r : rules) {
            String status;
            List<String> tests = replays(r.name());
            if (!tests.isEmpty()) {
                replayed++;
                status = "replayed: " + String.join("; ", tests.stream().map(t -> "`" + t + "`").toList());
            } else if (RuleReplayCases.VM_REPLAYS.containsKey(r.name())) {
                replayed++;
                String what = RuleReplayCases.VM_REPLAYS.get(r.name());
                status = "replayed in the VM: `KernelMatrixVmTest." + vmTest(r.name()) + "`" + what.substring(what.indexOf(':'));
            } else if (isProcessRule(r)) {
                other++;
                status = "not yet: " + RuleReplayCases.PROCESS_RULES_NOT_REPLAYED.get(r.name());
            } else if (RuleReplayCases.SYSCALL_RULES_NOT_REPLAYED.containsKey(r.name())) {
                other++;
                status = "not yet: " + RuleReplayCases.SYSCALL_RULES_NOT_REPLAYED.get(r.name());
            } else {
                waiting++;
                Set<String> types = new TreeSet<>(r.evtTypes() == null ? Set.of("any") : r.evtTypes());
                types.removeAll(PROCESS_TYPES);
                status = "not yet: needs " + String.join(" and ", missingKinds(r)) + " events (" + String.join(", ", types) + ")";
            }
            rows.append("| ").append(r.name()).append(" | ").append(r.priority().name().toLowerCase(Locale.ROOT)).append(" | ").append(status).append(" |\n");
        }
        return """
                # Default rules replayed for real

                Generated by `RuleReplayCoverageTest` (vigil-agent) from `RuleReplayCases` and the default rule
                set; do not edit by hand (`mvn test -pl vigil-agent -Dtest=RuleReplayCoverageTest -Dvigil.writeDocs=true`).

                `RuleReplayTest` (tag `kernel`) starts one agent with the default rules and performs each
                replayed behaviour for real, in a busybox container through `podman exec` or, for host rules,
                on the host; it asserts the alert (rule, priority, container id or host, the command line in
                the output) and runs a benign neighbour whose execs the agent must see and which must not raise
                that rule. Tools the test image lacks run as stand-ins: a copy of busybox installed under the
                tool's name and started with `exec -a true` (on the host, a copy of `/bin/true`), so the kernel
                really executes a file of that name with those arguments, while nothing the tool would do
                happens. Such a replay proves the rule fires on that exec, which is all the rule looks at; it
                says nothing about the real tool. The cases and what each side runs are in
                `vigil-agent/src/test/java/dev/vigil/agent/RuleReplayCases.java`.

                Rules on file, network and privilege records (the syscalls sensor) are replayed the same way:
                the attack is a program exec'd in the case's directory that opens, writes, unlinks, connects
                or calls the syscall for real on the container's own files and loopback (the files are made
                first; listeners are the case's own), and the alert must name the path or address. Host
                cases of that kind run python3 with ctypes on processes it forked itself. Rules that need a
                record no sensor makes yet say which; the others not replayed say why.

                Rules whose records this host's kernel cannot produce (it has no module support) are replayed
                on Debian's 6.1 kernel under qemu instead, by `KernelMatrixVmTest` (`make vm-test`): the real
                agent with the default rules runs in the VM, the payload (`scripts/vm/payloads/smoke.sh`)
                performs the behaviour and its neighbour, and the test asserts on the alerts the agent wrote.

                %d of %d rules replayed; %d wait for records no sensor makes yet; %d not replayed for the reason given.

                | Rule | Priority | Replay |
                |---|---|---|
                """.formatted(replayed, rules.size(), waiting, other) + rows;
    }

    /** The KernelMatrixVmTest method that replays a rule in the VM: the name before the colon in VM_REPLAYS. */
    private static String vmTest(String rule) {
        String what = RuleReplayCases.VM_REPLAYS.get(rule);
        return what.substring(0, what.indexOf(':'));
    }

    private static boolean isProcessRule(CompiledRule r) {
        return r.evtTypes() != null && PROCESS_TYPES.containsAll(r.evtTypes());
    }

    private static List<String> replays(String rule) {
        List<String> names = new ArrayList<>();
        for (RuleReplayCases.Case c : RuleReplayCases.CASES) if (c.rule().equals(rule)) names.add(c.testName());
        return names;
    }

    private static List<String> missingKinds(CompiledRule r) {
        Set<String> kinds = new TreeSet<>();
        if (r.evtTypes() == null) kinds.add("other");
        else for (String t : r.evtTypes()) if (!PROCESS_TYPES.contains(t)) kinds.add(KIND.getOrDefault(t, "other"));
        return List.copyOf(kinds);
    }
}
