package dev.vigil.rules;

import dev.vigil.containers.ContainerConfig;
import dev.vigil.containers.ContainerInfo;
import dev.vigil.containers.PodInfo;
import dev.vigil.events.process.Namespaces;
import dev.vigil.events.process.ProcessEvent;
import dev.vigil.events.process.ProcessInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builders of synthetic events for rule tests: processes with their parents and containers, and
 * the file, network and privilege events the kernel sensors will produce. Every built process
 * is registered by pid, so {@link #LOOKUP} finds ancestors as the process cache would.
 */
public final class TestEvents {
    public static final int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0100, O_TRUNC = 01000;
    private static final AtomicInteger PIDS = new AtomicInteger(5000);
    private static final Map<Integer, ProcessInfo> REGISTRY = new ConcurrentHashMap<>();
    public static final ProcessLookup LOOKUP = REGISTRY::get;

    public static final ContainerInfo CONTAINER = container("web-1", false);
    public static final ContainerInfo PRIVILEGED = container("debug-1", true);

    private TestEvents() {}

    public static ContainerInfo container(String name, boolean privileged) {
        String id = (name.hashCode() + "0123456789abcdef").repeat(8).replace("-", "a").substring(0, 64);
        return new ContainerInfo(id, name, "docker.io/library/nginx:1.25", "sha256:" + "ab".repeat(32), Map.of(),
                new PodInfo(name + "-7d9f", "shop", "uid-" + name), "docker", 100, null, null,
                new ContainerConfig(privileged, List.of(), false, false, false, List.of(), "", false, null, "bridge"));
    }

    /** A process image under construction. */
    public static final class P {
        private final String binary;
        private final List<String> argv = new ArrayList<>();
        private int uid;
        private ContainerInfo container;
        private P parent;
        private ProcessInfo info;

        private P(String binary, String... args) {
            this.binary = binary;
            argv.add(binary.substring(binary.lastIndexOf('/') + 1));
            argv.addAll(List.of(args));
        }

        public P uid(int u) {
            uid = u;
            return this;
        }

        public P in(ContainerInfo c) {
            container = c;
            return this;
        }

        public P parent(P p) {
            parent = p;
            return this;
        }

        public P argv0(String a) {
            argv.set(0, a);
            return this;
        }

        public ProcessInfo info() {
            if (info == null) {
                int pid = PIDS.incrementAndGet();
                int ppid = parent == null ? 1 : parent.info().pid();
                info = new ProcessInfo("exec-" + pid, parent == null ? "" : parent.info().execId(), 1000L * pid, 1000L * pid, pid, ppid, pid,
                        uid, uid, uid, uid, binary, List.copyOf(argv), false, "/", 0, 1, Namespaces.UNKNOWN, container);
                REGISTRY.put(pid, info);
            }
            return info;
        }

        ProcessInfo parentInfo() {
            return parent == null ? null : parent.info();
        }
    }

    public static P exe(String binary, String... args) {
        return new P(binary, args);
    }

    /** {@code /bin/sh -c CMD}. */
    public static P sh(String cmd) {
        return exe("/bin/sh", "-c", cmd);
    }

    public static RuleEvent exec(P p) {
        return new ProcessRuleEvent().wrap(new ProcessEvent.Exec(p.info().execKtime(), p.info(), p.parentInfo()));
    }

    public static SyscallEvent sys(String evtType, P p) {
        return new SyscallEvent().reset(evtType, 2_000_000, p.info(), p.parentInfo());
    }

    public static SyscallEvent open(P p, String path, int flags) {
        return sys("openat", p).fd(3, 'f', path).openFlags(flags).arg("fd", "3").arg("name", path).arg("flags", flagNames(flags));
    }

    public static SyscallEvent read(P p, String path) {
        return open(p, path, O_RDONLY);
    }

    public static SyscallEvent write(P p, String path) {
        return open(p, path, O_WRONLY | O_CREAT);
    }

    public static SyscallEvent truncate(P p, String path) {
        return open(p, path, O_WRONLY | O_TRUNC);
    }

    public static SyscallEvent connect(P p, String ip, int port) {
        return sys("connect", p).fd(3, ip.indexOf(':') >= 0 ? '6' : '4', null).connection("tcp", "172.17.0.2", 40312, ip, port);
    }

    /** open(2) flags as Falco prints evt.arg.flags. */
    public static String flagNames(int flags) {
        List<String> names = new ArrayList<>();
        names.add(switch (flags & 3) { case O_WRONLY -> "O_WRONLY"; case O_RDWR -> "O_RDWR"; default -> "O_RDONLY"; });
        if ((flags & O_CREAT) != 0) names.add("O_CREAT");
        if ((flags & O_TRUNC) != 0) names.add("O_TRUNC");
        return String.join("|", names);
    }
}
