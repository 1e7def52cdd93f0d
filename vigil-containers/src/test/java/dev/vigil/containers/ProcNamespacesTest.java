package dev.vigil.containers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ProcNamespacesTest {

    private static void ns(Path proc, String pid, String type, String target) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(pid).resolve("ns"));
        Files.createSymbolicLink(dir.resolve(type), Path.of(target));
    }

    @Test
    void addsOnlyWhatTheKernelProves(@TempDir Path proc) throws IOException {
        ns(proc, "self", "pid", "pid:[1]");
        ns(proc, "self", "net", "net:[2]");
        ns(proc, "self", "ipc", "ipc:[3]");
        ns(proc, "42", "pid", "pid:[91]");
        ns(proc, "42", "net", "net:[92]");
        ns(proc, "42", "ipc", "ipc:[3]");
        ContainerConfig seen = ProcNamespaces.withObservedHostNamespaces(RiskAssessorTest.plain(), proc, 42);
        assertThat(seen.hostIpc()).isTrue();
        assertThat(seen.hostPid()).isFalse();
        assertThat(seen.hostNet()).isFalse();
        assertThat(seen.user()).isEqualTo(RiskAssessorTest.plain().user());
    }

    @Test
    void unreadableNamespacesChangeNothing(@TempDir Path proc) {
        ContainerConfig plain = RiskAssessorTest.plain();
        assertThat(ProcNamespaces.withObservedHostNamespaces(plain, proc, 42)).isSameAs(plain);
        assertThat(ProcNamespaces.withObservedHostNamespaces(plain, proc, 0)).isSameAs(plain);
        assertThat(ProcNamespaces.withObservedHostNamespaces(null, proc, 42)).isNull();
    }
}
