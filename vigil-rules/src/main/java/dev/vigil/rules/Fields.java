package dev.vigil.rules;

import dev.vigil.containers.ContainerInfo;
import dev.vigil.containers.PodInfo;
import dev.vigil.events.process.ProcessInfo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The field catalog: every field name rules may use, and how Vigil extracts it. docs/rules.md lists them. */
public final class Fields {
    private static final int O_ACCMODE = 3, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0100;
    private static final Set<String> OPEN_TYPES = Set.of("open", "openat", "openat2", "creat");
    private static final Map<String, Field> SIMPLE = new LinkedHashMap<>();
    /** Fields that take [N]: the ancestor level. */
    private static final Map<String, Function<Integer, Field>> INDEXED = new LinkedHashMap<>();
    /** Field names Falco has and Vigil does not provide; a rule using one is skipped with this reason. */
    private static final Map<String, String> UNSUPPORTED = new LinkedHashMap<>();
    /** Falco field classes and plugin prefixes Vigil has no source for. */
    private static final Map<String, String> UNSUPPORTED_PREFIXES = new LinkedHashMap<>();

    private Fields() {}

    private static void add(Field f) {
        SIMPLE.put(f.name(), f);
    }

    private static EvalContext.Facts facts(RuleEvent e, EvalContext c, int level) {
        ProcessInfo p = c.ancestor(e, level);
        return p == null ? null : c.facts(p);
    }

    private static String container(RuleEvent e, Function<ContainerInfo, String> f, String onHost) {
        if (e.process() == null) return null;
        ContainerInfo ci = e.container();
        return ci == null ? onHost : f.apply(ci);
    }

    private static String pod(RuleEvent e, Function<PodInfo, String> f) {
        ContainerInfo ci = e.container();
        if (ci == null || ci.pod() == null) return null;
        String s = f.apply(ci.pod());
        return s.isEmpty() ? null : s;
    }

    private static boolean isOpen(RuleEvent e) {
        return OPEN_TYPES.contains(e.evtType());
    }

    /** fd.lip and friends: on the accepting side the local end is the server. */
    private static boolean localIsServer(RuleEvent e) {
        String t = e.evtType();
        return t.equals("accept") || t.equals("accept4") || t.equals("listen") || t.equals("bind");
    }

    private static String fdType(char c) {
        return switch (c) {
            case 'f' -> "file";
            case 'd' -> "directory";
            case '4' -> "ipv4";
            case '6' -> "ipv6";
            case 'u' -> "unix";
            case 'p' -> "pipe";
            case 'm' -> "memfd";
            case 'e' -> "event";
            case 's' -> "signalfd";
            case 'l' -> "eventpoll";
            case 'i' -> "inotify";
            case 't' -> "timerfd";
            case 'n' -> "netlink";
            case 'b' -> "bpf";
            default -> null;
        };
    }

    private static final String[] CHARS = new String[128];

    private static String charString(char c) {
        return c == 0 || c >= 128 ? null : CHARS[c];
    }

    static {
        for (char c = 1; c < 128; c++) CHARS[c] = String.valueOf(c).intern();

        add(Field.str("evt.type", (e, c) -> e.evtType()));
        add(Field.str("evt.dir", (e, c) -> charString(e.evtDir())));
        add(Field.num("evt.rawres", (e, c) -> e.rawres()));
        add(Field.bool("evt.failed", (e, c) -> e.rawres() < 0 ? 1 : 0));
        add(Field.num("evt.time", (e, c) -> e.ktime()));
        // Falco numbers events from 1; Vigil's boot-time stamp is never 0 either, which is all
        // rules use evt.num for (the never_true / always_true idiom).
        add(Field.num("evt.num", (e, c) -> e.ktime()));
        add(Field.bool("evt.is_open_read", (e, c) -> isOpen(e) && (e.openFlags() & O_ACCMODE) != O_WRONLY ? 1 : 0));
        add(Field.bool("evt.is_open_write", (e, c) -> isOpen(e) && (e.openFlags() & O_ACCMODE) != 0 ? 1 : 0));
        add(Field.bool("evt.is_open_create", (e, c) -> isOpen(e) && (e.openFlags() & O_CREAT) != 0 ? 1 : 0));

        add(Field.str("proc.name", (e, c) -> { var f = facts(e, c, 0); return f == null ? null : f.name; }));
        add(Field.str("proc.exe", (e, c) -> { var f = facts(e, c, 0); return f == null ? null : f.exe; }));
        add(Field.str("proc.exepath", (e, c) -> e.process() == null ? null : e.process().binary()));
        add(Field.str("proc.cmdline", (e, c) -> { var f = facts(e, c, 0); return f == null ? null : f.cmdline; }));
        add(Field.str("proc.args", (e, c) -> { var f = facts(e, c, 0); return f == null ? null : f.argLine; }));
        add(Field.str("proc.cwd", (e, c) -> e.process() == null ? null : e.process().cwd()));
        add(Field.num("proc.pid", (e, c) -> e.process() == null ? Field.ABSENT : e.process().pid()));
        add(Field.num("proc.ppid", (e, c) -> e.process() == null ? Field.ABSENT : e.process().ppid()));
        add(Field.num("proc.vpid", (e, c) -> e.process() == null || e.process().nspid() == 0 ? Field.ABSENT : e.process().nspid()));
        add(Field.num("thread.tid", (e, c) -> e.process() == null ? Field.ABSENT : e.process().pid()));
        add(Field.num("proc.tty", (e, c) -> e.tty() < 0 ? Field.ABSENT : e.tty()));
        add(Field.bool("proc.is_exe_from_memfd", (e, c) -> e.process() == null ? -1 : e.process().binary().startsWith("/memfd:") ? 1 : 0));
        add(Field.str("proc.pname", (e, c) -> { var f = facts(e, c, 1); return f == null ? null : f.name; }));
        add(Field.str("proc.pexe", (e, c) -> { var f = facts(e, c, 1); return f == null ? null : f.exe; }));
        add(Field.str("proc.pexepath", (e, c) -> { var p = c.ancestor(e, 1); return p == null ? null : p.binary(); }));
        add(Field.str("proc.pcmdline", (e, c) -> { var f = facts(e, c, 1); return f == null ? null : f.cmdline; }));
        add(Field.list("proc.aname", (e, c, i) -> {
            if (i >= EvalContext.MAX_DEPTH) return null;
            var f = facts(e, c, i + 1);
            return f == null ? null : f.name;
        }));

        add(Field.num("user.uid", (e, c) -> e.process() == null || e.process().uid() < 0 ? Field.ABSENT : e.process().uid()));
        add(Field.str("user.name", (e, c) -> e.process() == null ? null : c.userName(e.process().uid())));
        add(Field.num("group.gid", (e, c) -> e.process() == null || e.process().gid() < 0 ? Field.ABSENT : e.process().gid()));

        add(Field.str("fd.name", (e, c) -> e.fdName()));
        add(Field.str("fd.directory", (e, c) -> e.fdName() == null ? null : c.directory(e.fdName())));
        add(Field.str("fd.filename", (e, c) -> e.fdName() == null ? null : c.filename(e.fdName())));
        add(Field.str("fd.typechar", (e, c) -> charString(e.fdTypechar())));
        add(Field.str("fd.type", (e, c) -> fdType(e.fdTypechar())));
        add(Field.num("fd.num", (e, c) -> e.fdNum() < 0 ? Field.ABSENT : e.fdNum()));
        add(Field.str("fd.l4proto", (e, c) -> e.l4proto()));
        add(Field.str("fd.sip", (e, c) -> e.serverIp()));
        add(Field.str("fd.dip", (e, c) -> e.serverIp()));
        add(Field.str("fd.cip", (e, c) -> e.clientIp()));
        // Either end of the connection, as Falco's fd.ip: a two-element list, so = and in match either.
        add(Field.list("fd.ip", (e, c, i) -> i == 0 ? (e.clientIp() != null ? e.clientIp() : e.serverIp()) : i == 1 && e.clientIp() != null ? e.serverIp() : null));
        add(Field.num("fd.sport", (e, c) -> e.serverPort() < 0 ? Field.ABSENT : e.serverPort()));
        add(Field.num("fd.dport", (e, c) -> e.serverPort() < 0 ? Field.ABSENT : e.serverPort()));
        add(Field.num("fd.cport", (e, c) -> e.clientPort() < 0 ? Field.ABSENT : e.clientPort()));
        add(Field.str("fd.lip", (e, c) -> localIsServer(e) ? e.serverIp() : e.clientIp()));
        add(Field.str("fd.rip", (e, c) -> localIsServer(e) ? e.clientIp() : e.serverIp()));
        add(Field.num("fd.lport", (e, c) -> { int p = localIsServer(e) ? e.serverPort() : e.clientPort(); return p < 0 ? Field.ABSENT : p; }));
        add(Field.num("fd.rport", (e, c) -> { int p = localIsServer(e) ? e.clientPort() : e.serverPort(); return p < 0 ? Field.ABSENT : p; }));

        add(Field.str("container.id", (e, c) -> { String id = container(e, ContainerInfo::id, "host"); return id == null || id.equals("host") ? id : c.shortId(id); }));
        add(Field.str("container.name", (e, c) -> container(e, ContainerInfo::name, "host")));
        add(Field.str("container.image", (e, c) -> container(e, ContainerInfo::image, null)));
        add(Field.str("container.image.repository", (e, c) -> { String i = container(e, ContainerInfo::image, null); return i == null ? null : c.image(i)[1]; }));
        add(Field.str("container.image.tag", (e, c) -> { String i = container(e, ContainerInfo::image, null); return i == null ? null : c.image(i)[2]; }));
        add(Field.str("container.image.id", (e, c) -> container(e, ContainerInfo::imageId, null)));
        add(Field.str("container.type", (e, c) -> container(e, ContainerInfo::runtime, "host")));
        add(Field.bool("container.privileged", (e, c) -> {
            ContainerInfo ci = e.container();
            return ci == null || ci.config() == null ? -1 : ci.config().privileged() ? 1 : 0;
        }));
        add(Field.str("k8s.pod.name", (e, c) -> pod(e, PodInfo::name)));
        add(Field.str("k8s.ns.name", (e, c) -> pod(e, PodInfo::namespace)));
        add(Field.str("k8s.pod.uid", (e, c) -> pod(e, PodInfo::uid)));

        INDEXED.put("proc.aname", n -> Field.str("proc.aname[" + n + "]", (e, c) -> { var f = facts(e, c, n); return f == null ? null : f.name; }));
        INDEXED.put("proc.aexe", n -> Field.str("proc.aexe[" + n + "]", (e, c) -> { var f = facts(e, c, n); return f == null ? null : f.exe; }));
        INDEXED.put("proc.aexepath", n -> Field.str("proc.aexepath[" + n + "]", (e, c) -> { var p = c.ancestor(e, n); return p == null ? null : p.binary(); }));
        INDEXED.put("proc.acmdline", n -> Field.str("proc.acmdline[" + n + "]", (e, c) -> { var f = facts(e, c, n); return f == null ? null : f.cmdline; }));
        INDEXED.put("proc.apid", n -> Field.num("proc.apid[" + n + "]", (e, c) -> { var p = c.ancestor(e, n); return p == null ? Field.ABSENT : p.pid(); }));

        for (String f : List.of("fd.net", "fd.snet", "fd.cnet", "fd.lnet", "fd.rnet"))
            UNSUPPORTED.put(f, "CIDR network fields are not supported; compare fd.sip/fd.cip instead");
        for (String f : List.of("fd.sip.name", "fd.cip.name", "fd.lip.name", "fd.rip.name"))
            UNSUPPORTED.put(f, "DNS name resolution of addresses is not supported");
        for (String f : List.of("user.loginuid", "user.loginname", "user.homedir", "user.shell", "group.name", "proc.sname", "proc.sid",
                "proc.vpgid", "proc.pgid", "proc.loginshellid", "proc.env", "proc.aenv", "proc.is_exe_upper_layer", "proc.is_exe_writable",
                "proc.exe_ino", "proc.exe_ino.ctime", "proc.exe_ino.mtime", "proc.is_sid_leader", "proc.is_vpgid_leader", "proc.nthreads",
                "proc.fdopencount", "proc.is_container_healthcheck", "proc.is_container_liveness_probe", "proc.is_container_readiness_probe",
                "proc.stdin.type", "proc.stdout.type", "proc.stdin.name", "proc.stdout.name", "proc.duration", "proc.cmdnargs",
                "proc.cmdlenargs", "thread.cap_effective", "thread.cap_permitted", "thread.cap_inheritable", "evt.res", "evt.args",
                "evt.category", "evt.count", "evt.buffer", "evt.is_open_exec", "evt.rawarg", "evt.latency", "evt.deltatime",
                "fd.ino", "fd.dev", "fd.port", "fd.proto", "fd.is_server", "fd.sockfamily", "fd.connected", "fd.name_changed", "fd.nameraw", "fd.cproto",
                "fd.sproto", "fd.lproto", "fd.rproto", "fs.path.name", "fs.path.source", "fs.path.target",
                "container.mounts", "container.mount", "container.mount.source", "container.mount.dest", "container.image.digest",
                "container.healthcheck", "container.liveness_probe", "container.readiness_probe", "container.start_ts", "container.duration",
                "container.ip", "container.cni.json", "container.host_pid", "container.host_network", "container.host_ipc",
                "k8s.pod.labels", "k8s.pod.label", "k8s.pod.cni.json", "k8s.pod.ip", "k8s.rc.name", "k8s.svc.name", "k8s.deployment.name",
                "k8s.ns.labels", "k8s.pod.sandbox_id", "k8s.pod.full_sandbox_id"))
            UNSUPPORTED.put(f, "Vigil's events do not carry this value yet");
        for (String p : List.of("ka.", "jevt.", "k8saudit.", "ct.", "aws.", "gcp.", "okta.", "github.", "json.", "mesos.", "marathon.",
                "cloudtrail.", "gitlab.", "keycloak.", "kafka."))
            UNSUPPORTED_PREFIXES.put(p, "needs a Falco plugin event source (" + p.substring(0, p.length() - 1) + "), not syscalls");
        UNSUPPORTED_PREFIXES.put("evt.rawarg.", "raw (numeric) arguments are not supported; use evt.arg.NAME");
        UNSUPPORTED_PREFIXES.put("span.", "sysdig spans are not supported");
        UNSUPPORTED_PREFIXES.put("evtin.", "sysdig spans are not supported");
        UNSUPPORTED_PREFIXES.put("syslog.", "sysdig syslog fields are not supported");
    }

    /** The names of every supported field, for docs and `vigil rules fields`. */
    public static List<String> supported() {
        List<String> names = new java.util.ArrayList<>(SIMPLE.keySet());
        for (String n : INDEXED.keySet()) names.add(n + "[N]");
        names.add("evt.arg.NAME");
        names.add("evt.arg[N]");
        return names;
    }

    /**
     * The field {@code name} with its bracket argument ({@code null} when none).
     *
     * @throws FieldException unsupported (Falco has it, Vigil cannot evaluate it) or unknown
     */
    static Field resolve(String name, String arg) throws FieldException {
        if (name.startsWith("evt.arg.") && arg == null && name.length() > 8) {
            String argName = name.substring(8);
            return Field.str(name, (e, c) -> e.arg(argName));
        }
        if (name.equals("evt.arg") && arg != null) {
            int n = index(name, arg);
            return Field.str("evt.arg[" + n + "]", (e, c) -> e.arg(n));
        }
        if (arg != null) {
            Function<Integer, Field> f = INDEXED.get(name);
            if (f != null) return f.apply(index(name, arg));
            if (name.equals("evt.arg")) throw new FieldException(false, "evt.arg needs an index or a name");
        } else {
            Field f = SIMPLE.get(name);
            if (f != null) return f;
            if (INDEXED.containsKey(name)) throw new FieldException(false, "field " + name + " needs an index, e.g. " + name + "[1]");
        }
        String reason = UNSUPPORTED.get(name);
        if (reason != null) throw new FieldException(true, "field " + name + " is not supported: " + reason);
        for (var p : UNSUPPORTED_PREFIXES.entrySet()) {
            if (name.startsWith(p.getKey())) throw new FieldException(true, "field " + name + " is not supported: " + p.getValue());
        }
        throw new FieldException(false, "unknown field \"" + name + (arg == null ? "" : "[" + arg + "]") + "\"");
    }

    private static int index(String name, String arg) throws FieldException {
        try {
            int n = Integer.parseInt(arg.trim());
            if (n < 0 || n > EvalContext.MAX_DEPTH) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new FieldException(false, "field " + name + "[" + arg + "]: the index must be a number from 0 to " + EvalContext.MAX_DEPTH);
        }
    }
}
