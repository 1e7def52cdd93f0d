package dev.vigil.kernel.probe;

/** Kernel capabilities the agent chooses hooks and enforcement modes by. */
public enum Feature {
    BTF("kernel BTF (/sys/kernel/btf/vmlinux), needed for CO-RE"),
    RINGBUF("BPF ring buffer map (5.8+)"),
    TP_BTF("BTF-typed raw tracepoints, tp_btf (5.5+)"),
    BPF_LOOP("the bpf_loop helper (5.17+), which bounds Vigil's path walks"),
    BPF_LSM("BPF LSM programs that can deny operations (5.7+, CONFIG_BPF_LSM and bpf in the lsm= list)"),
    FENTRY("fentry/fexit trampolines (5.5+)"),
    KPROBES("kprobes (CONFIG_KPROBES)"),
    SEND_SIGNAL("bpf_send_signal from tracing programs (5.3+), for SIGKILL enforcement"),
    CGROUP_V2("cgroup v2 hierarchy and cgroup socket/device/sysctl programs"),
    TC("TC classifier programs (clsact, direct action)");

    private final String description;

    Feature(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
