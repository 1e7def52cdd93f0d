package dev.vigil.agent.guard;

import dev.vigil.agent.policy.PolicyParser;
import dev.vigil.agent.policy.RuntimePolicy;
import dev.vigil.containers.ContainerInfo;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.vigil.agent.guard.Protection.Action.ALERT;
import static dev.vigil.agent.guard.Protection.Action.BLOCK;
import static dev.vigil.agent.guard.Protection.Action.OFF;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GuardCompilerTest {
    private static final CommandLibrary LIB = CommandLibrary.builtin();

    private static RuntimePolicy policy(String name, String selector, String escape) {
        return PolicyParser.parse("apiVersion: vigil.dev/v1alpha1\nkind: RuntimePolicy\nmetadata: {name: " + name + "}\nspec:\n"
                + "  selector: " + selector + "\n  escape:\n" + escape.indent(4), name + ".yaml");
    }

    private static ContainerInfo container(String name) {
        return new ContainerInfo("a".repeat(64), name, "img:1", "", Map.of(), null, "podman", 0, null, "/libpod_parent/x", null);
    }

    @Test
    void withoutPoliciesEveryContainerGetsTheShippedDefaultsAndTheHostNothing() {
        GuardCompiler c = new GuardCompiler(LIB, List.of());
        GuardSettings s = c.forContainer(container("web"));
        for (Protection p : Protection.values()) {
            if (p != Protection.COMMAND) assertThat(s.action(p)).as(p.key()).isEqualTo(p.defaultAction());
        }
        assertThat(s.command(LIB.idOf("nsenter-host-namespaces"))).isEqualTo(BLOCK);
        assertThat(s.command(LIB.idOf("chroot"))).isEqualTo(ALERT);
        assertThat(c.forUnknownContainer()).isEqualTo(s);
        assertThat(c.forHost()).isNull();
    }

    @Test
    void policiesOverrideDefaultsAndTheStrictestOfSeveralWins() {
        RuntimePolicy lenient = policy("lenient", "{containerName: [\"web*\"]}", "privilegedOps: {corePattern: alert, ptrace: alert}\ncommands: {action: alert}");
        RuntimePolicy strict = policy("strict", "{image: [\"img:*\"]}", "privilegedOps: {ptrace: block}\nhostFiles: {sensitive: block}");
        GuardCompiler c = new GuardCompiler(LIB, List.of(lenient, strict));
        GuardSettings web = c.forContainer(container("web-1"));
        assertThat(web.action(Protection.CORE_PATTERN)).isEqualTo(ALERT); // only lenient sets it
        assertThat(web.action(Protection.PTRACE)).isEqualTo(BLOCK);       // both set it: block wins
        assertThat(web.action(Protection.SENSITIVE_HOST_FILE)).isEqualTo(BLOCK);
        assertThat(web.action(Protection.MODULE)).isEqualTo(Protection.MODULE.defaultAction());
        assertThat(web.command(LIB.idOf("nsenter-host-namespaces"))).isEqualTo(ALERT);
        // Name and image selectors do not reach a container nobody has described yet.
        assertThat(c.forUnknownContainer().action(Protection.PTRACE)).isEqualTo(Protection.PTRACE.defaultAction());
    }

    @Test
    void extraCommandsApplyOnlyWhereTheirPolicySelects() {
        RuntimePolicy socat = policy("socat", "{containerName: [\"db\"]}",
                "extraCommands:\n  - {name: socat-exec, binaries: [socat], anyOf: [\"EXEC:*\"], action: block}");
        GuardCompiler c = new GuardCompiler(LIB, List.of(socat));
        int id = c.library().idOf("socat-exec");
        assertThat(id).isEqualTo(LIB.commands().size());
        assertThat(c.forContainer(container("db")).command(id)).isEqualTo(BLOCK);
        assertThat(c.forContainer(container("web")).command(id)).isEqualTo(OFF);
    }

    @Test
    void aHostSelectorGuardsTheHost() {
        GuardCompiler c = new GuardCompiler(LIB, List.of(policy("host", "{host: true}", "privilegedOps: {module: alert}")));
        assertThat(c.forHost()).isNotNull();
        assertThat(c.forHost().action(Protection.MODULE)).isEqualTo(ALERT);
    }

    @Test
    void theCommandTablesEncodeNamesPrefixesAndGroups() {
        CommandLibrary.Tables t = LIB.compile();
        int nsenter = LIB.idOf("nsenter-host-namespaces"), chroot = LIB.idOf("chroot");
        assertThat(t.binaries().get(CommandLibrary.hash("nsenter"))[0]).isEqualTo(1L << nsenter);
        assertThat(t.binaries().get(CommandLibrary.hash("busybox"))[1]).isEqualTo(dev.vigil.kernel.wire.Wire.CMD_MULTICALL);
        assertThat(t.needsGroup1() & 1L << nsenter).isNotZero();
        assertThat(t.needsGroup1() & 1L << chroot).isZero();
        assertThat(LIB.nameOnlyRules() & 1L << chroot).isNotZero();
        // "-t*" is a 2-byte prefix: the kernel looks prefixes of that length up.
        assertThat(t.prefixLengths() & 1L << 2).isNotZero();
        assertThat(t.tokens().get(new CommandLibrary.TokenKey(CommandLibrary.hash("-t"), dev.vigil.kernel.wire.Wire.TOKEN_PREFIX))[0] & 1L << nsenter).isNotZero();
    }

    @Test
    void aLibraryOfMoreThan64RulesIsRefused() {
        List<CommandLibrary.Command> extra = new java.util.ArrayList<>();
        for (int i = 0; i < 64; i++) extra.add(new CommandLibrary.Command("x" + i, "", List.of("x" + i), null, null, "alert", null));
        assertThatThrownBy(() -> LIB.with(extra)).hasMessageContaining("at most 64");
    }
}
