package dev.vigil.containers;

import dev.vigil.containers.cri.CriSource;

import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Live set of containers on this host, and the map from kernel cgroup ids to them.
 *
 * <p>The preferred source (the runtime's API) is used while its event feed is up; whenever it
 * is missing, down or answering garbage the inventory keeps itself current by scanning cgroup
 * membership in /proc instead, and resyncs when the feed returns. Richer information (names,
 * images, configuration) is never replaced by the fallback's poorer view.
 *
 * <p>Stopped containers stay resolvable for a grace period because their last events are
 * still in flight when the runtime reports the stop. The number of entries is capped; when
 * full, the oldest stopped (else oldest running) entry is evicted and counted.
 *
 * <p>Lookups are lock-free; changes happen on one daemon worker thread, except that
 * {@link #resolve(long, int)} may record a container it discovers in /proc on the caller's
 * thread.
 */
public final class ContainerInventory implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ContainerInventory.class.getName());
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_ENTRIES = 4096;
    /** How long "this cgroup id is no container" is believed; new containers get new ids. */
    private static final long NOT_CONTAINER_TTL_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long RUNNING = Long.MIN_VALUE;

    /** Where an entry's information came from, poorest first. */
    private enum Origin { PROBE, FALLBACK, PRIMARY }

    /**
     * @param cgroupIds ids of the container's own cgroup and of sub-cgroups seen inside it;
     *                  shared across replacements of the entry so removal can unindex them
     */
    private record Entry(ContainerInfo info, Origin origin, long seq, long stoppedAt, Set<Long> cgroupIds) {
        boolean running() {
            return stoppedAt == RUNNING;
        }

        Entry with(ContainerInfo newInfo, Origin newOrigin, long newStoppedAt) {
            return new Entry(newInfo, newOrigin, seq, newStoppedAt, cgroupIds);
        }
    }

    private final ContainerSource primary;
    private final ContainerSource fallback;
    private final CgroupFs cgroupFs;
    private final long graceNanos;
    private final int maxEntries;
    private final int maxCgroupIds;
    private final int maxNotContainer;
    private final Duration fallbackInterval;
    private final Duration reapInterval;
    private final LongSupplier ticker;

    private final Map<String, Entry> byId = new ConcurrentHashMap<>();
    /** Per container run: whether its start, then its stop, went to the listeners. */
    private final Map<String, Boolean> announced = new ConcurrentHashMap<>();
    /**
     * cgroup v2 id to path, for every cgroup that existed at start (one walk of the tree) or was
     * made since (the kernel's cgroup_mkdir records): with the path known, resolving an id never
     * needs /proc, and a host cgroup is known as such for good.
     */
    private final Map<Long, String> cgroupPaths = new ConcurrentHashMap<>();
    private static final int MAX_CGROUP_PATHS = 65536;
    private static final long FOREVER = Long.MAX_VALUE / 4;
    /**
     * Mount namespace inode to container id, from each container's first process: the design's
     * way to place a process (its namespaces) beside the cgroup id, for processes that joined a
     * container's namespaces but not its cgroup (nsenter from the host) and as a cross-check.
     */
    private final Map<Long, String> byMntNs = new ConcurrentHashMap<>();
    /** The agent's own mount namespace, the host's: read once, it does not change. */
    private final long hostMntNs;
    /** Containers learnt from their cgroup whose runtime details are still being asked for. */
    private final Set<String> pendingEnrichment = ConcurrentHashMap.newKeySet();
    private final Map<Long, String> byCgroup = new ConcurrentHashMap<>();
    private final Map<Long, Long> notContainer = new ConcurrentHashMap<>();
    private final List<ContainerLifecycleListener> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private final AtomicLong seq = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();
    private final ScheduledExecutorService worker;

    private volatile boolean primaryWatchUp;
    private volatile boolean primaryActive;
    private volatile Closeable primaryWatch;
    private volatile boolean closed;

    private ContainerInventory(Builder b) {
        this.primary = b.primary;
        this.cgroupFs = b.cgroupFs != null ? b.cgroupFs : CgroupFs.detect();
        this.hostMntNs = ProcNamespaces.inode(cgroupFs.procRoot(), "self", "mnt");
        this.fallback = b.fallback != null ? b.fallback
                : (b.noFallback ? null : new CgroupSource(cgroupFs, b.fallbackInterval));
        this.graceNanos = b.grace.toNanos();
        this.maxEntries = b.maxEntries;
        this.maxCgroupIds = Math.max(1024, b.maxEntries * 4);
        this.maxNotContainer = 16384;
        this.fallbackInterval = b.fallbackInterval;
        this.reapInterval = b.reapInterval;
        this.ticker = b.ticker;
        this.worker = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("vigil-inventory").factory());
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The inventory for this host: CRI (containerd, CRI-O) when one of
     * {@link CriSource#defaultSockets()} answers, else the Docker API on the first runtime
     * socket present (Docker, or Podman's compat service); cgroup scanning as fallback.
     */
    public static ContainerInventory forHost() {
        return builder().primary(hostSource()).build();
    }

    /** The runtime source {@link #forHost()} uses: CRI when a CRI socket answers, else the Docker API. */
    public static ContainerSource hostSource() {
        return CriSource.detect(CriSource.defaultSockets(), CriSource.Options.defaults())
                .<ContainerSource>map(cri -> cri)
                .orElseGet(() -> new DockerApiSource(defaultDockerSocket()));
    }

    /**
     * $DOCKER_HOST if it names a unix socket, else the first of the usual sockets that exists,
     * else Docker's default path (a runtime started later is picked up by reconnecting).
     */
    public static Path defaultDockerSocket() {
        String env = System.getenv("DOCKER_HOST");
        if (env != null && env.startsWith("unix://")) {
            return Path.of(env.substring("unix://".length()));
        }
        List<Path> candidates = List.of(Path.of("/var/run/docker.sock"), Path.of("/run/podman/podman.sock"));
        return candidates.stream().filter(Files::exists).findFirst().orElse(candidates.getFirst());
    }

    // ---------------------------------------------------------------------------------------
    // Lifecycle

    /** Subscribes to the primary's events, populates the inventory and starts housekeeping. */
    public void start() {
        learnCgroupTree();
        if (primary != null) {
            primaryWatch = primary.watch(event -> submit(() -> onPrimaryEvent(event)), new PrimaryStatus());
        }
        try {
            // On the worker, so it is ordered with the event handling the watch already queues.
            worker.submit(this::initialSync).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.WARNING, "initial container scan did not finish; continuing", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        worker.scheduleWithFixedDelay(safely(this::fallbackTick), fallbackInterval.toMillis(),
                fallbackInterval.toMillis(), TimeUnit.MILLISECONDS);
        worker.scheduleWithFixedDelay(safely(this::reap), reapInterval.toMillis(),
                reapInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        closed = true;
        Closeable watch = primaryWatch;
        if (watch != null) {
            try {
                watch.close();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "closing the runtime watch failed", e);
            }
        }
        worker.shutdownNow();
        try {
            worker.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Sources with their own connections (the CRI channel and its event loop) end with us.
        if (primary instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(Level.DEBUG, "closing the runtime source failed", e);
            }
        }
    }

    public void addListener(ContainerLifecycleListener listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    public void removeListener(ContainerLifecycleListener listener) {
        listeners.remove(listener);
    }

    // ---------------------------------------------------------------------------------------
    // Lookups

    /** A container by full id, running or within its grace period. */
    public Optional<ContainerInfo> get(String id) {
        Entry e = byId.get(id);
        return e == null ? Optional.empty() : Optional.of(e.info());
    }

    public boolean isRunning(String id) {
        Entry e = byId.get(id);
        return e != null && e.running();
    }

    /** All known containers, including stopped ones within their grace period. */
    public List<ContainerInfo> containers() {
        return byId.values().stream().sorted(Comparator.comparingLong(Entry::seq)).map(Entry::info).toList();
    }

    /** The container whose cgroup (or a sub-cgroup seen before) has this kernel cgroup id. */
    public Optional<ContainerInfo> resolveCgroupId(long cgroupId) {
        String id = byCgroup.get(cgroupId);
        return id == null ? Optional.empty() : get(id);
    }

    /**
     * Like {@link #resolveCgroupId(long)}, and on a miss asks /proc which cgroup {@code pid} is
     * in: below a known container's cgroup, or named like a container's, it is that container
     * (recorded if new, then enriched from the runtime in the background). Results are cached
     * only if the pid still lives in {@code cgroupId}, since pids get reused.
     */
    public Optional<ContainerInfo> resolve(long cgroupId, int pid) {
        Optional<ContainerInfo> hit = resolveCgroupId(cgroupId);
        if (hit.isPresent()) {
            return hit;
        }
        long now = ticker.getAsLong();
        Long notUntil = notContainer.get(cgroupId);
        if (notUntil != null && notUntil - now > 0) {
            return Optional.empty();
        }
        String knownPath = cgroupPaths.get(cgroupId);
        if (knownPath != null) {
            Optional<ContainerInfo> byPath = resolvePath(cgroupId, knownPath);
            if (byPath.isEmpty()) {
                if (notContainer.size() >= maxNotContainer) notContainer.clear();
                notContainer.put(cgroupId, now + FOREVER);
            }
            return byPath;
        }
        if (pid <= 0) {
            return Optional.empty();
        }
        List<CgroupFs.Membership> memberships = cgroupFs.memberships(pid);
        if (memberships.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> v2Path = memberships.stream().filter(CgroupFs.Membership::isV2)
                .map(CgroupFs.Membership::path).findFirst();
        boolean stillThere = v2Path.isPresent()
                && cgroupFs.cgroupId(v2Path.get()).equals(OptionalLong.of(cgroupId));
        Entry found = v2Path.map(this::entryContaining).orElse(null);
        if (found == null) {
            Optional<CgroupMatch> match = CgroupFs.containerIn(memberships);
            if (match.isPresent()) {
                found = byId.get(match.get().containerId());
                if (found == null) {
                    found = learnFromProbe(match.get());
                }
            }
        }
        if (found != null) {
            if (stillThere) {
                indexCgroup(found, cgroupId);
            }
            return Optional.of(found.info());
        }
        if (stillThere) {
            if (notContainer.size() >= maxNotContainer) {
                notContainer.clear();
            }
            notContainer.put(cgroupId, now + NOT_CONTAINER_TTL_NANOS);
        }
        return Optional.empty();
    }

    /**
     * The container whose first process lives in mount namespace {@code mntNs}, checked against
     * /proc: namespace inode numbers are reused once a namespace dies, so a short-lived container's
     * number may already belong to a new one. A stale entry is dropped.
     */
    public Optional<ContainerInfo> resolveMountNamespace(long mntNs) {
        String id = mntNs == 0 ? null : byMntNs.get(mntNs);
        if (id == null) return Optional.empty();
        Optional<ContainerInfo> c = get(id);
        if (c.isEmpty() || c.get().initPid() <= 0 || ProcNamespaces.inode(cgroupFs.procRoot(), c.get().initPid(), "mnt") != mntNs) {
            byMntNs.remove(mntNs, id);
            return Optional.empty();
        }
        return c;
    }

    /** The id {@link #resolveMountNamespace} would check, without the /proc read: for cheap comparisons. */
    public Optional<String> mountNamespaceOwner(long mntNs) {
        return Optional.ofNullable(mntNs == 0 ? null : byMntNs.get(mntNs));
    }

    private Optional<ContainerInfo> resolvePath(long cgroupId, String path) {
        Entry found = entryContaining(path);
        if (found == null) {
            Optional<CgroupMatch> match = CgroupPaths.parse(path);
            if (match.isEmpty()) return Optional.empty();
            found = byId.get(match.get().containerId());
            if (found == null) found = learnFromProbe(match.get());
        }
        if (found == null) return Optional.empty();
        synchronized (lock) {
            Entry current = byId.get(found.info().id());
            if (current != null) indexCgroup(current, cgroupId);
        }
        return Optional.of(found.info());
    }

    private void rememberCgroup(long cgroupId, String path) {
        if (cgroupPaths.size() < MAX_CGROUP_PATHS || cgroupPaths.containsKey(cgroupId)) cgroupPaths.put(cgroupId, path);
    }

    /** One walk of the cgroup v2 tree: the id (directory inode) and path of every cgroup now. */
    private void learnCgroupTree() {
        Optional<Path> root = cgroupFs.v2Root();
        if (root.isEmpty()) return;
        try (var dirs = Files.walk(root.get(), 64)) {
            dirs.filter(Files::isDirectory).limit(MAX_CGROUP_PATHS).forEach(dir -> {
                try {
                    long ino = ((Number) Files.getAttribute(dir, "unix:ino")).longValue();
                    String rel = root.get().relativize(dir).toString();
                    rememberCgroup(ino, "/" + rel);
                } catch (IOException | RuntimeException e) {
                    // a cgroup removed during the walk
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            LOG.log(Level.DEBUG, "walking the cgroup tree failed: {0}", e.toString());
        }
    }

    /**
     * True while the runtime is being asked about a container first seen through its cgroup:
     * its name, image and labels are not known yet but soon will be (or never will, if it is
     * gone before the runtime answers).
     */
    public boolean enrichmentPending(String id) {
        return pendingEnrichment.contains(id);
    }

    /**
     * Listeners hear start before stop, once each per run, whichever thread learns what first:
     * a container that ends before its start could be announced is announced started, then stopped.
     */
    private Runnable announceStart(ContainerInfo info) {
        return () -> {
            if (announced.putIfAbsent(info.id(), Boolean.FALSE) == null) listeners.forEach(l -> l.containerStarted(info));
        };
    }

    private Runnable announceStop(ContainerInfo info) {
        return () -> {
            Boolean before = announced.put(info.id(), Boolean.TRUE);
            if (Boolean.TRUE.equals(before)) return;
            if (before == null) listeners.forEach(l -> l.containerStarted(info));
            listeners.forEach(l -> l.containerStopped(info));
        };
    }

    /** Entries, including stopped ones in their grace period. */
    public int size() {
        return byId.size();
    }

    /** Entries dropped because the inventory was full. */
    public long evictions() {
        return evictions.get();
    }

    /** Name of the source currently keeping the inventory current. */
    public String activeSource() {
        if (primary != null && primaryActive) {
            return primary.name();
        }
        return fallback != null ? fallback.name() : "none";
    }

    // ---------------------------------------------------------------------------------------
    // Feeding (worker thread)

    private final class PrimaryStatus implements ContainerSource.WatchStatus {
        @Override
        public void connected() {
            primaryWatchUp = true;
            submit(ContainerInventory.this::resyncPrimary);
        }

        @Override
        public void disconnected(Exception cause) {
            primaryWatchUp = false;
            if (primaryActive) {
                primaryActive = false;
                LOG.log(Level.WARNING, "{0} unavailable ({1}); scanning cgroups until it returns",
                        primary.name(), String.valueOf(cause));
            }
            submit(ContainerInventory.this::syncFallback);
        }
    }

    private void initialSync() {
        if (primary != null) {
            try {
                apply(primary.list(), Origin.PRIMARY);
                // Only trust the primary alone once its event feed is up (see PrimaryStatus).
                primaryActive = primaryWatchUp;
                if (primaryActive) {
                    return;
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.INFO, "{0} not answering ({1}); using {2}", primary.name(), e.toString(),
                        fallback == null ? "nothing" : fallback.name());
            }
        }
        syncFallback();
    }

    /** After each (re)connect events may have been missed: take the runtime's full list. */
    private void resyncPrimary() {
        if (!primaryWatchUp) {
            return;
        }
        try {
            apply(primary.list(), Origin.PRIMARY);
            if (!primaryActive) {
                LOG.log(Level.INFO, "tracking containers through {0}", primary.name());
            }
            primaryActive = true;
        } catch (IOException | RuntimeException e) {
            primaryActive = false;
            LOG.log(Level.WARNING, "{0} listing failed ({1}); retrying", primary.name(), e.toString());
            if (!closed) {
                worker.schedule(safely(this::resyncPrimary), fallbackInterval.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private void fallbackTick() {
        if (primary == null || !primaryActive) {
            syncFallback();
            return;
        }
        // The runtime reports only its own containers; ones found in /proc (another runtime's,
        // say) would otherwise never be seen to stop.
        List<Runnable> notes = new ArrayList<>();
        for (Entry e : List.copyOf(byId.values())) {
            if (e.running() && e.origin() != Origin.PRIMARY && !alive(e)) {
                notes.addAll(markStopped(e.info().id()));
            }
        }
        notify(notes);
    }

    private void syncFallback() {
        if (fallback == null) {
            return;
        }
        try {
            apply(fallback.list(), Origin.FALLBACK);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "{0} scan failed: {1}", fallback.name(), e.toString());
        }
    }

    private void onPrimaryEvent(RuntimeEvent event) {
        switch (event.kind()) {
            case START -> {
                Optional<ContainerInfo> info = Optional.empty();
                try {
                    info = primary.inspect(event.id());
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.WARNING, "inspect of started container {0} failed: {1}", event.id(), e.toString());
                }
                // A container that already exited and was removed is still worth a record: it
                // ran, and its last events may still be on their way.
                if (info.isPresent()) {
                    notify(upsert(info.get(), Origin.PRIMARY));
                } else {
                    // Ranked below the runtime's own view so it never overwrites an inspected record.
                    primary.describe(event).ifPresent(c -> notify(upsert(c, Origin.FALLBACK)));
                }
            }
            case STOP, DESTROY -> notify(markStopped(event.id()));
        }
    }

    /** Brings the inventory in line with a full listing from one source. */
    private void apply(List<ContainerInfo> listing, Origin origin) {
        List<Runnable> notes = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ContainerInfo info : listing) {
            seen.add(info.id());
            notes.addAll(upsert(info, origin));
        }
        for (Entry e : List.copyOf(byId.values())) {
            if (!e.running() || seen.contains(e.info().id())) {
                continue;
            }
            // The runtime is authoritative for its own containers; anything else (found in
            // /proc, or the runtime's own while it is away) stops when its processes are gone.
            boolean gone = (origin == Origin.PRIMARY && e.origin() == Origin.PRIMARY) || !alive(e);
            if (gone) {
                notes.addAll(markStopped(e.info().id()));
            }
        }
        notify(notes);
    }

    private boolean alive(Entry e) {
        ContainerInfo info = e.info();
        if (info.cgroupPath() != null && cgroupFs.v2Root().isPresent()) {
            return cgroupFs.isPopulated(info.cgroupPath());
        }
        if (info.initPid() > 0) {
            return cgroupFs.containerOf(info.initPid()).map(m -> m.containerId().equals(info.id())).orElse(false);
        }
        return false;
    }

    /**
     * A container learnt from its cgroup (made, or seen in /proc during {@link #resolve}) that
     * the sources have not told us about yet. Its start is announced once the runtime has been
     * asked for the rest (name, image, configuration), so listeners get one complete start.
     */
    private Entry learnFromProbe(CgroupMatch match) {
        PodInfo pod = match.podUid() == null ? null : new PodInfo("", "", match.podUid());
        ContainerInfo info = new ContainerInfo(match.containerId(), "", "", "", Map.of(), pod, match.runtime(),
                0, null, match.containerCgroup(), null);
        List<Runnable> notes = upsert(info, Origin.PROBE);
        if (primary == null || !primaryActive || closed) {
            notify(notes);
            return byId.get(info.id());
        }
        pendingEnrichment.add(info.id());
        submit(() -> {
            try {
                primary.inspect(info.id()).ifPresent(full -> upsert(full, Origin.PRIMARY));
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.DEBUG, "enriching {0} failed: {1}", info.shortId(), e.toString());
            }
            Entry now = byId.get(info.id());
            ContainerInfo best = now == null ? info : now.info();
            pendingEnrichment.remove(info.id());
            List<Runnable> announce = new ArrayList<>();
            if (!notes.isEmpty()) announce.add(announceStart(best));
            // A stop the kernel reported while the runtime was being asked waits for the start.
            if (now != null && !now.running()) announce.add(announceStop(best));
            notify(announce);
        });
        return byId.get(info.id());
    }

    /**
     * The kernel made a cgroup v2 directory (its cgroup_mkdir tracepoint). A container's own
     * cgroup, or one below a known container's, is indexed at once: events from inside resolve
     * even if the container ends before any runtime API could be asked about it.
     */
    public void cgroupCreated(long cgroupId, String path) {
        if (cgroupId == 0 || path == null) return;
        rememberCgroup(cgroupId, path);
        Entry found = entryContaining(path);
        if (found == null) {
            Optional<CgroupMatch> match = CgroupPaths.parse(path);
            if (match.isEmpty()) return;
            found = byId.get(match.get().containerId());
            if (found == null) found = learnFromProbe(match.get());
        }
        if (found != null) {
            List<Runnable> notes = new ArrayList<>();
            synchronized (lock) {
                Entry current = byId.get(found.info().id());
                if (current != null) {
                    indexCgroup(current, cgroupId);
                    // The container's own cgroup made again: the runtime is starting it anew.
                    if (!current.running() && path.equals(current.info().cgroupPath())) {
                        byId.put(current.info().id(), current.with(current.info(), current.origin(), RUNNING));
                        announced.remove(current.info().id());
                        notes.add(announceStart(current.info()));
                    }
                }
            }
            notify(notes);
        }
    }

    /**
     * The kernel removed a cgroup v2 directory. When it is a container's own cgroup the
     * container has ended, whatever the runtime API says or does not say.
     */
    public void cgroupRemoved(long cgroupId, String path) {
        cgroupPaths.remove(cgroupId);
        notContainer.remove(cgroupId);
        String id = byCgroup.get(cgroupId);
        if (id == null) return;
        Entry e = byId.get(id);
        if (e != null && path != null && path.equals(e.info().cgroupPath())) {
            List<Runnable> notes = markStopped(id);
            // While its details are being fetched, the fetch announces start and stop in order.
            if (!pendingEnrichment.contains(id)) notify(notes);
        }
    }

    // ---------------------------------------------------------------------------------------
    // State changes (under lock; listener calls are returned, to run after the lock)

    private List<Runnable> upsert(ContainerInfo info, Origin origin) {
        List<Runnable> notes = new ArrayList<>();
        long cgroupId = cgroupIdOf(info);
        long mntNs = info.initPid() > 0 ? ProcNamespaces.inode(cgroupFs.procRoot(), info.initPid(), "mnt") : 0;
        // The host's own mount namespace (a container sharing it) places nothing.
        if (mntNs != 0 && mntNs != hostMntNs && mntNs != ProcNamespaces.inode(cgroupFs.procRoot(), 1, "mnt")) {
            byMntNs.put(mntNs, info.id());
        }
        synchronized (lock) {
            Entry old = byId.get(info.id());
            if (old == null) {
                makeRoom();
                Entry entry = new Entry(info, origin, seq.incrementAndGet(), RUNNING, ConcurrentHashMap.newKeySet());
                byId.put(info.id(), entry);
                indexCgroup(entry, cgroupId);
                notes.add(announceStart(info));
                return notes;
            }
            boolean richer = origin.compareTo(old.origin()) >= 0;
            ContainerInfo merged = richer ? fillGaps(info, old.info()) : old.info();
            // A runtime's start event can arrive after the kernel saw the container end (the
            // runtime's event stream lags): it proves a new run only while the container's cgroup
            // exists. A cgroup scan proves one when the processes are new (the old ones may
            // still be exiting).
            boolean revive = !old.running()
                    && (origin == Origin.PRIMARY ? cgroupId != 0 && info.initPid() > 0
                        : info.initPid() > 0 && info.initPid() != old.info().initPid());
            Entry updated = old.with(merged, richer ? origin : old.origin(), revive ? RUNNING : old.stoppedAt());
            byId.put(info.id(), updated);
            indexCgroup(updated, cgroupId);
            if (revive) {
                announced.remove(info.id()); // a new run of the same container
                notes.add(announceStart(merged));
            } else if (updated.running() && !merged.equals(old.info())) {
                notes.add(() -> {
                    if (Boolean.FALSE.equals(announced.get(merged.id()))) listeners.forEach(l -> l.containerUpdated(merged));
                });
            }
        }
        return notes;
    }

    private static ContainerInfo fillGaps(ContainerInfo fresh, ContainerInfo old) {
        ContainerInfo out = fresh;
        if (out.cgroupPath() == null && old.cgroupPath() != null) {
            out = out.withCgroupPath(old.cgroupPath());
        }
        return out;
    }

    private List<Runnable> markStopped(String id) {
        synchronized (lock) {
            Entry old = byId.get(id);
            if (old == null || !old.running()) {
                return List.of();
            }
            byId.put(id, old.with(old.info(), old.origin(), ticker.getAsLong()));
            // Its mount namespace died with it, and the kernel will hand its number out again.
            byMntNs.values().removeIf(owner -> owner.equals(id));
            ContainerInfo info = old.info();
            return List.of(announceStop(info));
        }
    }

    private void reap() {
        long now = ticker.getAsLong();
        synchronized (lock) {
            for (Entry e : List.copyOf(byId.values())) {
                if (!e.running() && now - e.stoppedAt() >= graceNanos) {
                    remove(e);
                }
            }
        }
        notContainer.values().removeIf(until -> until - now <= 0);
    }

    private void makeRoom() {
        while (byId.size() >= maxEntries) {
            Entry victim = byId.values().stream().filter(e -> !e.running())
                    .min(Comparator.comparingLong(Entry::stoppedAt))
                    .or(() -> byId.values().stream().min(Comparator.comparingLong(Entry::seq)))
                    .orElseThrow();
            remove(victim);
            long n = evictions.incrementAndGet();
            if (n == 1 || n % 1000 == 0) {
                LOG.log(Level.WARNING, "container inventory full ({0} entries); {1} evicted so far", maxEntries, n);
            }
        }
    }

    private void remove(Entry e) {
        byId.remove(e.info().id());
        byMntNs.values().removeIf(id -> id.equals(e.info().id()));
        announced.remove(e.info().id());
        pendingEnrichment.remove(e.info().id());
        for (Long id : e.cgroupIds()) {
            byCgroup.remove(id, e.info().id());
        }
    }

    private void indexCgroup(Entry entry, long cgroupId) {
        if (cgroupId == 0) {
            return;
        }
        if (!entry.cgroupIds().contains(cgroupId) && byCgroup.size() >= maxCgroupIds) {
            // Still resolvable through /proc, just slower; not worth evicting containers for.
            return;
        }
        entry.cgroupIds().add(cgroupId);
        String previous = byCgroup.put(cgroupId, entry.info().id());
        if (previous != null && !previous.equals(entry.info().id())) {
            Entry other = byId.get(previous);
            if (other != null) {
                other.cgroupIds().remove(cgroupId);
            }
        }
        notContainer.remove(cgroupId);
    }

    /** The deepest known container whose cgroup holds {@code path}. */
    private Entry entryContaining(String path) {
        Entry best = null;
        for (Entry e : byId.values()) {
            String cg = e.info().cgroupPath();
            if (cg != null && !cg.equals("/") && CgroupPaths.isSameOrBelow(path, cg)
                    && (best == null || cg.length() > best.info().cgroupPath().length())) {
                best = e;
            }
        }
        return best;
    }

    private long cgroupIdOf(ContainerInfo info) {
        String path = info.cgroupPath();
        if (path == null && info.initPid() > 0) {
            path = cgroupFs.containerOf(info.initPid())
                    .filter(m -> m.containerId().equals(info.id()))
                    .map(CgroupMatch::containerCgroup).orElse(null);
        }
        return path == null ? 0 : cgroupFs.cgroupId(path).orElse(0);
    }

    // ---------------------------------------------------------------------------------------
    // Plumbing

    private void notify(List<Runnable> notes) {
        for (Runnable note : notes) {
            try {
                note.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "container lifecycle listener failed", e);
            }
        }
    }

    private void submit(Runnable task) {
        if (closed) {
            return;
        }
        try {
            worker.execute(safely(task));
        } catch (RejectedExecutionException e) {
            // Closing; nothing left to do.
        }
    }

    /** Periodic tasks die silently on an exception; log instead and keep them running. */
    private static Runnable safely(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "container inventory task failed", e);
            }
        };
    }

    public static final class Builder {
        private ContainerSource primary;
        private ContainerSource fallback;
        private boolean noFallback;
        private CgroupFs cgroupFs;
        private Duration grace = DEFAULT_GRACE;
        private int maxEntries = DEFAULT_MAX_ENTRIES;
        private Duration fallbackInterval = Duration.ofSeconds(2);
        private Duration reapInterval = Duration.ofSeconds(1);
        private LongSupplier ticker = System::nanoTime;

        private Builder() {
        }

        /** The runtime API; its event feed decides when it is trusted. */
        public Builder primary(ContainerSource source) {
            this.primary = source;
            return this;
        }

        /** Used while the primary is unavailable; default: a {@link CgroupSource}. */
        public Builder fallback(ContainerSource source) {
            this.fallback = source;
            this.noFallback = source == null;
            return this;
        }

        public Builder cgroupFs(CgroupFs fs) {
            this.cgroupFs = fs;
            return this;
        }

        /** How long stopped containers stay resolvable. */
        public Builder gracePeriod(Duration d) {
            this.grace = requirePositive(d);
            return this;
        }

        public Builder maxEntries(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxEntries must be positive");
            }
            this.maxEntries = n;
            return this;
        }

        /** How often the fallback is scanned while the primary is not active. */
        public Builder fallbackInterval(Duration d) {
            this.fallbackInterval = requirePositive(d);
            return this;
        }

        /** How often expired entries are removed. */
        public Builder reapInterval(Duration d) {
            this.reapInterval = requirePositive(d);
            return this;
        }

        /** Time source in nanoseconds (tests). */
        Builder ticker(LongSupplier t) {
            this.ticker = t;
            return this;
        }

        public ContainerInventory build() {
            return new ContainerInventory(this);
        }

        private static Duration requirePositive(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("duration must be positive: " + d);
            }
            return d;
        }
    }
}
