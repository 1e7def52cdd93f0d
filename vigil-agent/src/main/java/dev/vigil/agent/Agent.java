package dev.vigil.agent;

import dev.vigil.agent.api.ApiServer;
import dev.vigil.agent.api.SubscriptionHub;
import dev.vigil.agent.config.AgentConfig;
import dev.vigil.agent.metrics.MetricsServer;
import dev.vigil.agent.policy.PolicyRegistry;
import dev.vigil.agent.detect.RuleDetector;
import dev.vigil.agent.detect.SyscallKinds;
import dev.vigil.agent.detect.SyscallStage;
import dev.vigil.agent.guard.EscapeGuard;
import dev.vigil.rules.RuleEngine;
import dev.vigil.rules.RuleLoadException;
import dev.vigil.rules.RuleReport;
import dev.vigil.agent.guard.GuardStage;
import dev.vigil.agent.sensor.SensorSet;
import dev.vigil.agent.sensor.SensorSpec;
import dev.vigil.agent.sensor.Sensors;
import dev.vigil.agent.sensor.SensorStatus;
import dev.vigil.agent.store.StoreOpener;
import dev.vigil.agent.store.StoreSink;
import dev.vigil.store.EventStore;
import dev.vigil.agent.pipeline.AlertCounter;
import dev.vigil.agent.pipeline.EventPipeline;
import dev.vigil.agent.sensor.CoreMaps;
import dev.vigil.containers.ContainerInfo;
import dev.vigil.containers.ContainerInventory;
import dev.vigil.containers.ContainerLifecycleListener;
import dev.vigil.containers.ContainerSource;
import dev.vigil.containers.DockerApiSource;
import dev.vigil.containers.cri.CriSource;
import dev.vigil.containers.RiskAssessor;
import dev.vigil.events.container.CgroupTracker;
import dev.vigil.events.container.InventoryResolver;
import dev.vigil.events.container.ContainerEvent;
import dev.vigil.events.output.CompactEventWriter;
import dev.vigil.events.output.EventSink;
import dev.vigil.events.output.JsonEventWriter;
import dev.vigil.events.process.ContainerResolver;
import dev.vigil.events.process.ExecIds;
import dev.vigil.events.process.ProcScanner;
import dev.vigil.events.process.ProcessCache;
import dev.vigil.events.process.ProcessInfo;
import dev.vigil.events.process.ProcessTracker;
import dev.vigil.kernel.Filesystems;
import dev.vigil.kernel.KernelClock;
import dev.vigil.kernel.LibbpfLog;
import dev.vigil.kernel.RingBuffer;
import dev.vigil.kernel.probe.FeatureStatus;
import dev.vigil.kernel.probe.KernelFeatures;
import dev.vigil.kernel.wire.Wire;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The per-host agent: probes the kernel, loads and attaches the sensors, learns the processes
 * already running, and runs the event pipeline until closed. Closing detaches every program.
 */
public final class Agent implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Agent.class.getName());

    private final AgentConfig config;
    private final KernelFeatures features;
    private final CoreMaps core;
    private final SensorSet sensors;
    private final RingBuffer ring;
    private final ProcessCache cache;
    private final EventPipeline pipeline;
    private final ContainerInventory containers;
    private final InventoryResolver resolver;
    private final List<EventSink> sinks;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final String node;
    private volatile Map<String, Long> lastReportedDrops = Map.of();
    private boolean closed;
    private final KernelClock clock;
    private final Instant startedAt = Instant.now();
    private EventStore store;
    private StoreSink storeSink;
    private PolicyRegistry policies;
    private SubscriptionHub subscriptions;
    private ApiServer api;
    private MetricsServer metrics;
    private EscapeGuard guard;
    private RuleDetector rules;
    private SyscallStage syscallStage;
    private final AlertCounter alertCounter = new AlertCounter();
    private dev.vigil.agent.net.NetworkProtection network;

    private Agent(AgentConfig config, List<EventSink> extraSinks) {
        this.config = config;
        LibbpfLog.install();
        this.features = KernelFeatures.probe();
        for (FeatureStatus s : features.all().values()) LOG.log(System.Logger.Level.INFO, "feature " + s.summaryLine());
        this.node = config.node().isEmpty() ? hostname() : config.node();
        KernelClock clock = new KernelClock();
        this.clock = clock;
        ExecIds ids = new ExecIds(node);
        this.cache = new ProcessCache(config.processCache().maxEntries(), TimeUnit.SECONDS.toNanos(config.processCache().exitedGraceSeconds()));
        this.core = CoreMaps.create(features, config.ringBuffer().sizeBytes(), config.ringBuffer().wakeupBytes());
        this.sensors = new SensorSet(core, features);
        RingBuffer r = null;
        ContainerInventory inv = null;
        EventPipeline p = null;
        try {
            r = RingBuffer.open(core.ring());
            inv = containerInventory(config.containers());
            ContainerInventory inventory = inv;
            InventoryResolver resolver = new InventoryResolver(inventory);
            this.resolver = resolver;
            this.policies = PolicyRegistry.load(Path.of(config.policies().dir()));
            this.store = StoreOpener.open(config.store());
            List<EventSink> all = new ArrayList<>();
            all.add(outputSink(config.output(), clock));
            this.storeSink = new StoreSink(store, Set.copyOf(config.store().types()), node, clock::toEpochNanos);
            all.add(storeSink);
            all.add(alertCounter);
            all.addAll(extraSinks);
            this.sinks = all;
            this.ring = r;
            this.containers = inv;
            ProcessTracker tracker = new ProcessTracker(ids, cache, resolver);
            PolicyRegistry registry = policies;
            this.guard = new EscapeGuard(core, features, registry::policies, Filesystems.cgroup2Root(),
                    config.containers().runtimeSocket().isEmpty() ? List.of() : List.of(config.containers().runtimeSocket()),
                    this::guardProgramAttached);
            EscapeGuard g = guard;
            GuardStage guardStage = new GuardStage(cache, resolver, g::hostMounts, g::library);
            this.rules = detector(config.rules(), cache);
            RuleDetector detector = rules;
            this.syscallStage = new SyscallStage(cache, detector);
            this.pipeline = p = new EventPipeline(ring, List.of(tracker, new CgroupTracker(inventory), guardStage, syscallStage), cache, inventory, sinks, clock,
                    config.ringBuffer().pollMillis(), this::reportLosses, detector == null ? (e, out) -> {} : detector::observe);
            syscallStage.output(p::emitFromStage);
            // Before the syscalls sensor loads: its programs send nothing until this is written.
            SyscallKinds.Need need = syscallFilter(config.rules(), detector);
            core.setSyscallFilter(need.kinds(), need.openAny(), need.openPaths());
            inventory.addListener(new ContainerEvents(pipeline));
            inventory.addListener(guard);
            policies.onChange(guard::recompile);
            this.network = dev.vigil.agent.net.NetworkProtection.start(policies, config.network().underlayInterface());
            inventory.addListener(network);
            this.subscriptions = new SubscriptionHub(pipeline::addSink, pipeline::removeSink, node, clock::toEpochNanos, 4096);
            // Up before any sensor attaches: a second agent on the same socket fails before loading
            // anything, and once events flow start() is about to return (the CLI then hooks SIGTERM).
            this.api = ApiServer.start(this, config.api());
            if (config.metrics().enabled()) {
                this.metrics = MetricsServer.start(this, AgentConfig.hostPort("metrics.address", config.metrics().address()));
            }
            // Locked: the API is already up, and a feature switch must not interleave with the first load.
            sensors.loadAll();
            guard.start();
            inventory.start();
            seedRunningProcesses(ids, resolver);
            pipeline.start();
        } catch (RuntimeException e) {
            if (api != null) api.close();
            if (metrics != null) metrics.close();
            if (p != null) {
                try {
                    p.close();
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
            if (store != null) store.close();
            if (inv != null) inv.close();
            if (guard != null) guard.close();
            closeQuietly("network protection", network);
            if (r != null) r.close();
            sensors.close();
            core.close();
            throw e;
        }
    }

    /** The syscall kinds the kernel sends: those the loaded rules read, or all with rules.collectAll. */
    private static SyscallKinds.Need syscallFilter(AgentConfig.RulesConfig c, RuleDetector detector) {
        if (Boolean.TRUE.equals(c.collectAll())) {
            LOG.log(System.Logger.Level.INFO, "syscall kinds sent by the kernel: all (rules.collectAll)");
            return SyscallKinds.Need.ALL_KINDS;
        }
        if (detector == null) {
            LOG.log(System.Logger.Level.INFO, "syscall kinds sent by the kernel: none (rules disabled)");
            return new SyscallKinds.Need(0, 0, Map.of(), Set.of(), false);
        }
        SyscallKinds.Need need = SyscallKinds.needed(detector.engine().rules());
        LOG.log(System.Logger.Level.INFO, need.describe());
        return need;
    }

    /** Syscall records by kind: sent by the kernel, received by the agent, and dropped in the kernel because no rule reads the kind. */
    public record SyscallStats(Map<String, Long> sent, Map<String, Long> received, Map<String, Long> filtered) {
        public long totalReceived() {
            return received.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    public SyscallStats syscallStats() {
        Map<String, Long> sent = new LinkedHashMap<>(), received = new LinkedHashMap<>(), filtered = new LinkedHashMap<>();
        for (int k = 0; k < Wire.SYSCALL_KIND_NAMES.size(); k++) {
            String name = Wire.SYSCALL_KIND_NAMES.get(k);
            sent.put(name, core.syscallsSent(k));
            received.put(name, syscallStage.received(k));
            filtered.put(name, core.syscallsFiltered(k));
        }
        return new SyscallStats(sent, received, filtered);
    }

    /** The shipped rules plus the configured files; a file that does not load stops the agent with its errors. */
    private static RuleDetector detector(AgentConfig.RulesConfig c, ProcessCache cache) {
        if (!c.enabled()) return null;
        try {
            RuleEngine engine = RuleEngine.load(c.files().stream().map(Path::of).toList(), cache::get);
            var report = engine.rules().report();
            LOG.log(System.Logger.Level.INFO, "detection rules: " + report.count(RuleReport.Status.LOADED) + " loaded, "
                    + report.count(RuleReport.Status.SKIPPED) + " skipped (fields Vigil does not provide), "
                    + report.count(RuleReport.Status.DISABLED) + " disabled");
            report.warnings().forEach(w -> LOG.log(System.Logger.Level.INFO, "detection rules: " + w));
            return new RuleDetector(engine, cache);
        } catch (RuleLoadException e) {
            throw new IllegalStateException("detection rules did not load:\n" + String.join("\n", e.errors()), e);
        }
    }

    private static ContainerInventory containerInventory(AgentConfig.ContainersConfig c) {
        ContainerSource source = c.runtimeSocket().isEmpty() ? ContainerInventory.hostSource() : sourceFor(Path.of(c.runtimeSocket()));
        return ContainerInventory.builder()
                .primary(source)
                .gracePeriod(Duration.ofSeconds(c.graceSeconds()))
                .maxEntries(c.maxEntries())
                .build();
    }

    /** A configured socket speaks CRI (containerd, CRI-O) if it answers CRI's Version call, else the Docker API. */
    private static ContainerSource sourceFor(Path socket) {
        return CriSource.detect(List.of(socket), CriSource.Options.defaults())
                .<ContainerSource>map(cri -> cri)
                .orElseGet(() -> new DockerApiSource(socket));
    }

    /** Turns the inventory's lifecycle callbacks into events, with risk findings at start. */
    private record ContainerEvents(EventPipeline pipeline) implements ContainerLifecycleListener {
        private static final RiskAssessor RISK = new RiskAssessor();

        @Override
        public void containerStarted(ContainerInfo c) {
            long now = KernelClock.bootNanos();
            pipeline.offer(new ContainerEvent(ContainerEvent.Kind.START, now, c, List.of()));
            if (c.config() != null) pipeline.offer(new ContainerEvent(ContainerEvent.Kind.RISK, now, c, RISK.assess(c)));
        }

        @Override
        public void containerStopped(ContainerInfo c) {
            pipeline.offer(new ContainerEvent(ContainerEvent.Kind.STOP, KernelClock.bootNanos(), c, List.of()));
        }
    }

    /** Starts an agent; extra sinks (tests, the API stream) receive every event besides the configured output. */
    public static Agent start(AgentConfig config, List<EventSink> extraSinks) {
        return new Agent(config, extraSinks);
    }

    private void seedRunningProcesses(ExecIds ids, ContainerResolver resolver) {
        List<ProcessInfo> running;
        try {
            running = new ProcScanner(Path.of("/proc"), ids, Filesystems.cgroup2Root()).scan();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not scan /proc for running processes: " + e.getMessage());
            return;
        }
        int seeded = 0;
        try (Arena arena = Arena.ofConfined()) {
            for (ProcessInfo p : running) {
                cache.putIfAbsent(p.withContainer(resolver.resolve(p.cgroupId(), p.pid(), p.ns().mnt())));
                if (core.seedProcess(p.pid(), p.execKtime(), arena)) seeded++;
            }
        }
        LOG.log(System.Logger.Level.INFO, "found " + running.size() + " running processes (" + seeded + " new to the kernel table)");
    }

    private EventSink outputSink(AgentConfig.Output output, KernelClock clock) {
        OutputStream stream;
        if (output.path() == null || output.path().isEmpty()) {
            stream = new FileOutputStream(java.io.FileDescriptor.out);
        } else {
            try {
                Path path = Path.of(output.path());
                if (path.getParent() != null) Files.createDirectories(path.getParent());
                stream = new FileOutputStream(path.toFile(), true);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open output " + output.path(), e);
            }
        }
        OutputStream buffered = new BufferedOutputStream(stream, 1 << 16);
        return switch (output.format()) {
            case JSON -> new JsonEventWriter(buffered, node, clock::toEpochNanos);
            case COMPACT -> new CompactEventWriter(new PrintStream(buffered, false, StandardCharsets.UTF_8), clock::toEpochNanos);
        };
    }

    private static String hostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            return "localhost";
        }
    }

    public String node() {
        return node;
    }

    public KernelFeatures features() {
        return features;
    }

    public ContainerInventory containers() {
        return containers;
    }

    public AgentConfig config() {
        return config;
    }

    public AgentStats stats() {
        Map<String, Long> drops = new LinkedHashMap<>();
        for (int type = 1; type < Wire.EVENT_TYPE_NAMES.size(); type++) drops.put(Wire.EVENT_TYPE_NAMES.get(type), core.ringDrops(type));
        Map<String, Long> errors = new LinkedHashMap<>();
        for (int i = 0; i < Wire.ERROR_NAMES.size(); i++) errors.put(Wire.ERROR_NAMES.get(i), core.errors(i));
        return new AgentStats(drops, errors, ring.records(), ring.bytes(), ring.handlerFailures(), pipeline.unknownRecords(),
                pipeline.events(), pipeline.sinkFailures(), pipeline.sideDropped(), cache.liveCount(), cache.exitedCount(), cache.evictions(),
                cache.reconciled(), containers.size(), containers.evictions(), containers.activeSource(),
                pipeline.eventsByType(), store.health().dropped() + storeSink.failures(), subscriptions.droppedTotal(),
                pipeline.eventsWithoutContainerDetails(), resolver.placedByNamespace(), resolver.conflicts());
    }

    /** Runs on the pipeline thread once a second: a loss is logged the moment its counter moves. */
    private void reportLosses() {
        AgentStats s = stats();
        Map<String, Long> now = new LinkedHashMap<>();
        s.kernelRingDrops().forEach((k, v) -> now.put("kernel ring full, " + k + " records", v));
        // Repeated alert-only findings are left out on purpose (counted, not lost): no warning for them.
        s.kernelErrors().forEach((k, v) -> { if (!k.equals("alert_repeat")) now.put("kernel error " + k, v); });
        now.put("records the agent failed to process", s.recordFailures());
        now.put("records of unknown type", s.unknownRecords());
        now.put("process cache evictions", s.processCacheEvictions());
        now.put("container events dropped (queue full)", s.sideEventsDropped());
        now.put("container inventory evictions", s.containerEvictions());
        now.put("events the store could not keep", s.storeDropped());
        now.put("events dropped for slow API subscribers", s.streamDropped());
        now.put("container events written without the container's name and image", s.eventsWithoutContainerDetails());
        Map<String, Long> before = lastReportedDrops;
        for (Map.Entry<String, Long> e : now.entrySet()) {
            long delta = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            if (delta > 0) {
                LOG.log(System.Logger.Level.WARNING, "lost: " + e.getKey() + " +" + delta + " (total " + e.getValue() + ")"
                        + (e.getKey().startsWith("records the agent") && ring.lastFailure() != null ? ", last cause: " + ring.lastFailure() : ""));
            }
        }
        lastReportedDrops = now;
    }

    private static void closeQuietly(String what, AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "closing the " + what + " failed: " + e);
        }
    }

    public Instant startedAt() {
        return startedAt;
    }

    public KernelClock clock() {
        return clock;
    }

    public EventStore store() {
        return store;
    }

    public PolicyRegistry policies() {
        return policies;
    }

    public SubscriptionHub subscriptions() {
        return subscriptions;
    }

    public CoreMaps coreMaps() {
        return core;
    }

    public int processCacheMaxEntries() {
        return config.processCache().maxEntries();
    }

    /** The socket path the API listens on (tests read it back). */
    public ApiServer api() {
        return api;
    }

    public MetricsServer metrics() {
        return metrics;
    }

    public dev.vigil.agent.net.NetworkProtection network() {
        return network;
    }

    /** Every known sensor with its state, in load order. */
    public List<SensorStatus> sensors() {
        return sensors.statuses();
    }

    /**
     * Switches a sensor at runtime. Disabling closes its BPF object, so its programs leave the
     * kernel; enabling loads and attaches them again. NoSuchElementException for an unknown
     * name; IllegalStateException (with the kernel's reason) when it cannot load.
     */
    public SensorStatus setSensorEnabled(String name, boolean enabled) {
        SensorStatus s = sensors.setEnabled(name, enabled);
        guard.recompile(); // the LSM exec program's share of the command rules follows it
        return s;
    }

    private boolean guardProgramAttached(String program) {
        for (SensorSpec spec : List.of(Sensors.ESCAPE_COMMANDS, Sensors.ESCAPE_FILES, Sensors.ESCAPE_PRIVOPS)) {
            var s = sensors.attached(spec.name());
            if (s.isPresent() && s.get().programs().stream().anyMatch(p -> p.program().equals(program))) return true;
        }
        return false;
    }

    /** Alerts so far, by rule, and blocks by mechanism (for the metrics). */
    public AlertCounter alerts() {
        return alertCounter;
    }

    /** The detection rules in force, or null when disabled in the configuration. */
    public RuleDetector rules() {
        return rules;
    }

    /** Escape protection: per-protection actions and enforcement mechanisms in force. */
    public EscapeGuard guard() {
        return guard;
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            // The API goes first: no feature switch or stream may race the teardown below. Streams
            // are ended first, so the server's shutdown has no open call to wait for.
            subscriptions.close();
            closeQuietly("API server", api);
            closeQuietly("metrics endpoint", metrics);
            sensors.detachAll(); // nothing new arrives while the pipeline drains the ring
            pipeline.close();
            for (EventSink sink : sinks) {
                try {
                    sink.close();
                } catch (RuntimeException e) {
                    // A reader that went away (a closed pipe) must not stop the detach below.
                    LOG.log(System.Logger.Level.WARNING, "closing an output failed: " + e.getMessage());
                }
            }
            LOG.log(System.Logger.Level.INFO, "stopped; " + stats());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly("event store", store);
            ring.close();
            containers.close();
            closeQuietly("escape guard", guard);
            closeQuietly("network protection", network);
            sensors.close();
            core.close();
            stopped.countDown();
        }
    }
}
