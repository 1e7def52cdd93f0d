package dev.vigil.net;

import dev.vigil.kernel.BpfLink;
import dev.vigil.kernel.BpfMap;
import dev.vigil.kernel.BpfProgram;
import dev.vigil.kernel.FileDescriptor;
import dev.vigil.kernel.NetNamespace;
import dev.vigil.kernel.TcAttachment;
import dev.vigil.net.policy.Cidr;
import dev.vigil.net.policy.CompiledPolicy;
import dev.vigil.net.policy.NetworkModel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Network protection for containers: attaches the TC programs to each protected container's
 * host-side interface (or, in underlay mode, to its interface inside its own network namespace)
 * and the socket hooks to its cgroup, keeps its merged policy in the kernel
 * maps, shapes it with HTB, and reads back counters and blocked flows.
 *
 * Policy updates are atomic per container: the new policy is written under a fresh policy id
 * while the old one stays in force, then one map update per layer points the endpoint at it,
 * then the old id's entries are removed.
 */
public final class NetEnforcer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NetEnforcer.class.getName());

    /** handle/priority: Vigil's own TC filter, beside anyone else's on the same clsact. */
    public record Options(int tcHandle, int tcPriority, boolean socketLayer, int flowRecords) {
        public static Options defaults() {
            return new Options(0x564e, 1, true, 4096);
        }
    }

    private final Options options;
    private final NetKernel kernel;
    private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    private final Map<Integer, Endpoint> byEpId = new HashMap<>();
    private final Map<Integer, String> ruleLabels = new HashMap<>();
    private final Map<String, Integer> ruleIds = new HashMap<>();
    private final Map<Integer, String> retiredEndpoints = new HashMap<>();
    /** Replaced policies, erased only after RETIRE_NANOS: a program that read the old id may still be running. */
    private final java.util.ArrayDeque<Retired> retired = new java.util.ArrayDeque<>();
    private static final long RETIRE_NANOS = 200_000_000L;
    /** Updates faster than retirement wait here rather than fill the policy maps. */
    private static final int RETIRED_MAX = 256;

    private record Retired(Written written, long atNanos) {}
    private int nextEpId = 1;
    private int nextPolicyId = 1;
    private int nextRuleId = 16;
    private boolean closed;

    private NetEnforcer(Options options, NetKernel kernel) {
        this.options = options;
        this.kernel = kernel;
        ruleLabels.put(CompiledPolicy.DEFAULT_INGRESS_RULE, "default/ingress");
        ruleLabels.put(CompiledPolicy.DEFAULT_EGRESS_RULE, "default/egress");
    }

    public static NetEnforcer open(Options options) {
        boolean sock = options.socketLayer() && Files.isDirectory(Path.of("/sys/fs/cgroup/unified"))
                || options.socketLayer() && Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"));
        return new NetEnforcer(options, NetKernel.load(sock, options.flowRecords()));
    }

    /** "tc+socket" when both layers enforce, "tc" when cgroup v2 hooks are unavailable. */
    public String mode() {
        return kernel.sock != null ? "tc+socket" : "tc";
    }

    public synchronized boolean isProtected(String id) {
        return endpoints.containsKey(id);
    }

    /** Attaches to the container and puts the merged policy of {@code sources} in force. */
    public synchronized void protect(EndpointSpec spec, List<CompiledPolicy.Source> sources) {
        ensureOpen();
        if (endpoints.containsKey(spec.id())) {
            update(spec.id(), sources);
            return;
        }
        refuseHostInterfaces(spec);
        CompiledPolicy cp = compile(sources);
        Endpoint ep = new Endpoint(spec, nextEpId++);
        try {
            int ifindex;
            if (spec.underlay()) {
                ep.netns = NetNamespace.open(spec.netns());
                if (ep.netns.isCurrentProcessNamespace()) {
                    throw new IllegalArgumentException("refusing to attach network protection to " + spec.innerIfname() + ": "
                            + spec.netns() + " is the host's network namespace");
                }
                ifindex = ep.netns.ifindex(spec.innerIfname());
                if (ifindex == 0) {
                    throw new IllegalStateException("container " + spec.name() + " has no interface " + spec.innerIfname() + " in its network namespace");
                }
            } else {
                ifindex = ifindex(spec.hostIfname());
            }
            refuseSharedIfindex(spec, ifindex);
            ep.ifindex = ifindex;
            applyLimits(ep, cp);
            ep.written = write(cp);
            writeEndpoint(ep);
            BpfProgram eg = kernel.tc.program("vigil_net_tc_eg"), in = kernel.tc.program("vigil_net_tc_in");
            // Host side of a veth: its ingress is what the container sends. Inside the container
            // (underlay) the device's own egress is the container's egress.
            ep.tcEgress = attachTc(ep, spec.underlay() ? TcAttachment.Direction.EGRESS : TcAttachment.Direction.INGRESS, eg);
            ep.tcIngress = attachTc(ep, spec.underlay() ? TcAttachment.Direction.INGRESS : TcAttachment.Direction.EGRESS, in);
            if (kernel.sock != null && spec.cgroupDir() != null) {
                refuseForeignCgroup(spec.cgroupDir());
                ep.cgroupId = (Long) Files.getAttribute(spec.cgroupDir(), "unix:ino");
                writeEndpoint(ep);
                try (FileDescriptor dir = FileDescriptor.openDirectory(spec.cgroupDir())) {
                    for (String p : List.of("vigil_net_conn4", "vigil_net_conn6", "vigil_net_send4", "vigil_net_send6")) {
                        ep.sockLinks.add(kernel.sock.program(p).attachCgroup(dir.fd()));
                    }
                }
            }
        } catch (RuntimeException | IOException e) {
            ep.detach(kernel);
            try (Arena a = Arena.ofConfined()) {
                if (ep.ifindex != 0) kernel.epIf.delete(a.allocateFrom(JAVA_INT, ep.ifindex));
                if (ep.cgroupId != 0) kernel.epCg.delete(a.allocateFrom(JAVA_LONG, ep.cgroupId));
            }
            if (ep.written != null) erase(ep.written);
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
        endpoints.put(spec.id(), ep);
        byEpId.put(ep.epId, ep);
        LOG.log(System.Logger.Level.INFO, "network protection on " + spec.name() + ": " + spec.attachPoint() + " (ifindex " + ep.ifindex + ")"
                + (ep.sockLinks.isEmpty() ? "" : ", socket hooks on " + spec.cgroupDir()));
    }

    /**
     * TC filters outlive the process that made them: a filter with Vigil's own handle and
     * priority left by an agent that crashed is replaced, never anyone else's.
     */
    private TcAttachment attachTc(Endpoint ep, TcAttachment.Direction dir, BpfProgram program) {
        try {
            return attachOnce(ep, dir, program);
        } catch (dev.vigil.kernel.BpfException e) {
            if (e.errno() != 17 /* EEXIST */) throw e;
            LOG.log(System.Logger.Level.WARNING, "replacing a stale Vigil TC filter on " + ep.spec.attachPoint() + " " + dir.name().toLowerCase());
            List<String> del = new ArrayList<>();
            if (ep.netns != null) del.addAll(List.of("nsenter", "--net=" + ep.netns.path()));
            del.addAll(List.of("tc", "filter", "del", "dev", ep.spec.underlay() ? ep.spec.innerIfname() : ep.spec.hostIfname(),
                    dir == TcAttachment.Direction.INGRESS ? "ingress" : "egress",
                    "prio", String.valueOf(options.tcPriority()), "handle", "0x" + Integer.toHexString(options.tcHandle()), "bpf"));
            Commands.check(del);
            return attachOnce(ep, dir, program);
        }
    }

    private TcAttachment attachOnce(Endpoint ep, TcAttachment.Direction dir, BpfProgram program) {
        return ep.netns != null
                ? TcAttachment.attach(ep.netns, ep.ifindex, dir, program, options.tcHandle(), options.tcPriority())
                : TcAttachment.attach(ep.ifindex, dir, program, options.tcHandle(), options.tcPriority());
    }

    /**
     * The interface map is keyed by ifindex, and ifindexes are per namespace: two underlay
     * interfaces in different containers (or one and a host veth) can share a number. The
     * programs could not tell them apart, so the second one is refused rather than given the
     * first one's policy.
     */
    private void refuseSharedIfindex(EndpointSpec spec, int ifindex) {
        for (Endpoint other : endpoints.values()) {
            if (other.ifindex == ifindex) {
                throw new IllegalStateException("container " + spec.name() + ": " + spec.attachPoint() + " has ifindex " + ifindex
                        + ", already used by " + other.spec.name() + " (" + other.spec.attachPoint() + "); the interface map is keyed by ifindex");
            }
        }
    }

    /** Replaces the container's policy atomically; on failure the previous one stays in force. */
    public synchronized void update(String id, List<CompiledPolicy.Source> sources) {
        ensureOpen();
        Endpoint ep = Objects.requireNonNull(endpoints.get(id), () -> "container " + id + " is not protected");
        CompiledPolicy cp = compile(sources);
        Written old = ep.written;
        Written fresh = write(cp);
        ep.written = fresh;
        applyLimits(ep, cp);
        try {
            writeEndpoint(ep);
        } catch (RuntimeException e) {
            ep.written = old;
            writeEndpoint(ep);
            erase(fresh);
            throw e;
        }
        retire(old);
    }

    /** Detaches from the container (its stop, or protection withdrawn). */
    public synchronized void release(String id) {
        Endpoint ep = endpoints.remove(id);
        if (ep == null) return;
        byEpId.remove(ep.epId);
        retiredEndpoints.put(ep.epId, ep.spec.name());
        ep.detach(kernel);
        try (Arena a = Arena.ofConfined()) {
            kernel.epIf.delete(a.allocateFrom(JAVA_INT, ep.ifindex));
            if (ep.cgroupId != 0) kernel.epCg.delete(a.allocateFrom(JAVA_LONG, ep.cgroupId));
        }
        retire(ep.written);
        LOG.log(System.Logger.Level.INFO, "network protection released: " + ep.spec.name());
    }

    /** Containers whose protection is only partly in force (container name -> why). */
    public synchronized Map<String, String> problems() {
        Map<String, String> out = new TreeMap<>();
        for (Endpoint ep : endpoints.values()) if (ep.problem != null) out.put(ep.spec.name(), ep.problem);
        return out;
    }

    public synchronized List<String> protectedContainers() {
        return List.copyOf(endpoints.keySet());
    }

    private CompiledPolicy compile(List<CompiledPolicy.Source> sources) {
        return CompiledPolicy.compile(sources, (policy, dir, index) -> ruleIds.computeIfAbsent(
                policy + "/" + (dir == 0 ? "ingress" : "egress") + "/rules[" + index + "]", label -> {
                    int rid = nextRuleId++;
                    ruleLabels.put(rid, label);
                    return rid;
                }));
    }

    // --- kernel map writes -------------------------------------------------------------------

    private record Written(int policyId, List<CompiledPolicy.Entry> entries) {}

    private Written write(CompiledPolicy cp) {
        int policyId = nextPolicyId++;
        List<CompiledPolicy.Entry> done = new ArrayList<>();
        try (Arena a = Arena.ofConfined()) {
            for (CompiledPolicy.Entry e : cp.entries()) {
                MemorySegment key = lpmKey(a, policyId, e);
                MemorySegment value = a.allocate(NetWire.RULE_SET);
                value.set(JAVA_INT, NetWire.off(NetWire.RULE_SET, "count"), e.rules().size());
                long base = NetWire.off(NetWire.RULE_SET, "rules");
                for (int i = 0; i < e.rules().size(); i++) {
                    CompiledPolicy.KernelRule r = e.rules().get(i);
                    long o = base + i * NetWire.RULE.byteSize();
                    value.set(JAVA_INT, o, r.ruleId());
                    value.set(JAVA_BYTE, o + 4, (byte) r.action());
                    value.set(JAVA_BYTE, o + 5, (byte) r.proto());
                    value.set(JAVA_SHORT, o + 6, (short) r.portLo());
                    value.set(JAVA_SHORT, o + 8, (short) r.portHi());
                }
                (e.prefix().family() == 4 ? kernel.lpm4 : kernel.lpm6).update(key, value, BpfMap.BPF_ANY);
                done.add(e);
            }
            MemorySegment pol = a.allocate(NetWire.POLICY);
            for (int dir = 0; dir < 2; dir++) {
                pol.set(JAVA_BYTE, dir, (byte) (cp.defaults().get(dir) == NetworkModel.Action.DENY ? NetWire.ACT_DENY : NetWire.ACT_ALLOW));
                pol.set(JAVA_INT, NetWire.off(NetWire.POLICY, "default_rule_id") + 4L * dir,
                        dir == 0 ? CompiledPolicy.DEFAULT_INGRESS_RULE : CompiledPolicy.DEFAULT_EGRESS_RULE);
            }
            kernel.policies.update(a.allocateFrom(JAVA_INT, policyId), pol, BpfMap.BPF_ANY);
        } catch (RuntimeException e) {
            erase(new Written(policyId, done));
            throw e;
        }
        return new Written(policyId, List.copyOf(cp.entries()));
    }

    /*
     * A TC program or socket hook that looked up an endpoint just before the switch still holds
     * the old policy id and reads its rules after it; erasing them at once would let that
     * packet fall through to "no policy". BPF programs run under RCU for microseconds, so a
     * fifth of a second is far past any grace period.
     */
    private void retire(Written w) {
        if (w != null) retired.addLast(new Retired(w, System.nanoTime()));
        reap(false);
        while (retired.size() > RETIRED_MAX) {
            long wait = RETIRE_NANOS - (System.nanoTime() - retired.peekFirst().atNanos());
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000 + 1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            reap(false);
        }
    }

    private void reap(boolean all) {
        long now = System.nanoTime();
        while (!retired.isEmpty() && (all || now - retired.peekFirst().atNanos() > RETIRE_NANOS)) {
            erase(retired.pollFirst().written());
        }
    }

    private void erase(Written w) {
        if (w == null) return;
        try (Arena a = Arena.ofConfined()) {
            kernel.policies.delete(a.allocateFrom(JAVA_INT, w.policyId()));
            for (CompiledPolicy.Entry e : w.entries()) {
                (e.prefix().family() == 4 ? kernel.lpm4 : kernel.lpm6).delete(lpmKey(a, w.policyId(), e));
            }
        }
    }

    private static MemorySegment lpmKey(Arena a, int policyId, CompiledPolicy.Entry e) {
        Cidr c = e.prefix();
        MemorySegment key = a.allocate(c.family() == 4 ? NetWire.LPM4_KEY : NetWire.LPM6_KEY);
        key.set(JAVA_INT, 0, 32 + c.prefixLength());
        key.set(JAVA_INT, 4, policyId << 1 | e.dir());
        MemorySegment.copy(c.address(), 0, key, JAVA_BYTE, 8, c.address().length);
        return key;
    }

    /** One update per layer: this is the switch that makes a new policy take effect. */
    private void writeEndpoint(Endpoint ep) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(NetWire.ENDPOINT);
            v.set(JAVA_INT, 0, ep.epId);
            v.set(JAVA_INT, 4, ep.written.policyId());
            v.set(JAVA_INT, 8, ep.hostHtb != null ? Htb.CLASSID : 0);
            kernel.epIf.update(a.allocateFrom(JAVA_INT, ep.ifindex), v, BpfMap.BPF_ANY);
            if (ep.cgroupId != 0) kernel.epCg.update(a.allocateFrom(JAVA_LONG, ep.cgroupId), v, BpfMap.BPF_ANY);
        }
    }

    /**
     * Bandwidth is shaped where it can be; a device it cannot be applied on (a root qdisc someone
     * else made) is reported, and the L3/L4 policy is put in force regardless.
     */
    private void applyLimits(Endpoint ep, CompiledPolicy cp) {
        try {
            shape(ep, cp);
            ep.problem = null;
        } catch (RuntimeException e) {
            ep.problem = "bandwidth limits not applied: " + e.getMessage();
            LOG.log(System.Logger.Level.WARNING, ep.spec.name() + ": " + ep.problem);
        }
    }

    private void shape(Endpoint ep, CompiledPolicy cp) {
        NetworkModel.Limit in = cp.ingressLimit(), eg = cp.egressLimit();
        if (ep.spec.underlay()) {
            // Container egress is the device's own egress: HTB's default class, as inside a veth's namespace.
            shapeEgress(ep, eg, ep.netns.path());
            if (in != null) {
                throw new IllegalStateException("ingress bandwidth is not shaped on an underlay interface (no host-side device to queue on)");
            }
            return;
        }
        if (in == null && ep.hostHtb != null) {
            ep.hostHtb.close();
            ep.hostHtb = null;
        } else if (in != null && ep.hostHtb == null) {
            ep.hostHtb = Htb.create(null, ep.spec.hostIfname(), in.rateBits(), in.ceilBits(), false);
        } else if (in != null) {
            ep.hostHtb.setRate(in.rateBits(), in.ceilBits());
        }
        if (eg != null && (ep.spec.netns() == null || ep.spec.innerIfname() == null)) {
            throw new IllegalStateException("container " + ep.spec.name() + ": egress bandwidth needs its network namespace");
        }
        shapeEgress(ep, eg, ep.spec.netns());
    }

    private static void shapeEgress(Endpoint ep, NetworkModel.Limit eg, Path netns) {
        if (eg == null && ep.innerHtb != null) {
            ep.innerHtb.close();
            ep.innerHtb = null;
        } else if (eg != null && ep.innerHtb == null) {
            ep.innerHtb = Htb.create(netns, ep.spec.innerIfname(), eg.rateBits(), eg.ceilBits(), true);
        } else if (eg != null) {
            ep.innerHtb.setRate(eg.rateBits(), eg.ceilBits());
        }
    }

    // --- reports -----------------------------------------------------------------------------

    public synchronized NetStats stats() {
        ensureOpen();
        reap(false);
        Map<String, NetStats.Row> rows = new TreeMap<>();
        int cpus = BpfMap.possibleCpus();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment key = a.allocate(NetWire.COUNTER_KEY), next = a.allocate(NetWire.COUNTER_KEY);
            MemorySegment values = a.allocate(NetWire.COUNTER.byteSize() * cpus, 8);
            MemorySegment cur = MemorySegment.NULL;
            while (kernel.counters.nextKey(cur, next)) {
                key.copyFrom(next);
                cur = key;
                if (!kernel.counters.lookup(key, values)) continue;
                long packets = 0, bytes = 0;
                for (int c = 0; c < cpus; c++) {
                    packets += values.get(JAVA_LONG, c * 16L);
                    bytes += values.get(JAVA_LONG, c * 16L + 8);
                }
                int epId = key.get(JAVA_INT, 0), ruleId = key.get(JAVA_INT, 4);
                String dir = key.get(JAVA_BYTE, 8) == 0 ? "ingress" : "egress";
                String action = key.get(JAVA_BYTE, 9) == NetWire.ACT_DENY ? "deny" : "allow";
                String layer = key.get(JAVA_BYTE, 10) == NetWire.LAYER_SOCK ? "socket" : "tc";
                Endpoint ep = byEpId.get(epId);
                String name = ep != null ? ep.spec.name() : retiredEndpoints.getOrDefault(epId, "ep-" + epId);
                String cid = ep != null ? ep.spec.id() : "";
                String rule = ruleLabels.getOrDefault(ruleId, "rule-" + ruleId);
                rows.put(name + "\0" + rule + "\0" + dir + "\0" + action + "\0" + layer,
                        new NetStats.Row(cid, name, rule, dir, action, layer, packets, bytes));
            }
        }
        Map<String, Long> errors = new LinkedHashMap<>();
        for (int i = 0; i < NetWire.ERROR_NAMES.size(); i++) errors.put(NetWire.ERROR_NAMES.get(i), kernel.errors.sumPerCpuCounter(i));
        int interfaces = 0;
        for (Endpoint ep : endpoints.values()) if (ep.tcIngress != null) interfaces++;
        return new NetStats(mode(), interfaces, endpoints.size(), List.copyOf(rows.values()), errors, countFlows());
    }

    private long countFlows() {
        long n = 0;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment key = a.allocate(NetWire.FLOW_KEY), next = a.allocate(NetWire.FLOW_KEY);
            MemorySegment cur = MemorySegment.NULL;
            while (kernel.flows.nextKey(cur, next) && n < 1_000_000) {
                key.copyFrom(next);
                cur = key;
                n++;
            }
        }
        return n;
    }

    /** Blocked flows, newest last; {@code container} (id, id prefix or name) narrows, null for all. */
    public synchronized List<FlowRecord> flows(String container) {
        ensureOpen();
        List<FlowRecord> out = new ArrayList<>();
        long bootToEpoch = Instant.now().toEpochMilli() * 1_000_000L - System.nanoTime();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment key = a.allocate(NetWire.FLOW_KEY), next = a.allocate(NetWire.FLOW_KEY), v = a.allocate(NetWire.FLOW);
            MemorySegment cur = MemorySegment.NULL;
            while (kernel.flows.nextKey(cur, next)) {
                key.copyFrom(next);
                cur = key;
                if (!kernel.flows.lookup(key, v)) continue;
                int epId = key.get(JAVA_INT, 0);
                Endpoint ep = byEpId.get(epId);
                String name = ep != null ? ep.spec.name() : retiredEndpoints.getOrDefault(epId, "ep-" + epId);
                String cid = ep != null ? ep.spec.id() : "";
                if (container != null && !(name.equals(container) || (!cid.isEmpty() && cid.startsWith(container)))) continue;
                int family = key.get(JAVA_BYTE, 6);
                int proto = Byte.toUnsignedInt(key.get(JAVA_BYTE, 5));
                out.add(new FlowRecord(cid, name, key.get(JAVA_BYTE, 4) == 0 ? "ingress" : "egress",
                        key.get(JAVA_BYTE, 7) == NetWire.LAYER_SOCK ? "socket" : "tc", protoName(proto, family),
                        address(key, 12, family), Short.toUnsignedInt(key.get(JAVA_SHORT, 8)),
                        address(key, 28, family), Short.toUnsignedInt(key.get(JAVA_SHORT, 10)),
                        ruleLabels.getOrDefault(v.get(JAVA_INT, 0), "rule-" + v.get(JAVA_INT, 0)),
                        epochNanos(bootToEpoch + v.get(JAVA_LONG, 8)), epochNanos(bootToEpoch + v.get(JAVA_LONG, 16)),
                        v.get(JAVA_LONG, 24), v.get(JAVA_LONG, 32)));
            }
        }
        out.sort(java.util.Comparator.comparing(FlowRecord::lastSeen));
        return out;
    }

    private static Instant epochNanos(long n) {
        return Instant.ofEpochSecond(n / 1_000_000_000L, n % 1_000_000_000L);
    }

    private static String address(MemorySegment key, long offset, int family) {
        byte[] b = key.asSlice(offset, family == 4 ? 4 : 16).toArray(JAVA_BYTE);
        try {
            return InetAddress.getByAddress(b).getHostAddress();
        } catch (UnknownHostException e) {
            return "?";
        }
    }

    private static String protoName(int proto, int family) {
        return switch (proto) {
            case 6 -> "TCP";
            case 17 -> "UDP";
            case 1 -> "ICMP";
            case 58 -> "ICMPv6";
            default -> "proto-" + proto + (family == 6 ? "/v6" : "");
        };
    }

    // --- safety --------------------------------------------------------------------------------

    /** A policy with a deny on the host's own uplink could cut the machine off: never attach there. */
    private static void refuseHostInterfaces(EndpointSpec spec) {
        // Underlay: the interface is inside the container's namespace, checked not to be the host's once it is open.
        if (spec.underlay()) {
            if (spec.innerIfname().equals("lo")) throw new IllegalArgumentException("refusing to attach network protection to lo");
            return;
        }
        String name = spec.hostIfname();
        if (name.equals("lo")) throw new IllegalArgumentException("refusing to attach network protection to lo");
        String routes = Commands.run(List.of("ip", "-o", "route", "show", "default")).output();
        for (String line : routes.lines().toList()) {
            if ((" " + line + " ").contains(" dev " + name + " ")) {
                throw new IllegalArgumentException("refusing to attach network protection to " + name + ": it carries the host's default route");
            }
        }
    }

    private static void refuseForeignCgroup(Path dir) {
        Path d = dir.toAbsolutePath().normalize();
        if (d.equals(Path.of("/sys/fs/cgroup/unified")) || d.equals(Path.of("/sys/fs/cgroup"))) {
            throw new IllegalArgumentException("refusing to attach socket hooks to the root cgroup " + d);
        }
    }

    private static int ifindex(String ifname) {
        try {
            return Integer.parseInt(Files.readString(Path.of("/sys/class/net", ifname, "ifindex")).strip());
        } catch (IOException e) {
            throw new IllegalStateException("interface " + ifname + " not found: " + e.getMessage(), e);
        }
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("network enforcer is closed");
    }

    /** Detaches from every container; the kernel objects go with it. */
    @Override
    public synchronized void close() {
        if (closed) return;
        for (String id : List.copyOf(endpoints.keySet())) {
            try {
                release(id);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "releasing " + id + ": " + e.getMessage());
            }
        }
        closed = true;
        reap(true);
        kernel.close();
    }

    private static final class Endpoint {
        final EndpointSpec spec;
        final int epId;
        int ifindex;
        long cgroupId;
        Written written;
        TcAttachment tcIngress, tcEgress;
        final List<BpfLink> sockLinks = new ArrayList<>();
        Htb hostHtb, innerHtb;
        /** Underlay mode: the container's namespace, held until every attachment in it is closed. */
        NetNamespace netns;
        String problem;

        Endpoint(EndpointSpec spec, int epId) {
            this.spec = spec;
            this.epId = epId;
        }

        /** Everything attached, in reverse; each step tolerates a device already gone with its container. */
        void detach(NetKernel kernel) {
            for (BpfLink l : sockLinks) closeQuietly(l);
            sockLinks.clear();
            closeQuietly(tcIngress);
            closeQuietly(tcEgress);
            closeQuietly(hostHtb);
            closeQuietly(innerHtb);
            closeQuietly(netns);
            tcIngress = tcEgress = null;
            hostHtb = innerHtb = null;
            netns = null;
        }

        private void closeQuietly(AutoCloseable c) {
            if (c == null) return;
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "detaching " + c + " from " + spec.name() + ": " + e.getMessage());
            }
        }
    }
}
