package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.agent.Agent;
import dev.vigil.agent.config.AgentConfig;
import dev.vigil.agent.config.ConfigLoader;
import dev.vigil.events.Event;
import dev.vigil.events.output.EventSink;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Starts in-process agents on temp paths and runs the vigil command against them. */
final class TestAgents {
    static final ObjectMapper JSON = new ObjectMapper();

    private TestAgents() {}

    /** An agent whose API, store and policies live under {@code dir}; events are also collected into {@code sink}. */
    static Agent start(Path dir, Collector sink, Map<String, Object> extra) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("output.path", "/dev/null");
        o.put("api.socket", dir.resolve("api/vigil.sock").toString());
        o.put("store.path", dir.resolve("store/events.db").toString());
        o.put("policies.dir", dir.resolve("policies").toString());
        o.put("containers.runtimeSocket", dir.resolve("no-runtime.sock").toString());
        o.putAll(extra);
        AgentConfig config = ConfigLoader.load(null, o);
        return Agent.start(config, sink == null ? List.of() : List.of(sink));
    }

    record Result(int exit, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    /** The vigil command in this JVM, output captured. */
    static Result cli(Path socket, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("--socket", socket.toString()));
        all.addAll(List.of(args));
        int exit = cl.execute(all.toArray(String[]::new));
        return new Result(exit, out.toString(), err.toString());
    }

    /** Collects every event the pipeline emits. */
    static final class Collector implements EventSink {
        final Queue<Event> events = new ConcurrentLinkedQueue<>();

        @Override
        public void accept(Event event) {
            events.add(event);
        }

        @Override
        public void flush() {}
    }

    /** Names of the BPF programs this JVM holds, as bpftool lists them (all vigil ones if bpftool cannot tell owners). */
    static List<String> ourPrograms() throws Exception {
        Process p = new ProcessBuilder("bpftool", "-j", "prog", "show").redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        p.waitFor();
        long me = ProcessHandle.current().pid();
        List<String> names = new ArrayList<>();
        boolean anyPids = false;
        JsonNode all = JSON.readTree(out);
        for (JsonNode n : all) anyPids |= n.has("pids");
        for (JsonNode n : all) {
            if (!n.path("name").asText().startsWith("vigil_")) continue;
            if (!anyPids) {
                names.add(n.path("name").asText());
                continue;
            }
            for (JsonNode pid : n.path("pids")) {
                if (pid.path("pid").asLong() == me) {
                    names.add(n.path("name").asText());
                    break;
                }
            }
        }
        return names;
    }
}
