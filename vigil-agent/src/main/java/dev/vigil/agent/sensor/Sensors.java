package dev.vigil.agent.sensor;

import dev.vigil.kernel.probe.Feature;

import java.util.List;

/** Every sensor the agent knows, in load order: the program table of the kernel side. */
public final class Sensors {
    private Sensors() {}

    public static final SensorSpec PROCESS = new SensorSpec("process", "process exec, fork and exit", "process",
            List.of(
                    new ProgramSpec("vigil_exec", "sched_process_exec fires once the new image is committed: argv, creds and binary are final"),
                    new ProgramSpec("vigil_fork", "sched_process_fork fires before the child runs, so its record precedes anything the child does"),
                    new ProgramSpec("vigil_exit", "sched_process_exit fires per thread; the program reports only a group's last")),
            List.of(Feature.BTF, Feature.RINGBUF, Feature.TP_BTF, Feature.BPF_LOOP));

    public static final SensorSpec CONTAINERS = new SensorSpec("containers", "cgroup v2 creation and removal, to place containers", "cgroup",
            List.of(
                    new ProgramSpec("vigil_cgroup_mkdir", "cgroup_mkdir fires before any task can join the new cgroup"),
                    new ProgramSpec("vigil_cgroup_rmdir", "cgroup_rmdir marks a container's end even without a runtime API")),
            List.of(Feature.BTF, Feature.RINGBUF, Feature.TP_BTF, Feature.CGROUP_V2));

    private static final List<Feature> GUARD_NEEDS = List.of(Feature.BTF, Feature.RINGBUF, Feature.TP_BTF, Feature.BPF_LOOP, Feature.SEND_SIGNAL);

    public static final SensorSpec ESCAPE_COMMANDS = new SensorSpec("escape-commands", "escape protection: the suspicious command library at exec", "guard_exec",
            List.of(
                    new ProgramSpec("vigil_guard_exec", "sched_process_exec: argv of the new image is readable and a SIGKILL lands before its first instruction"),
                    new ProgramSpec("vigil_guard_bprm", "bprm_check_security runs before exec's point of no return: -EPERM fails execve for rules that need no argument",
                            ProgramSpec.When.WITH_LSM)),
            GUARD_NEEDS, true);

    public static final SensorSpec ESCAPE_FILES = new SensorSpec("escape-files", "escape protection: host files, kernel interfaces and block devices opened from containers", "guard_file",
            List.of(
                    new ProgramSpec("vigil_guard_openat", "sys_exit_openat: the fd's struct file gives the real dentry and superblock; SIGKILL lands before the fd is used", ProgramSpec.When.WITHOUT_LSM),
                    new ProgramSpec("vigil_guard_open", "sys_exit_open, as openat", ProgramSpec.When.WITHOUT_LSM),
                    new ProgramSpec("vigil_guard_openat2", "sys_exit_openat2, as openat", ProgramSpec.When.WITHOUT_LSM),
                    new ProgramSpec("vigil_guard_creat", "sys_exit_creat, as openat", ProgramSpec.When.WITHOUT_LSM),
                    new ProgramSpec("vigil_guard_file_open", "file_open runs inside every open with the resolved file: -EPERM fails it", ProgramSpec.When.WITH_LSM),
                    new ProgramSpec("vigil_guard_unlink", "path_unlink: the victim's dentry, before it goes", ProgramSpec.When.WITH_LSM),
                    new ProgramSpec("vigil_guard_rmdir", "path_rmdir, as unlink", ProgramSpec.When.WITH_LSM),
                    new ProgramSpec("vigil_guard_rename", "path_rename: both ends by dentry", ProgramSpec.When.WITH_LSM),
                    new ProgramSpec("vigil_guard_chmod", "path_chmod", ProgramSpec.When.WITH_LSM),
                    new ProgramSpec("vigil_guard_chown", "path_chown", ProgramSpec.When.WITH_LSM),
                    new ProgramSpec("vigil_guard_link", "path_link: the linked file by dentry", ProgramSpec.When.WITH_LSM),
                    new ProgramSpec("vigil_guard_path_mknod", "path_mknod", ProgramSpec.When.WITH_LSM),
                    new ProgramSpec("vigil_guard_truncate", "path_truncate", ProgramSpec.When.WITH_LSM),
                    new ProgramSpec("vigil_guard_symlink", "path_symlink", ProgramSpec.When.WITH_LSM)),
            GUARD_NEEDS, true);

    public static final SensorSpec ESCAPE_PRIVOPS = new SensorSpec("escape-privops", "escape protection: mount, ptrace, setns, modules, bpf, kexec, open_by_handle_at, block nodes, runtime sockets", "guard_privop",
            List.of(
                    new ProgramSpec("vigil_guard_mount", "sys_enter_mount sees source and fstype before the mount"),
                    new ProgramSpec("vigil_guard_umount", "sys_enter_umount"),
                    new ProgramSpec("vigil_guard_pivot_root", "sys_enter_pivot_root"),
                    new ProgramSpec("vigil_guard_ptrace", "sys_enter_ptrace: attach and seize, the step every later access needs"),
                    new ProgramSpec("vigil_guard_setns", "sys_enter_setns: the fd's nsfs inode says which namespace"),
                    new ProgramSpec("vigil_guard_unshare", "sys_enter_unshare"),
                    ProgramSpec.optional("vigil_guard_init_module", "sys_enter_init_module (absent where the syscall is compiled out)"),
                    ProgramSpec.optional("vigil_guard_finit_module", "sys_enter_finit_module (absent where the syscall is compiled out)"),
                    new ProgramSpec("vigil_guard_bpf", "sys_enter_bpf"),
                    ProgramSpec.optional("vigil_guard_kexec_load", "sys_enter_kexec_load (absent where the syscall is compiled out)"),
                    ProgramSpec.optional("vigil_guard_kexec_file_load", "sys_enter_kexec_file_load (absent where the syscall is compiled out)"),
                    new ProgramSpec("vigil_guard_open_by_handle", "sys_enter_open_by_handle_at"),
                    new ProgramSpec("vigil_guard_mknod", "sys_enter_mknod: block device nodes only"),
                    new ProgramSpec("vigil_guard_mknodat", "sys_enter_mknodat: block device nodes only"),
                    new ProgramSpec("vigil_guard_connect_enter", "sys_enter_connect keeps the fd for the exit"),
                    new ProgramSpec("vigil_guard_connect_exit", "sys_exit_connect: a unix peer carries the listener's real (dentry, mount)")),
            GUARD_NEEDS, true);

    public static final SensorSpec SYSCALLS = new SensorSpec("syscalls", "file, network and privilege syscalls for the detection rules, filtered in the kernel by what the rules read", "syscalls",
            List.of(
                    new ProgramSpec("vigil_sys_openat", "sys_exit_openat: the returned fd's struct file gives the real path and f_flags, the saved registers O_CREAT/O_EXCL/O_TRUNC"),
                    ProgramSpec.optional("vigil_sys_open", "sys_exit_open, as openat (absent on architectures without open)"),
                    ProgramSpec.optional("vigil_sys_openat2", "sys_exit_openat2, as openat"),
                    ProgramSpec.optional("vigil_sys_creat", "sys_exit_creat, as openat (absent on architectures without creat)"),
                    new ProgramSpec("vigil_sys_connect_enter", "sys_enter_connect keeps the fd and the caller's sockaddr for the exit"),
                    new ProgramSpec("vigil_sys_connect_exit", "sys_exit_connect: reports connections made or in progress, with the socket's local end"),
                    new ProgramSpec("vigil_sys_accept", "sys_exit_accept: the new fd's socket has both ends"),
                    new ProgramSpec("vigil_sys_accept4", "sys_exit_accept4, as accept"),
                    new ProgramSpec("vigil_sys_bind", "sys_enter_bind: the address asked for"),
                    new ProgramSpec("vigil_sys_listen", "sys_enter_listen: the bound socket's address and the backlog"),
                    ProgramSpec.optional("vigil_sys_unlink", "sys_enter_unlink: the name is the argument"),
                    new ProgramSpec("vigil_sys_unlinkat", "sys_enter_unlinkat"),
                    ProgramSpec.optional("vigil_sys_symlink", "sys_enter_symlink: target and link path"),
                    new ProgramSpec("vigil_sys_symlinkat", "sys_enter_symlinkat"),
                    ProgramSpec.optional("vigil_sys_chmod", "sys_enter_chmod: path and mode"),
                    new ProgramSpec("vigil_sys_fchmodat", "sys_enter_fchmodat"),
                    new ProgramSpec("vigil_sys_fchmod", "sys_enter_fchmod: the fd's struct file gives the path"),
                    new ProgramSpec("vigil_sys_setuid", "sys_enter_setuid: the uid asked for"),
                    new ProgramSpec("vigil_sys_setreuid", "sys_enter_setreuid"),
                    new ProgramSpec("vigil_sys_setresuid", "sys_enter_setresuid"),
                    new ProgramSpec("vigil_sys_ptrace", "sys_enter_ptrace: request and target"),
                    new ProgramSpec("vigil_sys_mount", "sys_enter_mount: source and mount point strings"),
                    ProgramSpec.optional("vigil_sys_init_module", "sys_enter_init_module (absent where the syscall is compiled out)"),
                    ProgramSpec.optional("vigil_sys_finit_module", "sys_enter_finit_module (absent where the syscall is compiled out)"),
                    new ProgramSpec("vigil_sys_bpf", "sys_enter_bpf: the command"),
                    new ProgramSpec("vigil_sys_memfd_create", "sys_enter_memfd_create: the name"),
                    new ProgramSpec("vigil_sys_unshare", "sys_enter_unshare: the CLONE_NEW* flags"),
                    new ProgramSpec("vigil_sys_setns", "sys_enter_setns"),
                    new ProgramSpec("vigil_sys_dup2", "sys_enter_dup2: old and new fd, what the old one is (a socket's ends)"),
                    new ProgramSpec("vigil_sys_dup3", "sys_enter_dup3, as dup2"),
                    new ProgramSpec("vigil_sys_dup", "sys_exit_dup: the new fd and what it is"),
                    ProgramSpec.optional("vigil_sys_rename", "sys_enter_rename: old and new path (absent on architectures without rename)"),
                    ProgramSpec.optional("vigil_sys_renameat", "sys_enter_renameat (absent on architectures without renameat)"),
                    new ProgramSpec("vigil_sys_renameat2", "sys_enter_renameat2"),
                    ProgramSpec.optional("vigil_sys_link", "sys_enter_link: existing and new path"),
                    new ProgramSpec("vigil_sys_linkat", "sys_enter_linkat"),
                    ProgramSpec.optional("vigil_sys_mknod", "sys_enter_mknod: path, mode, device"),
                    new ProgramSpec("vigil_sys_mknodat", "sys_enter_mknodat"),
                    ProgramSpec.optional("vigil_sys_chown", "sys_enter_chown: path, uid, gid"),
                    ProgramSpec.optional("vigil_sys_lchown", "sys_enter_lchown"),
                    new ProgramSpec("vigil_sys_fchownat", "sys_enter_fchownat"),
                    new ProgramSpec("vigil_sys_fchown", "sys_enter_fchown: the fd's struct file gives the path"),
                    new ProgramSpec("vigil_sys_setgid", "sys_enter_setgid: the gid asked for"),
                    new ProgramSpec("vigil_sys_setregid", "sys_enter_setregid"),
                    new ProgramSpec("vigil_sys_setresgid", "sys_enter_setresgid"),
                    new ProgramSpec("vigil_sys_capset", "sys_enter_capset: the capability sets asked for"),
                    new ProgramSpec("vigil_sys_sendto", "sys_enter_sendto: UDP sends to port 53, with the queried name"),
                    new ProgramSpec("vigil_sys_sendmsg", "sys_enter_sendmsg, as sendto (the first iovec)"),
                    new ProgramSpec("vigil_sys_sendmmsg", "sys_enter_sendmmsg, as sendmsg (the first message: glibc's resolver sends A and AAAA together)")),
            List.of(Feature.BTF, Feature.RINGBUF, Feature.BPF_LOOP));

    public static final List<SensorSpec> ALL = List.of(PROCESS, CONTAINERS, SYSCALLS, ESCAPE_COMMANDS, ESCAPE_FILES, ESCAPE_PRIVOPS);
}
