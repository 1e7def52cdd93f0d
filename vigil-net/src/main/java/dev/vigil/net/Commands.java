package dev.vigil.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs iproute2 and nsenter, which do what libbpf 1.1 has no API for (qdiscs, classes, link listing). */
final class Commands {
    private Commands() {}

    record Result(int exit, String output) {}

    static Result run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " timed out");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(String.join(" ", cmd), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", cmd), e);
        }
    }

    static String check(List<String> cmd) {
        Result r = run(cmd);
        if (r.exit() != 0) throw new IllegalStateException(String.join(" ", cmd) + " exited " + r.exit() + ": " + r.output().strip());
        return r.output();
    }
}
