package dev.vigil.containers;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * What a source's watch thread shares with every other: the callbacks it reports to, called so
 * that a callback that throws is logged and cannot end the watch, and the reconnect loop with
 * exponential backoff that tells the status listener once per change between connected and lost.
 */
public final class WatchCallbacks {
    private static final System.Logger LOG = System.getLogger(WatchCallbacks.class.getName());

    /** One connection of a feed: returns or throws only when that connection ends. */
    @FunctionalInterface
    public interface Connection {
        void follow() throws Exception;
    }

    private final Consumer<RuntimeEvent> listener;
    private final ContainerSource.WatchStatus status;
    /** null until the first attempt; then whether we last told the listener "connected". Watch thread only. */
    private Boolean reportedConnected;

    public WatchCallbacks(Consumer<RuntimeEvent> listener, ContainerSource.WatchStatus status) {
        this.listener = listener;
        this.status = status;
    }

    public void deliver(RuntimeEvent event) {
        try {
            listener.accept(event);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "container event listener failed on " + event, e);
        }
    }

    /** The runtime answers: said to the status listener every time, so it can resynchronize. */
    public void connected() {
        reportedConnected = true;
        notifyStatus(true, null);
    }

    /**
     * Follows connection after connection until {@code closed}, waiting between attempts from
     * {@code min} doubling to {@code max}; the wait starts over after a connection that was up.
     * An Error stops the feed, logged.
     */
    public void runReconnecting(String feed, Duration min, Duration max, BooleanSupplier closed, Connection connection) {
        long backoff = min.toMillis();
        while (!closed.getAsBoolean()) {
            try {
                connection.follow();
            } catch (Exception e) {
                if (closed.getAsBoolean()) {
                    break;
                }
                if (!Boolean.FALSE.equals(reportedConnected)) {
                    LOG.log(Level.WARNING, "{0} lost: {1}; reconnecting", feed, e.toString());
                    reportedConnected = false;
                    notifyStatus(false, e);
                    backoff = min.toMillis();
                }
            } catch (Throwable t) {
                // Errors (OOM, assertion) stop the feed; still log rather than die silently.
                LOG.log(Level.ERROR, feed + " stopped", t);
                return;
            }
            if (closed.getAsBoolean()) {
                break;
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                // only close() interrupts; the loop condition sees it
            }
            backoff = Math.min(backoff * 2, max.toMillis());
        }
    }

    private void notifyStatus(boolean up, Exception cause) {
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
