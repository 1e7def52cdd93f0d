package dev.vigil.kernel.probe;

import dev.vigil.kernel.BpfException;
import dev.vigil.kernel.BpfLink;
import dev.vigil.kernel.BpfObject;
import dev.vigil.kernel.BpfSupport;
import dev.vigil.kernel.Errno;
import dev.vigil.kernel.Filesystems;
import dev.vigil.kernel.LibbpfLog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * Finds out what this kernel allows by trying it: each probe loads (and where loading proves
 * nothing, attaches) a trivial program from probe.bpf.o. Kernel versions and config files lie
 * less often than they are missing, but a refused load never lies.
 */
public final class KernelFeatures {
    private static final String PROBE_OBJECT = "probe";
    // enum bpf_map_type / bpf_prog_type / bpf_func_id values from uapi/linux/bpf.h
    private static final int MAP_RINGBUF = 27, PROG_SCHED_CLS = 3, PROG_CGROUP_SOCK_ADDR = 18, PROG_TRACEPOINT = 5;
    private static final int FUNC_SEND_SIGNAL = 109, FUNC_LOOP = 181;

    private final Map<Feature, FeatureStatus> results;

    private KernelFeatures(Map<Feature, FeatureStatus> results) {
        this.results = Collections.unmodifiableMap(results);
    }

    /** Probes every feature once. Needs root. Mounts bpffs and tracefs when missing. */
    public static KernelFeatures probe() {
        Map<Feature, FeatureStatus> r = new EnumMap<>(Feature.class);
        mountQuietly(Filesystems.BPFFS, "bpf");
        mountQuietly(Filesystems.TRACEFS, "tracefs");
        Path vmlinux = Path.of("/sys/kernel/btf/vmlinux");
        r.put(Feature.BTF, Files.isReadable(vmlinux)
                ? FeatureStatus.yes(Feature.BTF, vmlinux.toString())
                : FeatureStatus.no(Feature.BTF, vmlinux + " is missing: the kernel was built without CONFIG_DEBUG_INFO_BTF"));
        r.put(Feature.RINGBUF, typeProbe(Feature.RINGBUF, BpfSupport.mapType(MAP_RINGBUF), "map type BPF_MAP_TYPE_RINGBUF"));
        r.put(Feature.TP_BTF, loadProbe(Feature.TP_BTF, "probe_tp_btf", false));
        r.put(Feature.BPF_LOOP, typeProbe(Feature.BPF_LOOP, BpfSupport.helper(PROG_TRACEPOINT, FUNC_LOOP), "helper bpf_loop"));
        r.put(Feature.BPF_LSM, lsmProbe());
        r.put(Feature.FENTRY, loadProbe(Feature.FENTRY, "probe_fentry", false));
        r.put(Feature.KPROBES, loadProbe(Feature.KPROBES, "probe_kprobe", true));
        r.put(Feature.SEND_SIGNAL, typeProbe(Feature.SEND_SIGNAL, BpfSupport.helper(PROG_TRACEPOINT, FUNC_SEND_SIGNAL), "helper bpf_send_signal"));
        r.put(Feature.CGROUP_V2, cgroupProbe());
        r.put(Feature.TC, typeProbe(Feature.TC, BpfSupport.progType(PROG_SCHED_CLS), "program type BPF_PROG_TYPE_SCHED_CLS"));
        return new KernelFeatures(r);
    }

    public boolean has(Feature f) {
        return results.get(f).available();
    }

    public FeatureStatus status(Feature f) {
        return results.get(f);
    }

    public Map<Feature, FeatureStatus> all() {
        return results;
    }

    private static void mountQuietly(Path where, String type) {
        try {
            Filesystems.ensureMounted(where, type);
        } catch (BpfException e) {
            System.getLogger(KernelFeatures.class.getName()).log(System.Logger.Level.WARNING, e.getMessage());
        }
    }

    private static FeatureStatus typeProbe(Feature f, int result, String what) {
        if (result == 1) return FeatureStatus.yes(f, what + " supported");
        if (result == 0) return FeatureStatus.no(f, what + " not supported by this kernel");
        return FeatureStatus.no(f, what + " could not be probed: " + Errno.describe(-result));
    }

    private static FeatureStatus loadProbe(Feature f, String program, boolean mustAttach) {
        return LibbpfLog.expectingFailure(() -> tryProbe(f, program, mustAttach));
    }

    private static FeatureStatus tryProbe(Feature f, String program, boolean mustAttach) {
        try (BpfObject obj = BpfObject.openResource(PROBE_OBJECT)) {
            for (var p : obj.programs()) p.setAutoload(p.name().equals(program));
            try {
                obj.load();
            } catch (BpfException e) {
                return FeatureStatus.no(f, "loading " + obj.program(program).section() + " refused: " + Errno.describe(e.errno()));
            }
            if (!mustAttach) return FeatureStatus.yes(f, "loaded " + obj.program(program).section());
            try (BpfLink ignored = obj.program(program).attach()) {
                return FeatureStatus.yes(f, "attached " + obj.program(program).section());
            } catch (BpfException e) {
                return FeatureStatus.no(f, "attaching " + obj.program(program).section() + " refused: " + Errno.describe(e.errno()));
            }
        }
    }

    private static FeatureStatus lsmProbe() {
        String active;
        try {
            active = Files.readString(Filesystems.SECURITYFS.resolve("lsm")).trim();
        } catch (IOException e) {
            mountQuietly(Filesystems.SECURITYFS, "securityfs");
            try {
                active = Files.readString(Filesystems.SECURITYFS.resolve("lsm")).trim();
            } catch (IOException again) {
                active = null;
            }
        }
        FeatureStatus load = loadProbe(Feature.BPF_LSM, "probe_lsm", false);
        if (!load.available()) {
            return FeatureStatus.no(Feature.BPF_LSM, load.detail() + (active == null ? "" : "; active LSMs: " + active));
        }
        // A kernel with CONFIG_BPF_LSM but without bpf in lsm= loads and attaches LSM programs that never run.
        if (active == null) return FeatureStatus.no(Feature.BPF_LSM, "LSM program loads, but the active LSM list is unreadable");
        if (!java.util.List.of(active.split(",")).contains("bpf")) {
            return FeatureStatus.no(Feature.BPF_LSM, "LSM program loads but bpf is not an active LSM (" + active + "); boot with lsm=" + active + ",bpf");
        }
        return FeatureStatus.yes(Feature.BPF_LSM, "LSM program loads; active LSMs: " + active);
    }

    private static FeatureStatus cgroupProbe() {
        var root = Filesystems.cgroup2Root();
        if (root.isEmpty()) return FeatureStatus.no(Feature.CGROUP_V2, "no cgroup2 filesystem is mounted");
        int t = BpfSupport.progType(PROG_CGROUP_SOCK_ADDR);
        if (t != 1) return typeProbe(Feature.CGROUP_V2, t, "program type BPF_PROG_TYPE_CGROUP_SOCK_ADDR");
        return FeatureStatus.yes(Feature.CGROUP_V2, "cgroup2 at " + root.get());
    }

    /** For tests: a result set as given. */
    public static KernelFeatures of(Map<Feature, FeatureStatus> results) {
        return new KernelFeatures(new EnumMap<>(results));
    }
}
