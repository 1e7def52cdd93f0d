package dev.vigil.agent.policy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The policies in force, by name, persisted one file each ({@code NAME.yaml}) so a restarted
 * agent loads them again. Apply is atomic per document: it validates first, writes the file
 * (temp file, then rename), and only then replaces the policy in memory.
 */
public final class PolicyRegistry {
    private static final System.Logger LOG = System.getLogger(PolicyRegistry.class.getName());

    /** A policy in force: the parsed model, the text as applied and where it came from. */
    public record Applied(RuntimePolicy policy, String yaml, String sourceFile, Instant appliedAt) {
        public String name() {
            return policy.name();
        }
    }

    public record ApplyResult(Applied applied, boolean created) {}

    private final Path dir;
    private final Map<String, Applied> policies = new TreeMap<>();
    private final List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Runs after every apply and delete, so enforcement follows the policies in force. */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    private void changed() {
        for (Runnable l : listeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "applying the policies failed: " + e);
            }
        }
    }

    /** The policy documents in force. */
    public synchronized List<RuntimePolicy> policies() {
        return policies.values().stream().map(Applied::policy).toList();
    }

    private PolicyRegistry(Path dir) {
        this.dir = dir;
    }

    /** Loads every {@code *.yaml} in {@code dir} (created 0700 if missing); a bad file is logged and skipped. */
    public static PolicyRegistry load(Path dir) {
        PolicyRegistry r = new PolicyRegistry(dir);
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the policy directory " + dir, e);
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.yaml")) {
            for (Path f : files) {
                try {
                    RuntimePolicy p = PolicyParser.parse(Files.readString(f), f.toString());
                    if (!f.getFileName().toString().equals(p.name() + ".yaml")) {
                        LOG.log(System.Logger.Level.WARNING, "policy file " + f + " holds policy " + p.name() + "; skipped (file names are NAME.yaml)");
                        continue;
                    }
                    r.policies.put(p.name(), new Applied(p, Files.readString(f), f.toString(), Files.getLastModifiedTime(f).toInstant()));
                } catch (PolicyException e) {
                    LOG.log(System.Logger.Level.WARNING, "skipping policy file: " + e.getMessage());
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "skipping policy file " + f + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the policy directory " + dir, e);
        }
        LOG.log(System.Logger.Level.INFO, "policies loaded from " + dir + ": " + r.policies.keySet());
        return r;
    }

    /** Validates, persists, then puts the policy in force; on any failure the previous one stays. */
    public synchronized ApplyResult apply(String yaml, String sourceFile) {
        RuntimePolicy p = PolicyParser.parse(yaml, sourceFile);
        Path target = dir.resolve(p.name() + ".yaml");
        Path tmp = dir.resolve("." + p.name() + ".yaml.tmp");
        try {
            Files.writeString(tmp, yaml);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the temp file is hidden and replaced on the next apply
            }
            throw new UncheckedIOException("cannot persist policy " + p.name() + " to " + target + ": " + e.getMessage(), e);
        }
        Applied a = new Applied(p, yaml, sourceFile == null ? "" : sourceFile, Instant.now());
        boolean created = policies.put(p.name(), a) == null;
        LOG.log(System.Logger.Level.INFO, (created ? "policy applied: " : "policy replaced: ") + p.name() + " from " + a.sourceFile());
        changed();
        return new ApplyResult(a, created);
    }

    public synchronized List<Applied> list() {
        return new ArrayList<>(policies.values());
    }

    public synchronized Optional<Applied> get(String name) {
        return Optional.ofNullable(policies.get(name));
    }

    /** False when there was no such policy. */
    public synchronized boolean delete(String name) {
        if (!policies.containsKey(name)) return false;
        try {
            Files.deleteIfExists(dir.resolve(name + ".yaml"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the file of policy " + name + ": " + e.getMessage(), e);
        }
        policies.remove(name);
        LOG.log(System.Logger.Level.INFO, "policy deleted: " + name);
        changed();
        return true;
    }
}
