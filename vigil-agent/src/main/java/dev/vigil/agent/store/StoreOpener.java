package dev.vigil.agent.store;

import dev.vigil.agent.config.AgentConfig;
import dev.vigil.store.EventStore;
import dev.vigil.store.Retention;
import dev.vigil.store.SqliteEventStore;

import java.nio.file.Path;
import java.time.Duration;

/** Opens the configured store; a store that cannot open degrades to unavailable, never stopping the agent. */
public final class StoreOpener {
    private static final System.Logger LOG = System.getLogger(StoreOpener.class.getName());

    private StoreOpener() {}

    public static EventStore open(AgentConfig.StoreConfig config) {
        try {
            EventStore store = SqliteEventStore.open(Path.of(config.path()), new Retention(Duration.ofDays(config.maxAgeDays()), config.maxBytes()));
            if (!store.health().available()) {
                LOG.log(System.Logger.Level.WARNING, "event store " + config.path() + " unavailable: " + store.health().reason());
            }
            return store;
        } catch (RuntimeException | LinkageError e) {
            // The store is for queries after the fact; events still stream without it.
            LOG.log(System.Logger.Level.WARNING, "event store " + config.path() + " unavailable: " + e);
            return new UnavailableStore(String.valueOf(e.getMessage()));
        }
    }
}
