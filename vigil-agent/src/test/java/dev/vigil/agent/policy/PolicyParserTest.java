package dev.vigil.agent.policy;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PolicyParserTest {
    private static final String HEAD = "apiVersion: vigil.dev/v1alpha1\nkind: RuntimePolicy\nmetadata:\n  name: web\n";

    @Test
    void aFullSelectorParses() {
        RuntimePolicy p = PolicyParser.parse(HEAD + "spec:\n  selector:\n    containerName: [\"web-*\"]\n    image: [\"nginx:1.2?\"]\n"
                + "    labels: {tier: front}\n    podNamespace: [prod]\n    host: true\n", "p.yaml");
        assertThat(p.name()).isEqualTo("web");
        assertThat(p.spec().selector().containerName()).containsExactly("web-*");
        assertThat(p.spec().selector().labels()).containsEntry("tier", "front");
        assertThat(p.spec().selector().host()).isTrue();
    }

    @Test
    void errorsNameFileAndLine() {
        assertThatThrownBy(() -> PolicyParser.parse(HEAD + "spec:\n  selector:\n    imag: [x]\n", "p.yaml"))
                .isInstanceOf(PolicyException.class).hasMessageStartingWith("p.yaml:7: unknown field \"imag\"");
        assertThatThrownBy(() -> PolicyParser.parse(HEAD + "spec:\n  selector:\n    host: maybe\n", "p.yaml"))
                .hasMessageStartingWith("p.yaml:7: ");
        assertThatThrownBy(() -> PolicyParser.parse("apiVersion: v2\nkind: RuntimePolicy\nmetadata: {name: a}\nspec: {}\n", "p.yaml"))
                .hasMessage("p.yaml:1: apiVersion must be vigil.dev/v1alpha1, not \"v2\"");
        assertThatThrownBy(() -> PolicyParser.parse(HEAD.replace("web", "-web") + "spec: {}\n", null))
                .hasMessageStartingWith("<request>:4: metadata.name \"-web\" is not a DNS-1123 name");
        assertThatThrownBy(() -> PolicyParser.parse(HEAD, "p.yaml")).hasMessageStartingWith("p.yaml:").hasMessageContaining("spec");
        assertThatThrownBy(() -> PolicyParser.parse("", "p.yaml")).hasMessageStartingWith("p.yaml:1:");
    }

    @Test
    void theRegistryPersistsAndKeepsThePreviousPolicyOnAFailedApply(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        PolicyRegistry r = PolicyRegistry.load(dir.resolve("policies"));
        assertThat(r.apply(HEAD + "spec:\n  selector: {image: [a]}\n", "one.yaml").created()).isTrue();
        assertThatThrownBy(() -> r.apply(HEAD + "spec:\n  selector: {image: [\"[\"]}\n", "two.yaml")).isInstanceOf(PolicyException.class);
        assertThat(r.get("web").orElseThrow().yaml()).contains("image: [a]");
        assertThat(Files.readString(dir.resolve("policies/web.yaml"))).contains("image: [a]");
        assertThat(PolicyRegistry.load(dir.resolve("policies")).get("web")).isPresent();
        assertThat(r.delete("web")).isTrue();
        assertThat(PolicyRegistry.load(dir.resolve("policies")).list()).isEmpty();
    }

    @Test
    void globs() {
        assertThat(Globs.compile("*sh").matcher("/bin/bash").matches()).isTrue();
        assertThat(Globs.compile("/usr/bin/?ython[23]").matcher("/usr/bin/python3").matches()).isTrue();
        assertThat(Globs.compile("[!a]x").matcher("ax").matches()).isFalse();
        assertThat(Globs.compile("a.b").matcher("axb").matches()).isFalse();
        assertThatThrownBy(() -> Globs.compile("web[")).hasMessageContaining("unclosed [");
    }

    @Test
    void anEscapeSectionParsesAndBadActionsOrOperationsAreRejectedWithTheirLine() {
        RuntimePolicy p = PolicyParser.parse(HEAD + """
                spec:
                  escape:
                    commands: {action: block}
                    hostFiles: {action: alert, sensitive: block}
                    privilegedOps: {ptrace: block, mount: off}
                    extraCommands:
                      - {name: socat-exec, binaries: [socat], anyOf: ["EXEC:*"], action: block}
                """, "e.yaml");
        assertThat(p.spec().escape().privilegedOps()).containsEntry("ptrace", "block");
        assertThat(p.spec().escape().extraCommands()).singleElement().extracting(c -> c.name()).isEqualTo("socat-exec");

        assertThatThrownBy(() -> PolicyParser.parse(HEAD + "spec:\n  escape:\n    privilegedOps:\n      ptrace: deny\n", "e.yaml"))
                .isInstanceOf(PolicyException.class).hasMessage("e.yaml:8: spec.escape.privilegedOps.ptrace must be one of off, alert, block, not \"deny\"");
        assertThatThrownBy(() -> PolicyParser.parse(HEAD + "spec:\n  escape:\n    privilegedOps:\n      reboot: block\n", "e.yaml"))
                .isInstanceOf(PolicyException.class).hasMessageStartingWith("e.yaml:8: unknown privileged operation \"reboot\"");
        assertThatThrownBy(() -> PolicyParser.parse(HEAD + "spec:\n  escape:\n    extraCommands:\n      - {name: chroot, binaries: [x]}\n", "e.yaml"))
                .isInstanceOf(PolicyException.class).hasMessage("e.yaml:7: spec.escape.extraCommands: command rule \"chroot\" is defined twice");
        assertThatThrownBy(() -> PolicyParser.parse(HEAD + "spec:\n  escape:\n    commandz: {action: block}\n", "e.yaml"))
                .isInstanceOf(PolicyException.class).hasMessageStartingWith("e.yaml:7: unknown field \"commandz\"");
    }

    @Test
    void theSchemaListsExactlyThePrivilegedOperationsTheAgentKnows() throws Exception {
        var schema = new com.fasterxml.jackson.databind.ObjectMapper().readTree(java.nio.file.Path.of("../docs/policy.schema.json").toFile());
        var ops = schema.at("/properties/spec/properties/escape/properties/privilegedOps/properties");
        java.util.List<String> names = new java.util.ArrayList<>();
        ops.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyInAnyOrderElementsOf(dev.vigil.agent.guard.Protection.privilegedOpKeys());
    }
}
