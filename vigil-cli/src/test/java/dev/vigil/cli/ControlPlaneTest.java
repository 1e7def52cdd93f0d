package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.agent.Agent;
import dev.vigil.api.v1.Event;
import dev.vigil.api.v1.EventFilter;
import dev.vigil.api.v1.EventServiceGrpc;
import dev.vigil.api.v1.SubscribeRequest;
import dev.vigil.events.process.ProcessEvent;
import dev.vigil.kernel.probe.FeatureStatus;
import dev.vigil.kernel.probe.KernelFeatures;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The control plane end to end: the vigil command over the real unix socket against an in-process agent. */
@Tag("kernel")
class ControlPlaneTest {
    private static Path dir;
    private static Agent agent;
    private static final TestAgents.Collector sink = new TestAgents.Collector();

    @BeforeAll
    static void startAgent() throws Exception {
        dir = Files.createTempDirectory("vigil-cp");
        agent = TestAgents.start(dir, sink, Map.of());
    }

    @AfterAll
    static void stopAgent() {
        if (agent != null) agent.close();
    }

    private static Path socket() {
        return dir.resolve("api/vigil.sock");
    }

    private static TestAgents.Result vigil(String... args) {
        return TestAgents.cli(socket(), args);
    }

    @Test
    void statusReportsTheKernelFeaturesTheProbeFinds() throws Exception {
        TestAgents.Result r = vigil("status", "-o", "json");
        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode status = r.json();
        KernelFeatures probe = KernelFeatures.probe();
        assertThat(status.get("kernel_features")).hasSize(probe.all().size());
        for (JsonNode f : status.get("kernel_features")) {
            FeatureStatus expected = probe.all().values().stream()
                    .filter(s -> s.feature().name().toLowerCase(Locale.ROOT).equals(f.get("name").asText())).findFirst().orElseThrow();
            assertThat(f.get("available").asBoolean()).as(f.toString()).isEqualTo(expected.available());
            if (!expected.available()) assertThat(f.get("detail").asText()).isNotBlank();
        }
        // Every drop counter is there, by type and by reason.
        JsonNode counters = status.get("counters");
        assertThat(counters.get("kernel_ring_drops").has("exec")).as(counters.toString()).isTrue();
        assertThat(counters.get("kernel_errors").size()).isPositive();
        for (String k : List.of("record_failures", "unknown_records", "side_events_dropped", "process_cache_evictions",
                "container_evictions", "store_dropped", "stream_dropped")) {
            assertThat(counters.has(k)).as(k).isTrue();
        }
        assertThat(status.get("sensors").findValuesAsText("name")).contains("process", "containers");
        assertThat(status.get("sensors").get(0).get("enforcement_mode").asText()).isEqualTo("observe");
        // Each escape protection says how the kernel enforces it here: no BPF LSM on this host, so signal and cgroup.
        boolean lsm = probe.has(dev.vigil.kernel.probe.Feature.BPF_LSM);
        JsonNode protections = status.get("protections");
        assertThat(protections.findValuesAsText("name")).contains("commands", "corePattern", "blockDevice", "hostFile", "runtimeSocket");
        for (JsonNode p : protections) {
            assertThat(p.get("mechanism").asText()).as(p.toString()).doesNotStartWith("unavailable");
            if (p.get("name").asText().equals("corePattern")) {
                assertThat(p.get("default_action").asText()).isEqualTo("block");
                assertThat(p.get("mechanism").asText()).startsWith("cgroup sysctl");
            }
            if (p.get("name").asText().equals("hostFile")) assertThat(p.get("mechanism").asText()).startsWith(lsm ? "lsm (open, unlink" : "signal at open; unlink");
        }

        // The table for people says the same about BPF LSM as the probe.
        TestAgents.Result table = vigil("status");
        assertThat(table.exit()).isZero();
        String lsmLine = table.out().lines().filter(l -> l.startsWith("bpf_lsm")).findFirst().orElseThrow();
        assertThat(lsmLine).contains(probe.has(dev.vigil.kernel.probe.Feature.BPF_LSM) ? "available" : "UNAVAILABLE");
    }

    @Test
    void disablingTheProcessSensorUnloadsItAndEnablingBringsItBack() throws Exception {
        assertThat(TestAgents.ourPrograms()).contains("vigil_exec");
        TestAgents.Result off = vigil("features", "disable", "process");
        try {
            assertThat(off.exit()).as(off.toString()).isZero();
            assertThat(off.out()).contains("disabled");
            // The kernel frees a closed program asynchronously.
            for (int i = 0; i < 50 && TestAgents.ourPrograms().stream().anyMatch(p -> p.equals("vigil_exec") || p.equals("vigil_fork")
                    || p.equals("vigil_exit")); i++) {
                Thread.sleep(100);
            }
            assertThat(TestAgents.ourPrograms()).doesNotContain("vigil_exec", "vigil_fork", "vigil_exit").contains("vigil_cgroup_mkdir");
            assertProcessEventsStopped();
        } finally {
            TestAgents.Result on = vigil("features", "enable", "process");
            assertThat(on.exit()).as(on.toString()).isZero();
        }
        assertThat(TestAgents.ourPrograms()).contains("vigil_exec");
        String loud = "loud-" + UUID.randomUUID();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (execsWith(loud) == 0 && System.nanoTime() < deadline) {
            run("/bin/echo", loud);
            Thread.sleep(100);
        }
        assertThat(execsWith(loud)).isPositive();
        assertThat(vigil("status").out()).contains("process").contains("attached");
    }

    private static void assertProcessEventsStopped() throws Exception {
        String quiet = "quiet-" + UUID.randomUUID();
        run("/bin/echo", quiet);
        Thread.sleep(500);
        assertThat(execsWith(quiet)).isZero();
        assertThat(vigil("features", "-o", "json").out()).contains("SENSOR_STATE_DISABLED");
    }

    @Test
    void anUnknownFeatureIsNotFound() {
        TestAgents.Result r = vigil("features", "disable", "no-such-sensor");
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(r.err()).contains("no feature named \"no-such-sensor\"").contains("process");
    }

    @Test
    void aFilteredStreamSeesOnlyMatchingEventsWhileAnotherSeesAll() throws Exception {
        String token = "tok" + UUID.randomUUID().toString().replace("-", "");
        Path tool = Files.createDirectories(dir.resolve("bin")).resolve("tool-" + token);
        Files.copy(Path.of("/bin/true"), tool);
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));

        // Filtered: the vigil command itself, as a separate process.
        Process filtered = vigilProcess("--socket", socket().toString(), "events", "--follow", "-o", "json", "--type", "process_exec", "--binary", token);
        ConcurrentLinkedQueue<String> filteredLines = new ConcurrentLinkedQueue<>();
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(filtered.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = in.readLine()) != null; ) filteredLines.add(l);
            } catch (Exception ignored) {
                // the process was destroyed
            }
        });
        // Unfiltered: a plain gRPC client.
        EventLoopGroup group = new EpollEventLoopGroup(1);
        ManagedChannel channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket().toString()))
                .channelType(EpollDomainSocketChannel.class).eventLoopGroup(group).usePlaintext().build();
        ConcurrentLinkedQueue<Event> all = new ConcurrentLinkedQueue<>();
        Context.CancellableContext ctx = Context.current().withCancellation();
        Thread allReader = Thread.ofPlatform().daemon().start(() -> ctx.run(() -> {
            try {
                Iterator<Event> it = EventServiceGrpc.newBlockingStub(channel).subscribe(SubscribeRequest.newBuilder().setFilter(EventFilter.getDefaultInstance()).build());
                while (it.hasNext()) all.add(it.next());
            } catch (RuntimeException ignored) {
                // cancelled
            }
        }));
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            String echoToken = "echo-" + token;
            while (System.nanoTime() < deadline
                    && (filteredLines.isEmpty() || all.stream().noneMatch(e -> e.getJson().contains(echoToken)))) {
                run(tool.toString());
                run("/bin/echo", echoToken);
                Thread.sleep(300);
            }
            Thread.sleep(500);
            assertThat(filteredLines).as("the filtered stream").isNotEmpty();
            for (String l : filteredLines) {
                JsonNode e = TestAgents.JSON.readTree(l);
                assertThat(e.get("type").asText()).isEqualTo("process_exec");
                assertThat(e.get("process").get("binary").asText()).contains(token);
            }
            assertThat(all).anyMatch(e -> e.getType().equals("process_exec") && e.getJson().contains(echoToken));
            assertThat(all).anyMatch(e -> e.getType().equals("process_exit"));
            assertThat(all).anyMatch(e -> e.getType().equals("process_exec") && e.getJson().contains("tool-" + token));
            Event one = all.stream().filter(e -> e.getType().equals("process_exec")).findFirst().orElseThrow();
            JsonNode json = TestAgents.JSON.readTree(one.getJson());
            assertThat(json.get("time").asText()).isEqualTo(one.getTime());
            assertThat(vigil("status", "-o", "json").json().get("subscribers")).hasSizeGreaterThanOrEqualTo(2);
        } finally {
            filtered.destroy();
            ctx.cancel(null);
            channel.shutdownNow();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            filtered.waitFor(10, TimeUnit.SECONDS);
            reader.join(5000);
            allReader.join(5000);
        }
    }

    @Test
    void theSocketIsRootOnlyAndOthersAreRefused() throws Exception {
        assertThat(Files.getPosixFilePermissions(socket())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getOwner(socket()).getName()).isEqualTo("root");
        Path classpath = readableClasspath();
        try {
            assertNobodyIsRefused(classpath);
        } finally {
            new ProcessBuilder("rm", "-rf", classpath.toString()).start().waitFor();
        }
        assertThat(vigil("status").exit()).isZero();
    }

    private static void assertNobodyIsRefused(Path classpath) throws Exception {
        TestAgents.Result denied = asNobody(classpath, "status");
        assertThat(denied.exit()).as(denied.toString()).isEqualTo(ExitCodes.PERMISSION_DENIED);
        assertThat(denied.err()).contains("vigil: permission denied: the API socket is root-only; run as root");
        assertThat(denied.out()).isEmpty();

        // Defense in depth: with the modes loosened by hand, the agent still refuses by the peer's uid.
        Files.setPosixFilePermissions(socket().getParent(), PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(socket(), PosixFilePermissions.fromString("rw-rw-rw-"));
        try {
            TestAgents.Result refused = asNobody(classpath, "policy", "list");
            assertThat(refused.exit()).as(refused.toString()).isEqualTo(ExitCodes.PERMISSION_DENIED);
            assertThat(refused.err()).contains("permission denied").contains("root");
            assertThat(refused.out()).isEmpty();
        } finally {
            Files.setPosixFilePermissions(socket(), PosixFilePermissions.fromString("rw-------"));
            Files.setPosixFilePermissions(socket().getParent(), PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void garbageOnTheSocketDoesNotStopTheServer() throws Exception {
        byte[] junk = new byte[64 * 1024];
        new Random(42).nextBytes(junk);
        for (int i = 0; i < 3; i++) {
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(socket()));
                try {
                    ch.write(ByteBuffer.wrap(junk));
                    ch.read(ByteBuffer.allocate(4096));
                } catch (java.io.IOException expected) {
                    // the server hung up on us, as it should
                }
            }
        }
        TestAgents.Result r = vigil("status");
        assertThat(r.exit()).as(r.toString()).isZero();
    }

    @Test
    void invalidPoliciesAreRejectedWithFileAndLineAndChangeNothing() throws Exception {
        Path good = write("good.yaml", policy("keeper", "  selector:\n    containerName: [\"web-*\"]\n"));
        TestAgents.Result applied = vigil("policy", "apply", "-f", good.toString());
        assertThat(applied.exit()).as(applied.toString()).isZero();
        String before = vigil("policy", "list", "-o", "json").out();

        Map<String, String> bad = Map.of(
                "syntax.yaml", "apiVersion: vigil.dev/v1alpha1\nkind: RuntimePolicy\nmetadata: {name: keeper\nspec: {}\n",
                "unknown.yaml", policy("keeper", "  selector:\n    containerNames: [web]\n"),
                "type.yaml", policy("keeper", "  selector:\n    host: [1, 2]\n"),
                "noname.yaml", "apiVersion: vigil.dev/v1alpha1\nkind: RuntimePolicy\nmetadata:\n  labels: x\nspec: {}\n",
                "missing-name.yaml", "apiVersion: vigil.dev/v1alpha1\nkind: RuntimePolicy\nmetadata: {}\nspec: {}\n",
                "badglob.yaml", policy("keeper", "  selector:\n    image: [\"nginx[\"]\n"),
                "badname.yaml", policy("Not_A_Name", "  selector: {}\n"));
        Map<String, String> expected = Map.of(
                "syntax.yaml", ":4:", "unknown.yaml", ":7: unknown field \"containerNames\"", "type.yaml", ":7:",
                "noname.yaml", ":4: unknown field \"labels\"", "missing-name.yaml", ":3: metadata.name is required",
                "badglob.yaml", ":7: spec.selector.image: unclosed [", "badname.yaml", ":4: metadata.name \"Not_A_Name\"");
        for (Map.Entry<String, String> b : bad.entrySet()) {
            Path f = write(b.getKey(), b.getValue());
            TestAgents.Result r = vigil("policy", "apply", "-f", f.toString());
            assertThat(r.exit()).as(b.getKey() + ": " + r).isEqualTo(ExitCodes.INVALID_INPUT);
            assertThat(r.err()).as(b.getKey()).startsWith("vigil: " + f + expected.get(b.getKey()));
            assertThat(r.err().strip().lines()).as("one line").hasSize(1);
        }
        assertThat(vigil("policy", "list", "-o", "json").out()).isEqualTo(before);
        assertThat(vigil("policy", "get", "keeper").out()).contains("web-*");
    }

    @Test
    void anOversizedRequestIsRefusedAndTheAgentKeepsServing() throws Exception {
        StringBuilder huge = new StringBuilder(policy("huge", "  selector:\n    containerName:\n"));
        while (huge.length() < 5 << 20) huge.append("    - \"").append("x".repeat(200)).append("\"\n");
        Path f = write("huge.yaml", huge.toString());
        TestAgents.Result r = vigil("policy", "apply", "-f", f.toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(r.err().toLowerCase(Locale.ROOT)).contains("exceeds maximum");
        assertThat(vigil("policy", "get", "huge").exit()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(vigil("status").exit()).isZero();
    }

    @Test
    void metricsAreOffByDefault() {
        assertThat(agent.metrics()).isNull();
        assertThatThrownBy(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", 9464), 500);
            }
        }).isInstanceOf(ConnectException.class);
    }

    @Test
    void unknownSubcommandIsAUsageErrorAndAMissingSocketMeansNotRunning() {
        assertThat(vigil("no-such-command").exit()).isEqualTo(ExitCodes.USAGE);
        TestAgents.Result r = TestAgents.cli(dir.resolve("nowhere.sock"), "status");
        assertThat(r.exit()).isEqualTo(ExitCodes.NOT_RUNNING);
        assertThat(r.err().strip()).isEqualTo("vigil: the agent is not running (no socket at " + dir.resolve("nowhere.sock") + ")");
    }

    @Test
    void completionPrintsABashScript() {
        TestAgents.Result r = vigil("completion");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("complete -F").contains("features").contains("policy");
    }

    // ---------------------------------------------------------------- helpers

    static String policy(String name, String spec) {
        return "apiVersion: vigil.dev/v1alpha1\nkind: RuntimePolicy\nmetadata:\n  name: " + name + "\nspec:\n" + spec;
    }

    private static Path write(String name, String text) throws Exception {
        Path p = Files.createDirectories(dir.resolve("input")).resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private static long execsWith(String token) {
        return sink.events.stream().filter(e -> e instanceof ProcessEvent.Exec x && x.process().args().contains(token)).count();
    }

    private static void run(String... cmd) throws Exception {
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    }

    static Process vigilProcess(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** This JVM's classpath copied where uid 65534 can read it (the Maven repository under /root is private). */
    private static Path readableClasspath() throws Exception {
        Path cp = Files.createTempDirectory("vigil-cp-jars");
        Files.setPosixFilePermissions(cp, PosixFilePermissions.fromString("rwxr-xr-x"));
        int i = 0;
        for (String entry : System.getProperty("java.class.path").split(":")) {
            Path src = Path.of(entry);
            if (!Files.exists(src)) continue;
            Path dst = cp.resolve((i++) + "-" + src.getFileName());
            if (Files.isDirectory(src)) {
                try (var walk = Files.walk(src)) {
                    for (Path p : (Iterable<Path>) walk::iterator) {
                        Path t = dst.resolve(src.relativize(p).toString());
                        if (Files.isDirectory(p)) Files.createDirectories(t);
                        else Files.copy(p, t);
                    }
                }
            } else {
                Files.copy(src, dst);
            }
        }
        new ProcessBuilder("chmod", "-R", "a+rX", cp.toString()).start().waitFor();
        return cp;
    }

    private static TestAgents.Result asNobody(Path classpath, String... args) throws Exception {
        StringBuilder cp = new StringBuilder();
        try (var list = Files.list(classpath)) {
            for (Path p : list.sorted().toList()) cp.append(cp.isEmpty() ? "" : ":").append(p);
        }
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xshare:off", "-cp", cp.toString(), Main.class.getName(),
                "--socket", socket().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(classpath.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new TestAgents.Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }
}
