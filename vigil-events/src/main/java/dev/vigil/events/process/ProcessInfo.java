package dev.vigil.events.process;

import dev.vigil.containers.ContainerInfo;

import java.util.List;
import java.util.Objects;

/**
 * One process image: what a process is between one exec (or fork) and the next exec or its exit.
 * Immutable, shared by every event that refers to it.
 *
 * <p>It is the only object the pipeline allocates for a new process image (see
 * bench/jmh RulesBenchmark): its exec ids are spelled out when first read (by an output), not
 * when the record is decoded, and its strings, argument list and namespaces are interned.
 * The ids are a pure function of (node, pid, exec time), so a racing first read from another
 * thread computes the same String.
 *
 * <p>execId: unique per host and boot (node, exec time, pid); parentExecId: the parent's, or ""
 * when the parent is unknown; execKtime: boot-time ns of the exec or fork that made this image;
 * startKtime: boot-time ns the process (not the image) started; capEffective: effective
 * capability bitmask; container: null on the host.
 */
public final class ProcessInfo {
    private final ExecIds ids;
    private String execId, parentExecId;
    private final long parentExecKtime;
    private final long execKtime;
    private final long startKtime;
    private final int pid, ppid, nspid, uid, gid, euid, egid;
    private final String binary;
    private final List<String> args;
    private final boolean argsTruncated;
    private final String cwd;
    private final long capEffective;
    private final long cgroupId;
    private final Namespaces ns;
    private final ContainerInfo container;

    /** An image whose ids are given as text (processes found in /proc, tests). */
    public ProcessInfo(String execId, String parentExecId, long execKtime, long startKtime, int pid, int ppid, int nspid, int uid, int gid,
                       int euid, int egid, String binary, List<String> args, boolean argsTruncated, String cwd, long capEffective,
                       long cgroupId, Namespaces ns, ContainerInfo container) {
        this(null, Objects.requireNonNull(execId), Objects.requireNonNull(parentExecId), 0, execKtime, startKtime, pid, ppid, nspid,
                uid, gid, euid, egid, binary, args, argsTruncated, cwd, capEffective, cgroupId, ns, container);
    }

    private ProcessInfo(ExecIds ids, String execId, String parentExecId, long parentExecKtime, long execKtime, long startKtime, int pid,
                        int ppid, int nspid, int uid, int gid, int euid, int egid, String binary, List<String> args, boolean argsTruncated,
                        String cwd, long capEffective, long cgroupId, Namespaces ns, ContainerInfo container) {
        this.ids = ids;
        this.execId = execId;
        this.parentExecId = parentExecId;
        this.parentExecKtime = parentExecKtime;
        this.execKtime = execKtime;
        this.startKtime = startKtime;
        this.pid = pid;
        this.ppid = ppid;
        this.nspid = nspid;
        this.uid = uid;
        this.gid = gid;
        this.euid = euid;
        this.egid = egid;
        this.binary = binary;
        this.args = args;
        this.argsTruncated = argsTruncated;
        this.cwd = cwd;
        this.capEffective = capEffective;
        this.cgroupId = cgroupId;
        this.ns = ns;
        this.container = container;
    }

    /**
     * An image made from a kernel record: its id is {@code ids.of(pid, execKtime)}, spelled out
     * on first read, and its parent's is {@code parentExecId} when given, else
     * {@code ids.of(ppid, parentExecKtime)} ("" when that is 0), also on first read.
     */
    static ProcessInfo fromRecord(ExecIds ids, String parentExecId, long parentExecKtime, long execKtime, long startKtime, int pid, int ppid, int nspid, int uid,
                                  int gid, int euid, int egid, String binary, List<String> args, boolean argsTruncated, String cwd,
                                  long capEffective, long cgroupId, Namespaces ns, ContainerInfo container) {
        String parent = parentExecId != null ? parentExecId : parentExecKtime == 0 ? "" : null;
        return new ProcessInfo(ids, null, parent, parentExecKtime, execKtime, startKtime, pid, ppid, nspid, uid,
                gid, euid, egid, binary, args, argsTruncated, cwd, capEffective, cgroupId, ns, container);
    }

    public String execId() {
        String s = execId;
        if (s == null) execId = s = ids.of(pid, execKtime);
        return s;
    }

    public String parentExecId() {
        String s = parentExecId;
        if (s == null) parentExecId = s = ids.of(ppid, parentExecKtime);
        return s;
    }

    public long execKtime() { return execKtime; }
    public long startKtime() { return startKtime; }
    public int pid() { return pid; }
    public int ppid() { return ppid; }
    public int nspid() { return nspid; }
    public int uid() { return uid; }
    public int gid() { return gid; }
    public int euid() { return euid; }
    public int egid() { return egid; }
    public String binary() { return binary; }
    public List<String> args() { return args; }
    public boolean argsTruncated() { return argsTruncated; }
    public String cwd() { return cwd; }
    public long capEffective() { return capEffective; }
    public long cgroupId() { return cgroupId; }
    public Namespaces ns() { return ns; }
    public ContainerInfo container() { return container; }

    public ProcessInfo withContainer(ContainerInfo c) {
        return new ProcessInfo(ids, execId, parentExecId, parentExecKtime, execKtime, startKtime, pid, ppid, nspid, uid, gid, euid, egid,
                binary, args, argsTruncated, cwd, capEffective, cgroupId, ns, c);
    }

    /** The image a fork child starts with: its parent's, under the child's own identity (ids spelled out on first read). */
    public ProcessInfo forkedAs(ExecIds childIds, long forkKtime, long childStartKtime, int childPid, long childCgroupId) {
        return new ProcessInfo(childIds, null, execId, execKtime, forkKtime, childStartKtime, childPid, pid, 0, uid, gid, euid, egid, binary,
                args, argsTruncated, cwd, capEffective, childCgroupId, ns, container);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProcessInfo p && execKtime == p.execKtime && startKtime == p.startKtime && pid == p.pid && ppid == p.ppid
                && nspid == p.nspid && uid == p.uid && gid == p.gid && euid == p.euid && egid == p.egid && argsTruncated == p.argsTruncated
                && capEffective == p.capEffective && cgroupId == p.cgroupId && execId().equals(p.execId())
                && parentExecId().equals(p.parentExecId()) && Objects.equals(binary, p.binary) && Objects.equals(args, p.args)
                && Objects.equals(cwd, p.cwd) && Objects.equals(ns, p.ns) && Objects.equals(container, p.container);
    }

    @Override
    public int hashCode() {
        // No boxing: evaluation hashes images on its hot path.
        return 31 * (31 * pid + Long.hashCode(execKtime)) + (binary == null ? 0 : binary.hashCode());
    }

    @Override
    public String toString() {
        return "ProcessInfo[pid=" + pid + ", ppid=" + ppid + ", execKtime=" + execKtime + ", binary=" + binary + ", args=" + args
                + ", uid=" + uid + ", cgroupId=" + cgroupId + ", container=" + (container == null ? "host" : container.id()) + "]";
    }
}
