package dev.vigil.agent.vm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The real agent (the built vigil-cli jars in a jlink'ed runtime) on a second kernel: Debian's 6.1
 * cloud kernel booted under qemu with {@code lsm=...,bpf}, where BPF LSM, fentry and kprobes work
 * (this project's host kernel refuses all three). {@code scripts/vm/run.sh smoke} boots it; the
 * guest starts the agent, runs {@code /bin/echo vigil-vm-token} three times, tries the escape
 * guard's LSM blocking, loads a kernel module (the replay of the default rule Kernel Module Loaded,
 * which this host's kernel cannot make), stops the agent with SIGTERM and prints the agent's log and
 * the matching events between markers.
 *
 * <p>Needs the jars of {@code make build} (vigil-cli/target/lib) and takes about a minute, so it
 * runs only on request: {@code make vm-test}, which sets {@code VIGIL_VM_TEST=1}.
 */
@Tag("vm")
@EnabledIfEnvironmentVariable(named = "VIGIL_VM_TEST", matches = "1")
class KernelMatrixVmTest {
    private static final long TIMEOUT_SECONDS = Long.getLong("vigil.vm.timeout", 900);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path console;
    private static String output;
    private static int exitCode;

    @BeforeAll
    static void boot() throws Exception {
        Path root = repoRoot();
        Path dir = Path.of("target", "vm").toAbsolutePath();
        Files.createDirectories(dir);
        console = dir.resolve("smoke-console.txt");
        Process p = new ProcessBuilder(root.resolve("scripts/vm/run.sh").toString(), "smoke", Long.toString(TIMEOUT_SECONDS))
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(console.toFile())
                .start();
        // run.sh enforces the timeout itself; this one only guards against a hung script.
        if (!p.waitFor(TIMEOUT_SECONDS + 120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("scripts/vm/run.sh smoke did not finish; console: " + console);
        }
        exitCode = p.exitValue();
        output = Files.readString(console, StandardCharsets.UTF_8);
    }

    @Test
    void payloadSucceeded() {
        assertThat(exitCode).as("run.sh smoke exit status (124 timeout, 125 no end marker); console %s:%n%s", console, tail())
                .isZero();
        assertThat(output).contains("VIGIL-VM-BEGIN payload=smoke kernel=6.1.").contains("VIGIL-VM-END rc=0");
    }

    @Test
    void agentProbedTheKernelFeaturesOf61() {
        List<String> log = section("agent.log");
        assertThat(log).as("agent log; console %s", console).isNotEmpty();
        // lsm=...,bpf on the command line makes BPF LSM usable; the host (6.18 here) refuses it.
        assertLine(log, "INFO Agent: feature bpf_lsm\\s+available\\b.*");
        assertLine(log, "INFO Agent: feature tp_btf\\s+available\\b.*");
        assertLine(log, "INFO Agent: feature btf\\s+available\\b.*");
        assertLine(log, "INFO Agent: feature ringbuf\\s+available\\b.*");
    }

    @Test
    void processSensorAttachedAndAgentStoppedCleanly() {
        List<String> log = section("agent.log");
        assertLine(log, "INFO SensorSet: sensor process attached: .*tp_btf/sched_process_exec.*");
        assertLine(log, "INFO Agent: stopped; .*");
        assertThat(log).as("agent log").noneMatch(l -> l.contains(" ERROR ") || l.contains("Exception in thread"));
    }

    @Test
    void escapeGuardDeniesExecAndOpenThroughBpfLsm() throws IOException {
        assertLine(section("agent.log"), "INFO SensorSet: sensor escape-commands attached: .*lsm/bprm_check_security.*");
        assertLine(section("agent.log"), "INFO SensorSet: sensor escape-files attached: .*lsm/file_open.*");
        List<String> escape = section("escape");
        // execve itself failed (EPERM, so the shell reports a failed command, not a signal) and the shell went on
        assertThat(escape).as("escape section; console %s", console)
                .anyMatch(l -> l.matches("forbidden-exec rc=(12[6-7]|[12])"))
                .anyMatch(l -> l.startsWith("shadow-open rc=1 ") && l.contains("Operation not permitted"))
                .anyMatch(l -> l.startsWith("shadow-unlink rc=1 ") && l.contains("Operation not permitted"))
                .contains("shadow still there")
                .contains("shell survived");
        List<JsonNode> alerts = events("alert");
        assertThat(alerts).as("alerts; console %s", console)
                .anyMatch(a -> a.path("rule").asText().equals("escape.command.vm-forbidden") && a.path("action").asText().equals("block")
                        && a.path("enforcement").asText().equals("lsm"))
                .anyMatch(a -> a.path("rule").asText().equals("escape.sensitive_host_file") && a.path("action").asText().equals("block")
                        && a.path("enforcement").asText().equals("lsm") && a.path("details").path("path").asText().equals("/etc/shadow")
                        && a.path("details").path("operation").asText().equals("open"))
                .anyMatch(a -> a.path("rule").asText().equals("escape.sensitive_host_file") && a.path("enforcement").asText().equals("lsm")
                        && a.path("details").path("operation").asText().equals("unlink"));
    }

    /**
     * The default rule "Kernel Module Loaded" (RuleReplayCases.VM_REPLAYS): this host's kernel has no
     * module support, the VM's has. The payload loads the kernel package's crc7.ko with insmod (the
     * vm-host policy sets the guard's module protection to alert) and runs lsmod as the neighbour.
     */
    @Test
    void kernelModuleLoadRaisesTheRuleAndItsNeighbourDoesNot() throws IOException {
        List<String> module = section("module");
        assertThat(module).as("module section; console %s", console).contains("module-insmod rc=0", "module crc7 loaded", "module-lsmod rc=0");
        List<JsonNode> execs = events("module-events", "process_exec");
        JsonNode insmod = execs.stream().filter(e -> e.path("process").path("args").path(0).asText().equals("/sbin/insmod")).findFirst().orElse(null);
        JsonNode lsmod = execs.stream().filter(e -> e.path("process").path("args").path(0).asText().equals("/sbin/lsmod")).findFirst().orElse(null);
        assertThat(insmod).as("the agent saw insmod; module events %s", section("module-events")).isNotNull();
        assertThat(lsmod).as("the agent saw lsmod (the neighbour); module events %s", section("module-events")).isNotNull();
        long insmodPid = insmod.path("process").path("pid").asLong(), lsmodPid = lsmod.path("process").path("pid").asLong();
        List<JsonNode> alerts = events("module-events", "alert").stream().filter(a -> a.path("rule").asText().equals("Kernel Module Loaded")).toList();
        assertThat(alerts).as("Kernel Module Loaded alerts; console %s", console)
                .anyMatch(a -> a.path("process").path("pid").asLong() == insmodPid
                        && a.path("priority").asText().equals("warning")
                        && (a.path("container").isNull() || a.path("container").isMissingNode())
                        && a.path("output").asText().contains("proc=insmod")
                        && a.path("output").asText().contains("/vigil/modules/crc7.ko"))
                .noneMatch(a -> a.path("process").path("pid").asLong() == lsmodPid);
        // The escape guard's own alert (the payload's host policy sets module: alert) says where it happened.
        assertThat(events("module-events", "alert")).as("escape.kernel_module_load alerts; console %s", console)
                .anyMatch(a -> a.path("rule").asText().equals("escape.kernel_module_load")
                        && a.path("process").path("pid").asLong() == insmodPid
                        && a.path("output").asText().startsWith("loading a kernel module by a host process")
                        && a.path("output").asText().endsWith("[alert, host]"));
    }

    private static List<JsonNode> events(String type) throws IOException {
        return events("events", type);
    }

    private static List<JsonNode> events(String sectionName, String type) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : section(sectionName)) {
            JsonNode e = JSON.readTree(line.strip());
            if (type.equals(e.path("type").asText())) out.add(e);
        }
        return out;
    }

    @Test
    void execOfEchoWasWrittenWithItsArguments() throws IOException {
        List<JsonNode> execs = events("process_exec");
        assertThat(execs).as("process_exec events mentioning vigil-vm-token; console %s", console).hasSize(3);
        for (JsonNode e : execs) {
            JsonNode proc = e.path("process");
            assertThat(proc.path("args").toString()).isEqualTo("[\"/bin/echo\",\"vigil-vm-token\"]");
            assertThat(proc.path("args_truncated").asBoolean(true)).isFalse();
            // /bin/echo is a busybox applet link; the kernel executes the link's target.
            assertThat(proc.path("binary").asText()).isEqualTo("/bin/busybox");
            assertThat(proc.path("pid").asLong()).isPositive();
            assertThat(proc.path("uid").asLong(-1)).isZero();
            assertThat(proc.path("exec_id").asText()).isNotEmpty();
            assertThat(e.path("node").asText()).isEqualTo("vigil-vm");
            // the parent is the payload's shell, known to the agent from its /proc scan
            assertThat(e.path("parent").path("pid").asLong()).isEqualTo(proc.path("ppid").asLong());
            assertThat(e.path("parent").path("exec_id").asText()).isEqualTo(proc.path("parent_exec_id").asText());
        }
        assertThat(execs.stream().map(e -> e.path("process").path("pid").asLong()).distinct()).hasSize(3);
    }

    /** The lines between "--- BEGIN name ---" and "--- END name ---" in the console. */
    private static List<String> section(String name) {
        List<String> lines = new ArrayList<>();
        boolean in = false;
        for (String line : output.split("\n", -1)) {
            if (line.equals("--- BEGIN " + name + " ---")) in = true;
            else if (line.equals("--- END " + name + " ---")) in = false;
            else if (in && !line.isBlank() && !KERNEL_MESSAGE.matcher(line).matches()) lines.add(line);
        }
        return lines;
    }

    /** Kernel messages (warnings and worse) share the serial console with the payload. */
    private static final Pattern KERNEL_MESSAGE = Pattern.compile("^\\[\\s*\\d+\\.\\d+\\] .*");

    private static void assertLine(List<String> log, String regex) {
        Pattern p = Pattern.compile(".*" + regex);
        assertThat(log).as("agent log line matching %s; log:%n%s", regex, String.join("\n", log))
                .anyMatch(l -> p.matcher(l).matches());
    }

    private static String tail() {
        String[] lines = output.split("\n");
        return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 60), lines.length));
    }

    private static Path repoRoot() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isExecutable(d.resolve("scripts/vm/run.sh"))) return d;
        }
        throw new IllegalStateException("scripts/vm/run.sh not found above " + Path.of("").toAbsolutePath());
    }
}
