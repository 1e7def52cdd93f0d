package dev.vigil.agent.detect;

import dev.vigil.events.Event;
import dev.vigil.events.process.ProcessCache;
import dev.vigil.events.process.ProcessInfo;
import dev.vigil.events.wire.RecordStage;
import dev.vigil.events.wire.RecordView;
import dev.vigil.events.wire.BytesCache;
import dev.vigil.events.wire.IntStringCache;
import dev.vigil.events.wire.StringCache;
import dev.vigil.kernel.wire.Wire;
import dev.vigil.rules.SyscallEvent;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Decodes the syscalls sensor's records into the rules' reusable {@link SyscallEvent}, filled as
 * docs/rules.md's sensor table says, and runs the rules on it. The records are not output events
 * themselves (they feed the rules); matches become alerts through {@link RuleDetector}. Runs on
 * the pipeline thread, after the exec record of the same process, so the process cache knows it.
 */
public final class SyscallStage implements RecordStage {
    private static final int O_ACCMODE = 3, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0100, O_EXCL = 0200, O_TRUNC = 01000, O_APPEND = 02000;
    private static final int AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10;

    private final ProcessCache cache;
    private final RuleDetector detector;
    private final SyscallEvent event = new SyscallEvent();
    private final StringCache strings = new StringCache(4096, Wire.SYS_PATH_MAX);
    // Decoding a record allocates nothing once its texts have been seen: numbers, addresses and
    // capability sets are made once per value (bench/jmh RulesBenchmark measures it).
    private final IntStringCache decimal = IntStringCache.decimal(4096);
    private final IntStringCache caps = new IntStringCache(64, set -> capNames((int) set));
    private final BytesCache<String> ips = new BytesCache<>(1024, 16, SyscallStage::ip);
    private final LongAdder[] received = new LongAdder[Wire.SK_MAX];
    private final String[] flagNames = new String[64];
    private final String[] modeNames = new String[1 << 12];
    private volatile Consumer<Event> out = e -> {};

    public SyscallStage(ProcessCache cache, RuleDetector detector) {
        this.cache = cache;
        this.detector = detector;
        for (int i = 0; i < received.length; i++) received[i] = new LongAdder();
    }

    /** Where alerts go (the pipeline's emit); set before the pipeline starts. */
    public void output(Consumer<Event> out) {
        this.out = out;
    }

    @Override
    public int[] recordTypes() {
        return new int[] {Wire.EV_SYSCALL};
    }

    /** Records received by kind (Wire.SYSCALL_KIND_NAMES order). */
    public long received(int kind) {
        return kind >= 0 && kind < received.length ? received[kind].sum() : 0;
    }

    @Override
    public Event onRecord(RecordView r) {
        int kind = r.u32(Wire.Syscall.KIND);
        received[kind & (Wire.SK_MAX - 1)].increment();
        if (detector == null) return null;
        SyscallEvent e = decode(r);
        if (e != null) detector.observeSyscall(e, out);
        return null;
    }

    /** Fills the reusable event from one record; null for a syscall number the stage does not know. */
    SyscallEvent decode(RecordView r) {
        String type = SyscallKinds.evtType(r.u32(Wire.Syscall.NR));
        if (type == null) return null;
        int tgid = r.tgid();
        long execKtime = r.u64(Wire.Syscall.EXEC_KTIME);
        ProcessInfo process = execKtime != 0 ? cache.get(tgid, execKtime) : null;
        if (process == null) process = cache.get(tgid);
        ProcessInfo parent = process != null && process.ppid() > 0 ? cache.get(process.ppid()) : null;
        SyscallEvent e = event.reset(type, r.ktime(), process, parent);
        int kind = r.u32(Wire.Syscall.KIND);
        int fd = r.u32(Wire.Syscall.FD);
        long ret = r.u64(Wire.Syscall.RET), arg = r.u64(Wire.Syscall.ARG);
        int mode = r.u32(Wire.Syscall.MODE);
        int pathLen = r.u16(Wire.Syscall.PATH_LEN), path2Len = r.u16(Wire.Syscall.PATH2_LEN);
        String path = pathLen == 0 ? null : r.string(Wire.Syscall.BYTES, pathLen, strings);
        String path2 = path2Len == 0 ? null : r.string(Wire.Syscall.BYTES + pathLen, path2Len, strings);
        e.rawres(ret);
        switch (kind) {
            case Wire.SK_OPEN_READ, Wire.SK_OPEN_WRITE -> {
                int flags = r.u32(Wire.Syscall.OPEN_FLAGS);
                // A file outside the process's root (a /proc/PID/root hop): the name it gave, as Falco's fd.name.
                String name = (r.u16(Wire.Syscall.FLAGS) & Wire.SF_OUTSIDE_ROOT) != 0 && path2 != null ? givenPath(path2, process != null ? process.cwd() : null, path) : path;
                e.fd(fd, 'f', name).openFlags(flags).arg("fd", decimal.get(fd)).arg("name", name).arg("flags", flagNames(flags));
            }
            case Wire.SK_CONNECT -> {
                int family = r.u16(Wire.Syscall.FAMILY);
                if (family == AF_UNIX) {
                    e.fd(fd, 'u', path);
                } else if (family == AF_INET || family == AF_INET6) {
                    int len = family == AF_INET ? 4 : 16;
                    e.fd(fd, family == AF_INET ? '4' : '6', null).connection(l4proto(r), ip(r, Wire.Syscall.LADDR, len), r.u16(Wire.Syscall.LPORT),
                            ip(r, Wire.Syscall.RADDR, len), r.u16(Wire.Syscall.RPORT));
                }
            }
            case Wire.SK_ACCEPT -> {
                // The peer is the client, this end the server, as Falco's accept fd.name reads.
                int family = r.u16(Wire.Syscall.FAMILY), len = family == AF_INET ? 4 : 16;
                e.fd(fd, family == AF_INET ? '4' : '6', null).connection("tcp", ip(r, Wire.Syscall.RADDR, len), r.u16(Wire.Syscall.RPORT),
                        ip(r, Wire.Syscall.LADDR, len), r.u16(Wire.Syscall.LPORT));
            }
            case Wire.SK_BIND, Wire.SK_LISTEN -> {
                int family = r.u16(Wire.Syscall.FAMILY), len = family == AF_INET ? 4 : 16;
                String ip = ip(r, Wire.Syscall.LADDR, len);
                int port = r.u16(Wire.Syscall.LPORT);
                String addr = (family == AF_INET ? ip : "[" + ip + "]") + ":" + port;
                e.fd(fd, family == AF_INET ? '4' : '6', addr).connection("tcp", null, -1, ip, port);
                if (kind == Wire.SK_BIND) e.arg("addr", addr);
                else e.arg("backlog", decimal.get(arg));
            }
            case Wire.SK_UNLINK -> e.arg("name", path);
            case Wire.SK_SYMLINK -> e.arg("target", path2).arg("linkpath", path);
            case Wire.SK_CHMOD -> e.fd(-1, 'f', path).arg("mode", modeNames(mode)).arg("filename", path);
            case Wire.SK_SETUID -> e.arg("uid", decimal.get(arg & 0xffffffffL));
            case Wire.SK_PTRACE -> e.arg("request", ptraceRequest(arg)).arg("pid", decimal.get(mode));
            case Wire.SK_MOUNT -> e.arg("dev", path2).arg("dir", path).arg("flags", decimal.get(arg));
            case Wire.SK_BPF -> e.arg("cmd", bpfCmd(arg));
            case Wire.SK_MEMFD -> e.arg("name", path).arg("flags", decimal.get(arg));
            case Wire.SK_NAMESPACE -> e.arg(type.equals("setns") ? "nstype" : "flags", decimal.get(arg));
            case Wire.SK_DUP -> {
                // fd is the new fd (what fd.num reads, as in Falco's dup exit event), typed as the file it now names.
                int family = r.u16(Wire.Syscall.FAMILY);
                if (family == AF_INET || family == AF_INET6) {
                    int len = family == AF_INET ? 4 : 16;
                    // A connected socket's far end is the server, as a connect's.
                    e.fd(fd, family == AF_INET ? '4' : '6', null).connection(l4proto(r), ip(r, Wire.Syscall.LADDR, len), r.u16(Wire.Syscall.LPORT),
                            ip(r, Wire.Syscall.RADDR, len), r.u16(Wire.Syscall.RPORT));
                } else {
                    e.fd(fd, family == AF_UNIX ? 'u' : fileTypechar(mode), null);
                }
                if (arg != -1) e.arg("oldfd", decimal.get(arg));
                e.arg("newfd", decimal.get(fd));
            }
            case Wire.SK_RENAME, Wire.SK_LINK -> {
                // fd.name is the new name: where the file appears, which is what rules on sensitive paths watch.
                e.fd(-1, 'f', path2).arg("oldpath", path).arg("newpath", path2);
            }
            case Wire.SK_MKNOD -> e.fd(-1, 'f', path).arg("path", path).arg("mode", fileTypeName(mode) + modeNames(mode)).arg("dev", decimal.get(arg));
            case Wire.SK_CHOWN -> e.fd(-1, 'f', path).arg(type.equals("fchownat") ? "pathname" : "path", path)
                    .arg("uid", decimal.get((int) arg)).arg("gid", decimal.get(mode));
            case Wire.SK_SETGID -> e.arg("gid", decimal.get(arg & 0xffffffffL));
            case Wire.SK_CAPSET -> e.arg("cap_effective", caps.get((int) arg)).arg("cap_permitted", caps.get(mode))
                    .arg("cap_inheritable", caps.get(r.u32(Wire.Syscall.OPEN_FLAGS)));
            case Wire.SK_DNS -> {
                int family = r.u16(Wire.Syscall.FAMILY), len = family == AF_INET ? 4 : 16;
                e.fd(fd, family == AF_INET ? '4' : '6', null).connection("udp", ip(r, Wire.Syscall.LADDR, len), r.u16(Wire.Syscall.LPORT),
                        ip(r, Wire.Syscall.RADDR, len), r.u16(Wire.Syscall.RPORT)).arg("name", path);
            }
            default -> { }
        }
        return e;
    }

    /** A path as the process gave it, made absolute against its working directory; {@code resolved} when that is unknown. */
    static String givenPath(String given, String cwd, String resolved) {
        if (given.startsWith("/")) return given;
        if (cwd == null || cwd.isEmpty()) return resolved;
        return cwd.endsWith("/") ? cwd + given : cwd + "/" + given;
    }

    private static final int SOCK_DGRAM = 2;

    /** The record's socket type (open_flags for socket records): tcp unless the socket is a datagram one. */
    private static String l4proto(RecordView r) {
        return r.u32(Wire.Syscall.OPEN_FLAGS) == SOCK_DGRAM ? "udp" : "tcp";
    }

    /** fd.typechar of a non-socket file from its inode mode. */
    static char fileTypechar(int mode) {
        return switch (mode & 0170000) {
            case 0040000 -> 'd';
            case 0010000 -> 'p';
            case 0 -> 'o'; // anonymous inodes (eventfd, epoll...) report no type here
            default -> 'f';
        };
    }

    static String fileTypeName(int mode) {
        return switch (mode & 0170000) {
            case 0020000 -> "S_IFCHR|";
            case 0060000 -> "S_IFBLK|";
            case 0010000 -> "S_IFIFO|";
            case 0140000 -> "S_IFSOCK|";
            case 0100000 -> "S_IFREG|";
            default -> "";
        };
    }

    private static final String[] CAPS = {"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
            "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",
            "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
            "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG",
            "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP"};

    /** Capabilities 0-31 as Falco prints a capability set: names joined by spaces. */
    static String capNames(int set) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            if ((set & (1 << i)) == 0) continue;
            if (sb.length() > 0) sb.append(' ');
            sb.append(CAPS[i]);
        }
        return sb.toString();
    }

    private String ip(RecordView r, long offset, int len) {
        return r.cached(offset, len, ips);
    }

    /**
     * An address as rules spell it: dotted IPv4 (an IPv4-mapped IPv6 address too, as Java reads it),
     * IPv6 in RFC 5952's short form ("fd00:ec2::254", "::"), which Java's getHostAddress does not give.
     */
    static String ip(byte[] b) {
        InetAddress a;
        try {
            a = InetAddress.getByAddress(b);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
        if (b.length == 4 || !(a instanceof java.net.Inet6Address)) return a.getHostAddress();
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        int bestStart = -1, bestLen = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    /** open(2) flags as Falco prints evt.arg.flags (the bits the rules look at), cached per combination. */
    String flagNames(int flags) {
        int key = (flags & O_ACCMODE) | ((flags & O_CREAT) != 0 ? 4 : 0) | ((flags & O_EXCL) != 0 ? 8 : 0)
                | ((flags & O_TRUNC) != 0 ? 16 : 0) | ((flags & O_APPEND) != 0 ? 32 : 0);
        String s = flagNames[key];
        if (s == null) {
            List<String> names = new ArrayList<>();
            names.add(switch (flags & O_ACCMODE) { case O_WRONLY -> "O_WRONLY"; case O_RDWR -> "O_RDWR"; default -> "O_RDONLY"; });
            if ((flags & O_CREAT) != 0) names.add("O_CREAT");
            if ((flags & O_EXCL) != 0) names.add("O_EXCL");
            if ((flags & O_TRUNC) != 0) names.add("O_TRUNC");
            if ((flags & O_APPEND) != 0) names.add("O_APPEND");
            flagNames[key] = s = String.join("|", names);
        }
        return s;
    }

    /** A chmod mode as Falco prints it: S_ISUID|S_ISGID|S_ISVTX, then S_IRWXU or its bits, per class. */
    String modeNames(int mode) {
        int m = mode & 07777;
        String s = modeNames[m];
        if (s == null) {
            List<String> names = new ArrayList<>();
            if ((m & 04000) != 0) names.add("S_ISUID");
            if ((m & 02000) != 0) names.add("S_ISGID");
            if ((m & 01000) != 0) names.add("S_ISVTX");
            String[] cls = {"USR", "GRP", "OTH"}, whole = {"S_IRWXU", "S_IRWXG", "S_IRWXO"};
            for (int c = 0; c < 3; c++) {
                int bits = (m >> (6 - 3 * c)) & 7;
                if (bits == 7) names.add(whole[c]);
                else {
                    if ((bits & 4) != 0) names.add("S_IR" + cls[c]);
                    if ((bits & 2) != 0) names.add("S_IW" + cls[c]);
                    if ((bits & 1) != 0) names.add("S_IX" + cls[c]);
                }
            }
            modeNames[m] = s = String.join("|", names);
        }
        return s;
    }

    static String ptraceRequest(long request) {
        return switch ((int) request) {
            case 0 -> "PTRACE_TRACEME";
            case 1 -> "PTRACE_PEEKTEXT";
            case 2 -> "PTRACE_PEEKDATA";
            case 3 -> "PTRACE_PEEKUSR";
            case 4 -> "PTRACE_POKETEXT";
            case 5 -> "PTRACE_POKEDATA";
            case 6 -> "PTRACE_POKEUSR";
            case 7 -> "PTRACE_CONT";
            case 8 -> "PTRACE_KILL";
            case 9 -> "PTRACE_SINGLESTEP";
            case 12 -> "PTRACE_GETREGS";
            case 13 -> "PTRACE_SETREGS";
            case 16 -> "PTRACE_ATTACH";
            case 17 -> "PTRACE_DETACH";
            case 0x4206 -> "PTRACE_SEIZE";
            case 0x4207 -> "PTRACE_INTERRUPT";
            default -> Long.toString(request);
        };
    }

    private static final String[] BPF_CMDS = {"BPF_MAP_CREATE", "BPF_MAP_LOOKUP_ELEM", "BPF_MAP_UPDATE_ELEM", "BPF_MAP_DELETE_ELEM",
            "BPF_MAP_GET_NEXT_KEY", "BPF_PROG_LOAD", "BPF_OBJ_PIN", "BPF_OBJ_GET", "BPF_PROG_ATTACH", "BPF_PROG_DETACH", "BPF_PROG_TEST_RUN"};

    static String bpfCmd(long cmd) {
        return cmd >= 0 && cmd < BPF_CMDS.length ? BPF_CMDS[(int) cmd] : Long.toString(cmd);
    }
}
