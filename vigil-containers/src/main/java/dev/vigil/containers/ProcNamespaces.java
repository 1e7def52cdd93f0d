package dev.vigil.containers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Namespace identity from /proc/&lt;pid&gt;/ns links ("ipc:[4026531839]"). Runtimes do not always
 * report host namespace sharing faithfully (Podman 4.3's Docker API says "shareable" for
 * {@code --ipc host}), so the agent checks what the kernel says: a container whose namespace
 * is the agent's own shares the host's, since the agent runs in the host namespaces.
 */
final class ProcNamespaces {

    private ProcNamespaces() {
    }

    /** True only if both links can be read and name the same namespace. */
    static boolean sharesWithSelf(Path procRoot, int pid, String type) {
        try {
            Path theirs = Files.readSymbolicLink(procRoot.resolve(Integer.toString(pid)).resolve("ns").resolve(type));
            Path ours = Files.readSymbolicLink(procRoot.resolve("self").resolve("ns").resolve(type));
            return theirs.equals(ours);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** The inode of /proc/&lt;pid&gt;/ns/&lt;type&gt; ("mnt:[4026532451]" gives 4026532451), or 0 when unreadable. */
    static long inode(Path procRoot, int pid, String type) {
        return inode(procRoot, Integer.toString(pid), type);
    }

    /** As {@link #inode(Path, int, String)}, for a /proc entry by name ("self"). */
    static long inode(Path procRoot, String process, String type) {
        try {
            String link = Files.readSymbolicLink(procRoot.resolve(process).resolve("ns").resolve(type)).toString();
            int open = link.indexOf('['), close = link.indexOf(']');
            return open < 0 || close < open ? 0 : Long.parseLong(link.substring(open + 1, close));
        } catch (IOException | UnsupportedOperationException | NumberFormatException e) {
            return 0;
        }
    }

    /** The configuration with host namespace flags the kernel proves but the runtime omitted. */
    static ContainerConfig withObservedHostNamespaces(ContainerConfig c, Path procRoot, int pid) {
        if (c == null || pid <= 0) {
            return c;
        }
        boolean hostPid = c.hostPid() || sharesWithSelf(procRoot, pid, "pid");
        boolean hostNet = c.hostNet() || sharesWithSelf(procRoot, pid, "net");
        boolean hostIpc = c.hostIpc() || sharesWithSelf(procRoot, pid, "ipc");
        if (hostPid == c.hostPid() && hostNet == c.hostNet() && hostIpc == c.hostIpc()) {
            return c;
        }
        return new ContainerConfig(c.privileged(), c.capAdd(), hostPid, hostNet, hostIpc, c.mounts(), c.user(),
                c.readonlyRootfs(), c.seccompProfile(), c.networkMode());
    }
}
