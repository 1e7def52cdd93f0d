package dev.vigil.events;

import dev.vigil.events.process.ExecIds;
import dev.vigil.events.process.ProcScanner;
import dev.vigil.events.process.ProcessInfo;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ProcScannerTest {
    @Test
    void findsThisJvmWithItsParentLinked() throws Exception {
        long self = ProcessHandle.current().pid();
        var all = new ProcScanner(Path.of("/proc"), new ExecIds("n"), Optional.empty()).scan();
        ProcessInfo me = all.stream().filter(p -> p.pid() == self).findFirst().orElseThrow();
        assertThat(me.binary()).isEqualTo(Files.readSymbolicLink(Path.of("/proc/self/exe")).toString());
        assertThat(me.args().getFirst()).endsWith("java");
        assertThat(me.cwd()).isEqualTo(Path.of("").toAbsolutePath().toString());
        assertThat(me.ppid()).isEqualTo((int) ProcessHandle.current().parent().orElseThrow().pid());
        String pidNs = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
        assertThat(pidNs).isEqualTo("pid:[" + me.ns().pid() + "]");
        ProcessInfo parent = all.stream().filter(p -> p.pid() == me.ppid()).findFirst().orElseThrow();
        assertThat(me.parentExecId()).isEqualTo(parent.execId());
    }
}
