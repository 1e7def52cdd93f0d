package dev.vigil.containers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Real podman for tests: containers from the local busybox image, tracked so that every one
 * is removed in teardown, and the Docker-compatible API service on a private socket.
 */
public final class Podman implements AutoCloseable {

    public static final String IMAGE = "localhost/vigil-test/busybox:latest";
    private final Set<String> created = ConcurrentHashMap.newKeySet();
    private final String prefix = "vt-" + UUID.randomUUID().toString().substring(0, 8) + "-";

    /** Builds the test image with the project script if it is missing. */
    public static void ensureImage() throws IOException, InterruptedException {
        if (exec(List.of("podman", "image", "exists", IMAGE), Duration.ofSeconds(30)).exit() == 0) {
            return;
        }
        // Tests run with a module directory as working directory; the script is at the root.
        Path script = Path.of("").toAbsolutePath().resolve("../scripts/test-images.sh").normalize();
        Result r = exec(List.of("bash", script.toString()), Duration.ofMinutes(2));
        if (r.exit() != 0) {
            throw new IllegalStateException("test-images.sh failed: " + r.output());
        }
    }

    public String name(String role) {
        return prefix + role;
    }

    /** podman --runtime runc run -d ...; returns the full id. */
    public String runDetached(String role, String... args) throws IOException, InterruptedException {
        String name = name(role);
        created.add(name);
        List<String> cmd = new ArrayList<>(List.of("run", "-d", "--name", name));
        cmd.addAll(List.of(args));
        return podman(cmd.toArray(String[]::new));
    }

    /** A container that runs to completion and is removed by podman itself. */
    public void runToCompletion(String role, String... args) throws IOException, InterruptedException {
        String name = name(role);
        created.add(name);
        List<String> cmd = new ArrayList<>(List.of("run", "--rm", "--name", name));
        cmd.addAll(List.of(args));
        podman(cmd.toArray(String[]::new));
    }

    public int pid(String role) throws IOException, InterruptedException {
        return Integer.parseInt(podman("inspect", "-f", "{{.State.Pid}}", name(role)));
    }

    public void remove(String role) throws IOException, InterruptedException {
        podman("rm", "-f", "-t", "0", name(role));
        created.remove(name(role));
    }

    public static String podman(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("podman", "--runtime", "runc"));
        cmd.addAll(List.of(args));
        Result r = exec(cmd, Duration.ofSeconds(60));
        if (r.exit() != 0) {
            throw new IOException(String.join(" ", cmd) + " exited " + r.exit() + ": " + r.output());
        }
        return r.output().strip();
    }

    public record Result(int exit, String output) {
    }

    public static Result exec(List<String> cmd, Duration timeout) throws IOException, InterruptedException {
        Path out = Files.createTempFile("vigil-podman", ".out");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " timed out");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Removes every container this instance created, whatever state it is in. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (created.isEmpty()) {
            return;
        }
        List<String> cmd = new ArrayList<>(List.of("podman", "rm", "-f", "-t", "0", "--ignore"));
        cmd.addAll(created);
        exec(cmd, Duration.ofSeconds(120));
        created.clear();
    }

    /** {@code podman system service} serving the Docker API on a unix socket. */
    public static final class Service implements AutoCloseable {
        private final Path socket;
        private final Path log;
        private Process process;

        public Service(Path socket) throws IOException {
            this.socket = socket;
            this.log = Files.createTempFile("vigil-podman-service", ".log");
        }

        public Path socket() {
            return socket;
        }

        public Service start() throws IOException, InterruptedException {
            Files.deleteIfExists(socket);
            process = new ProcessBuilder("podman", "system", "service", "--time=0", "unix://" + socket)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            DockerApiSource probe = new DockerApiSource(socket);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!probe.ping()) {
                if (!process.isAlive() || System.nanoTime() > until) {
                    throw new IllegalStateException("podman system service did not come up: " + Files.readString(log));
                }
                Thread.sleep(50);
            }
            return this;
        }

        /** Kills the service the hard way, as a crashing runtime would go. */
        public void kill() throws InterruptedException, IOException {
            if (process == null) {
                return;
            }
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            process = null;
            Files.deleteIfExists(socket);
        }

        @Override
        public void close() throws InterruptedException, IOException {
            if (process != null) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    kill();
                }
                process = null;
            }
            Files.deleteIfExists(socket);
            Files.deleteIfExists(log);
        }
    }
}
