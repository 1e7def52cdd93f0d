package dev.vigil.agent.detect;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** fd.name of an open whose file lies outside the process's root: the path it gave, as Falco's. */
class SyscallStagePathTest {
    @Test
    void anAbsoluteGivenPathIsTheName() {
        assertThat(SyscallStage.givenPath("/proc/42/root/etc/hostname", "/work", "/etc/hostname")).isEqualTo("/proc/42/root/etc/hostname");
    }

    @Test
    void aRelativeGivenPathIsMadeAbsoluteAgainstTheWorkingDirectory() {
        assertThat(SyscallStage.givenPath("root/etc/hostname", "/proc/42", "/etc/hostname")).isEqualTo("/proc/42/root/etc/hostname");
        assertThat(SyscallStage.givenPath("etc/hostname", "/", "/etc/hostname")).isEqualTo("/etc/hostname");
    }

    @Test
    void withoutAWorkingDirectoryTheResolvedPathStays() {
        assertThat(SyscallStage.givenPath("etc/hostname", null, "/etc/hostname")).isEqualTo("/etc/hostname");
        assertThat(SyscallStage.givenPath("etc/hostname", "", "/etc/hostname")).isEqualTo("/etc/hostname");
    }
}
