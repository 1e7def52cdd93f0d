package dev.vigil.containers;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises containers in cgroup paths (the path part of a {@code /proc/<pid>/cgroup} line,
 * v1 or v2) by the naming schemes runtimes use:
 *
 * <pre>
 * /system.slice/docker-&lt;id&gt;.scope                       docker, systemd driver
 * /docker/&lt;id&gt;                                          docker, cgroupfs driver
 * /actions_job/&lt;id&gt;                                     docker under a GitHub Actions runner
 * /libpod_parent/libpod-&lt;id&gt;                            podman, cgroupfs manager
 * /machine.slice/libpod-&lt;id&gt;.scope                      podman, systemd manager
 * /kubepods/besteffort/pod&lt;uid&gt;/&lt;id&gt;                   kubelet cgroupfs driver
 * /kubepods.slice/kubepods-burstable.slice/
 *     kubepods-burstable-pod&lt;uid_with_underscores&gt;.slice/cri-containerd-&lt;id&gt;.scope
 * .../crio-&lt;id&gt;.scope                                   CRI-O
 * </pre>
 *
 * Monitor processes ({@code libpod-conmon-<id>}, {@code crio-conmon-<id>}) are not the
 * container and do not match. When ids nest (a runtime inside a container) the outermost one
 * wins, because that is the container the host's runtime knows about.
 */
public final class CgroupPaths {

    private static final String HEX64 = "([0-9a-f]{64})";
    private static final Pattern BARE_ID = Pattern.compile(HEX64);
    private static final Pattern DOCKER_SCOPE = Pattern.compile("docker-" + HEX64 + "\\.scope");
    private static final Pattern LIBPOD = Pattern.compile("libpod-" + HEX64 + "(?:\\.scope)?");
    private static final Pattern CRI_CONTAINERD = Pattern.compile("cri-containerd-" + HEX64 + "(?:\\.scope)?");
    private static final Pattern CRIO = Pattern.compile("crio-" + HEX64 + "(?:\\.scope)?");
    // Pod uids are UUIDs, except static pods whose uid is a 32-hex config hash.
    private static final Pattern POD_CGROUPFS = Pattern.compile("pod([0-9a-f][0-9a-f-]{7,})");
    private static final Pattern POD_SYSTEMD = Pattern.compile("kubepods(?:-[a-z]+)?-pod([0-9a-f][0-9a-f_]{7,})\\.slice");

    private CgroupPaths() {
    }

    public static Optional<CgroupMatch> parse(String path) {
        if (path == null || path.isEmpty()) {
            return Optional.empty();
        }
        String[] segments = path.split("/");
        List<String> seen = new ArrayList<>();
        boolean underKubepods = false;
        String podUid = null;
        for (String segment : segments) {
            if (segment.isEmpty()) {
                continue;
            }
            String parent = seen.isEmpty() ? "" : seen.getLast();
            seen.add(segment);
            if (segment.startsWith("kubepods")) {
                underKubepods = true;
            }
            if (underKubepods && podUid == null) {
                podUid = podUid(segment);
                if (podUid != null) {
                    continue;
                }
            }
            String runtime = null;
            String id = null;
            Matcher m;
            if ((m = DOCKER_SCOPE.matcher(segment)).matches()) {
                runtime = Runtimes.DOCKER;
                id = m.group(1);
            } else if ((m = LIBPOD.matcher(segment)).matches()) {
                runtime = Runtimes.PODMAN;
                id = m.group(1);
            } else if ((m = CRI_CONTAINERD.matcher(segment)).matches()) {
                runtime = Runtimes.CONTAINERD;
                id = m.group(1);
            } else if ((m = CRIO.matcher(segment)).matches()) {
                runtime = Runtimes.CRIO;
                id = m.group(1);
            } else if (BARE_ID.matcher(segment).matches()) {
                runtime = bareIdRuntime(parent, underKubepods && podUid != null);
                id = segment;
            }
            if (id != null && runtime != null) {
                return Optional.of(new CgroupMatch(runtime, id, podUid, "/" + String.join("/", seen)));
            }
        }
        return Optional.empty();
    }

    /** True if {@code path} is {@code ancestor} or lies below it. */
    public static boolean isSameOrBelow(String path, String ancestor) {
        if (path == null || ancestor == null) {
            return false;
        }
        if (ancestor.equals("/")) {
            return path.startsWith("/");
        }
        return path.equals(ancestor) || (path.startsWith(ancestor) && path.charAt(ancestor.length()) == '/');
    }

    private static String podUid(String segment) {
        Matcher m = POD_CGROUPFS.matcher(segment);
        if (m.matches()) {
            return m.group(1);
        }
        m = POD_SYSTEMD.matcher(segment);
        if (m.matches()) {
            // systemd slice names cannot hold '-' inside a unit component, so kubelet swaps them.
            return m.group(1).replace('_', '-');
        }
        return null;
    }

    /**
     * A bare 64-hex segment is only a container under parents known to hold containers; a
     * random hex-named cgroup elsewhere is not evidence of one.
     */
    private static String bareIdRuntime(String parent, boolean inPod) {
        if (parent.equals("docker") || parent.equals("actions_job")) {
            return Runtimes.DOCKER;
        }
        if (inPod) {
            // kubelet's cgroupfs driver: CRI-O prefixes "crio-", dockershim is gone since
            // Kubernetes 1.24, so a bare id in a pod is containerd (or cri-dockerd, rarely).
            return Runtimes.CONTAINERD;
        }
        return null;
    }
}
