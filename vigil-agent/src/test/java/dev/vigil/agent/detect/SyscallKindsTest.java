package dev.vigil.agent.detect;

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
    void theDefaultRulesNeedEveryKindTheSensorHas() {
        SyscallKinds.Need need = SyscallKinds.needed(RuleSet.defaults());
        assertThat(need.kinds()).isEqualTo(SyscallKinds.ALL);
        assertThat(need.untypedRule()).isFalse();
        assertThat(need.unsupported()).containsExactly("dup", "dup2", "dup3");
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
        assertThat(SyscallKinds.needed(rules(rule("w", "evt.type in (open, openat) and fd.name = /etc/passwd"))).kinds())
                .isEqualTo((1L << Wire.SK_OPEN_READ) | (1L << Wire.SK_OPEN_WRITE));
        SyscallKinds.Need untyped = SyscallKinds.needed(rules(rule("any", "proc.name = nc")));
        assertThat(untyped.untypedRule()).isTrue();
        assertThat(untyped.kinds()).isEqualTo(SyscallKinds.ALL);
    }

    @Test
    void recordNumbersNameFalcoTypesAndArgumentsUseFalcosSpelling() {
        assertThat(SyscallKinds.evtType(257)).isEqualTo("openat");
        assertThat(SyscallKinds.evtType(42)).isEqualTo("connect");
        assertThat(SyscallKinds.evtType(1)).isNull();
        SyscallStage stage = new SyscallStage(null, null);
        assertThat(stage.flagNames(01 | 0100 | 01000)).isEqualTo("O_WRONLY|O_CREAT|O_TRUNC");
        assertThat(stage.flagNames(0)).isEqualTo("O_RDONLY");
        assertThat(stage.modeNames(04755)).isEqualTo("S_ISUID|S_IRWXU|S_IRGRP|S_IXGRP|S_IROTH|S_IXOTH");
        assertThat(stage.modeNames(0644)).isEqualTo("S_IRUSR|S_IWUSR|S_IRGRP|S_IROTH");
        assertThat(SyscallStage.ptraceRequest(16)).isEqualTo("PTRACE_ATTACH");
        assertThat(SyscallStage.bpfCmd(5)).isEqualTo("BPF_PROG_LOAD");
    }
}
