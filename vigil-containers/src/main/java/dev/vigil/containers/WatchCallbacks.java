package dev.vigil.containers;

import java.lang.System.Logger.Level;
import java.util.function.Consumer;

/**
 * The callbacks a source's watch thread reports to, called so that a callback that throws is
 * logged and cannot end the watch: the thread outlives any one bad listener.
 */
public record WatchCallbacks(Consumer<RuntimeEvent> listener, ContainerSource.WatchStatus status) {
    private static final System.Logger LOG = System.getLogger(WatchCallbacks.class.getName());

    public void deliver(RuntimeEvent event) {
        try {
            listener.accept(event);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "container event listener failed on " + event, e);
        }
    }

    public void notifyStatus(boolean up, Exception cause) {
        try {
            if (up) {
                status.connected();
            } else {
                status.disconnected(cause);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "watch status listener failed", e);
        }
    }
}
