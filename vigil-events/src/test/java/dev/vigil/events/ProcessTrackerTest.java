package dev.vigil.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.events.output.JsonEventWriter;
import dev.vigil.events.process.ContainerResolver;
import dev.vigil.events.process.ExecIds;
import dev.vigil.events.process.ProcessCache;
import dev.vigil.events.process.ProcessEvent;
import dev.vigil.events.process.ProcessTracker;
import dev.vigil.events.wire.MalformedRecordException;
import dev.vigil.events.wire.RecordView;
import dev.vigil.kernel.wire.Wire;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcessTrackerTest {
    private final ExecIds ids = new ExecIds("node1");
    private final ProcessCache cache = new ProcessCache(1024, 1_000_000_000L);
    private final ProcessTracker tracker = new ProcessTracker(ids, cache, ContainerResolver.NONE);
    private final RecordView view = new RecordView();

    private ProcessEvent feed(MemorySegment record) {
        return tracker.onRecord(view.wrap(record, 0, (int) record.byteSize()));
    }

    @Test
    void decodesEveryExecField() {
        try (Arena arena = Arena.ofConfined()) {
            ProcessEvent.Exec e = (ProcessEvent.Exec) feed(Records.exec(arena, 5000, 42, 7, 1000, "/usr/bin/echo", "/bin/echo\0hi there\0x", "/tmp/w"));
            var p = e.process();
            assertThat(p.pid()).isEqualTo(42);
            assertThat(p.ppid()).isEqualTo(7);
            assertThat(p.nspid()).isEqualTo(1);
            assertThat(p.uid()).isEqualTo(1000);
            assertThat(p.gid()).isEqualTo(1001);
            assertThat(p.euid()).isZero();
            assertThat(p.egid()).isEqualTo(1002);
            assertThat(p.binary()).isEqualTo("/usr/bin/echo");
            assertThat(p.args()).containsExactly("/bin/echo", "hi there", "x");
            assertThat(p.argsTruncated()).isTrue();
            assertThat(p.cwd()).isEqualTo("/tmp/w");
            assertThat(p.capEffective()).isEqualTo(0x1ffffffffffL);
            assertThat(p.cgroupId()).isEqualTo(77);
            assertThat(p.ns().pid()).isEqualTo(0xF0000001L); // unsigned, not negative
            assertThat(p.execId()).isEqualTo(ids.of(42, 5000));
            assertThat(p.parentExecId()).isEqualTo(ids.of(7, 1000));
            assertThat(p.startKtime()).isEqualTo(4995);
        }
    }

    @Test
    void linksForkExecAndExitThroughTheCache() {
        try (Arena arena = Arena.ofConfined()) {
            feed(Records.exec(arena, 100, 10, 1, 0, "/bin/sh", "sh", "/"));
            ProcessEvent.Fork fork = (ProcessEvent.Fork) feed(Records.fork(arena, 200, 11, 10, 100));
            assertThat(fork.parent().pid()).isEqualTo(10);
            assertThat(fork.process().binary()).isEqualTo("/bin/sh");
            assertThat(fork.process().parentExecId()).isEqualTo(ids.of(10, 100));
            ProcessEvent.Exec exec = (ProcessEvent.Exec) feed(Records.exec(arena, 300, 11, 10, 100, "/bin/true", "true", "/"));
            assertThat(exec.parent().binary()).isEqualTo("/bin/sh");
            ProcessEvent.Exit exit = (ProcessEvent.Exit) feed(Records.exit(arena, 400, 11, 300, 3 << 8));
            assertThat(exit.process().binary()).isEqualTo("/bin/true");
            assertThat(exit.exitCode()).isEqualTo(3);
            assertThat(exit.signal()).isZero();
            assertThat(exit.parent().pid()).isEqualTo(10);
            assertThat(cache.liveCount()).isEqualTo(1);
            assertThat(cache.exitedCount()).isEqualTo(1);
        }
    }

    @Test
    void decodesKillSignals() {
        try (Arena arena = Arena.ofConfined()) {
            feed(Records.exec(arena, 100, 10, 1, 0, "/bin/sleep", "sleep\0" + "9", "/"));
            ProcessEvent.Exit exit = (ProcessEvent.Exit) feed(Records.exit(arena, 200, 10, 100, 9));
            assertThat(exit.signal()).isEqualTo(9);
            assertThat(exit.exitCode()).isEqualTo(-1);
            JsonNode json = json(exit);
            assertThat(json.get("signal").asText()).isEqualTo("SIGKILL");
            assertThat(json.get("exit_code").isNull()).isTrue();
        }
    }

    @Test
    void writesTheDocumentedJsonSchema() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            JsonNode j = json(feed(Records.exec(arena, 1_000_000_123L, 42, 7, 0, "/usr/bin/echo", "echo\0a", "/tmp")));
            assertThat(j.get("type").asText()).isEqualTo("process_exec");
            assertThat(j.get("time").asText()).isEqualTo("1970-01-01T00:00:01.000000123Z");
            assertThat(j.get("node").asText()).isEqualTo("node1");
            assertThat(j.get("container").isNull()).isTrue();
            JsonNode p = j.get("process");
            for (String field : new String[]{"exec_id", "parent_exec_id", "pid", "ppid", "uid", "binary", "args", "cwd", "ns", "cap_effective"}) {
                assertThat(p.has(field)).as(field).isTrue();
            }
            assertThat(p.get("args").get(1).asText()).isEqualTo("a");
            assertThat(p.get("cap_effective").asText()).isEqualTo("000001ffffffffff");
        }
    }

    @Test
    void writesOneObjectPerLineWithNothingBetween() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            try (JsonEventWriter w = new JsonEventWriter(out, "n", t -> t)) {
                w.accept(feed(Records.exec(arena, 1, 2, 3, 0, "/bin/a", "a", "/")));
                w.accept(feed(Records.exec(arena, 2, 3, 3, 0, "/bin/b", "b", "/")));
            }
            String[] lines = out.toString(java.nio.charset.StandardCharsets.UTF_8).split("\n");
            assertThat(lines).hasSize(2).allSatisfy(l -> assertThat(l).startsWith("{\"type\"").endsWith("}"));
        }
    }

    @Test
    void rejectsRecordsWhoseStringsOverrunTheirLength() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment r = Records.exec(arena, 1, 2, 3, 0, "/bin/x", "x", "/");
            r.set(JAVA_SHORT, Wire.Exec.ARGS_LEN, (short) 4000);
            assertThatThrownBy(() -> feed(r)).isInstanceOf(MalformedRecordException.class);
            assertThatThrownBy(() -> view.wrap(r, 0, 8)).isInstanceOf(MalformedRecordException.class);
        }
    }

    @Test
    void ignoresUnknownRecordTypes() {
        try (Arena arena = Arena.ofConfined()) {
            assertThat(feed(Records.header(arena, 63, Wire.Header.BYTES, 1, 1, 1))).isNull();
        }
    }

    private static JsonNode json(ProcessEvent e) {
        try {
            return new ObjectMapper().readTree(JsonEventWriter.toJson(e, "node1", t -> t));
        } catch (Exception ex) {
            throw new AssertionError(ex);
        }
    }
}
