package dev.vigil.agent;

import dev.vigil.rules.RuleSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kernel sends only the syscall kinds the loaded rules read: with every rule on opens
 * switched off, an open-heavy loop puts no open record in the ring (the programs count it as
 * filtered); with the default rules, only the opens of files some rule names reach userspace.
 */
@Tag("kernel")
class SyscallFilterTest {
    private static final int OPENS = 5000;
    private static final Set<String> OPEN_TYPES = Set.of("open", "openat", "openat2", "creat");
    private Agent agent;

    @AfterEach
    void stop() throws Exception {
        if (agent != null) agent.close();
    }

    private static Agent start(Path work, List<String> ruleFiles) {
        return Agent.start(TestConfigs.load(Map.of("output.path", "/dev/null", "policies.dir", work.resolve("policies").toString(),
                "rules.files", ruleFiles)), List.of());
    }

    /** OPENS opens of one file by a shell builtin (no fork per open). */
    private static void openLoop(Path file) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", "for ((i = 0; i < " + OPENS + "; i++)); do read -r l < \"$0\"; done", file.toString())
                .inheritIO().start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }

    private long awaitReceived(String kind, long atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long n;
        while ((n = agent.syscallStats().received().get(kind)) < atLeast && System.nanoTime() < deadline) Thread.sleep(100);
        return n;
    }

    @Test
    void withNoRuleOnOpensAnOpenLoopSendsNoOpenRecord() throws Exception {
        Path work = Files.createTempDirectory("vigil-filter");
        Path file = Files.writeString(work.resolve("data"), "x\n");
        String off = RuleSet.defaults().rules().stream()
                .filter(r -> r.evtTypes() != null && r.evtTypes().stream().anyMatch(OPEN_TYPES::contains))
                .map(r -> "- rule: \"" + r.name() + "\"\n  enabled: false\n").collect(Collectors.joining());
        assertThat(off).as("the default rules read opens").isNotEmpty();
        Path rules = Files.writeString(work.resolve("no-open-rules.yaml"), off);
        agent = start(work, List.of(rules.toString()));

        long filteredBefore = agent.syscallStats().filtered().get("open_read");
        openLoop(file);
        Thread.sleep(500);
        var stats = agent.syscallStats();
        assertThat(stats.received().get("open_read")).isZero();
        assertThat(stats.received().get("open_write")).isZero();
        assertThat(stats.sent().get("open_read")).isZero();
        // The programs ran and dropped them at the filter.
        assertThat(stats.filtered().get("open_read") - filteredBefore).isGreaterThanOrEqualTo(OPENS);
        // Kinds other rules read are still sent: the filter is per kind, not all or nothing.
        assertThat(agent.rules().engine().rules().indexedTypes()).contains("connect").doesNotContain("openat");
    }

    @Test
    void withTheDefaultRulesOnlyOpensOfFilesTheRulesNameReachUserspace() throws Exception {
        Path work = Files.createTempDirectory("vigil-filter");
        Path plain = Files.writeString(work.resolve("data"), "x\n");
        // "Cloud Credentials File Read" names */.aws/credentials: the kernel lets paths with an .aws component through.
        Files.createDirectories(work.resolve(".aws"));
        Path named = Files.writeString(work.resolve(".aws/credentials"), "x\n");
        agent = start(work, List.of());

        var before = agent.syscallStats();
        openLoop(plain);
        Thread.sleep(500);
        var after = agent.syscallStats();
        assertThat(after.filtered().get("open_read") - before.filtered().get("open_read")).isGreaterThanOrEqualTo(OPENS);
        // What did arrive meanwhile is other processes' opens of files the rules name (procfs, /etc), not the loop's.
        assertThat(after.received().get("open_read") - before.received().get("open_read")).isLessThan(OPENS / 2);

        long received = after.received().get("open_read");
        openLoop(named);
        assertThat(awaitReceived("open_read", received + OPENS) - received).isGreaterThanOrEqualTo(OPENS);
        var stats = agent.syscallStats();
        assertThat(stats.sent().get("open_read")).isGreaterThanOrEqualTo(stats.received().get("open_read"));

        // Switched off, the sensor's programs leave the kernel; switched on again, the filter the
        // agent wrote at start (kept in the core maps) still applies.
        agent.setSensorEnabled("syscalls", false);
        long sentOff = agent.syscallStats().sent().get("open_read");
        openLoop(named);
        assertThat(agent.syscallStats().sent().get("open_read")).isEqualTo(sentOff);
        agent.setSensorEnabled("syscalls", true);
        long filteredOn = agent.syscallStats().filtered().get("open_read");
        openLoop(plain);
        assertThat(agent.syscallStats().filtered().get("open_read") - filteredOn).isGreaterThanOrEqualTo(OPENS);
        long receivedOn = agent.syscallStats().received().get("open_read");
        openLoop(named);
        assertThat(awaitReceived("open_read", receivedOn + OPENS) - receivedOn).isGreaterThanOrEqualTo(OPENS);
    }

    @Test
    void withTheDefaultRulesRenamesChownsAndDnsQueriesStayInTheKernel() throws Exception {
        // No default rule reads them: the programs run (and count) but put nothing in the ring.
        Path work = Files.createTempDirectory("vigil-filter");
        Path file = Files.writeString(work.resolve("a"), "x\n");
        agent = start(work, List.of());
        var before = agent.syscallStats();
        String script = """
                import os, socket, sys
                a = sys.argv[1]; b = a + '.b'
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                q = b'\\x12\\x34\\x01\\x00\\x00\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x05vigil\\x04test\\x00\\x00\\x01\\x00\\x01'
                for i in range(%d):
                    os.rename(a, b); os.rename(b, a)
                    os.chown(a, 0, 0)
                    s.sendto(q, ('127.0.0.1', 53))
                """.formatted(OPENS / 10);
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", script, file.toString()).inheritIO().start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        Thread.sleep(500);
        var after = agent.syscallStats();
        for (String kind : List.of("rename", "chown", "dns")) {
            assertThat(after.filtered().get(kind) - before.filtered().get(kind)).as(kind).isGreaterThanOrEqualTo(OPENS / 10);
            assertThat(after.sent().get(kind)).as(kind).isZero();
            assertThat(after.received().get(kind)).as(kind).isZero();
        }
    }
}
