package dev.vigil.agent;

import dev.vigil.agent.RuleReplayCases.Case;
import dev.vigil.agent.RuleReplayCases.Side;
import dev.vigil.agent.RuleReplayCases.Where;
import dev.vigil.containers.Podman;
import dev.vigil.events.Event;
import dev.vigil.events.alert.Alert;
import dev.vigil.events.process.ProcessEvent;
import dev.vigil.events.process.ProcessInfo;
import dev.vigil.rules.CompiledRule;
import dev.vigil.rules.RuleSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replays the default rules, for real, against one running agent (issue #6): those on process
 * events and those on the syscalls sensor's file, network and privilege records.
 * {@link RuleReplayCases} holds the table. The containers' cases run as one script
 * per container through {@code podman exec}, so a few container starts serve some hundred real
 * execs; each case runs in its own working directory, which every process it starts inherits,
 * and that is how an alert is tied to its case. Then, per case, the attack must have raised the
 * rule's alert (name, priority, container or host, the command line, path or address in its output) and the
 * benign neighbour, whose execs the agent must have seen, must not have raised it.
 */
@Tag("kernel")
class RuleReplayTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern CASE_LINE = Pattern.compile("^VIGIL-CASE (\\S+) (\\d+)$", Pattern.MULTILINE);

    private static Podman podman;
    private static Podman.Service service;
    private static Agent agent;
    private static CapturingSink sink;
    private static Path work;
    private static final Map<Where, String> containerIds = new HashMap<>();
    /** Side key (a-NN, b-NN) -> exit status, for the report when a case fails. */
    private static final Map<String, Integer> exits = new ConcurrentHashMap<>();
    private static final Map<String, CompiledRule> rules = new HashMap<>();
    /** A host process whose /proc/PID/root the HOSTPID container reads ({HOSTPID}). */
    private static Process hostSleeper;
    /** The loop device the DISK container gets as /dev/sdz; detached in teardown. */
    private static String loopDevice;

    @BeforeAll
    static void replay() throws Exception {
        Podman.ensureImage();
        podman = new Podman();
        work = Files.createTempDirectory("vigil-replay-");
        Files.createDirectories(work.resolve("vigil-replay"));
        Path bin = Files.createDirectories(work.resolve("bin"));
        for (String name : RuleReplayCases.HOST_STANDINS) {
            Path standin = bin.resolve(name);
            Files.copy(Path.of("/bin/true"), standin);
            Files.setPosixFilePermissions(standin, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        for (CompiledRule r : RuleSet.defaults().rules()) rules.put(r.name(), r);

        sink = new CapturingSink(e -> e instanceof Alert
                || e instanceof ProcessEvent.Exec x && x.process().cwd().contains("/vigil-replay/"));
        // The runtime's API tells the agent each container's configuration (container.privileged).
        service = new Podman.Service(work.resolve("api.sock")).start();
        agent = Agent.start(TestConfigs.load(Map.of("output.path", "/dev/null", "containers.runtimeSocket", service.socket().toString(),
                "containers.graceSeconds", 2, "policies.dir", work.resolve("policies").toString())), List.of(sink));
        // The DISK container may open block devices (alert instead of the default block), so its raw read happens.
        agent.policies().apply("""
                apiVersion: vigil.dev/v1alpha1
                kind: RuntimePolicy
                metadata: {name: replay-disk}
                spec:
                  selector: {containerName: ["%s"]}
                  escape:
                    privilegedOps: {blockDevice: alert}
                """.formatted(podman.name("disk")), "replay-disk.yaml");

        // Syscalls the image has no tool for (bpf, a unix-socket connect): a static helper, mounted read-only.
        Path helper = work.resolve("replay-helper");
        Podman.Result cc = Podman.exec(List.of("gcc", "-static", "-O2", "-o", helper.toString(),
                Path.of("src/test/c/replay-helper.c").toAbsolutePath().toString()), Duration.ofSeconds(60));
        if (cc.exit() != 0) throw new AssertionError("gcc: " + cc.output());
        String helperMount = helper + ":" + RuleReplayCases.HELPER + ":ro";

        // Long-lived containers the cases run in; no network: connections stay on their own loopback.
        // The runtime's API socket (the test's own podman service) is mounted into the ordinary
        // container under a runtime-socket name and a neutral one, for the runtime socket replay.
        containerIds.put(Where.MAIN, podman.runDetached("main", "--network", "none", "-v", helperMount,
                "-v", service.socket() + ":/run/podman/podman.sock", "-v", service.socket() + ":/tmp/vigil-api.sock", Podman.IMAGE, "sleep", "600"));
        containerIds.put(Where.PRIV, podman.runDetached("priv", "--privileged", "--network", "none", "-v", helperMount, Podman.IMAGE, "sleep", "600"));
        // The host's processes are visible there, and CAP_SYS_PTRACE lets it follow their /proc/PID/root links.
        hostSleeper = new ProcessBuilder("sleep", "600").start();
        containerIds.put(Where.HOSTPID, podman.runDetached("hostpid", "--pid", "host", "--cap-add", "SYS_PTRACE", "--network", "none",
                Podman.IMAGE, "sleep", "600"));
        // A stand-in host disk: a loop device on a file of zeros, under a name the rule knows.
        Path disk = work.resolve("disk.img");
        Files.write(disk, new byte[1 << 20]);
        Podman.Result loop = Podman.exec(List.of("losetup", "-f", "--show", disk.toString()), WAIT);
        if (loop.exit() != 0) throw new AssertionError("losetup: " + loop.output());
        loopDevice = loop.output().strip();
        containerIds.put(Where.DISK, podman.runDetached("disk", "--device", loopDevice + ":/dev/sdz", "--network", "none", Podman.IMAGE, "sleep", "600"));
        long described = System.nanoTime() + WAIT.toNanos();
        while (!containerIds.values().stream().allMatch(id -> agent.containers().get(id).map(ci -> ci.config() != null).orElse(false))
                // the DISK container's name-selected policy holds once the guard knows it by name
                || !agent.guard().guarded(containerIds.get(Where.DISK)).map(c -> c.name().equals(podman.name("disk"))).orElse(false)) {
            if (System.nanoTime() > described) throw new AssertionError("the agent did not learn the containers' configuration");
            Thread.sleep(50);
        }

        try (ExecutorService pool = Executors.newFixedThreadPool(5)) {
            List<Future<?>> runs = new ArrayList<>();
            for (Where w : List.of(Where.MAIN, Where.PRIV, Where.HOSTPID, Where.DISK)) runs.add(pool.submit(() -> runContainerScript(w)));
            runs.add(pool.submit(() -> runHostSides(bin)));
            for (Future<?> f : runs) f.get(3, TimeUnit.MINUTES);
        }
        // Every attack's alert, then a moment for any late alert a benign side would have raised.
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline && !RuleReplayCases.CASES.stream().allMatch(c -> find(c, attackKey(c)) != null)) Thread.sleep(100);
        Thread.sleep(1500);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (agent != null) agent.close();
            if (podman != null) podman.close();
            if (service != null) service.close();
        } finally {
            if (hostSleeper != null) hostSleeper.destroyForcibly();
            if (loopDevice != null) Podman.exec(List.of("losetup", "-d", loopDevice), WAIT);
        }
    }

    /** A snippet or output fragment with the run's values: {HOSTPID}. */
    private static String subst(String s) {
        return hostSleeper == null ? s : s.replace("{HOSTPID}", Long.toString(hostSleeper.pid()));
    }

    @TestFactory
    Stream<DynamicTest> everyReplayedRuleFiresOnItsBehaviourAndNotOnItsNeighbour() {
        return RuleReplayCases.CASES.stream().map(c -> DynamicTest.dynamicTest(c.testName(), () -> check(c)));
    }

    private static void check(Case c) {
        CompiledRule rule = rules.get(c.rule());
        assertThat(rule).as("a default rule named %s", c.rule()).isNotNull();
        String attack = attackKey(c), benign = benignKey(c);
        assertThat(exits).as("the attack side ran").containsKey(attack);
        Alert alert = find(c, attack);
        assertThat(alert).as("alert %s for %s (exit %s); alerts seen there: %s; that rule's alerts anywhere: %s", c.rule(), c.attack(), exits.get(attack),
                rulesAt(c.attack(), attack), elsewhere(c.rule())).isNotNull();
        assertThat(alert.priority()).isEqualTo(rule.priority().name().toLowerCase(Locale.ROOT));
        if (c.attack().where() == Where.HOST) {
            assertThat(alert.container()).as("a host process").isNull();
        } else {
            assertThat(alert.container().id()).isEqualTo(containerIds.get(c.attack().where()));
        }
        for (String fragment : c.output()) assertThat(alert.output()).contains(subst(fragment));

        // The neighbour ran and the agent saw it, so its silence means something.
        assertThat(exits).as("the benign side ran").containsKey(benign);
        assertThat(sink.events()).as("the agent saw the benign side's execs").anyMatch(e -> e instanceof ProcessEvent.Exec x && at(c.benign(), benign, x.process()));
        assertThat(rulesAt(c.benign(), benign)).as("alerts raised by the benign side %s", c.benign()).doesNotContain(c.rule());
    }

    private static String attackKey(Case c) {
        return String.format("a-%02d", RuleReplayCases.CASES.indexOf(c));
    }

    private static String benignKey(Case c) {
        return String.format("b-%02d", RuleReplayCases.CASES.indexOf(c));
    }

    private static Alert find(Case c, String key) {
        for (Event e : sink.events()) {
            if (e instanceof Alert a && a.rule().equals(c.rule()) && a.process() != null && at(c.attack(), key, a.process())) return a;
        }
        return null;
    }

    /** Where the rule did fire (binary, working directory, output), for the report when a case finds no alert. */
    private static List<String> elsewhere(String rule) {
        return sink.events().stream().filter(e -> e instanceof Alert a && a.rule().equals(rule))
                .map(e -> (Alert) e).map(a -> (a.process() == null ? "?" : a.process().binary() + "@" + a.process().cwd()) + ": " + a.output()).toList();
    }

    private static List<String> rulesAt(Side side, String key) {
        return sink.events().stream().filter(e -> e instanceof Alert a && a.process() != null && at(side, key, a.process()))
                .map(e -> ((Alert) e).rule()).toList();
    }

    /** Whether a process belongs to this side: its working directory and its container (or the host). */
    private static boolean at(Side side, String key, ProcessInfo p) {
        if (side.where() == Where.HOST) {
            return p.container() == null && p.cwd().equals(work.resolve("vigil-replay").resolve(key).toString());
        }
        return p.cwd().equals("/vigil-replay/" + key) && p.container() != null && p.container().id().equals(containerIds.get(side.where()));
    }

    private static void runContainerScript(Where where) {
        try {
            StringBuilder script = new StringBuilder(RuleReplayCases.containerPrelude());
            for (Case c : RuleReplayCases.CASES) {
                if (c.attack().where() == where) script.append("case_ ").append(attackKey(c)).append(' ').append(RuleReplayCases.quote(subst(c.attack().snippet()))).append('\n');
                if (c.benign().where() == where) script.append("case_ ").append(benignKey(c)).append(' ').append(RuleReplayCases.quote(subst(c.benign().snippet()))).append('\n');
            }
            Path file = work.resolve("script-" + where.name().toLowerCase(Locale.ROOT) + ".sh");
            Files.writeString(file, script);
            // The script comes on stdin, not on a command line, where the cases' words would be rule matches of their own.
            Process p = new ProcessBuilder("podman", "--runtime", "runc", "exec", "-i", podman.name(where.name().toLowerCase(Locale.ROOT)), "/bin/sh", "-s")
                    .redirectInput(file.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(2, TimeUnit.MINUTES)) p.destroyForcibly();
            Matcher m = CASE_LINE.matcher(out);
            while (m.find()) exits.put(m.group(1), Integer.parseInt(m.group(2)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void runHostSides(Path bin) {
        try {
            for (Case c : RuleReplayCases.CASES) {
                if (c.attack().where() == Where.HOST) runHost(c.attack(), attackKey(c), bin);
                if (c.benign().where() == Where.HOST) runHost(c.benign(), benignKey(c), bin);
            }
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private static void runHost(Side side, String key, Path bin) throws Throwable {
        Path dir = Files.createDirectories(work.resolve("vigil-replay").resolve(key));
        List<String> argv = new ArrayList<>();
        int memfd = -1;
        for (String a : side.argv()) argv.add(a.replace("{MAIN}", podman.name("main")).replace("{IMAGE}", Podman.IMAGE));
        String first = argv.getFirst();
        if (first.equals("@memfd")) {
            memfd = memfdWith(Files.readAllBytes(Path.of("/bin/true")));
            // The child cannot inherit the descriptor (the JDK closes them at spawn): it execs ours through /proc.
            argv.set(0, "/proc/" + ProcessHandle.current().pid() + "/fd/" + memfd);
        } else if (!first.contains("/") && !first.equals("podman")) {
            argv.set(0, bin.resolve(first).toString());
        }
        try {
            Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(90, TimeUnit.SECONDS)) p.destroyForcibly();
            exits.put(key, p.waitFor());
        } finally {
            if (memfd >= 0) {
                int ignored = (int) CLOSE.invokeExact(memfd);
            }
        }
    }

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle MEMFD_CREATE = LINKER.downcallHandle(LINKER.defaultLookup().find("memfd_create").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle WRITE = LINKER.downcallHandle(LINKER.defaultLookup().find("write").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().find("close").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    /** An anonymous memory file named vigil-replay holding {@code bytes}; executable, as memfds are by default. */
    private static int memfdWith(byte[] bytes) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) MEMFD_CREATE.invokeExact(arena.allocateFrom("vigil-replay"), 0);
            if (fd < 0) throw new IllegalStateException("memfd_create failed");
            MemorySegment data = arena.allocate(bytes.length);
            data.copyFrom(MemorySegment.ofArray(bytes));
            long done = 0;
            while (done < bytes.length) {
                long n = (long) WRITE.invokeExact(fd, data.asSlice(done), (long) bytes.length - done);
                if (n <= 0) throw new IllegalStateException("write to memfd failed");
                done += n;
            }
            return fd;
        }
    }
}
