package dev.vigil.containers;

import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Containers found without asking any runtime: every process's {@code /proc/<pid>/cgroup} is
 * parsed with {@link CgroupPaths}. Knows ids, runtime (guessed from the naming scheme), pod
 * uid, init process and start time; names, images, labels and configuration stay unknown.
 * Works wherever /proc is readable, so it is the fallback while a runtime socket is down.
 */
public final class CgroupSource implements ContainerSource {

    private static final System.Logger LOG = System.getLogger(CgroupSource.class.getName());
    /** USER_HZ, the unit of /proc/&lt;pid&gt;/stat times; 100 on every Linux ABI we run on. */
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private final CgroupFs cgroupFs;
    private final Duration pollInterval;

    public CgroupSource() {
        this(CgroupFs.detect(), Duration.ofSeconds(2));
    }

    public CgroupSource(CgroupFs cgroupFs, Duration pollInterval) {
        this.cgroupFs = cgroupFs;
        this.pollInterval = pollInterval;
    }

    @Override
    public String name() {
        return "cgroup";
    }

    @Override
    public List<ContainerInfo> list() throws IOException {
        return scan(null);
    }

    @Override
    public Optional<ContainerInfo> inspect(String id) throws IOException {
        return scan(id).stream().findFirst();
    }

    /** All containers with a live process, or only {@code onlyId} when given. */
    private List<ContainerInfo> scan(String onlyId) throws IOException {
        Map<String, CgroupMatch> matches = new LinkedHashMap<>();
        Map<String, Set<Integer>> pidsByContainer = new HashMap<>();
        Path proc = cgroupFs.procRoot();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc, CgroupSource::isPidDir)) {
            for (Path entry : entries) {
                int pid = Integer.parseInt(entry.getFileName().toString());
                Optional<CgroupMatch> match = cgroupFs.containerOf(pid);
                if (match.isEmpty() || (onlyId != null && !match.get().containerId().equals(onlyId))) {
                    continue;
                }
                String id = match.get().containerId();
                matches.putIfAbsent(id, match.get());
                pidsByContainer.computeIfAbsent(id, k -> new TreeSet<>()).add(pid);
            }
        }
        long bootTime = bootTimeSeconds();
        List<ContainerInfo> out = new ArrayList<>();
        for (CgroupMatch match : matches.values()) {
            Set<Integer> pids = pidsByContainer.get(match.containerId());
            int init = initPid(pids);
            Instant started = startTime(init, bootTime);
            PodInfo pod = match.podUid() == null ? null : new PodInfo("", "", match.podUid());
            out.add(new ContainerInfo(match.containerId(), "", "", "", Map.of(), pod, match.runtime(),
                    init, started, match.containerCgroup(), null));
        }
        return out;
    }

    private static boolean isPidDir(Path p) {
        String name = p.getFileName().toString();
        return !name.isEmpty() && name.length() < 11 && name.chars().allMatch(Character::isDigit);
    }

    /**
     * The container's first process is the one whose parent is outside the container (its
     * parent is the runtime's shim). Lowest pid breaks ties, e.g. when the parent already
     * exited; pids are sorted ascending.
     */
    private int initPid(Set<Integer> pids) {
        for (int pid : pids) {
            Optional<long[]> stat = stat(pid);
            if (stat.isPresent() && !pids.contains((int) stat.get()[0])) {
                return pid;
            }
        }
        return pids.isEmpty() ? 0 : pids.iterator().next();
    }

    /** {ppid, starttime} from /proc/&lt;pid&gt;/stat; the command field may hold spaces and ')'. */
    private Optional<long[]> stat(int pid) {
        try {
            String s = Files.readString(cgroupFs.procRoot().resolve(Integer.toString(pid)).resolve("stat"));
            return parseStat(s);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static Optional<long[]> parseStat(String s) {
        int close = s.lastIndexOf(')');
        if (close < 0) {
            return Optional.empty();
        }
        String[] f = s.substring(close + 1).trim().split("\\s+");
        // After "pid (comm)": state ppid ... ; starttime is field 22 overall, index 19 here.
        if (f.length < 20) {
            return Optional.empty();
        }
        try {
            return Optional.of(new long[] {Long.parseLong(f[1]), Long.parseLong(f[19])});
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private Instant startTime(int pid, long bootTime) {
        if (pid <= 0 || bootTime <= 0) {
            return null;
        }
        return stat(pid).map(s -> Instant.ofEpochSecond(bootTime)
                .plusMillis(s[1] * 1000 / CLOCK_TICKS_PER_SECOND)).orElse(null);
    }

    private long bootTimeSeconds() {
        try {
            for (String line : Files.readAllLines(cgroupFs.procRoot().resolve("stat"))) {
                if (line.startsWith("btime ")) {
                    return Long.parseLong(line.substring(6).trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Start times stay unknown.
        }
        return 0;
    }

    /** Polls {@link #list()} and reports the differences. */
    @Override
    public Closeable watch(Consumer<RuntimeEvent> listener, WatchStatus status) {
        Poller poller = new Poller(listener, status);
        poller.thread.start();
        return poller;
    }

    private final class Poller implements Closeable {
        private final Consumer<RuntimeEvent> listener;
        private final WatchStatus status;
        private final Thread thread;
        private volatile boolean closed;

        Poller(Consumer<RuntimeEvent> listener, WatchStatus status) {
            this.listener = listener;
            this.status = status;
            this.thread = Thread.ofPlatform().daemon().name("vigil-cgroup-poll").unstarted(this::run);
        }

        private void run() {
            Set<String> known = new HashSet<>();
            boolean first = true;
            while (!closed) {
                try {
                    Set<String> now = new HashSet<>();
                    for (ContainerInfo c : list()) {
                        now.add(c.id());
                    }
                    if (first) {
                        status.connected();
                        first = false;
                    }
                    for (String id : now) {
                        if (!known.contains(id)) {
                            deliver(new RuntimeEvent(RuntimeEvent.Kind.START, id));
                        }
                    }
                    for (String id : known) {
                        if (!now.contains(id)) {
                            // No processes left; the cgroup scan cannot tell a stop from a removal.
                            deliver(new RuntimeEvent(RuntimeEvent.Kind.STOP, id));
                            deliver(new RuntimeEvent(RuntimeEvent.Kind.DESTROY, id));
                        }
                    }
                    known = now;
                } catch (Exception e) {
                    LOG.log(Level.WARNING, "cgroup scan failed", e);
                }
                try {
                    Thread.sleep(pollInterval);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void deliver(RuntimeEvent event) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "container event listener failed on " + event, e);
            }
        }

        @Override
        public void close() {
            closed = true;
            thread.interrupt();
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
