package dev.vigil.containers.cri;

import dev.vigil.containers.ContainerSource;
import dev.vigil.containers.PodInfo;
import dev.vigil.containers.RuntimeEvent;
import dev.vigil.containers.cri.v1.PodSandboxMetadata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** Containers, verbose info documents and helpers shared by the CRI tests. */
final class CriFixtures {

    static final String ID = "3f1c9e2a7b4d5e6f80912a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f";
    static final String ID2 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    static final String ID3 = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
    static final String SANDBOX = "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a";
    static final String SANDBOX2 = "6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b";
    static final String UID = "2c1f0b6e-8a4d-4c5e-9f7a-1b2c3d4e5f60";
    static final String UID2 = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a";

    private CriFixtures() {
    }

    /** The labels the kubelet puts on every container it creates. */
    static Map<String, String> kubeletLabels(String pod, String namespace, String uid, String container) {
        return Map.of(PodInfo.LABEL_NAME, pod, PodInfo.LABEL_NAMESPACE, namespace, PodInfo.LABEL_UID, uid,
                "io.kubernetes.container.name", container);
    }

    static PodSandboxMetadata sandbox(String name, String namespace, String uid) {
        return PodSandboxMetadata.newBuilder().setName(name).setNamespace(namespace).setUid(uid).setAttempt(0).build();
    }

    /**
     * containerd's verbose info: the CRI config it was created with and the OCI spec. A risky
     * pod: privileged, host PID, NET_ADMIN asked for and SYS_PTRACE in the spec, a custom
     * seccomp profile, read-only root, uid 1000; its network and IPC are the pod's.
     */
    static String containerdInfo(int pid) {
        return """
                {
                  "sandboxID": "%s",
                  "pid": %d,
                  "removing": false,
                  "snapshotter": "overlayfs",
                  "runtimeType": "io.containerd.runc.v2",
                  "config": {
                    "metadata": {"name": "web"},
                    "image": {"image": "sha256:cdcd"},
                    "linux": {
                      "security_context": {
                        "privileged": true,
                        "capabilities": {"add_capabilities": ["NET_ADMIN"]},
                        "namespace_options": {"pid": 2},
                        "run_as_user": {"value": 1000},
                        "readonly_rootfs": true,
                        "seccomp": {"profile_type": 2, "localhost_ref": "/var/lib/kubelet/seccomp/audit.json"}
                      }
                    }
                  },
                  "runtimeSpec": {
                    "ociVersion": "1.1.0",
                    "process": {
                      "user": {"uid": 1000, "gid": 3000},
                      "capabilities": {"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_ADMIN", "CAP_SYS_PTRACE"]}
                    },
                    "root": {"path": "rootfs", "readonly": true},
                    "mounts": [
                      {"destination": "/proc", "type": "proc", "source": "proc"},
                      {"destination": "/etc/hosts", "type": "bind", "source": "/var/lib/kubelet/pods/x/etc-hosts",
                       "options": ["rbind", "rprivate", "rw"]}
                    ],
                    "linux": {
                      "namespaces": [
                        {"type": "ipc", "path": "/proc/100/ns/ipc"},
                        {"type": "uts", "path": "/proc/100/ns/uts"},
                        {"type": "mount"},
                        {"type": "network", "path": "/proc/100/ns/net"}
                      ],
                      "seccomp": {"defaultAction": "SCMP_ACT_ERRNO"}
                    }
                  }
                }
                """.formatted(SANDBOX, pid);
    }

    /**
     * CRI-O's verbose info: a "privileged" flag and the OCI spec, no CRI config. Host network
     * (no network namespace of its own), no seccomp section, root, one read-only bind mount.
     */
    static String crioInfo(int pid) {
        return """
                {
                  "sandboxID": "%s",
                  "pid": %d,
                  "privileged": false,
                  "runtimeSpec": {
                    "process": {"user": {"uid": 0, "gid": 0}, "capabilities": {"bounding": ["CAP_CHOWN", "CAP_KILL"]}},
                    "root": {"path": "/var/lib/containers/storage/overlay/x/merged"},
                    "mounts": [
                      {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid"]},
                      {"destination": "/data", "type": "bind", "source": "/srv/data", "options": ["rbind", "ro"]}
                    ],
                    "linux": {"namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "mount"}]}
                  }
                }
                """.formatted(SANDBOX2, pid);
    }

    /** A fake /proc entry putting {@code pid} in the container's systemd scope; returns the cgroup path. */
    static String procInContainer(Path proc, Path cgroupRoot, int pid, String podUid, String id) throws IOException {
        String cgroup = "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + podUid.replace('-', '_')
                + ".slice/cri-containerd-" + id + ".scope";
        Path dir = Files.createDirectories(proc.resolve(Integer.toString(pid)));
        Files.writeString(dir.resolve("cgroup"), "0::" + cgroup + "\n");
        Files.createDirectories(cgroupRoot.resolve(cgroup.substring(1)));
        return cgroup;
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    /** Records a watch: "connected", "disconnected" and "START id" lines, in order. */
    static final class Recorder implements Consumer<RuntimeEvent>, ContainerSource.WatchStatus {
        final BlockingQueue<String> log = new LinkedBlockingQueue<>();
        final List<RuntimeEvent> events = new CopyOnWriteArrayList<>();

        @Override
        public void accept(RuntimeEvent e) {
            events.add(e);
            log.add(e.kind() + " " + e.id());
        }

        @Override
        public void connected() {
            log.add("connected");
        }

        @Override
        public void disconnected(Exception cause) {
            log.add("disconnected");
        }

        /** The next line, which must be {@code expected}. */
        void expect(String expected) throws InterruptedException {
            expect(expected, Duration.ofSeconds(5));
        }

        void expect(String expected, Duration within) throws InterruptedException {
            String next = log.poll(within.toNanos(), TimeUnit.NANOSECONDS);
            if (!expected.equals(next)) {
                throw new AssertionError("expected \"" + expected + "\" but got \"" + next + "\"; then " + log);
            }
        }
    }
}
