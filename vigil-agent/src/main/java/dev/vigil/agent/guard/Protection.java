package dev.vigil.agent.guard;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Every escape protection, in the order of enum vigil_protection (bpf/include/vigil_guard.h).
 * Each names its policy key, the alert rule it raises, its MITRE ATT&CK tags, and the action
 * it takes when no policy says otherwise: the unambiguous escapes block, the rest alert.
 */
public enum Protection {
    COMMAND("commands", "escape.command", "critical", Action.ALERT, "an escape-typical command line (the command library)", "T1611"),
    HOST_FILE("hostFile", "escape.host_file", "warning", Action.ALERT, "a host file reached from a container through a host bind mount", "T1611"),
    SENSITIVE_HOST_FILE("sensitiveHostFile", "escape.sensitive_host_file", "critical", Action.ALERT,
            "a sensitive host file (credentials, cron, ssh keys, runtime sockets, kubelet) reached from a container", "T1611", "T1552.001"),
    RELEASE_AGENT("releaseAgent", "escape.release_agent_write", "critical", Action.BLOCK, "a write to a cgroup v1 release_agent", "T1611"),
    CORE_PATTERN("corePattern", "escape.core_pattern_write", "critical", Action.BLOCK, "a write to /proc/sys/kernel/core_pattern", "T1611"),
    SYSRQ("sysrq", "escape.sysrq_trigger_write", "critical", Action.BLOCK, "a write to /proc/sysrq-trigger", "T1611", "T1529"),
    PROC_SYS_WRITE("procSysWrite", "escape.proc_sys_write", "warning", Action.ALERT, "a write under /proc/sys (kernel parameters)", "T1611"),
    SYS_KERNEL_WRITE("sysKernelWrite", "escape.sys_kernel_write", "warning", Action.ALERT, "a write under /sys/kernel", "T1611"),
    BLOCK_DEVICE("blockDevice", "escape.block_device_access", "critical", Action.BLOCK, "opening a block device from a container", "T1611", "T1006"),
    MOUNT("mount", "escape.mount", "warning", Action.ALERT, "mount, umount or pivot_root from a container", "T1611"),
    PTRACE("ptrace", "escape.ptrace_attach", "warning", Action.ALERT, "ptrace attach from a container", "T1611", "T1055.008"),
    HOST_NAMESPACE("hostNamespace", "escape.setns_host", "critical", Action.BLOCK, "setns into one of the host's namespaces", "T1611"),
    NAMESPACE("namespace", "escape.namespace_change", "notice", Action.ALERT, "unshare or setns into another namespace", "T1611"),
    MODULE("module", "escape.kernel_module_load", "critical", Action.BLOCK, "loading a kernel module from a container", "T1611", "T1547.006"),
    BPF("bpf", "escape.bpf_syscall", "warning", Action.ALERT, "the bpf() syscall from a container", "T1611"),
    KEXEC("kexec", "escape.kexec_load", "critical", Action.BLOCK, "kexec_load from a container", "T1611"),
    OPEN_BY_HANDLE("openByHandle", "escape.open_by_handle_at", "critical", Action.ALERT, "open_by_handle_at (the 'shocker' escape)", "T1611"),
    MKNOD("mknod", "escape.block_device_node", "warning", Action.ALERT, "making a block device node in a container", "T1611", "T1006"),
    RUNTIME_SOCKET("runtimeSocket", "escape.runtime_socket_connect", "critical", Action.ALERT,
            "connecting to a container runtime's socket from a container", "T1611", "T1609", "T1610"),
    CGROUP_CONTROL("cgroupControl", "escape.cgroup_control_write", "critical", Action.BLOCK,
            "a write to a cgroup v1 control file that widens the container's limits (devices.allow) or arms release_agent (notify_on_release)", "T1611");

    /** What a protection does with a match. */
    public enum Action {
        OFF, ALERT, BLOCK;

        public static Optional<Action> parse(String s) {
            return Arrays.stream(values()).filter(a -> a.name().equalsIgnoreCase(s)).findFirst();
        }

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public Action stricter(Action other) {
            return other.ordinal() > ordinal() ? other : this;
        }
    }

    private final String key;
    private final String rule;
    private final String priority;
    private final Action defaultAction;
    private final String description;
    private final List<String> techniques;

    Protection(String key, String rule, String priority, Action defaultAction, String description, String... techniques) {
        this.key = key;
        this.rule = rule;
        this.priority = priority;
        this.defaultAction = defaultAction;
        this.description = description;
        this.techniques = List.of(techniques);
    }

    /** The name in policies ({@code spec.escape.privilegedOps.<key>}) and in status. */
    public String key() {
        return key;
    }

    public String rule() {
        return rule;
    }

    public String priority() {
        return priority;
    }

    public Action defaultAction() {
        return defaultAction;
    }

    public String description() {
        return description;
    }

    /** ATT&CK tags as alerts carry them: the tactic, then technique ids. */
    public List<String> tags() {
        java.util.List<String> tags = new java.util.ArrayList<>();
        tags.add("mitre_privilege_escalation");
        tags.add("container_escape");
        tags.addAll(techniques);
        return tags;
    }

    public int index() {
        return ordinal();
    }

    public static Optional<Protection> byKey(String key) {
        return Arrays.stream(values()).filter(p -> p.key.equals(key)).findFirst();
    }

    public static Optional<Protection> byIndex(int index) {
        return index >= 0 && index < values().length ? Optional.of(values()[index]) : Optional.empty();
    }

    /** The keys a policy may set under privilegedOps (every protection but the command library and host files). */
    public static List<String> privilegedOpKeys() {
        return Arrays.stream(values()).filter(p -> p != COMMAND && p != HOST_FILE && p != SENSITIVE_HOST_FILE).map(Protection::key).toList();
    }
}
