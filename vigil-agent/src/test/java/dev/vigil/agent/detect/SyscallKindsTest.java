package dev.vigil.agent.detect;

import dev.vigil.kernel.wire.PathFingerprint;
import dev.vigil.kernel.wire.Wire;
import dev.vigil.rules.RuleSet;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The kernel filter's mask follows the loaded rules' event types. */
class SyscallKindsTest {
    private static RuleSet rules(String yaml) {
        RuleSet set = RuleSet.load(List.of(new RuleSet.Source("test.yaml", yaml)));
        assertThat(set.report().errors()).isEmpty();
        return set;
    }

    private static String rule(String name, String condition) {
        return "- rule: " + name + "\n  desc: d\n  condition: " + condition + "\n  output: o\n  priority: NOTICE\n";
    }

    @Test
    void theDefaultRulesNeedEveryKindTheSensorHasButThoseNoDefaultRuleReads() {
        SyscallKinds.Need need = SyscallKinds.needed(RuleSet.defaults());
        long unread = 0;
        for (int k : new int[] {Wire.SK_ACCEPT, Wire.SK_BIND, Wire.SK_LISTEN, Wire.SK_RENAME, Wire.SK_LINK, Wire.SK_MKNOD, Wire.SK_CHOWN,
                Wire.SK_SETGID, Wire.SK_CAPSET, Wire.SK_DNS}) unread |= 1L << k;
        assertThat(need.kinds()).isEqualTo(SyscallKinds.ALL & ~unread);
        // "Reverse Shell Standard Stream Redirection" reads dup records.
        assertThat(need.kinds() & (1L << Wire.SK_DUP)).isNotZero();
        assertThat(need.untypedRule()).isFalse();
        assertThat(need.unsupported()).isEmpty();
        // ...but opens for reading only of the files they name. Writes on every path: "Web Shell Written
        // by Web Server" bounds the file only by its extension (fd.filename endswith .php).
        assertThat(need.openAny()).isEqualTo(Wire.OPEN_WRITE);
        assertThat(need.openPaths()).containsEntry(dev.vigil.agent.sensor.CoreMaps.PathEntry.prefix("/etc/shadow"), Wire.OPEN_READ)
                .containsEntry(dev.vigil.agent.sensor.CoreMaps.PathEntry.component(".aws"), Wire.OPEN_READ)
                .doesNotContainKey(dev.vigil.agent.sensor.CoreMaps.PathEntry.prefix("/etc/passwd"));
        assertThat(need.describe()).contains("opens for reading: paths the rules name").contains("for writing: every path");
    }

    @Test
    void processRulesNeedNoSyscallKind() {
        assertThat(SyscallKinds.needed(rules(rule("exec", "evt.type = execve and proc.name = nc"))).kinds()).isZero();
    }

    @Test
    void aConnectRuleNeedsOnlyConnect() {
        SyscallKinds.Need need = SyscallKinds.needed(rules(rule("exec", "evt.type = execve and proc.name = nc")
                + rule("conn", "evt.type = connect and fd.sport = 4444")));
        assertThat(need.kinds()).isEqualTo(1L << Wire.SK_CONNECT);
        assertThat(need.describe()).contains("syscall kinds sent by the kernel: connect").doesNotContain("open");
    }

    @Test
    void anOpenRuleNeedsBothOpenKindsAndARuleWithoutTypeNeedsAll() {
        SyscallKinds.Need passwd = SyscallKinds.needed(rules(rule("w", "evt.type in (open, openat) and evt.is_open_write = true and fd.name = /etc/passwd")));
        assertThat(passwd.kinds()).isEqualTo((1L << Wire.SK_OPEN_READ) | (1L << Wire.SK_OPEN_WRITE));
        assertThat(passwd.openAny()).isZero();
        assertThat(passwd.openPaths()).containsExactly(java.util.Map.entry(dev.vigil.agent.sensor.CoreMaps.PathEntry.prefix("/etc/passwd"), Wire.OPEN_WRITE));
        assertThat(SyscallKinds.needed(rules(rule("php", "evt.type = openat and fd.name endswith .php"))).openAny())
                .isEqualTo(Wire.OPEN_READ | Wire.OPEN_WRITE);
        SyscallKinds.Need untyped = SyscallKinds.needed(rules(rule("any", "proc.name = nc")));
        assertThat(untyped.untypedRule()).isTrue();
        assertThat(untyped.kinds()).isEqualTo(SyscallKinds.ALL);
    }

    @Test
    void pathEntriesAreTheKernelsFingerprints() {
        // Prefixes fold their components from the seed, as the open program folds the components its walk meets.
        assertThat(dev.vigil.agent.sensor.CoreMaps.PathEntry.prefix("/etc/shadow").hash())
                .isEqualTo(PathFingerprint.prefix(PathFingerprint.prefix(PathFingerprint.SEED, PathFingerprint.component("etc")),
                        PathFingerprint.component("shadow")));
        assertThat(dev.vigil.agent.sensor.CoreMaps.PathEntry.component(".aws"))
                .isEqualTo(new dev.vigil.agent.sensor.CoreMaps.PathEntry(Wire.SYS_PATH_COMPONENT, PathFingerprint.component(".aws")));
    }

    @Test
    void recordNumbersNameFalcoTypesAndArgumentsUseFalcosSpelling() {
        assertThat(SyscallKinds.evtType(257)).isEqualTo("openat");
        assertThat(SyscallKinds.evtType(42)).isEqualTo("connect");
        assertThat(SyscallKinds.evtType(0)).isNull(); // read: not hooked
        assertThat(SyscallKinds.evtType(33)).isEqualTo("dup2");
        assertThat(SyscallKinds.evtType(316)).isEqualTo("renameat2");
        assertThat(SyscallKinds.evtType(1)).isEqualTo("write"); // a name for the number; write itself is not hooked
        assertThat(SyscallStage.capNames((1 << 21) | 1)).isEqualTo("CAP_CHOWN CAP_SYS_ADMIN");
        assertThat(SyscallStage.fileTypechar(0010644)).isEqualTo('p');
        SyscallStage stage = new SyscallStage(null, null);
        assertThat(stage.flagNames(01 | 0100 | 01000)).isEqualTo("O_WRONLY|O_CREAT|O_TRUNC");
        assertThat(stage.flagNames(0)).isEqualTo("O_RDONLY");
        assertThat(stage.modeNames(04755)).isEqualTo("S_ISUID|S_IRWXU|S_IRGRP|S_IXGRP|S_IROTH|S_IXOTH");
        assertThat(stage.modeNames(0644)).isEqualTo("S_IRUSR|S_IWUSR|S_IRGRP|S_IROTH");
        assertThat(SyscallStage.ptraceRequest(16)).isEqualTo("PTRACE_ATTACH");
        assertThat(SyscallStage.bpfCmd(5)).isEqualTo("BPF_PROG_LOAD");
        assertThat(SyscallStage.ip(new byte[16])).isEqualTo("::");
        assertThat(SyscallStage.ip(new byte[] {(byte) 0xfd, 0, 0x0e, (byte) 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54})).isEqualTo("fd00:ec2::254");
        assertThat(SyscallStage.ip(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1})).isEqualTo("127.0.0.1");
        assertThat(SyscallStage.ip(new byte[] {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1})).isEqualTo("2001:db8:0:1::1");
    }
}
