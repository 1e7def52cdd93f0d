package dev.vigil.kernel.wire;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.util.List;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
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
    public static final int EV_EXEC = 1, EV_FORK = 2, EV_EXIT = 3, EV_CGROUP_MKDIR = 4, EV_CGROUP_RMDIR = 5, EV_TYPE_MAX = 64;
    /** Event type names by number, for counters and logs. */
    public static final List<String> EVENT_TYPE_NAMES = List.of("", "exec", "fork", "exit", "cgroup_mkdir", "cgroup_rmdir");
    // enum vigil_error
    public static final int ERR_PROC_MAP_FULL = 0, ERR_READ_ARGS = 1, ERR_PATH_DEPTH = 2, ERR_MAX = 16;
    public static final List<String> ERROR_NAMES = List.of("proc_map_full", "read_args", "path_depth");
    // VIGIL_F_*
    public static final int F_ARGS_TRUNCATED = 1, F_BINARY_TRUNCATED = 2, F_CWD_TRUNCATED = 4;
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

    /** Every struct shared with the kernel side, for the layout check. */
    public static List<StructLayout> all() {
        // A method, not a field: a field here would initialize before the nested classes it names.
        return List.of(Header.LAYOUT, Exec.LAYOUT, Fork.LAYOUT, Exit.LAYOUT, Cgroup.LAYOUT, ProcKey.LAYOUT, Config.LAYOUT);
    }

    private static long off(StructLayout layout, String field) {
        return layout.byteOffset(groupElement(field));
    }
}
