package dev.vigil.events.process;

import dev.vigil.containers.ContainerInfo;

import java.util.List;

/**
 * One process image: what a process is between one exec (or fork) and the next exec or its exit.
 * Immutable, shared by every event that refers to it.
 *
 * @param execId        unique per host and boot: node, exec time and pid
 * @param parentExecId  the parent's execId, or "" when the parent is unknown
 * @param execKtime     boot-time ns of the exec or fork that made this image
 * @param startKtime    boot-time ns the process (not the image) started
 * @param capEffective  effective capability bitmask
 * @param container     the container the process runs in, null on the host
 */
public record ProcessInfo(
        String execId,
        String parentExecId,
        long execKtime,
        long startKtime,
        int pid,
        int ppid,
        int nspid,
        int uid,
        int gid,
        int euid,
        int egid,
        String binary,
        List<String> args,
        boolean argsTruncated,
        String cwd,
        long capEffective,
        long cgroupId,
        Namespaces ns,
        ContainerInfo container) {

    public ProcessInfo withContainer(ContainerInfo c) {
        return new ProcessInfo(execId, parentExecId, execKtime, startKtime, pid, ppid, nspid, uid, gid, euid, egid, binary, args,
                argsTruncated, cwd, capEffective, cgroupId, ns, c);
    }

    /** The image a fork child starts with: its parent's, under the child's own identity. */
    public ProcessInfo forkedAs(String childExecId, long forkKtime, long childStartKtime, int childPid, long childCgroupId) {
        return new ProcessInfo(childExecId, execId, forkKtime, childStartKtime, childPid, pid, 0, uid, gid, euid, egid, binary, args,
                argsTruncated, cwd, capEffective, childCgroupId, ns, container);
    }
}
