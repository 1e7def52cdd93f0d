package dev.vigil.events.process;

import dev.vigil.events.wire.RecordView;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the processes already running when the agent starts from /proc, so that their events
 * (exit, a child's exec) carry a known process. Their exec time is the process start time,
 * which /proc gives in clock ticks since boot: the same clock the kernel programs stamp, coarser.
 */
public final class ProcScanner {
    /** USER_HZ: /proc counts start times in these ticks on every Linux architecture Vigil runs on. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private final Path proc;
    private final ExecIds ids;
    private final Optional<Path> cgroup2Root;

    public ProcScanner(Path proc, ExecIds ids, Optional<Path> cgroup2Root) {
        this.proc = proc;
        this.ids = ids;
        this.cgroup2Root = cgroup2Root;
    }

    /** Every user-space process now running; processes that vanish while being read are skipped. */
    public List<ProcessInfo> scan() throws IOException {
        List<ProcessInfo> out = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc, p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path dir : dirs) read(dir).ifPresent(out::add);
        }
        // Parents first, so each one's exec id is known when its children are linked.
        out.sort((a, b) -> Long.compare(a.startKtime(), b.startKtime()));
        List<ProcessInfo> linked = new ArrayList<>(out.size());
        java.util.Map<Integer, ProcessInfo> byPid = new java.util.HashMap<>();
        for (ProcessInfo p : out) {
            ProcessInfo parent = byPid.get(p.ppid());
            ProcessInfo withParent = new ProcessInfo(p.execId(), parent == null ? "" : parent.execId(), p.execKtime(), p.startKtime(), p.pid(),
                    p.ppid(), p.nspid(), p.uid(), p.gid(), p.euid(), p.egid(), p.binary(), p.args(), false, p.cwd(), p.capEffective(),
                    p.cgroupId(), p.ns(), null);
            byPid.put(p.pid(), withParent);
            linked.add(withParent);
        }
        return linked;
    }

    Optional<ProcessInfo> read(Path dir) {
        try {
            int pid = Integer.parseInt(dir.getFileName().toString());
            String stat = Files.readString(dir.resolve("stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            int ppid = Integer.parseInt(f[1]);
            long startKtime = Long.parseLong(f[19]) * NANOS_PER_TICK;
            byte[] cmdline = Files.readAllBytes(dir.resolve("cmdline"));
            if (cmdline.length == 0) return Optional.empty(); // kernel thread or zombie
            List<String> args = RecordView.splitNul(cmdline);
            String binary = readLink(dir.resolve("exe"));
            String cwd = readLink(dir.resolve("cwd"));
            int[] uids = new int[4], gids = new int[4];
            long capEff = 0;
            int nspid = pid;
            for (String line : Files.readAllLines(dir.resolve("status"))) {
                if (line.startsWith("Uid:")) uids = ints(line);
                else if (line.startsWith("Gid:")) gids = ints(line);
                else if (line.startsWith("CapEff:")) capEff = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                else if (line.startsWith("NSpid:")) {
                    int[] all = ints(line);
                    nspid = all[all.length - 1];
                }
            }
            Namespaces ns = new Namespaces(nsInode(dir, "pid"), nsInode(dir, "mnt"), nsInode(dir, "net"));
            return Optional.of(new ProcessInfo(ids.of(pid, startKtime), "", startKtime, startKtime, pid, ppid, nspid, uids[0], gids[0],
                    uids[1], gids[1], binary, args, false, cwd, capEff, cgroupId(dir), ns, null));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private long cgroupId(Path dir) throws IOException {
        if (cgroup2Root.isEmpty()) return 0;
        for (String line : Files.readAllLines(dir.resolve("cgroup"))) {
            if (line.startsWith("0::")) {
                Path cg = Path.of(cgroup2Root.get().toString(), line.substring(3));
                return ((Number) Files.getAttribute(cg, "unix:ino")).longValue();
            }
        }
        return 0;
    }

    private static long nsInode(Path dir, String ns) {
        String link = readLink(dir.resolve("ns").resolve(ns));
        int open = link.indexOf('['), close = link.indexOf(']');
        return open < 0 || close < open ? 0 : Long.parseLong(link.substring(open + 1, close));
    }

    private static String readLink(Path p) {
        try {
            return Files.readSymbolicLink(p).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }

    private static int[] ints(String line) {
        String[] parts = line.substring(line.indexOf(':') + 1).trim().split("\\s+");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) out[i] = (int) Long.parseLong(parts[i]);
        return out;
    }

}
