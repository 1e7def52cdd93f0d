package dev.vigil.agent.net;

import dev.vigil.agent.policy.Globs;
import dev.vigil.agent.policy.PolicyRegistry;
import dev.vigil.agent.policy.RuntimePolicy;
import dev.vigil.containers.ContainerInfo;
import dev.vigil.containers.ContainerLifecycleListener;
import dev.vigil.net.EndpointSpec;
import dev.vigil.net.FlowRecord;
import dev.vigil.net.NetEnforcer;
import dev.vigil.net.NetStats;
import dev.vigil.net.policy.CompiledPolicy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The agent's side of network protection: which running containers the policies with a
 * {@code spec.network} section select, and keeping the enforcer in step as containers start and
 * stop and as policies are applied or deleted (checked every two seconds, so the policy API needs
 * no hook). Host processes are never selected: network protection is per container interface.
 *
 * With an underlay interface configured, each container's TC attach point is the interface of
 * that name inside its own network namespace instead of the host side of its veth.
 */
public final class NetworkProtection implements ContainerLifecycleListener, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NetworkProtection.class.getName());
    private static final Path CGROUP_V2 = Files.isDirectory(Path.of("/sys/fs/cgroup/unified")) ? Path.of("/sys/fs/cgroup/unified") : Path.of("/sys/fs/cgroup");

    private final PolicyRegistry policies;
    private final NetEnforcer enforcer;
    private final String unavailable;
    private final String interfaceName;
    private final boolean underlay;
    private final Map<String, ContainerInfo> running = new ConcurrentHashMap<>();
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private final ScheduledExecutorService reconciler;
    /**
     * The policy set at the last reconcile; null until the first, so that a policy deleted
     * before the first tick (the set is then empty, as at start) is still noticed.
     */
    private volatile List<PolicyRegistry.Applied> seen = null;

    private NetworkProtection(PolicyRegistry policies, NetEnforcer enforcer, String unavailable, String underlayInterface) {
        this.policies = policies;
        this.enforcer = enforcer;
        this.unavailable = unavailable;
        this.underlay = underlayInterface != null && !underlayInterface.isEmpty();
        this.interfaceName = underlay ? underlayInterface : "eth0";
        this.reconciler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vigil-net-reconcile");
            t.setDaemon(true);
            return t;
        });
        if (enforcer != null) reconciler.scheduleWithFixedDelay(this::reconcileIfPoliciesChanged, 2, 2, TimeUnit.SECONDS);
    }

    /** Loads the network programs; when the kernel refuses, the agent runs on without this protection. */
    public static NetworkProtection start(PolicyRegistry policies) {
        return start(policies, "");
    }

    /** {@code underlayInterface}: empty for veth mode, else the interface name inside each container (network.underlayInterface). */
    public static NetworkProtection start(PolicyRegistry policies, String underlayInterface) {
        try {
            return new NetworkProtection(policies, NetEnforcer.open(NetEnforcer.Options.defaults()), null, underlayInterface);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "network protection unavailable: " + e.getMessage());
            return new NetworkProtection(policies, null, e.getMessage(), underlayInterface);
        }
    }

    @Override
    public void containerStarted(ContainerInfo c) {
        if (enforcer == null) return;
        running.put(c.id(), c);
        reconciler.execute(() -> reconcile(c));
    }

    @Override
    public void containerStopped(ContainerInfo c) {
        if (enforcer == null) return;
        running.remove(c.id());
        failures.remove(c.id());
        reconciler.execute(() -> enforcer.release(c.id()));
    }

    private void reconcileIfPoliciesChanged() {
        try {
            List<PolicyRegistry.Applied> now = policies.list();
            if (!now.equals(seen)) {
                seen = now;
                for (ContainerInfo c : running.values()) reconcile(c);
                return;
            }
            // A container can get its interface after it started (a CNI that moves a macvlan or VF
            // in once the sandbox runs): retry those not yet protected. Cheap: no process is forked
            // to find out that an interface is still missing.
            for (String id : List.copyOf(failures.keySet())) {
                ContainerInfo c = running.get(id);
                if (c != null) reconcile(c);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "network policy reconcile failed: " + e.getMessage());
        }
    }

    private void reconcile(ContainerInfo c) {
        if (!running.containsKey(c.id())) return;
        List<CompiledPolicy.Source> sources = new ArrayList<>();
        for (PolicyRegistry.Applied a : policies.list()) {
            RuntimePolicy p = a.policy();
            if (p.spec().network() != null && selects(p.spec().selector(), c)) {
                sources.add(new CompiledPolicy.Source(p.name(), p.spec().network().validate()));
            }
        }
        try {
            if (sources.isEmpty()) {
                enforcer.release(c.id());
            } else if (enforcer.isProtected(c.id())) {
                enforcer.update(c.id(), sources);
            } else if (c.initPid() > 0) {
                Path cgroup = c.cgroupPath() == null ? null : CGROUP_V2.resolve(c.cgroupPath().replaceFirst("^/", ""));
                String name = c.name().isEmpty() ? c.shortId() : c.name();
                enforcer.protect(underlay ? EndpointSpec.forUnderlay(c.id(), name, c.initPid(), cgroup, interfaceName)
                        : EndpointSpec.forContainer(c.id(), name, c.initPid(), cgroup, interfaceName), sources);
            } else {
                failures.put(c.id(), "no process id yet");
                return;
            }
            failures.remove(c.id());
        } catch (RuntimeException e) {
            // The previous policy, if any, stays in force: the enforcer swaps only complete policies.
            // Logged once per distinct reason: failed containers are retried every period.
            if (!String.valueOf(e.getMessage()).equals(failures.put(c.id(), String.valueOf(e.getMessage())))) {
                LOG.log(System.Logger.Level.WARNING, "network protection for " + c.name() + " (" + c.shortId() + "): " + e.getMessage());
            }
        }
    }

    static boolean selects(RuntimePolicy.Selector s, ContainerInfo c) {
        if (s == null) return true;
        if (s.containerName() != null && !s.containerName().isEmpty() && !anyGlob(s.containerName(), c.name())) return false;
        if (s.image() != null && !s.image().isEmpty() && !anyGlob(s.image(), c.image())) return false;
        if (s.podNamespace() != null && !s.podNamespace().isEmpty()
                && (c.pod() == null || !anyGlob(s.podNamespace(), c.pod().namespace()))) return false;
        if (s.labels() != null) {
            for (Map.Entry<String, String> e : s.labels().entrySet()) {
                if (!e.getValue().equals(c.labels().get(e.getKey()))) return false;
            }
        }
        return true;
    }

    private static boolean anyGlob(List<String> globs, String value) {
        if (value == null) return false;
        for (String g : globs) if (Globs.compile(g).matcher(value).matches()) return true;
        return false;
    }

    /** "tc+socket", "tc", or "unavailable: reason"; underlay mode adds " (underlay IFNAME)". */
    public String mode() {
        if (enforcer == null) return "unavailable: " + unavailable;
        return enforcer.mode() + (underlay ? " (underlay " + interfaceName + ")" : "");
    }

    public boolean available() {
        return enforcer != null;
    }

    public NetStats stats() {
        if (enforcer == null) return new NetStats(mode(), 0, 0, List.of(), Map.of(), 0);
        NetStats s = enforcer.stats();
        return underlay ? s.withMode(mode()) : s;
    }

    public List<FlowRecord> flows(String container) {
        return enforcer == null ? List.of() : enforcer.flows(container);
    }

    /** Containers a selecting policy could not be put in force on, with the reason. */
    public Map<String, String> failures() {
        Map<String, String> out = new java.util.TreeMap<>(failures);
        if (enforcer != null) out.putAll(enforcer.problems());
        return out;
    }

    @Override
    public void close() {
        reconciler.shutdownNow();
        try {
            reconciler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (enforcer != null) enforcer.close();
    }
}
