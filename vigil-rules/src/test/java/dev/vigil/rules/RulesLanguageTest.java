package dev.vigil.rules;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static dev.vigil.rules.TestEvents.CONTAINER;
import static dev.vigil.rules.TestEvents.connect;
import static dev.vigil.rules.TestEvents.exe;
import static dev.vigil.rules.TestEvents.exec;
import static dev.vigil.rules.TestEvents.read;
import static dev.vigil.rules.TestEvents.write;
import static org.assertj.core.api.Assertions.assertThat;

/** The condition language: operators, fields, precedence, lists and macros, output templates. */
class RulesLanguageTest {
    private static RuleSet load(String yaml) {
        return RuleSet.load(List.of(new RuleSet.Source("test.yaml", yaml)));
    }

    /** A one-rule file "R" with the condition. */
    private static RuleSet rule(String condition) {
        return load("""
                - list: shells
                  items: [bash, sh]
                - list: more_shells
                  items: [shells, zsh]
                - macro: spawned
                  condition: evt.type = execve
                - macro: in_container
                  condition: container.id != host
                - rule: R
                  desc: d
                  condition: %s
                  output: o
                  priority: INFO
                """.formatted(condition.replace("'", "\"")));
    }

    private static boolean matches(String condition, RuleEvent e) {
        RuleSet set = rule(condition);
        assertThat(set.report().errors()).as(condition).isEmpty();
        assertThat(set.rules()).as(condition).hasSize(1);
        return set.rules().getFirst().matches(e, new EvalContext(TestEvents.LOOKUP, null));
    }

    private static RuleEvent bash() {
        return exec(exe("/usr/bin/bash", "-c", "echo Hello World").uid(1000).in(CONTAINER)
                .parent(exe("/usr/bin/python3", "app.py").in(CONTAINER).parent(exe("/usr/bin/containerd-shim"))));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "proc.name = bash | true",
            "proc.name == bash | true",
            "proc.name = sh | false",
            "proc.name != sh | true",
            "proc.name != bash | false",
            "user.uid = 1000 | true",
            "user.uid < 1000 | false",
            "user.uid <= 1000 | true",
            "user.uid > 999 | true",
            "user.uid >= 1001 | false",
            "user.uid in (0, 1000) | true",
            "proc.name in (shells) | true",
            "proc.name in (more_shells) | true",
            "proc.name in (zsh, fish) | false",
            "proc.name intersects (bash, fish) | true",
            "proc.cmdline contains 'Hello World' | true",
            "proc.cmdline contains hello | false",
            "proc.cmdline icontains 'HELLO world' | true",
            "proc.exepath startswith /usr/ | true",
            "proc.exepath endswith /bash | true",
            "proc.exepath glob '/usr/*/ba?h' | true",
            "proc.exepath glob '/usr/bin/[a-c]ash' | true",
            "proc.exepath glob '/usr/bin/[!b]ash' | false",
            "proc.exepath pmatch (/usr/bin, /opt) | true",
            "proc.exepath pmatch (/usr/bi) | false",
            "proc.exe = bash | true",
            "proc.args = '-c echo Hello World' | true",
            "proc.pname = python3 | true",
            "proc.aname[1] = python3 | true",
            "proc.aname[2] = containerd-shim | true",
            "proc.aname[3] exists | false",
            "proc.aname = containerd-shim | true",
            "proc.aname in (containerd-shim) | true",
            "proc.aname != containerd-shim | false",
            "proc.aname != sshd | true",
            "proc.pcmdline = 'python3 app.py' | true",
            "container.id != host | true",
            "container.name = web-1 | true",
            "container.image.repository = docker.io/library/nginx | true",
            "container.image.tag = 1.25 | true",
            "container.privileged = false | true",
            "container.privileged = true | false",
            "k8s.ns.name = shop and k8s.pod.name startswith web-1 | true",
            "fd.name exists | false",
            "fd.name != /etc/passwd | false",
            "not fd.name = /etc/passwd | true",
            "spawned and in_container | true",
            "spawned and not in_container | false",
            "proc.name = sh or proc.name = bash and user.uid = 0 | false",
            "(proc.name = sh or proc.name = bash) and user.uid = 1000 | true",
            "not proc.name = sh and not (user.uid = 0) | true",
            "evt.type = execve and evt.dir = < | true",
            "evt.type in (open, openat) | false",
    })
    void processFields(String condition, boolean expected) {
        assertThat(matches(condition, bash())).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "evt.type = openat and evt.is_open_write = true | true",
            "evt.is_open_read = true | false",
            "evt.is_open_create = true | true",
            "fd.name = /etc/cron.d/job | true",
            "fd.directory = /etc/cron.d | true",
            "fd.filename = job | true",
            "fd.typechar = f and fd.type = file | true",
            "fd.num = 3 | true",
            "evt.arg.flags contains O_CREAT | true",
            "evt.arg[0] = 3 | true",
            "evt.arg.nosuch exists | false",
            "evt.arg.flags in (O_RDONLY, O_WRONLY) | false",
            "evt.arg.flags glob 'O_WRONLY*' | true",
    })
    void fileFields(String condition, boolean expected) {
        assertThat(matches(condition, write(exe("/usr/bin/tee"), "/etc/cron.d/job"))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "fd.sip = 203.0.113.9 and fd.sport = 4444 | true",
            "fd.dip = 203.0.113.9 and fd.dport = 4444 | true",
            "fd.cip = 172.17.0.2 and fd.cport = 40312 | true",
            "fd.rip = 203.0.113.9 and fd.lport = 40312 | true",
            "fd.l4proto = tcp and fd.typechar = 4 | true",
            "fd.name = '172.17.0.2:40312->203.0.113.9:4444' | true",
            "fd.sport in (80, 443) | false",
            "proc.name exists and fd.name startswith 172. | true",
    })
    void networkFields(String condition, boolean expected) {
        assertThat(matches(condition, connect(exe("/bin/bash"), "203.0.113.9", 4444))).isEqualTo(expected);
    }

    @Test
    void hostProcessesAreInContainerHost() {
        assertThat(matches("container.id = host and container.name = host", exec(exe("/bin/ls")))).isTrue();
        assertThat(matches("container.image.repository exists", exec(exe("/bin/ls")))).isFalse();
    }

    @Test
    void eventTypeIndexSkipsRulesThatCannotMatch() {
        RuleSet set = load("""
                - rule: Exec
                  desc: d
                  condition: evt.type in (execve, execveat) and proc.name = ls
                  output: o
                  priority: INFO
                - rule: Open
                  desc: d
                  condition: (evt.type = openat or evt.type = open) and fd.name = /x
                  output: o
                  priority: INFO
                - rule: Any
                  desc: d
                  condition: proc.name = ls
                  output: o
                  priority: INFO
                """);
        assertThat(set.rules().get(0).evtTypes()).containsExactlyInAnyOrder("execve", "execveat");
        assertThat(set.rules().get(1).evtTypes()).containsExactlyInAnyOrder("open", "openat");
        assertThat(set.rules().get(2).evtTypes()).isNull();
        assertThat(set.report().warnings()).singleElement().asString().contains("rule \"Any\"", "no evt.type restriction");
        assertThat(names(set.candidates("execve", "ls"))).containsExactly("Exec", "Any");
        assertThat(names(set.candidates("execve", "cat"))).as("indexed by process name too").isEmpty();
        assertThat(names(set.candidates("openat", "cat"))).containsExactly("Open");
        assertThat(names(set.candidates("connect", "ls"))).containsExactly("Any");
        assertThat(set.rules().get(1).procNames()).isNull();
    }

    @Test
    void processNameIndexFollowsAndOr() {
        RuleSet set = rule("spawned and (proc.name in (shells) or (proc.name = nc and proc.args contains -e)) and not proc.pname = sshd");
        assertThat(set.rules().getFirst().procNames()).containsExactlyInAnyOrder("bash", "sh", "nc");
        assertThat(rule("spawned and (proc.name = nc or user.uid = 0)").rules().getFirst().procNames()).isNull();
        assertThat(rule("spawned and not proc.name = nc").rules().getFirst().procNames()).isNull();
    }

    private static List<String> names(List<CompiledRule> rules) {
        List<String> out = new ArrayList<>();
        for (CompiledRule r : rules) out.add(r.name());
        return out;
    }

    /** Multi-call binaries: the applet is the program, whether argv[0] or busybox's first argument names it; an unlinked binary keeps its name. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "/bin/busybox | nc,-w,1,h,9,-e,/bin/sh | nc | -w 1 h 9 -e /bin/sh | nc",
            "/bin/busybox | busybox,nc,-e,/bin/sh,h,9 | nc | -e /bin/sh h 9 | busybox",
            "/bin/busybox | /bin/busybox,/bin/nc,-e,/bin/sh | nc | -e /bin/sh | /bin/busybox",
            "/bin/busybox | busybox,--list | busybox | --list | busybox",
            "/bin/busybox | busybox | busybox | `` | busybox",
            "/usr/bin/toybox | toybox,nc,-l | nc | -l | toybox",
            "/usr/bin/nc.openbsd | nc,-l | nc.openbsd | -l | nc",
            "/tmp/xmrig (deleted) | 3,-o,pool | xmrig | -o pool | 3",
    })
    void multiCallBinariesAreNamedAfterTheirApplet(String binary, String argv, String name, String args, String exe) {
        String[] a = argv.split(",");
        TestEvents.P p = TestEvents.exe(binary, java.util.Arrays.copyOfRange(a, 1, a.length)).argv0(a[0]);
        RuleSet set = load("""
                - rule: R
                  desc: d
                  condition: evt.type = execve
                  output: "%proc.name|%proc.args|%proc.exe|%proc.cmdline"
                  priority: WARNING
                """);
        assertThat(set.rules().getFirst().format(TestEvents.exec(p), new EvalContext(TestEvents.LOOKUP, null)))
                .isEqualTo(name + "|" + args + "|" + exe + "|" + (args.isEmpty() ? name : name + " " + args));
    }

    @Test
    void outputTemplatesFormatFieldsAndAbsentValues() {
        RuleSet set = load("""
                - rule: R
                  desc: d
                  condition: evt.type = execve
                  output: "shell %proc.name (grandparent=%proc.aname[2] file=%fd.name uid=%user.uid), 100% sure. %container.info"
                  priority: WARNING
                """);
        CompiledRule r = set.rules().getFirst();
        assertThat(r.format(bash(), new EvalContext(TestEvents.LOOKUP, null)))
                .isEqualTo("shell bash (grandparent=containerd-shim file=<NA> uid=1000), 100% sure. container_id=" + CONTAINER.shortId()
                        + " container_name=web-1");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "proc.nmae = bash | unknown field \"proc.nmae\"",
            "proc.name === bash | unexpected \"=\" after operator \"==\"",
            "proc.name equals bash | bad operator \"equals\" after field proc.name",
            "proc.name | field proc.name needs an operator",
            "no_such_macro and proc.name = bash | undefined macro \"no_such_macro\"",
            "proc.name = bash and | unexpected end of condition",
            "(proc.name = bash | missing \")\"",
            "user.uid = root | user.uid =: expected a number, found \"root\"",
            "proc.name < bash | operator < needs a numeric field",
            "container.privileged = yes | expected true or false",
            "proc.name = (bash, sh) | operator = takes one value, not a list",
            "shells | list \"shells\" used as a condition",
            "proc.aname[x] = bash | the index must be a number",
            "proc.exepath glob '/usr/[bin' | unclosed '['",
    })
    void invalidConditionsFailTheFileWithLineAndRule(String condition, String reason) {
        RuleSet set = rule(condition);
        assertThat(set.report().errors()).singleElement().asString().startsWith("test.yaml:9: rule \"R\": ").contains(reason);
        assertThat(set.rules()).isEmpty();
        assertThat(set.report().rejectedFiles()).containsExactly("test.yaml");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "ka.verb = create | needs a Falco plugin event source",
            "fd.snet in (rfc_1918_addresses) | CIDR network fields are not supported",
            "proc.name = bash and user.loginuid = -1 | field user.loginuid is not supported",
            "proc.name regex 'ba.h' | the regex operator is not supported",
            "proc.name = val(proc.pname) | field-to-field comparison",
    })
    void falcoConstructsVigilCannotEvaluateSkipTheRuleOnly(String condition, String reason) {
        RuleSet set = rule(condition);
        assertThat(set.report().errors()).isEmpty();
        assertThat(set.report().rules()).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(RuleReport.Status.SKIPPED);
            assertThat(r.detail()).contains(reason);
        });
        assertThat(set.report().allLoaded()).isFalse();
    }
}
