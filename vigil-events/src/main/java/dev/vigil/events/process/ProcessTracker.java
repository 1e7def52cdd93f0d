package dev.vigil.events.process;

import dev.vigil.events.wire.BytesCache;
import dev.vigil.events.wire.RecordStage;
import dev.vigil.events.wire.RecordView;
import dev.vigil.events.wire.StringCache;
import dev.vigil.kernel.wire.Wire;

import java.util.List;

/**
 * Turns process lifecycle records into events, keeping the {@link ProcessCache} current so each
 * event carries its process and parent. Runs on the ring consumer thread.
 *
 * <p>{@link #track} decodes into a reusable {@link ProcessRecord} and allocates only the new
 * image a fork or exec makes (strings, argument lists and namespaces are interned, exec ids
 * spelled out when read); {@link #onRecord} adds the immutable event for the outputs.
 */
public final class ProcessTracker implements RecordStage {
    private final ExecIds ids;
    private final ProcessCache cache;
    private final ContainerResolver containers;
    private final StringCache strings = new StringCache(4096, 512);
    private final BytesCache<List<String>> argLists = RecordView.nulSeparatedCache(4096, 1024);
    private final NamespaceCache namespaces = new NamespaceCache(1024);
    private final ProcessRecord record = new ProcessRecord();

    public ProcessTracker(ExecIds ids, ProcessCache cache, ContainerResolver containers) {
        this.ids = ids;
        this.cache = cache;
        this.containers = containers;
    }

    @Override
    public int[] recordTypes() {
        return new int[]{Wire.EV_EXEC, Wire.EV_FORK, Wire.EV_EXIT};
    }

    /** The event for a record, or null for record types this tracker does not handle. */
    @Override
    public ProcessEvent onRecord(RecordView r) {
        ProcessRecord p = track(r);
        return p == null ? null : p.toEvent();
    }

    /** Updates the process cache from one record; the reusable record, or null for types this tracker does not handle. */
    public ProcessRecord track(RecordView r) {
        return switch (r.type()) {
            case Wire.EV_EXEC -> exec(r);
            case Wire.EV_FORK -> fork(r);
            case Wire.EV_EXIT -> exit(r);
            default -> null;
        };
    }

    /** The mark the kernel's d_path, and so /proc/PID/exe and Falco, put after an unlinked file's path. */
    public static final String DELETED = " (deleted)";

    private ProcessRecord exec(RecordView r) {
        int pid = r.tgid();
        int ppid = r.u32(Wire.Exec.PPID);
        long parentKtime = r.u64(Wire.Exec.PARENT_EXEC_KTIME);
        int binaryLen = r.u16(Wire.Exec.BINARY_LEN), argsLen = r.u16(Wire.Exec.ARGS_LEN), cwdLen = r.u16(Wire.Exec.CWD_LEN);
        long at = r.execStringsStart();
        String binary = r.string(at, binaryLen, strings);
        List<String> args = r.cached(at + binaryLen, argsLen, argLists);
        String cwd = r.string(at + binaryLen + argsLen, cwdLen, strings);
        int flags = r.u16(Wire.Exec.FLAGS);
        // As /proc/PID/exe shows an executable that has no name left (unlinked, memfd).
        if ((flags & Wire.F_BINARY_DELETED) != 0) binary = binary + DELETED;
        ProcessInfo parent = parentKtime != 0 ? cache.get(ppid, parentKtime) : cache.get(ppid);
        long cgroupId = r.cgroupId();
        Namespaces ns = namespaces.of(Integer.toUnsignedLong(r.u32(Wire.Exec.PID_NS)), Integer.toUnsignedLong(r.u32(Wire.Exec.MNT_NS)),
                Integer.toUnsignedLong(r.u32(Wire.Exec.NET_NS)));
        ProcessInfo p = ProcessInfo.fromRecord(ids, parentKtime == 0 && parent != null ? parent.execId() : null, parentKtime, r.ktime(),
                r.u64(Wire.Exec.START_BOOTTIME), pid, ppid, r.u32(Wire.Exec.NSPID), r.u32(Wire.Exec.UID), r.u32(Wire.Exec.GID),
                r.u32(Wire.Exec.EUID), r.u32(Wire.Exec.EGID), binary, args, (flags & Wire.F_ARGS_TRUNCATED) != 0, cwd,
                r.u64(Wire.Exec.CAP_EFFECTIVE), cgroupId, ns, containers.resolve(cgroupId, pid, ns.mnt()));
        cache.put(p);
        return record.set(ProcessRecord.Kind.EXEC, r.ktime(), p, parent, 0);
    }

    private ProcessRecord fork(RecordView r) {
        int child = r.tgid();
        int ppid = r.u32(Wire.Fork.PPID);
        long parentKtime = r.u64(Wire.Fork.PARENT_EXEC_KTIME);
        ProcessInfo parent = parentKtime != 0 ? cache.get(ppid, parentKtime) : cache.get(ppid);
        ProcessInfo p;
        if (parent != null) {
            p = parent.forkedAs(ids, r.ktime(), r.u64(Wire.Fork.START_BOOTTIME), child, r.cgroupId());
        } else {
            p = ProcessInfo.fromRecord(ids, null, parentKtime, r.ktime(), r.u64(Wire.Fork.START_BOOTTIME), child, ppid, 0, -1, -1, -1, -1, "",
                    List.of(), false, "", 0, r.cgroupId(), Namespaces.UNKNOWN, containers.resolve(r.cgroupId(), child));
        }
        cache.put(p);
        return record.set(ProcessRecord.Kind.FORK, r.ktime(), p, parent, 0);
    }

    private ProcessRecord exit(RecordView r) {
        int pid = r.tgid();
        long execKtime = r.u64(Wire.Exit.EXEC_KTIME);
        ProcessInfo p = cache.exit(pid, r.ktime());
        if (p == null || (execKtime != 0 && p.execKtime() != execKtime)) {
            ProcessInfo known = execKtime != 0 ? cache.get(pid, execKtime) : null;
            p = known != null ? known : ProcessInfo.fromRecord(ids, "", 0, execKtime, 0, pid, r.u32(Wire.Exit.PPID), 0, -1, -1, -1, -1, "",
                    List.of(), false, "", 0, r.cgroupId(), Namespaces.UNKNOWN, containers.resolve(r.cgroupId(), pid));
        }
        return record.set(ProcessRecord.Kind.EXIT, r.ktime(), p, cache.get(p.ppid()), r.u32(Wire.Exit.EXIT_CODE));
    }

    public StringCache strings() {
        return strings;
    }

    /** The same three namespace inodes give the same (immutable) object: a container's processes all share one. */
    private static final class NamespaceCache {
        private final Namespaces[] slots;

        NamespaceCache(int size) {
            slots = new Namespaces[Integer.highestOneBit(size - 1) << 1];
        }

        Namespaces of(long pid, long mnt, long net) {
            long h = (pid * 0x9E3779B97F4A7C15L) ^ (mnt * 0xC2B2AE3D27D4EB4FL) ^ net;
            int slot = (int) (h ^ (h >>> 32)) & (slots.length - 1);
            Namespaces n = slots[slot];
            if (n == null || n.pid() != pid || n.mnt() != mnt || n.net() != net) slots[slot] = n = new Namespaces(pid, mnt, net);
            return n;
        }
    }
}
