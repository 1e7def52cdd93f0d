package dev.vigil.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.events.process.ProcessEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The agent loaded into the real kernel sees real processes, field by field. */
@Tag("kernel")
class ProcessLifecycleTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long SELF = ProcessHandle.current().pid();
    private static Path output;
    private static Agent agent;
    private static CapturingSink sink;

    @BeforeAll
    static void start() throws Exception {
        output = Files.createTempDirectory("vigil-test").resolve("events.json");
        sink = new CapturingSink(CapturingSink.processes(e -> e.process().ppid() == SELF || e.process().pid() == SELF
                || (e.parent() != null && e.parent().ppid() == SELF)));
        agent = Agent.start(TestConfigs.load(Map.of("output.path", output.toString())), List.of(sink));
    }

    @AfterAll
    static void stop() {
        if (agent != null) agent.close();
    }

    @Test
    void execAndExitOfEchoCarryEveryField() throws Exception {
        String token = "vigil-" + UUID.randomUUID();
        Path cwd = Files.createTempDirectory("vigil cwd");
        Process p = new ProcessBuilder("/bin/echo", token).directory(cwd.toFile()).start();
        assertThat(p.waitFor()).isZero();
        int pid = (int) p.pid();

        JsonNode exec = sink.await(e -> isExecOf(e, pid, "/echo"), WAIT);
        JsonNode proc = exec.get("process");
        assertThat(proc.get("binary").asText()).isEqualTo(Path.of("/bin/echo").toRealPath().toString());
        assertThat(proc.get("args")).containsExactly(text("/bin/echo"), text(token));
        assertThat(proc.get("args_truncated").asBoolean()).isFalse();
        assertThat(proc.get("cwd").asText()).isEqualTo(cwd.toRealPath().toString());
        assertThat(proc.get("pid").asInt()).isEqualTo(pid);
        assertThat(proc.get("ppid").asLong()).isEqualTo(SELF);
        assertThat(proc.get("uid").asLong()).isEqualTo(statusId("Uid"));
        assertThat(proc.get("gid").asLong()).isEqualTo(statusId("Gid"));
        // echo inherited this JVM's namespaces; the unshare test checks a process with its own.
        assertThat(proc.get("ns").get("pid").asLong()).isEqualTo(nsInode("self", "pid"));
        assertThat(proc.get("ns").get("mnt").asLong()).isEqualTo(nsInode("self", "mnt"));
        assertThat(proc.get("ns").get("net").asLong()).isEqualTo(nsInode("self", "net"));
        assertThat(proc.get("exec_id").asText()).isNotEmpty();
        // The JDK starts children through jspawnhelper, which then execs echo in the same process.
        assertThat(exec.get("parent").get("pid").asLong()).isEqualTo(SELF);
        assertThat(proc.get("parent_exec_id").asText()).isEqualTo(exec.get("parent").get("exec_id").asText());
        assertThat(exec.get("container").isNull()).isTrue();

        JsonNode exit = sink.await(e -> e instanceof ProcessEvent.Exit x && x.process().pid() == pid, WAIT);
        assertThat(exit.get("exit_code").asInt()).isZero();
        assertThat(exit.get("signal").isNull()).isTrue();
        assertThat(exit.get("process").get("exec_id").asText()).isEqualTo(proc.get("exec_id").asText());

        // The configured output file holds the same event as a JSON line.
        awaitLineContaining(output, token);
    }

    @Test
    void namespacesMatchProcOfAProcessInItsOwnNetworkNamespace() throws Exception {
        Process p = new ProcessBuilder("unshare", "--net", "sleep", "5").start();
        try {
            int pid = (int) p.pid();
            JsonNode exec = sink.await(e -> e instanceof ProcessEvent.Exec x && x.process().pid() == pid
                    && x.process().binary().endsWith("/sleep"), WAIT);
            JsonNode ns = exec.get("process").get("ns");
            assertThat(ns.get("net").asLong()).isEqualTo(nsInode(Integer.toString(pid), "net")).isNotEqualTo(nsInode("self", "net"));
            assertThat(ns.get("pid").asLong()).isEqualTo(nsInode(Integer.toString(pid), "pid"));
            assertThat(ns.get("mnt").asLong()).isEqualTo(nsInode(Integer.toString(pid), "mnt"));
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void aProcessKilledBySignalReportsTheSignal() throws Exception {
        Process p = new ProcessBuilder("sleep", "30").start();
        int pid = (int) p.pid();
        sink.await(e -> isExecOf(e, pid, "/sleep"), WAIT);
        p.destroyForcibly(); // SIGKILL
        p.waitFor();
        JsonNode exit = sink.await(e -> e instanceof ProcessEvent.Exit x && x.process().pid() == pid, WAIT);
        assertThat(exit.get("signal").asText()).isEqualTo("SIGKILL");
        assertThat(exit.get("exit_code").isNull()).isTrue();
    }

    @Test
    void forkAndExecLinkChildToParent() throws Exception {
        Process p = new ProcessBuilder("/bin/sh", "-c", "/bin/true & wait").start();
        assertThat(p.waitFor()).isZero();
        int shell = (int) p.pid();
        String sh = Path.of("/bin/sh").toRealPath().toString();
        JsonNode shellExec = sink.await(e -> isExecOf(e, shell, sh), WAIT);
        JsonNode fork = sink.await(e -> e instanceof ProcessEvent.Fork x && x.process().ppid() == shell, WAIT);
        int child = fork.get("process").get("pid").asInt();
        assertThat(fork.get("process").get("parent_exec_id").asText()).isEqualTo(shellExec.get("process").get("exec_id").asText());
        JsonNode childExec = sink.await(e -> e instanceof ProcessEvent.Exec x && x.process().pid() == child, WAIT);
        assertThat(childExec.get("process").get("binary").asText()).isEqualTo(Path.of("/bin/true").toRealPath().toString());
        assertThat(childExec.get("parent").get("binary").asText()).isEqualTo(shellExec.get("process").get("binary").asText());
        assertThat(childExec.get("process").get("parent_exec_id").asText()).isEqualTo(shellExec.get("process").get("exec_id").asText());
    }

    @Test
    void argumentsBeyondTheLimitAreFlaggedTruncated() throws Exception {
        String big = "x".repeat(3000);
        Process p = new ProcessBuilder("/bin/echo", big).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.waitFor();
        int pid = (int) p.pid();
        JsonNode exec = sink.await(e -> isExecOf(e, pid, "/echo"), WAIT);
        assertThat(exec.get("process").get("args_truncated").asBoolean()).isTrue();
        assertThat(exec.get("process").get("args").get(0).asText()).isEqualTo("/bin/echo");
    }

    @Test
    void processesRunningBeforeTheAgentAreKnownAsParents() throws Exception {
        // This JVM started before the agent: its children's events must still name it.
        Process p = new ProcessBuilder("/bin/true").start();
        p.waitFor();
        int pid = (int) p.pid();
        JsonNode exec = sink.await(e -> isExecOf(e, pid, "/true"), WAIT);
        JsonNode parent = exec.get("parent");
        assertThat(parent.isNull()).isFalse();
        assertThat(parent.get("binary").asText()).isEqualTo(Files.readSymbolicLink(Path.of("/proc/self/exe")).toString());
    }

    @Test
    void nothingWasLost() {
        AgentStats s = agent.stats();
        assertThat(s.totalKernelRingDrops()).isZero();
        assertThat(s.recordFailures()).isZero();
        assertThat(s.unknownRecords()).isZero();
        assertThat(s.ringRecords()).isPositive();
    }

    static boolean isExecOf(dev.vigil.events.Event e, int pid, String binarySuffix) {
        return e instanceof ProcessEvent.Exec x && x.process().pid() == pid && x.process().binary().endsWith(binarySuffix);
    }

    private static JsonNode text(String s) {
        return new ObjectMapper().getNodeFactory().textNode(s);
    }

    private static long statusId(String key) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(key + ":")) return Long.parseLong(line.split("\\s+")[1]);
        }
        throw new AssertionError(key);
    }

    static long nsInode(String pid, String ns) throws Exception {
        String link = Files.readSymbolicLink(Path.of("/proc", pid, "ns", ns)).toString();
        return Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']')));
    }

    private static void awaitLineContaining(Path file, String token) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file) && Files.readAllLines(file).stream().anyMatch(l -> l.contains(token) && l.contains("\"process_exec\""))) return;
            Thread.sleep(50);
        }
        throw new AssertionError("no exec line with " + token + " in " + file);
    }
}
