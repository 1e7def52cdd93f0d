package dev.vigil.agent.guard;

import dev.vigil.containers.ContainerInfo;
import dev.vigil.events.Event;
import dev.vigil.events.alert.Alert;
import dev.vigil.events.process.ContainerResolver;
import dev.vigil.events.process.ProcessCache;
import dev.vigil.events.process.ProcessInfo;
import dev.vigil.events.wire.RecordStage;
import dev.vigil.events.wire.RecordView;
import dev.vigil.kernel.wire.Wire;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Turns a guard program's record into an alert: the protection's rule, priority and ATT&CK
 * tags, what was done and how, the process with its ancestors (from the process cache; the
 * exec record of the same process precedes the guard's in the ring), its container, and the
 * particulars, with file paths translated to host paths.
 */
public final class GuardStage implements RecordStage {
    private static final int ANCESTORS = 6;
    private static final String[] ENFORCEMENT = {"none", "signal", "lsm", "cgroup"};
    /** enum vigil_file_op */
    private static final String[] FILE_OPS = {"open", "unlink", "rmdir", "rename", "chmod", "chown", "link", "mknod", "truncate", "symlink"};

    private final ProcessCache cache;
    private final ContainerResolver containers;
    private final Supplier<HostMounts> hostMounts;
    private final Supplier<CommandLibrary> library;

    public GuardStage(ProcessCache cache, ContainerResolver containers, Supplier<HostMounts> hostMounts, Supplier<CommandLibrary> library) {
        this.cache = cache;
        this.containers = containers;
        this.hostMounts = hostMounts;
        this.library = library;
    }

    @Override
    public int[] recordTypes() {
        return new int[] {Wire.EV_GUARD};
    }

    @Override
    public Event onRecord(RecordView r) {
        Protection protection = Protection.byIndex(r.u32(Wire.GuardEvent.PROTECTION)).orElse(null);
        if (protection == null) return null;
        int tgid = r.tgid();
        long execKtime = r.u64(Wire.GuardEvent.EXEC_KTIME);
        ProcessInfo process = execKtime != 0 ? cache.get(tgid, execKtime) : null;
        if (process == null) process = cache.get(tgid);
        ContainerInfo container = containers.resolve(r.cgroupId(), tgid);
        if (container == null && process != null) container = process.container();
        List<ProcessInfo> ancestors = new ArrayList<>();
        for (ProcessInfo p = process; p != null && ancestors.size() < ANCESTORS && p.ppid() > 0; ) {
            ProcessInfo parent = cache.get(p.ppid());
            if (parent == null || parent == p) break;
            ancestors.add(parent);
            p = parent;
        }
        int pathLen = r.u16(Wire.GuardEvent.PATH_LEN), detailLen = r.u16(Wire.GuardEvent.DETAIL_LEN);
        String path = r.utf8String(Wire.GuardEvent.BYTES, pathLen);
        long detailOffset = Wire.GuardEvent.BYTES + pathLen;
        int action = r.u8(Wire.GuardEvent.ACTION);
        int enforcement = r.u8(Wire.GuardEvent.ENFORCEMENT);
        int flags = r.u16(Wire.GuardEvent.FLAGS);
        long arg = r.u64(Wire.GuardEvent.ARG);
        long dev = r.u64(Wire.GuardEvent.DEV);

        Map<String, String> details = new LinkedHashMap<>();
        details.put("protection", protection.key());
        details.put("pid", Integer.toString(tgid));
        String rule = protection.rule();
        List<String> tags = new ArrayList<>(protection.tags());
        String output;
        // A host process opted in by policy is not "from a container".
        String described = container == null ? protection.description().replace(" from a container", " by a host process") : protection.description();
        switch (protection) {
            case COMMAND -> {
                List<String> args = r.nulSeparated(detailOffset, detailLen);
                CommandLibrary lib = library.get();
                int id = r.u32(Wire.GuardEvent.RULE);
                CommandLibrary.Command cmd = id >= 0 && id < lib.commands().size() ? lib.commands().get(id) : null;
                String name = cmd == null ? "rule-" + id : cmd.name();
                rule = protection.rule() + "." + name;
                if (cmd != null) {
                    tags = new ArrayList<>(List.of("mitre_privilege_escalation", "container_escape"));
                    tags.addAll(cmd.techniques());
                }
                details.put("command_rule", name);
                details.put("binary", path);
                details.put("args", String.join(" ", args));
                String what = cmd == null || cmd.description().isEmpty() ? "command rule " + name : cmd.description();
                output = what + ": " + String.join(" ", args);
            }
            case HOST_FILE, SENSITIVE_HOST_FILE, RELEASE_AGENT, CGROUP_CONTROL, CORE_PATTERN, SYSRQ, PROC_SYS_WRITE, SYS_KERNEL_WRITE, BLOCK_DEVICE -> {
                String fsPath = r.utf8String(detailOffset, detailLen);
                if (!path.isEmpty()) details.put("path", path);
                if (!fsPath.isEmpty()) details.put("fs_path", fsPath);
                String hostPath = hostPath(protection, (int) dev, fsPath);
                // The container's own runtime files (hosts, resolv.conf...) opened before the agent
                // listed its mounts for the kernel: not host files.
                if (protection == Protection.HOST_FILE && hostPath != null
                        && EscapeGuard.RUNTIME_DIRS.stream().anyMatch(d -> HostMounts.under(hostPath, d))) {
                    return null;
                }
                if (hostPath != null) details.put("host_path", hostPath);
                if (protection == Protection.BLOCK_DEVICE) details.put("device", (dev >>> 20) + ":" + (dev & 0xfffff));
                String op = arg >= 0 && arg < FILE_OPS.length ? FILE_OPS[(int) arg] : "op-" + arg;
                details.put("operation", op);
                if (r.u32(Wire.GuardEvent.OPEN_FLAGS) != 0 || (flags & Wire.GF_WRITE) != 0) {
                    details.put("open_flags", "0" + Integer.toOctalString(r.u32(Wire.GuardEvent.OPEN_FLAGS)));
                    details.put("write", Boolean.toString((flags & Wire.GF_WRITE) != 0));
                }
                String shown = !path.isEmpty() ? path : fsPath;
                output = described + ": " + (op.equals("open") ? "" : op + " ") + shown
                        + (hostPath != null && !hostPath.equals(shown) ? " (host path " + hostPath + ")" : "");
            }
            case RUNTIME_SOCKET -> {
                String fsPath = r.utf8String(detailOffset, detailLen);
                String hostPath = hostPath(protection, (int) dev, fsPath);
                details.put("socket", hostPath != null ? hostPath : fsPath);
                output = described + ": " + details.get("socket");
            }
            case PTRACE -> {
                details.put("target_pid", Long.toString(arg));
                ProcessInfo target = cache.get((int) arg);
                if (target != null) details.put("target_binary", target.binary());
                ContainerInfo targetContainer = containers.resolve(target == null ? 0 : target.cgroupId(), (int) arg);
                details.put("target_outside_container", Boolean.toString(targetContainer == null || container == null || !targetContainer.id().equals(container.id())));
                output = described + ": pid " + arg + (target != null ? " (" + target.binary() + ")" : "");
            }
            case HOST_NAMESPACE, NAMESPACE -> {
                // setns: the target namespace's inode; unshare: its CLONE_NEW* flags
                details.put(protection == Protection.HOST_NAMESPACE ? "namespace_inode" : "arg", Long.toString(arg));
                output = described + " (" + arg + ")";
            }
            case MOUNT -> {
                String second = r.utf8String(detailOffset, detailLen);
                details.put("source", path);
                if (!second.isEmpty()) details.put("fstype", second);
                output = described + ": " + path + (second.isEmpty() ? "" : " (" + second + ")");
            }
            case MKNOD -> {
                details.put("path", path);
                details.put("device", (arg >>> 20) + ":" + (arg & 0xfffff));
                output = described + ": " + (path.isEmpty() ? details.get("device") : path);
            }
            default -> {
                details.put("arg", Long.toString(arg));
                String second = r.utf8String(detailOffset, detailLen);
                if (!second.isEmpty()) details.put("detail", second);
                output = described;
            }
        }
        String actionName = action == 2 ? "block" : "alert";
        String enforcementName = enforcement >= 0 && enforcement < ENFORCEMENT.length ? ENFORCEMENT[enforcement] : "unknown";
        String who = container == null ? "host" : "container " + (container.name().isEmpty() ? container.shortId() : container.name());
        output = output + " [" + actionName + (enforcement != 0 ? " by " + enforcementName : "") + ", " + who + "]";
        if (process == null) details.put("process_unknown", "true");
        return new Alert(r.ktime(), rule, protection == Protection.COMMAND && actionName.equals("block") ? "critical" : protection.priority(),
                output, tags, actionName, enforcementName, process, ancestors, container, details);
    }

    private String hostPath(Protection p, int dev, String fsPath) {
        if (fsPath.isEmpty()) return null;
        return switch (p) {
            case RELEASE_AGENT, CGROUP_CONTROL -> null;
            case SYS_KERNEL_WRITE -> "/sys" + fsPath;
            case CORE_PATTERN, PROC_SYS_WRITE, SYSRQ -> "/proc" + fsPath;
            default -> hostMounts.get().hostPath(dev, fsPath).orElse(null);
        };
    }
}
