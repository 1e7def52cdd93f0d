package dev.vigil.agent.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The agent's configuration; default-config.yaml documents every key. */
public record AgentConfig(
        @JsonProperty("node") String node,
        @JsonProperty("output") Output output,
        @JsonProperty("ringBuffer") RingBufferConfig ringBuffer,
        @JsonProperty("processCache") ProcessCacheConfig processCache,
        @JsonProperty("containers") ContainersConfig containers) {

    public record Output(@JsonProperty("path") String path, @JsonProperty("format") Format format) {}

    public enum Format {
        @JsonProperty("json") JSON,
        @JsonProperty("compact") COMPACT
    }

    public record RingBufferConfig(
            @JsonProperty("sizeBytes") Integer sizeBytes,
            @JsonProperty("wakeupBytes") Integer wakeupBytes,
            @JsonProperty("pollMillis") Integer pollMillis) {}

    public record ProcessCacheConfig(
            @JsonProperty("maxEntries") Integer maxEntries,
            @JsonProperty("exitedGraceSeconds") Integer exitedGraceSeconds) {}

    public record ContainersConfig(
            @JsonProperty("runtimeSocket") String runtimeSocket,
            @JsonProperty("graceSeconds") Integer graceSeconds,
            @JsonProperty("maxEntries") Integer maxEntries) {}

    /** Rejects values the kernel or the agent cannot work with, naming the key. */
    public AgentConfig validate() {
        int size = ringBuffer.sizeBytes();
        if (size < 4096 || Integer.bitCount(size) != 1) {
            throw new ConfigException("ringBuffer.sizeBytes must be a power of two of at least 4096, not " + size);
        }
        if (ringBuffer.wakeupBytes() < 0 || ringBuffer.wakeupBytes() > size) {
            throw new ConfigException("ringBuffer.wakeupBytes must be between 0 and ringBuffer.sizeBytes, not " + ringBuffer.wakeupBytes());
        }
        if (ringBuffer.pollMillis() < 1 || ringBuffer.pollMillis() > 1000) {
            throw new ConfigException("ringBuffer.pollMillis must be between 1 and 1000, not " + ringBuffer.pollMillis());
        }
        if (processCache.maxEntries() < 1024) throw new ConfigException("processCache.maxEntries must be at least 1024");
        if (processCache.exitedGraceSeconds() < 0) throw new ConfigException("processCache.exitedGraceSeconds must not be negative");
        if (containers.graceSeconds() < 0) throw new ConfigException("containers.graceSeconds must not be negative");
        if (containers.maxEntries() < 16) throw new ConfigException("containers.maxEntries must be at least 16");
        return this;
    }
}
