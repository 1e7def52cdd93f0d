package dev.vigil.agent.guard;

import dev.vigil.agent.policy.RuntimePolicy;
import dev.vigil.agent.sensor.CoreMaps;
import dev.vigil.agent.sensor.Sensors;
import dev.vigil.containers.ContainerInfo;
import dev.vigil.containers.ContainerLifecycleListener;
import dev.vigil.kernel.BpfLink;
import dev.vigil.kernel.BpfObject;
import dev.vigil.kernel.probe.Feature;
import dev.vigil.kernel.probe.KernelFeatures;
import dev.vigil.kernel.wire.Wire;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The userspace half of escape protection: compiles the policies in force into the guard's
 * kernel maps, puts each container's cgroup in scope with its policy slot as the container
 * starts, attaches the cgroup device and sysctl programs to it, and tells the kernel which
 * mounts are the container's own (runtime files, volumes) so only host files count as such.
 */
public final class EscapeGuard implements ContainerLifecycleListener, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EscapeGuard.class.getName());
    /** Where runtimes keep containers' own files; a bind mount from below these is not a host file. */
    public static final List<String> RUNTIME_DIRS = List.of("/var/lib/containers", "/run/containers", "/var/run/containers",
            "/var/lib/docker", "/run/docker", "/var/lib/kubelet/pods", "/var/lib/containerd", "/run/containerd",
            "/run/libpod", "/var/lib/cni", "/run/netns");
    /** cgroup v2 directories under which runtimes make containers' cgroups (bpf/cgroup.bpf.c knows them too, for parents made later). */
    public static final List<String> CONTAINER_PARENTS = List.of("libpod_parent", "kubepods", "kubepods.slice", "docker");
    /** Slot 0 stays all-off (see VIGIL_GUARD_NO_SLOT); 1 is for containers not yet identified, 2 for the host. */
    public static final int DEFAULT_SLOT = 1, HOST_SLOT = 2, MAX_SLOTS = 256;

    private final CoreMaps core;
    private final GuardMaps maps;
    private final KernelFeatures features;
    private final Supplier<List<RuntimePolicy>> policies;
    private final Path cgroupRoot;
    private final List<String> extraSockets;
    private final Predicate<String> programAttached;
    private final Map<String, Guarded> guarded = new HashMap<>();
    /** Settings -> kernel slot, rebuilt on every recompile (slots of settings no longer used are then reused). */
    private final Map<GuardSettings, Integer> slots = new LinkedHashMap<>();
    private BpfObject cgroupHooks;
    private String cgroupHooksProblem = "";
    private HostMounts host = new HostMounts(List.of());
    /** The host's storage filesystems (superblock devices), read with the mount table at start. */
    private Set<Integer> hostDevices = Set.of();
    private GuardCompiler compiler;
    private GuardSettings defaults;
    private boolean closed;

    private record Guarded(ContainerInfo container, long cgroupId, List<BpfLink> links, List<Integer> ownMounts) {}

    /**
     * @param programAttached whether a guard program is attached now (decides the LSM command split and the status)
     */
    public EscapeGuard(CoreMaps core, KernelFeatures features, Supplier<List<RuntimePolicy>> policies, Optional<Path> cgroupRoot,
                       List<String> extraSockets, Predicate<String> programAttached) {
        this.core = core;
        this.maps = new GuardMaps(core::map);
        this.features = features;
        this.policies = policies;
        this.cgroupRoot = cgroupRoot.orElse(null);
        this.extraSockets = List.copyOf(extraSockets);
        this.programAttached = programAttached;
    }

    /** Writes everything the kernel side needs before any container is scoped. */
    public void start() {
        List<RuntimePolicy> inForce = policies.get();
        synchronized (this) {
            start(inForce);
        }
    }

    private void start(List<RuntimePolicy> inForce) {
        try {
            host = HostMounts.read(Path.of("/proc/self/mountinfo"));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot read the host's mount table; host files are not recognised: " + e.getMessage());
        }
        hostDevices = host.storageDevices(RUNTIME_DIRS);
        for (int dev : hostDevices) maps.putU32("vigil_guard_host_fs", dev);
        for (String ns : List.of("mnt", "pid", "net", "uts", "ipc", "cgroup", "user", "time")) {
            try {
                maps.putU32("vigil_guard_host_ns", (int) (long) (Long) Files.getAttribute(Path.of("/proc/self/ns/" + ns), "unix:ino"));
            } catch (IOException | UnsupportedOperationException e) {
                // a namespace type this kernel lacks
            }
        }
        if (cgroupRoot != null) {
            for (String parent : CONTAINER_PARENTS) {
                Path dir = cgroupRoot.resolve(parent);
                if (Files.isDirectory(dir)) cgroupId(dir).ifPresent(id -> maps.putU64("vigil_guard_parents", id));
            }
        }
        maps.writePaths(SensitivePaths.compile(host, extraSockets));
        if (features.has(Feature.CGROUP_V2) && cgroupRoot != null) {
            try {
                BpfObject o = BpfObject.openResource("guard_cgroup");
                core.shareWith(o);
                o.load();
                cgroupHooks = o;
            } catch (RuntimeException e) {
                cgroupHooksProblem = String.valueOf(e.getMessage());
                LOG.log(System.Logger.Level.WARNING, "cgroup device/sysctl guard unavailable: " + e.getMessage());
            }
        } else {
            cgroupHooksProblem = "cgroup v2 is not available";
        }
        recompile(inForce);
        LOG.log(System.Logger.Level.INFO, "escape guard ready: " + compiler.library().commands().size() + " command rules, "
                + hostDevices.size() + " host filesystems, cgroup hooks "
                + (cgroupHooks != null ? "available" : "unavailable (" + cgroupHooksProblem + ")"));
    }


    /** Policies changed (or a guard sensor was switched): recompile slots and re-scope every container. */
    public void recompile() {
        // Read before taking our lock: the registry calls us while holding its own.
        List<RuntimePolicy> inForce = policies.get();
        synchronized (this) {
            recompile(inForce);
        }
    }

    private void recompile(List<RuntimePolicy> inForce) {
        if (closed) return;
        GuardCompiler c;
        try {
            c = new GuardCompiler(CommandLibrary.builtin(), inForce);
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "escape policies not applied, the previous ones stay: " + e.getMessage());
            return;
        }
        compiler = c;
        CommandLibrary.Tables tables = c.library().compile();
        maps.writeCommands(tables);
        defaults = c.forUnknownContainer();
        maps.writeSlot(DEFAULT_SLOT, defaults);
        GuardSettings hostSettings = c.forHost();
        if (hostSettings != null) maps.writeSlot(HOST_SLOT, hostSettings);
        long lsmRules = programAttached.test("vigil_guard_bprm") ? c.library().nameOnlyRules() : 0;
        maps.writeConfig(tables, lsmRules, hostSettings == null ? Wire.GUARD_NO_SLOT : HOST_SLOT, DEFAULT_SLOT);
        slots.clear();
        slots.put(defaults, DEFAULT_SLOT);
        for (Guarded g : guarded.values()) scope(g);
    }

    private void scope(Guarded g) {
        GuardSettings s = compiler.forContainer(g.container());
        Integer slot = slots.get(s);
        if (slot == null) {
            slot = slots.size() + HOST_SLOT; // after the default and host slots
            if (slot >= MAX_SLOTS) {
                LOG.log(System.Logger.Level.WARNING, "more than " + MAX_SLOTS + " distinct escape settings; " + g.container().name() + " gets the default");
                slot = DEFAULT_SLOT;
            } else {
                slots.put(s, slot);
                maps.writeSlot(slot, s);
            }
        }
        maps.setScope(g.cgroupId(), slot, g.links().isEmpty() ? 0 : Wire.SCOPE_CGROUP_HOOKS);
    }

    @Override
    public synchronized void containerStarted(ContainerInfo c) {
        if (closed || cgroupRoot == null || c.cgroupPath() == null || compiler == null) return;
        String relative = c.cgroupPath().replaceFirst("^/+", "");
        // Never the root: a container said to run there (a host-cgroup container) is not scoped by cgroup.
        if (relative.isEmpty()) return;
        Path dir = cgroupRoot.resolve(relative);
        Optional<Long> id = cgroupId(dir);
        if (id.isEmpty() || id.equals(cgroupId(cgroupRoot))) return;
        List<BpfLink> links = new ArrayList<>();
        if (cgroupHooks != null) {
            try (var fd = dev.vigil.kernel.FileDescriptor.openDirectory(dir)) {
                links.add(cgroupHooks.program("vigil_guard_device").attachCgroup(fd.fd()));
                links.add(cgroupHooks.program("vigil_guard_sysctl").attachCgroup(fd.fd()));
            } catch (RuntimeException e) {
                links.forEach(BpfLink::close);
                links.clear();
                LOG.log(System.Logger.Level.WARNING, "cgroup guard not attached to " + dir + ": " + e.getMessage());
            }
        }
        List<Integer> own = ownMounts(c);
        for (int m : own) maps.putU32("vigil_guard_own_mounts", m);
        Guarded g = new Guarded(c, id.get(), links, own);
        Guarded old = guarded.put(c.id(), g);
        if (old != null) release(old, false);
        scope(g);
    }

    /** Its name, image or labels arrived: the policies that select it may be others now. */
    @Override
    public synchronized void containerUpdated(ContainerInfo c) {
        Guarded g = guarded.get(c.id());
        if (closed || g == null || compiler == null) return;
        Guarded now = new Guarded(c, g.cgroupId(), g.links(), g.ownMounts());
        guarded.put(c.id(), now);
        scope(now);
    }

    @Override
    public synchronized void containerStopped(ContainerInfo c) {
        Guarded g = guarded.remove(c.id());
        if (g != null) release(g, true);
    }

    private void release(Guarded g, boolean unscope) {
        g.links().forEach(BpfLink::close);
        for (int m : g.ownMounts()) maps.deleteU32("vigil_guard_own_mounts", m);
        if (unscope) maps.removeScope(g.cgroupId());
    }


    /** Mounts of the container that come from runtime directories (its hosts file, secrets, named volumes). */
    private List<Integer> ownMounts(ContainerInfo c) {
        int pid = c.initPid();
        if (pid <= 0) pid = firstPid(c).orElse(0);
        if (pid <= 0) return List.of();
        try {
            HostMounts inside = HostMounts.read(Path.of("/proc/" + pid + "/mountinfo"));
            List<Integer> own = new ArrayList<>();
            for (HostMounts.Entry e : inside.entries()) {
                if (!hostDevices.contains(e.dev())) continue;
                Optional<String> where = host.hostPath(e.dev(), e.root());
                if (where.isPresent() && RUNTIME_DIRS.stream().anyMatch(d -> HostMounts.under(where.get(), d))) own.add(e.mountId());
            }
            return own;
        } catch (IOException e) {
            return List.of();
        }
    }

    private Optional<Integer> firstPid(ContainerInfo c) {
        try {
            for (String l : Files.readAllLines(cgroupRoot.resolve(c.cgroupPath().replaceFirst("^/+", "")).resolve("cgroup.procs"))) {
                if (!l.isBlank()) return Optional.of(Integer.parseInt(l.trim()));
            }
        } catch (IOException | NumberFormatException e) {
            // the container is gone or has no process yet
        }
        return Optional.empty();
    }

    private static Optional<Long> cgroupId(Path dir) {
        try {
            return Optional.of((Long) Files.getAttribute(dir, "unix:ino"));
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /** The container as the guard holds it in scope (its policies were chosen by these details), if it does. */
    public synchronized Optional<ContainerInfo> guarded(String containerId) {
        return Optional.ofNullable(guarded.get(containerId)).map(Guarded::container);
    }

    /** The host's mounts as the guard read them at start, for turning reported paths into host paths. */
    public synchronized HostMounts hostMounts() {
        return host;
    }

    public synchronized CommandLibrary library() {
        return compiler == null ? CommandLibrary.builtin() : compiler.library();
    }

    /** One row per protection: what a container nobody selected gets, and how the kernel enforces it here. */
    public record ProtectionStatus(Protection protection, Protection.Action defaultAction, String mechanism) {}

    public synchronized List<ProtectionStatus> status() {
        List<ProtectionStatus> out = new ArrayList<>();
        for (Protection p : Protection.values()) {
            out.add(new ProtectionStatus(p, defaults == null ? p.defaultAction() : defaults.action(p), mechanism(p)));
        }
        return out;
    }

    private String mechanism(Protection p) {
        boolean hooks = cgroupHooks != null;
        return switch (p) {
            case COMMAND -> programAttached.test("vigil_guard_bprm") ? "lsm (name-only rules), signal at exec (argument rules)"
                    : programAttached.test("vigil_guard_exec") ? "signal at exec" : unavailable(Sensors.ESCAPE_COMMANDS.name());
            case HOST_FILE, SENSITIVE_HOST_FILE -> fileMode(true);
            case RELEASE_AGENT, CGROUP_CONTROL, SYSRQ, SYS_KERNEL_WRITE -> fileMode(false);
            case CORE_PATTERN, PROC_SYS_WRITE -> hooks ? "cgroup sysctl (EPERM on write)" + orAlso(fileMode(false)) : fileMode(false);
            case BLOCK_DEVICE -> hooks ? "cgroup device (EPERM on open)" + orAlso(fileMode(false)) : fileMode(false);
            case MKNOD -> hooks ? "cgroup device (EPERM on mknod)" + orAlso(privMode()) : privMode();
            default -> privMode();
        };
    }

    /** @param pathOps whether unlink, rename, chmod... matter for the protection (host files), so their mode is said too */
    private String fileMode(boolean pathOps) {
        if (programAttached.test("vigil_guard_file_open")) return pathOps ? "lsm (open, unlink, rename, chmod, chown, link, mknod, truncate, symlink)" : "lsm";
        if (programAttached.test("vigil_guard_openat")) return pathOps ? "signal at open; unlink, rename, chmod, chown, link are unavailable without BPF LSM" : "signal at open";
        return unavailable(Sensors.ESCAPE_FILES.name());
    }

    private String privMode() {
        return programAttached.test("vigil_guard_mount") ? "signal at syscall entry" : unavailable(Sensors.ESCAPE_PRIVOPS.name());
    }

    private static String orAlso(String other) {
        return other.startsWith("unavailable") ? "" : ", else " + other;
    }

    private static String unavailable(String sensor) {
        return "unavailable (sensor " + sensor + " not attached)";
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (Guarded g : guarded.values()) g.links().forEach(BpfLink::close);
        guarded.clear();
        if (cgroupHooks != null) cgroupHooks.close();
    }
}
