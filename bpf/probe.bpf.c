// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Feature probes. Userspace loads each program on its own (autoload off for the others)
 * and records whether the kernel accepted it; none of them is ever attached for real work.
 * Compiling all of them here is the point: which ones load differs per host.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

/* GPL-compatible: tp_btf, lsm and fentry programs are refused without it. */
char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define VIGIL_TC_ACT_OK 0
#define VIGIL_CGROUP_ALLOW 1

/* Why this hook: typed BTF tracepoints are the baseline every event program needs. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(probe_tp_btf, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	return 0;
}

/* Why this hook: BPF LSM is the strongest way to deny an exec, where the kernel enables it. */
SEC("lsm/bprm_check_security")
int BPF_PROG(probe_lsm, struct linux_binprm *bprm)
{
	return 0;
}

/* Why this hook: fentry needs ftrace text patching, blocked on some hosts. */
SEC("fentry/security_bprm_check")
int BPF_PROG(probe_fentry, struct linux_binprm *bprm)
{
	return 0;
}

/* Why this hook: kprobes are the fallback for functions with no tracepoint (CONFIG_KPROBES). */
SEC("kprobe/security_bprm_check")
int probe_kprobe(struct pt_regs *ctx)
{
	return 0;
}

/* Why this hook: cgroup hooks are the deny path for connects when BPF LSM is missing. */
SEC("cgroup/connect4")
int probe_cgroup(struct bpf_sock_addr *ctx)
{
	return VIGIL_CGROUP_ALLOW;
}

/* Why this hook: TC classifiers on container veths carry network enforcement. */
SEC("tc")
int probe_tc(struct __sk_buff *skb)
{
	return VIGIL_TC_ACT_OK;
}

/*
 * Never loaded by the agent: the binding's tests load it to prove that a verifier rejection
 * reaches Java with the verifier's own explanation. The index can reach past the buffer.
 */
SEC("tp_btf/sched_process_exec")
int probe_rejected(void *ctx)
{
	volatile char buf[16] = {};
	__u32 idx = bpf_get_prandom_u32() & 1023;

	return buf[idx];
}
