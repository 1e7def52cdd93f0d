package dev.vigil.kernel.wire;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.util.List;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The Java view of bpf/include/vigil_events.h. Each nested class mirrors one C struct: its
 * layout (named as in C, so the layout test can compare member by member against the object's
 * BTF) and the byte offsets decoders read at.
 */
public final class Wire {
    private Wire() {}

    // enum vigil_event_type
    public static final int EV_EXEC = 1, EV_FORK = 2, EV_EXIT = 3, EV_CGROUP_MKDIR = 4, EV_CGROUP_RMDIR = 5, EV_GUARD = 6, EV_SYSCALL = 7, EV_TYPE_MAX = 64;
    /** Event type names by number, for counters and logs. */
    public static final List<String> EVENT_TYPE_NAMES = List.of("", "exec", "fork", "exit", "cgroup_mkdir", "cgroup_rmdir", "guard", "syscall");
    // enum vigil_error
    public static final int ERR_PROC_MAP_FULL = 0, ERR_READ_ARGS = 1, ERR_PATH_DEPTH = 2, ERR_ALERT_REPEAT = 3, ERR_MAX = 16;
    public static final List<String> ERROR_NAMES = List.of("proc_map_full", "read_args", "path_depth", "alert_repeat");
    // VIGIL_F_*
    public static final int F_ARGS_TRUNCATED = 1, F_BINARY_TRUNCATED = 2, F_CWD_TRUNCATED = 4, F_BINARY_DELETED = 8;
    public static final int PATH_MAX = 1024, ARGS_MAX = 1024, CGROUP_PATH_MAX = 512;

    public static final class Header {
        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                JAVA_SHORT.withName("type"),
                JAVA_SHORT.withName("reserved"),
                JAVA_INT.withName("size"),
                JAVA_LONG.withName("ktime_ns"),
                JAVA_INT.withName("pid"),
                JAVA_INT.withName("tgid"),
                JAVA_LONG.withName("cgroup_id")).withName("vigil_event_header");
        public static final long TYPE = off(LAYOUT, "type"), SIZE = off(LAYOUT, "size"), KTIME = off(LAYOUT, "ktime_ns"),
                PID = off(LAYOUT, "pid"), TGID = off(LAYOUT, "tgid"), CGROUP_ID = off(LAYOUT, "cgroup_id");
        public static final long BYTES = LAYOUT.byteSize();

        private Header() {}
    }

    public static final class Exec {
        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                Header.LAYOUT.withName("hdr"),
                JAVA_LONG.withName("parent_exec_ktime"),
                JAVA_LONG.withName("start_boottime"),
                JAVA_LONG.withName("cap_effective"),
                JAVA_INT.withName("ppid"),
                JAVA_INT.withName("nspid"),
                JAVA_INT.withName("uid"),
                JAVA_INT.withName("gid"),
                JAVA_INT.withName("euid"),
                JAVA_INT.withName("egid"),
                JAVA_INT.withName("pid_ns"),
                JAVA_INT.withName("mnt_ns"),
                JAVA_INT.withName("net_ns"),
                JAVA_SHORT.withName("flags"),
                JAVA_SHORT.withName("binary_len"),
                JAVA_SHORT.withName("args_len"),
                JAVA_SHORT.withName("cwd_len"),
                JAVA_INT.withName("reserved")).withName("vigil_exec_event");
        public static final long PARENT_EXEC_KTIME = off(LAYOUT, "parent_exec_ktime"), START_BOOTTIME = off(LAYOUT, "start_boottime"),
                CAP_EFFECTIVE = off(LAYOUT, "cap_effective"), PPID = off(LAYOUT, "ppid"), NSPID = off(LAYOUT, "nspid"),
                UID = off(LAYOUT, "uid"), GID = off(LAYOUT, "gid"), EUID = off(LAYOUT, "euid"), EGID = off(LAYOUT, "egid"),
                PID_NS = off(LAYOUT, "pid_ns"), MNT_NS = off(LAYOUT, "mnt_ns"), NET_NS = off(LAYOUT, "net_ns"),
                FLAGS = off(LAYOUT, "flags"), BINARY_LEN = off(LAYOUT, "binary_len"), ARGS_LEN = off(LAYOUT, "args_len"),
                CWD_LEN = off(LAYOUT, "cwd_len");
        public static final long BYTES = LAYOUT.byteSize();

        private Exec() {}
    }

    public static final class Fork {
        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                Header.LAYOUT.withName("hdr"),
                JAVA_LONG.withName("parent_exec_ktime"),
                JAVA_LONG.withName("start_boottime"),
                JAVA_INT.withName("ppid"),
                JAVA_INT.withName("reserved")).withName("vigil_fork_event");
        public static final long PARENT_EXEC_KTIME = off(LAYOUT, "parent_exec_ktime"), START_BOOTTIME = off(LAYOUT, "start_boottime"),
                PPID = off(LAYOUT, "ppid");
        public static final long BYTES = LAYOUT.byteSize();

        private Fork() {}
    }

    public static final class Exit {
        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                Header.LAYOUT.withName("hdr"),
                JAVA_LONG.withName("exec_ktime"),
                JAVA_INT.withName("exit_code"),
                JAVA_INT.withName("ppid")).withName("vigil_exit_event");
        public static final long EXEC_KTIME = off(LAYOUT, "exec_ktime"), EXIT_CODE = off(LAYOUT, "exit_code"), PPID = off(LAYOUT, "ppid");
        public static final long BYTES = LAYOUT.byteSize();

        private Exit() {}
    }

    public static final class Cgroup {
        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                Header.LAYOUT.withName("hdr"),
                JAVA_LONG.withName("id"),
                JAVA_INT.withName("level"),
                JAVA_SHORT.withName("path_len"),
                JAVA_SHORT.withName("reserved")).withName("vigil_cgroup_event");
        public static final long ID = off(LAYOUT, "id"), LEVEL = off(LAYOUT, "level"), PATH_LEN = off(LAYOUT, "path_len");
        public static final long BYTES = LAYOUT.byteSize();

        private Cgroup() {}
    }

    // enum vigil_sys_kind (bpf/include/vigil_syscall.h)
    public static final int SK_OPEN_READ = 0, SK_OPEN_WRITE = 1, SK_CONNECT = 2, SK_UNLINK = 3, SK_SYMLINK = 4, SK_CHMOD = 5,
            SK_SETUID = 6, SK_PTRACE = 7, SK_MOUNT = 8, SK_MODULE = 9, SK_BPF = 10, SK_MEMFD = 11, SK_NAMESPACE = 12,
            SK_ACCEPT = 13, SK_BIND = 14, SK_LISTEN = 15, SK_DUP = 16, SK_RENAME = 17, SK_LINK = 18, SK_MKNOD = 19, SK_CHOWN = 20,
            SK_SETGID = 21, SK_CAPSET = 22, SK_DNS = 23, SK_MAX = 32;
    public static final List<String> SYSCALL_KIND_NAMES = List.of("open_read", "open_write", "connect", "unlink", "symlink", "chmod",
            "setuid", "ptrace", "mount", "module", "bpf", "memfd", "namespace", "accept", "bind", "listen", "dup", "rename", "link",
            "mknod", "chown", "setgid", "capset", "dns");
    // VIGIL_SF_*
    public static final int SF_PATH_TRUNCATED = 1, SF_PATH2_TRUNCATED = 2, SF_PATH_FROM_USER = 4, SF_OUTSIDE_ROOT = 8, SYS_PATH_MAX = 512;

    /** struct vigil_syscall_event: a file, network or privilege syscall for the rules. */
    public static final class Syscall {
        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                Header.LAYOUT.withName("hdr"),
                JAVA_LONG.withName("exec_ktime"),
                JAVA_LONG.withName("ret"),
                JAVA_LONG.withName("arg"),
                JAVA_INT.withName("nr"),
                JAVA_INT.withName("kind"),
                JAVA_INT.withName("open_flags"),
                JAVA_INT.withName("mode"),
                JAVA_INT.withName("fd"),
                JAVA_SHORT.withName("family"),
                JAVA_SHORT.withName("flags"),
                JAVA_SHORT.withName("lport"),
                JAVA_SHORT.withName("rport"),
                JAVA_SHORT.withName("path_len"),
                JAVA_SHORT.withName("path2_len"),
                MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("laddr"),
                MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("raddr")).withName("vigil_syscall_event");
        public static final long EXEC_KTIME = off(LAYOUT, "exec_ktime"), RET = off(LAYOUT, "ret"), ARG = off(LAYOUT, "arg"),
                NR = off(LAYOUT, "nr"), KIND = off(LAYOUT, "kind"), OPEN_FLAGS = off(LAYOUT, "open_flags"), MODE = off(LAYOUT, "mode"),
                FD = off(LAYOUT, "fd"), FAMILY = off(LAYOUT, "family"), FLAGS = off(LAYOUT, "flags"), LPORT = off(LAYOUT, "lport"),
                RPORT = off(LAYOUT, "rport"), PATH_LEN = off(LAYOUT, "path_len"), PATH2_LEN = off(LAYOUT, "path2_len"),
                LADDR = off(LAYOUT, "laddr"), RADDR = off(LAYOUT, "raddr");
        public static final long BYTES = LAYOUT.byteSize();

        private Syscall() {}
    }

    // VIGIL_OPEN_*, VIGIL_SYS_PATH_*
    public static final int OPEN_READ = 1, OPEN_WRITE = 2, SYS_PATH_PREFIX = 1, SYS_PATH_COMPONENT = 2, SYS_PATHS_MAX = 4096;

    /** Index 0 of map vigil_syscall_filter: the kinds (1 << SK_*) some loaded rule needs, and the open classes read on any path. */
    public static final class SyscallFilter {
        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                JAVA_LONG.withName("kinds"),
                JAVA_INT.withName("open_any"),
                JAVA_INT.withName("reserved")).withName("vigil_syscall_filter");
        public static final long KINDS = off(LAYOUT, "kinds"), OPEN_ANY = off(LAYOUT, "open_any");

        private SyscallFilter() {}
    }

    /** Key of map vigil_syscall_paths (value: u32 OPEN_* classes); hash is a PathFingerprint. */
    public static final class SysPathKey {
        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                JAVA_INT.withName("type"),
                JAVA_INT.withName("reserved"),
                JAVA_LONG.withName("hash")).withName("vigil_sys_path_key");
        public static final long TYPE = off(LAYOUT, "type"), HASH = off(LAYOUT, "hash");

        private SysPathKey() {}
    }

    /** Index 0 of map vigil_syscall_path_bloom: two bits per vigil_syscall_paths key (PathFingerprint.bloomBit). */
    public static final class SysPathBloom {
        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                MemoryLayout.sequenceLayout(PathFingerprint.BLOOM_WORDS, JAVA_LONG).withName("words")).withName("vigil_sys_path_bloom");
        public static final long WORDS = off(LAYOUT, "words");

        private SysPathBloom() {}
    }

    /** Value of map vigil_procs (key: u32 tgid). */
    public static final class ProcKey {
        public static final StructLayout LAYOUT = MemoryLayout.structLayout(JAVA_LONG.withName("exec_ktime")).withName("vigil_proc_key");

        private ProcKey() {}
    }

    /** Index 0 of map vigil_config. */
    public static final class Config {
        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                JAVA_INT.withName("wakeup_bytes"),
                JAVA_INT.withName("reserved")).withName("vigil_config");
        public static final long WAKEUP_BYTES = off(LAYOUT, "wakeup_bytes");

        private Config() {}
    }

    // bpf/include/vigil_guard.h
    public static final int GUARD_PROTECTIONS = 32, GUARD_NO_SLOT = 0;
    public static final int GF_PATH_TRUNCATED = 1, GF_DETAIL_TRUNCATED = 2, GF_WRITE = 4;
    public static final int SCOPE_CGROUP_HOOKS = 1, CMD_MULTICALL = 1, TOKEN_EXACT = 0, TOKEN_PREFIX = 1, PATH_WRITE_ONLY = 1;
    public static final int FS_PROC = 0x9fa0, FS_SYSFS = 0x62656572, FS_CGROUP = 0x27e0eb, FS_CGROUP2 = 0x63677270, FS_BASENAME = 0x80000000;

    /** An alert from a guard program; path and detail strings follow. */
    public static final class GuardEvent {
        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                Header.LAYOUT.withName("hdr"),
                JAVA_LONG.withName("exec_ktime"),
                JAVA_LONG.withName("arg"),
                JAVA_LONG.withName("dev"),
                JAVA_INT.withName("protection"),
                JAVA_INT.withName("rule"),
                JAVA_INT.withName("mnt_ns"),
                JAVA_INT.withName("open_flags"),
                JAVA_BYTE.withName("action"),
                JAVA_BYTE.withName("enforcement"),
                JAVA_SHORT.withName("flags"),
                JAVA_SHORT.withName("path_len"),
                JAVA_SHORT.withName("detail_len")).withName("vigil_guard_event");
        public static final long EXEC_KTIME = off(LAYOUT, "exec_ktime"), ARG = off(LAYOUT, "arg"), DEV = off(LAYOUT, "dev"),
                PROTECTION = off(LAYOUT, "protection"), RULE = off(LAYOUT, "rule"), MNT_NS = off(LAYOUT, "mnt_ns"),
                OPEN_FLAGS = off(LAYOUT, "open_flags"), ACTION = off(LAYOUT, "action"), ENFORCEMENT = off(LAYOUT, "enforcement"),
                FLAGS = off(LAYOUT, "flags"), PATH_LEN = off(LAYOUT, "path_len"), DETAIL_LEN = off(LAYOUT, "detail_len");
        public static final long BYTES = LAYOUT.byteSize();

        private GuardEvent() {}
    }

    /** Value of map vigil_guard_policies: what one policy slot does. */
    public static final class GuardSettings {
        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                JAVA_LONG.withName("command_alert"),
                JAVA_LONG.withName("command_block"),
                MemoryLayout.sequenceLayout(GUARD_PROTECTIONS, JAVA_BYTE).withName("action")).withName("vigil_guard_settings");
        public static final long COMMAND_ALERT = off(LAYOUT, "command_alert"), COMMAND_BLOCK = off(LAYOUT, "command_block"),
                ACTION = off(LAYOUT, "action");

        private GuardSettings() {}
    }

    /** Value of map vigil_guard_scope (key: u64 cgroup id). */
    public static final class GuardScope {
        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                JAVA_INT.withName("slot"),
                JAVA_INT.withName("flags")).withName("vigil_guard_scope");
        public static final long SLOT = off(LAYOUT, "slot"), FLAGS = off(LAYOUT, "flags");

        private GuardScope() {}
    }

    /** Index 0 of map vigil_guard_config. */
    public static final class GuardConfig {
        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                JAVA_LONG.withName("prefix_lens"),
                JAVA_LONG.withName("needs_group1"),
                JAVA_LONG.withName("needs_group2"),
                JAVA_LONG.withName("lsm_rules"),
                JAVA_INT.withName("host_slot"),
                JAVA_INT.withName("default_slot")).withName("vigil_guard_config");
        public static final long PREFIX_LENS = off(LAYOUT, "prefix_lens"), NEEDS_GROUP1 = off(LAYOUT, "needs_group1"),
                NEEDS_GROUP2 = off(LAYOUT, "needs_group2"), LSM_RULES = off(LAYOUT, "lsm_rules"), HOST_SLOT = off(LAYOUT, "host_slot"),
                DEFAULT_SLOT = off(LAYOUT, "default_slot");

        private GuardConfig() {}
    }

    /** Value of map vigil_cmd_binaries (key: u64 FNV-1a of the executable's name). */
    public static final class CmdBinary {
        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                JAVA_LONG.withName("rules"),
                JAVA_INT.withName("flags"),
                JAVA_INT.withName("reserved")).withName("vigil_cmd_binary");
        public static final long RULES = off(LAYOUT, "rules"), FLAGS = off(LAYOUT, "flags");

        private CmdBinary() {}
    }

    public static final class CmdTokenKey {
        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                JAVA_LONG.withName("hash"),
                JAVA_INT.withName("kind"),
                JAVA_INT.withName("reserved")).withName("vigil_cmd_token_key");
        public static final long HASH = off(LAYOUT, "hash"), KIND = off(LAYOUT, "kind");

        private CmdTokenKey() {}
    }

    public static final class CmdToken {
        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                JAVA_LONG.withName("group1"),
                JAVA_LONG.withName("group2")).withName("vigil_cmd_token");
        public static final long GROUP1 = off(LAYOUT, "group1"), GROUP2 = off(LAYOUT, "group2");

        private CmdToken() {}
    }

    public static final class PathKey {
        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                JAVA_LONG.withName("hash"),
                JAVA_INT.withName("fs"),
                JAVA_INT.withName("reserved")).withName("vigil_path_key");
        public static final long HASH = off(LAYOUT, "hash"), FS = off(LAYOUT, "fs");

        private PathKey() {}
    }

    public static final class PathRule {
        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                JAVA_INT.withName("protection"),
                JAVA_INT.withName("flags")).withName("vigil_path_rule");
        public static final long PROTECTION = off(LAYOUT, "protection"), FLAGS = off(LAYOUT, "flags");

        private PathRule() {}
    }

    /** FNV-1a 64, as the guard programs hash names, arguments and path prefixes. */
    public static long fnv1a(byte[] bytes, int from, int to) {
        long h = 0xcbf29ce484222325L;
        for (int i = from; i < to; i++) h = (h ^ (bytes[i] & 0xff)) * 0x100000001b3L;
        return h;
    }

    /** Every struct shared with the kernel side, for the layout check. */
    public static List<StructLayout> all() {
        // A method, not a field: a field here would initialize before the nested classes it names.
        return List.of(Header.LAYOUT, Exec.LAYOUT, Fork.LAYOUT, Exit.LAYOUT, Cgroup.LAYOUT, ProcKey.LAYOUT, Config.LAYOUT,
                GuardEvent.LAYOUT, GuardSettings.LAYOUT, GuardScope.LAYOUT, GuardConfig.LAYOUT, CmdBinary.LAYOUT, CmdTokenKey.LAYOUT,
                CmdToken.LAYOUT, PathKey.LAYOUT, PathRule.LAYOUT, Syscall.LAYOUT, SyscallFilter.LAYOUT, SysPathKey.LAYOUT,
                SysPathBloom.LAYOUT);
    }

    private static long off(StructLayout layout, String field) {
        return layout.byteOffset(groupElement(field));
    }
}
