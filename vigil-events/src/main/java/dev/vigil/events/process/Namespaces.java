package dev.vigil.events.process;

/** Namespace inode numbers, as {@code readlink /proc/<pid>/ns/*} shows them. */
public record Namespaces(long pid, long mnt, long net) {
    public static final Namespaces UNKNOWN = new Namespaces(0, 0, 0);
}
